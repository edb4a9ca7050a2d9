import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface GroupFrame {
  post?: GroupPost
  ack?: GroupAck
  syncRequest?: SyncRequest
  syncBatch?: SyncBatch
}

export namespace GroupFrame {
  let _codec: Codec<GroupFrame>

  export const codec = (): Codec<GroupFrame> => {
    if (_codec == null) {
      _codec = message<GroupFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.post != null) {
          w.uint32(10)
          GroupPost.codec().encode(obj.post, w)
        }

        if (obj.ack != null) {
          w.uint32(18)
          GroupAck.codec().encode(obj.ack, w)
        }

        if (obj.syncRequest != null) {
          w.uint32(26)
          SyncRequest.codec().encode(obj.syncRequest, w)
        }

        if (obj.syncBatch != null) {
          w.uint32(34)
          SyncBatch.codec().encode(obj.syncBatch, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.post = GroupPost.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.post
              })
              break
            }
            case 2: {
              obj.ack = GroupAck.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ack
              })
              break
            }
            case 3: {
              obj.syncRequest = SyncRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.syncRequest
              })
              break
            }
            case 4: {
              obj.syncBatch = SyncBatch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.syncBatch
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * GroupPost.codec().stream(reader, reader.uint32(), `${prefix}.post`, {
                limits: opts.limits?.post
              })

              break
            }
            case 2: {
              yield * GroupAck.codec().stream(reader, reader.uint32(), `${prefix}.ack`, {
                limits: opts.limits?.ack
              })

              break
            }
            case 3: {
              yield * SyncRequest.codec().stream(reader, reader.uint32(), `${prefix}.syncRequest`, {
                limits: opts.limits?.syncRequest
              })

              break
            }
            case 4: {
              yield * SyncBatch.codec().stream(reader, reader.uint32(), `${prefix}.syncBatch`, {
                limits: opts.limits?.syncBatch
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupFramePostContentGroupIdFieldEvent {
    field: '$.post.content.groupId'
    value: string
  }

  export interface GroupFramePostContentAuthorFieldEvent {
    field: '$.post.content.author'
    value: string
  }

  export interface GroupFramePostContentAuthorPeerIdFieldEvent {
    field: '$.post.content.authorPeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupFramePostContentSeqFieldEvent {
    field: '$.post.content.seq'
    value: number
  }

  export interface GroupFramePostContentMessageIdFieldEvent {
    field: '$.post.content.messageId'
    value: string
  }

  export interface GroupFramePostContentSentAtFieldEvent {
    field: '$.post.content.sentAt'
    value: number
  }

  export interface GroupFramePostContentTextFieldEvent {
    field: '$.post.content.text'
    value: string
  }

  export interface GroupFramePostSignatureFieldEvent {
    field: '$.post.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupFrameAckMessageIdFieldEvent {
    field: '$.ack.messageId'
    value: string
  }

  export interface GroupFrameAckErrorFieldEvent {
    field: '$.ack.error'
    value: string
  }

  export interface GroupFrameSyncRequestIdFieldEvent {
    field: '$.syncRequest.id'
    value: number
  }

  export interface GroupFrameSyncRequestGroupIdFieldEvent {
    field: '$.syncRequest.groupId'
    value: string
  }

  export interface GroupFrameSyncRequestHaveAuthorFieldEvent {
    field: '$.syncRequest.have[].author'
    value: string
    index: number
  }

  export interface GroupFrameSyncRequestHaveSeqFieldEvent {
    field: '$.syncRequest.have[].seq'
    value: number
    index: number
  }

  export interface GroupFrameSyncRequestOnlyListedFieldEvent {
    field: '$.syncRequest.onlyListed'
    value: boolean
  }

  export interface GroupFrameSyncBatchIdFieldEvent {
    field: '$.syncBatch.id'
    value: number
  }

  export interface GroupFrameSyncBatchPostsContentGroupIdFieldEvent {
    field: '$.syncBatch.posts[].content.groupId'
    value: string
    index: number
  }

  export interface GroupFrameSyncBatchPostsContentAuthorFieldEvent {
    field: '$.syncBatch.posts[].content.author'
    value: string
    index: number
  }

  export interface GroupFrameSyncBatchPostsContentAuthorPeerIdFieldEvent {
    field: '$.syncBatch.posts[].content.authorPeerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface GroupFrameSyncBatchPostsContentSeqFieldEvent {
    field: '$.syncBatch.posts[].content.seq'
    value: number
    index: number
  }

  export interface GroupFrameSyncBatchPostsContentMessageIdFieldEvent {
    field: '$.syncBatch.posts[].content.messageId'
    value: string
    index: number
  }

  export interface GroupFrameSyncBatchPostsContentSentAtFieldEvent {
    field: '$.syncBatch.posts[].content.sentAt'
    value: number
    index: number
  }

  export interface GroupFrameSyncBatchPostsContentTextFieldEvent {
    field: '$.syncBatch.posts[].content.text'
    value: string
    index: number
  }

  export interface GroupFrameSyncBatchPostsSignatureFieldEvent {
    field: '$.syncBatch.posts[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface GroupFrameSyncBatchDoneFieldEvent {
    field: '$.syncBatch.done'
    value: boolean
  }

  export interface GroupFrameSyncBatchMoreFieldEvent {
    field: '$.syncBatch.more'
    value: boolean
  }

  export interface GroupFrameSyncBatchErrorFieldEvent {
    field: '$.syncBatch.error'
    value: string
  }

  export interface GroupFrameSyncBatchRetryAfterMsFieldEvent {
    field: '$.syncBatch.retryAfterMs'
    value: number
  }

  export function encode (obj: Partial<GroupFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupFrame>): GroupFrame {
    return decodeMessage(buf, GroupFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupFrame>): Generator<GroupFramePostContentGroupIdFieldEvent | GroupFramePostContentAuthorFieldEvent | GroupFramePostContentAuthorPeerIdFieldEvent | GroupFramePostContentSeqFieldEvent | GroupFramePostContentMessageIdFieldEvent | GroupFramePostContentSentAtFieldEvent | GroupFramePostContentTextFieldEvent | GroupFramePostSignatureFieldEvent | GroupFrameAckMessageIdFieldEvent | GroupFrameAckErrorFieldEvent | GroupFrameSyncRequestIdFieldEvent | GroupFrameSyncRequestGroupIdFieldEvent | GroupFrameSyncRequestHaveAuthorFieldEvent | GroupFrameSyncRequestHaveSeqFieldEvent | GroupFrameSyncRequestOnlyListedFieldEvent | GroupFrameSyncBatchIdFieldEvent | GroupFrameSyncBatchPostsContentGroupIdFieldEvent | GroupFrameSyncBatchPostsContentAuthorFieldEvent | GroupFrameSyncBatchPostsContentAuthorPeerIdFieldEvent | GroupFrameSyncBatchPostsContentSeqFieldEvent | GroupFrameSyncBatchPostsContentMessageIdFieldEvent | GroupFrameSyncBatchPostsContentSentAtFieldEvent | GroupFrameSyncBatchPostsContentTextFieldEvent | GroupFrameSyncBatchPostsSignatureFieldEvent | GroupFrameSyncBatchDoneFieldEvent | GroupFrameSyncBatchMoreFieldEvent | GroupFrameSyncBatchErrorFieldEvent | GroupFrameSyncBatchRetryAfterMsFieldEvent> {
    return streamMessage(buf, GroupFrame.codec(), opts)
  }
}

export interface GroupPostContent {
  groupId: string
  author: string
  authorPeerId: Uint8Array<ArrayBuffer>
  seq: number
  messageId: string
  sentAt: number
  text: string
}

export namespace GroupPostContent {
  let _codec: Codec<GroupPostContent>

  export const codec = (): Codec<GroupPostContent> => {
    if (_codec == null) {
      _codec = message<GroupPostContent>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId !== '')) {
          w.uint32(10)
          w.string(obj.groupId)
        }

        if ((obj.author != null && obj.author !== '')) {
          w.uint32(18)
          w.string(obj.author)
        }

        if ((obj.authorPeerId != null && obj.authorPeerId.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.authorPeerId)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.seq)
        }

        if ((obj.messageId != null && obj.messageId !== '')) {
          w.uint32(42)
          w.string(obj.messageId)
        }

        if ((obj.sentAt != null && obj.sentAt !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.sentAt)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(58)
          w.string(obj.text)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: '',
          author: '',
          authorPeerId: uint8ArrayAlloc(0),
          seq: 0,
          messageId: '',
          sentAt: 0,
          text: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.string()
              break
            }
            case 2: {
              obj.author = reader.string()
              break
            }
            case 3: {
              obj.authorPeerId = reader.bytes()
              break
            }
            case 4: {
              obj.seq = reader.uint64Number()
              break
            }
            case 5: {
              obj.messageId = reader.string()
              break
            }
            case 6: {
              obj.sentAt = reader.uint64Number()
              break
            }
            case 7: {
              obj.text = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.author`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.authorPeerId`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.messageId`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.sentAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupPostContentGroupIdFieldEvent {
    field: '$.groupId'
    value: string
  }

  export interface GroupPostContentAuthorFieldEvent {
    field: '$.author'
    value: string
  }

  export interface GroupPostContentAuthorPeerIdFieldEvent {
    field: '$.authorPeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupPostContentSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface GroupPostContentMessageIdFieldEvent {
    field: '$.messageId'
    value: string
  }

  export interface GroupPostContentSentAtFieldEvent {
    field: '$.sentAt'
    value: number
  }

  export interface GroupPostContentTextFieldEvent {
    field: '$.text'
    value: string
  }

  export function encode (obj: Partial<GroupPostContent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupPostContent.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupPostContent>): GroupPostContent {
    return decodeMessage(buf, GroupPostContent.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupPostContent>): Generator<GroupPostContentGroupIdFieldEvent | GroupPostContentAuthorFieldEvent | GroupPostContentAuthorPeerIdFieldEvent | GroupPostContentSeqFieldEvent | GroupPostContentMessageIdFieldEvent | GroupPostContentSentAtFieldEvent | GroupPostContentTextFieldEvent> {
    return streamMessage(buf, GroupPostContent.codec(), opts)
  }
}

export interface GroupPost {
  content?: GroupPostContent
  signature: Uint8Array<ArrayBuffer>
}

export namespace GroupPost {
  let _codec: Codec<GroupPost>

  export const codec = (): Codec<GroupPost> => {
    if (_codec == null) {
      _codec = message<GroupPost>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.content != null) {
          w.uint32(10)
          GroupPostContent.codec().encode(obj.content, w)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.content = GroupPostContent.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.content
              })
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * GroupPostContent.codec().stream(reader, reader.uint32(), `${prefix}.content`, {
                limits: opts.limits?.content
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupPostContentGroupIdFieldEvent {
    field: '$.content.groupId'
    value: string
  }

  export interface GroupPostContentAuthorFieldEvent {
    field: '$.content.author'
    value: string
  }

  export interface GroupPostContentAuthorPeerIdFieldEvent {
    field: '$.content.authorPeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupPostContentSeqFieldEvent {
    field: '$.content.seq'
    value: number
  }

  export interface GroupPostContentMessageIdFieldEvent {
    field: '$.content.messageId'
    value: string
  }

  export interface GroupPostContentSentAtFieldEvent {
    field: '$.content.sentAt'
    value: number
  }

  export interface GroupPostContentTextFieldEvent {
    field: '$.content.text'
    value: string
  }

  export interface GroupPostSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupPost>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupPost.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupPost>): GroupPost {
    return decodeMessage(buf, GroupPost.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupPost>): Generator<GroupPostContentGroupIdFieldEvent | GroupPostContentAuthorFieldEvent | GroupPostContentAuthorPeerIdFieldEvent | GroupPostContentSeqFieldEvent | GroupPostContentMessageIdFieldEvent | GroupPostContentSentAtFieldEvent | GroupPostContentTextFieldEvent | GroupPostSignatureFieldEvent> {
    return streamMessage(buf, GroupPost.codec(), opts)
  }
}

export interface GroupAck {
  messageId: string
  error: string
}

export namespace GroupAck {
  let _codec: Codec<GroupAck>

  export const codec = (): Codec<GroupAck> => {
    if (_codec == null) {
      _codec = message<GroupAck>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.messageId != null && obj.messageId !== '')) {
          w.uint32(10)
          w.string(obj.messageId)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(18)
          w.string(obj.error)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          messageId: '',
          error: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.messageId = reader.string()
              break
            }
            case 2: {
              obj.error = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.messageId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupAckMessageIdFieldEvent {
    field: '$.messageId'
    value: string
  }

  export interface GroupAckErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export function encode (obj: Partial<GroupAck>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupAck.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupAck>): GroupAck {
    return decodeMessage(buf, GroupAck.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupAck>): Generator<GroupAckMessageIdFieldEvent | GroupAckErrorFieldEvent> {
    return streamMessage(buf, GroupAck.codec(), opts)
  }
}

export interface AuthorCursor {
  author: string
  seq: number
}

export namespace AuthorCursor {
  let _codec: Codec<AuthorCursor>

  export const codec = (): Codec<AuthorCursor> => {
    if (_codec == null) {
      _codec = message<AuthorCursor>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.author != null && obj.author !== '')) {
          w.uint32(10)
          w.string(obj.author)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          author: '',
          seq: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.author = reader.string()
              break
            }
            case 2: {
              obj.seq = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.author`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AuthorCursorAuthorFieldEvent {
    field: '$.author'
    value: string
  }

  export interface AuthorCursorSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export function encode (obj: Partial<AuthorCursor>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AuthorCursor.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuthorCursor>): AuthorCursor {
    return decodeMessage(buf, AuthorCursor.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuthorCursor>): Generator<AuthorCursorAuthorFieldEvent | AuthorCursorSeqFieldEvent> {
    return streamMessage(buf, AuthorCursor.codec(), opts)
  }
}

export interface SyncRequest {
  id: number
  groupId: string
  have: AuthorCursor[]
  onlyListed: boolean
}

export namespace SyncRequest {
  let _codec: Codec<SyncRequest>

  export const codec = (): Codec<SyncRequest> => {
    if (_codec == null) {
      _codec = message<SyncRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.groupId != null && obj.groupId !== '')) {
          w.uint32(18)
          w.string(obj.groupId)
        }

        if (obj.have != null && obj.have.length > 0) {
          for (const value of obj.have) {
            w.uint32(26)
            AuthorCursor.codec().encode(value, w)
          }
        }

        if ((obj.onlyListed != null && obj.onlyListed !== false)) {
          w.uint32(32)
          w.bool(obj.onlyListed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          groupId: '',
          have: [],
          onlyListed: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.groupId = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.have != null && obj.have.length === opts.limits.have) {
                throw new MaxLengthError('Decode error - repeated field "have" had too many elements')
              }

              obj.have.push(AuthorCursor.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.have$
              }))
              break
            }
            case 4: {
              obj.onlyListed = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          have: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.have != null && obj.have === opts.limits.have) {
                throw new MaxLengthError('Streaming decode error - repeated field "have" had too many elements')
              }

              for (const evt of AuthorCursor.codec().stream(reader, reader.uint32(), `${prefix}.have[]`, {
                limits: opts.limits?.have$
              })) {
                yield {
                  ...evt,
                  index: obj.have
                }
              }

              obj.have++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.onlyListed`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncRequestIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface SyncRequestGroupIdFieldEvent {
    field: '$.groupId'
    value: string
  }

  export interface SyncRequestHaveAuthorFieldEvent {
    field: '$.have[].author'
    value: string
    index: number
  }

  export interface SyncRequestHaveSeqFieldEvent {
    field: '$.have[].seq'
    value: number
    index: number
  }

  export interface SyncRequestOnlyListedFieldEvent {
    field: '$.onlyListed'
    value: boolean
  }

  export function encode (obj: Partial<SyncRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRequest>): SyncRequest {
    return decodeMessage(buf, SyncRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRequest>): Generator<SyncRequestIdFieldEvent | SyncRequestGroupIdFieldEvent | SyncRequestHaveAuthorFieldEvent | SyncRequestHaveSeqFieldEvent | SyncRequestOnlyListedFieldEvent> {
    return streamMessage(buf, SyncRequest.codec(), opts)
  }
}

export interface SyncBatch {
  id: number
  posts: GroupPost[]
  done: boolean
  more: boolean
  error: string
  retryAfterMs: number
}

export namespace SyncBatch {
  let _codec: Codec<SyncBatch>

  export const codec = (): Codec<SyncBatch> => {
    if (_codec == null) {
      _codec = message<SyncBatch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if (obj.posts != null && obj.posts.length > 0) {
          for (const value of obj.posts) {
            w.uint32(18)
            GroupPost.codec().encode(value, w)
          }
        }

        if ((obj.done != null && obj.done !== false)) {
          w.uint32(24)
          w.bool(obj.done)
        }

        if ((obj.more != null && obj.more !== false)) {
          w.uint32(32)
          w.bool(obj.more)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(42)
          w.string(obj.error)
        }

        if ((obj.retryAfterMs != null && obj.retryAfterMs !== 0)) {
          w.uint32(48)
          w.uint32(obj.retryAfterMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          posts: [],
          done: false,
          more: false,
          error: '',
          retryAfterMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              if (opts.limits?.posts != null && obj.posts.length === opts.limits.posts) {
                throw new MaxLengthError('Decode error - repeated field "posts" had too many elements')
              }

              obj.posts.push(GroupPost.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.posts$
              }))
              break
            }
            case 3: {
              obj.done = reader.bool()
              break
            }
            case 4: {
              obj.more = reader.bool()
              break
            }
            case 5: {
              obj.error = reader.string()
              break
            }
            case 6: {
              obj.retryAfterMs = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          posts: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              if (opts.limits?.posts != null && obj.posts === opts.limits.posts) {
                throw new MaxLengthError('Streaming decode error - repeated field "posts" had too many elements')
              }

              for (const evt of GroupPost.codec().stream(reader, reader.uint32(), `${prefix}.posts[]`, {
                limits: opts.limits?.posts$
              })) {
                yield {
                  ...evt,
                  index: obj.posts
                }
              }

              obj.posts++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.done`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.more`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.retryAfterMs`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncBatchIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface SyncBatchPostsContentGroupIdFieldEvent {
    field: '$.posts[].content.groupId'
    value: string
    index: number
  }

  export interface SyncBatchPostsContentAuthorFieldEvent {
    field: '$.posts[].content.author'
    value: string
    index: number
  }

  export interface SyncBatchPostsContentAuthorPeerIdFieldEvent {
    field: '$.posts[].content.authorPeerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SyncBatchPostsContentSeqFieldEvent {
    field: '$.posts[].content.seq'
    value: number
    index: number
  }

  export interface SyncBatchPostsContentMessageIdFieldEvent {
    field: '$.posts[].content.messageId'
    value: string
    index: number
  }

  export interface SyncBatchPostsContentSentAtFieldEvent {
    field: '$.posts[].content.sentAt'
    value: number
    index: number
  }

  export interface SyncBatchPostsContentTextFieldEvent {
    field: '$.posts[].content.text'
    value: string
    index: number
  }

  export interface SyncBatchPostsSignatureFieldEvent {
    field: '$.posts[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SyncBatchDoneFieldEvent {
    field: '$.done'
    value: boolean
  }

  export interface SyncBatchMoreFieldEvent {
    field: '$.more'
    value: boolean
  }

  export interface SyncBatchErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface SyncBatchRetryAfterMsFieldEvent {
    field: '$.retryAfterMs'
    value: number
  }

  export function encode (obj: Partial<SyncBatch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncBatch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncBatch>): SyncBatch {
    return decodeMessage(buf, SyncBatch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncBatch>): Generator<SyncBatchIdFieldEvent | SyncBatchPostsContentGroupIdFieldEvent | SyncBatchPostsContentAuthorFieldEvent | SyncBatchPostsContentAuthorPeerIdFieldEvent | SyncBatchPostsContentSeqFieldEvent | SyncBatchPostsContentMessageIdFieldEvent | SyncBatchPostsContentSentAtFieldEvent | SyncBatchPostsContentTextFieldEvent | SyncBatchPostsSignatureFieldEvent | SyncBatchDoneFieldEvent | SyncBatchMoreFieldEvent | SyncBatchErrorFieldEvent | SyncBatchRetryAfterMsFieldEvent> {
    return streamMessage(buf, SyncBatch.codec(), opts)
  }
}
