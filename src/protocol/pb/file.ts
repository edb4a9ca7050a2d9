import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface FileFrame {
  offer?: FileOffer
  answer?: FileAnswer
  start?: FileStart
  result?: FileResult
  data?: Uint8Array<ArrayBuffer>
  cancel?: FileCancel
}

export namespace FileFrame {
  let _codec: Codec<FileFrame>

  export const codec = (): Codec<FileFrame> => {
    if (_codec == null) {
      _codec = message<FileFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.offer != null) {
          w.uint32(10)
          FileOffer.codec().encode(obj.offer, w)
        }

        if (obj.answer != null) {
          w.uint32(18)
          FileAnswer.codec().encode(obj.answer, w)
        }

        if (obj.start != null) {
          w.uint32(26)
          FileStart.codec().encode(obj.start, w)
        }

        if (obj.result != null) {
          w.uint32(34)
          FileResult.codec().encode(obj.result, w)
        }

        if (obj.data != null) {
          w.uint32(42)
          w.bytes(obj.data)
        }

        if (obj.cancel != null) {
          w.uint32(50)
          FileCancel.codec().encode(obj.cancel, w)
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
              obj.offer = FileOffer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.offer
              })
              break
            }
            case 2: {
              obj.answer = FileAnswer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.answer
              })
              break
            }
            case 3: {
              obj.start = FileStart.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.start
              })
              break
            }
            case 4: {
              obj.result = FileResult.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.result
              })
              break
            }
            case 5: {
              obj.data = reader.bytes()
              break
            }
            case 6: {
              obj.cancel = FileCancel.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.cancel
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
              yield * FileOffer.codec().stream(reader, reader.uint32(), `${prefix}.offer`, {
                limits: opts.limits?.offer
              })

              break
            }
            case 2: {
              yield * FileAnswer.codec().stream(reader, reader.uint32(), `${prefix}.answer`, {
                limits: opts.limits?.answer
              })

              break
            }
            case 3: {
              yield * FileStart.codec().stream(reader, reader.uint32(), `${prefix}.start`, {
                limits: opts.limits?.start
              })

              break
            }
            case 4: {
              yield * FileResult.codec().stream(reader, reader.uint32(), `${prefix}.result`, {
                limits: opts.limits?.result
              })

              break
            }
            case 5: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield * FileCancel.codec().stream(reader, reader.uint32(), `${prefix}.cancel`, {
                limits: opts.limits?.cancel
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

  export interface FileFrameOfferTransferIdFieldEvent {
    field: '$.offer.transferId'
    value: string
  }

  export interface FileFrameOfferNameFieldEvent {
    field: '$.offer.name'
    value: string
  }

  export interface FileFrameOfferSizeFieldEvent {
    field: '$.offer.size'
    value: number
  }

  export interface FileFrameOfferSha256FieldEvent {
    field: '$.offer.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileFrameAnswerAcceptFieldEvent {
    field: '$.answer.accept'
    value: boolean
  }

  export interface FileFrameAnswerOffsetFieldEvent {
    field: '$.answer.offset'
    value: number
  }

  export interface FileFrameAnswerPrefixSha256FieldEvent {
    field: '$.answer.prefixSha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileFrameAnswerErrorFieldEvent {
    field: '$.answer.error'
    value: string
  }

  export interface FileFrameAnswerMessageFieldEvent {
    field: '$.answer.message'
    value: string
  }

  export interface FileFrameAnswerBulkPortFieldEvent {
    field: '$.answer.bulk.port'
    value: number
  }

  export interface FileFrameAnswerBulkKeyFieldEvent {
    field: '$.answer.bulk.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileFrameStartOffsetFieldEvent {
    field: '$.start.offset'
    value: number
  }

  export interface FileFrameStartBulkFieldEvent {
    field: '$.start.bulk'
    value: boolean
  }

  export interface FileFrameResultErrorFieldEvent {
    field: '$.result.error'
    value: string
  }

  export interface FileFrameResultMessageFieldEvent {
    field: '$.result.message'
    value: string
  }

  export interface FileFrameDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileFrameCancelMessageFieldEvent {
    field: '$.cancel.message'
    value: string
  }

  export function encode (obj: Partial<FileFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileFrame>): FileFrame {
    return decodeMessage(buf, FileFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileFrame>): Generator<FileFrameOfferTransferIdFieldEvent | FileFrameOfferNameFieldEvent | FileFrameOfferSizeFieldEvent | FileFrameOfferSha256FieldEvent | FileFrameAnswerAcceptFieldEvent | FileFrameAnswerOffsetFieldEvent | FileFrameAnswerPrefixSha256FieldEvent | FileFrameAnswerErrorFieldEvent | FileFrameAnswerMessageFieldEvent | FileFrameAnswerBulkPortFieldEvent | FileFrameAnswerBulkKeyFieldEvent | FileFrameStartOffsetFieldEvent | FileFrameStartBulkFieldEvent | FileFrameResultErrorFieldEvent | FileFrameResultMessageFieldEvent | FileFrameDataFieldEvent | FileFrameCancelMessageFieldEvent> {
    return streamMessage(buf, FileFrame.codec(), opts)
  }
}

export interface FileOffer {
  transferId: string
  name: string
  size: number
  sha256: Uint8Array<ArrayBuffer>
}

export namespace FileOffer {
  let _codec: Codec<FileOffer>

  export const codec = (): Codec<FileOffer> => {
    if (_codec == null) {
      _codec = message<FileOffer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.transferId != null && obj.transferId !== '')) {
          w.uint32(10)
          w.string(obj.transferId)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.size)
        }

        if ((obj.sha256 != null && obj.sha256.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.sha256)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          transferId: '',
          name: '',
          size: 0,
          sha256: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.transferId = reader.string()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.size = reader.uint64Number()
              break
            }
            case 4: {
              obj.sha256 = reader.bytes()
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
                field: `${prefix}.transferId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.sha256`,
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

  export interface FileOfferTransferIdFieldEvent {
    field: '$.transferId'
    value: string
  }

  export interface FileOfferNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface FileOfferSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export interface FileOfferSha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FileOffer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileOffer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileOffer>): FileOffer {
    return decodeMessage(buf, FileOffer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileOffer>): Generator<FileOfferTransferIdFieldEvent | FileOfferNameFieldEvent | FileOfferSizeFieldEvent | FileOfferSha256FieldEvent> {
    return streamMessage(buf, FileOffer.codec(), opts)
  }
}

export interface FileAnswer {
  accept: boolean
  offset: number
  prefixSha256: Uint8Array<ArrayBuffer>
  error: string
  message: string
  bulk?: FileBulk
}

export namespace FileAnswer {
  let _codec: Codec<FileAnswer>

  export const codec = (): Codec<FileAnswer> => {
    if (_codec == null) {
      _codec = message<FileAnswer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.accept != null && obj.accept !== false)) {
          w.uint32(8)
          w.bool(obj.accept)
        }

        if ((obj.offset != null && obj.offset !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.offset)
        }

        if ((obj.prefixSha256 != null && obj.prefixSha256.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.prefixSha256)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(34)
          w.string(obj.error)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(42)
          w.string(obj.message)
        }

        if (obj.bulk != null) {
          w.uint32(50)
          FileBulk.codec().encode(obj.bulk, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          accept: false,
          offset: 0,
          prefixSha256: uint8ArrayAlloc(0),
          error: '',
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.accept = reader.bool()
              break
            }
            case 2: {
              obj.offset = reader.uint64Number()
              break
            }
            case 3: {
              obj.prefixSha256 = reader.bytes()
              break
            }
            case 4: {
              obj.error = reader.string()
              break
            }
            case 5: {
              obj.message = reader.string()
              break
            }
            case 6: {
              obj.bulk = FileBulk.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.bulk
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
              yield {
                field: `${prefix}.accept`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.offset`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.prefixSha256`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield * FileBulk.codec().stream(reader, reader.uint32(), `${prefix}.bulk`, {
                limits: opts.limits?.bulk
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

  export interface FileAnswerAcceptFieldEvent {
    field: '$.accept'
    value: boolean
  }

  export interface FileAnswerOffsetFieldEvent {
    field: '$.offset'
    value: number
  }

  export interface FileAnswerPrefixSha256FieldEvent {
    field: '$.prefixSha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileAnswerErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface FileAnswerMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface FileAnswerBulkPortFieldEvent {
    field: '$.bulk.port'
    value: number
  }

  export interface FileAnswerBulkKeyFieldEvent {
    field: '$.bulk.key'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FileAnswer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileAnswer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileAnswer>): FileAnswer {
    return decodeMessage(buf, FileAnswer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileAnswer>): Generator<FileAnswerAcceptFieldEvent | FileAnswerOffsetFieldEvent | FileAnswerPrefixSha256FieldEvent | FileAnswerErrorFieldEvent | FileAnswerMessageFieldEvent | FileAnswerBulkPortFieldEvent | FileAnswerBulkKeyFieldEvent> {
    return streamMessage(buf, FileAnswer.codec(), opts)
  }
}

export interface FileBulk {
  port: number
  key: Uint8Array<ArrayBuffer>
}

export namespace FileBulk {
  let _codec: Codec<FileBulk>

  export const codec = (): Codec<FileBulk> => {
    if (_codec == null) {
      _codec = message<FileBulk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.port != null && obj.port !== 0)) {
          w.uint32(8)
          w.uint32(obj.port)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          port: 0,
          key: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.port = reader.uint32()
              break
            }
            case 2: {
              obj.key = reader.bytes()
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
                field: `${prefix}.port`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
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

  export interface FileBulkPortFieldEvent {
    field: '$.port'
    value: number
  }

  export interface FileBulkKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FileBulk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileBulk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileBulk>): FileBulk {
    return decodeMessage(buf, FileBulk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileBulk>): Generator<FileBulkPortFieldEvent | FileBulkKeyFieldEvent> {
    return streamMessage(buf, FileBulk.codec(), opts)
  }
}

export interface FileStart {
  offset: number
  bulk: boolean
}

export namespace FileStart {
  let _codec: Codec<FileStart>

  export const codec = (): Codec<FileStart> => {
    if (_codec == null) {
      _codec = message<FileStart>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.offset != null && obj.offset !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.offset)
        }

        if ((obj.bulk != null && obj.bulk !== false)) {
          w.uint32(16)
          w.bool(obj.bulk)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          offset: 0,
          bulk: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.offset = reader.uint64Number()
              break
            }
            case 2: {
              obj.bulk = reader.bool()
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
                field: `${prefix}.offset`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.bulk`,
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

  export interface FileStartOffsetFieldEvent {
    field: '$.offset'
    value: number
  }

  export interface FileStartBulkFieldEvent {
    field: '$.bulk'
    value: boolean
  }

  export function encode (obj: Partial<FileStart>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileStart.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileStart>): FileStart {
    return decodeMessage(buf, FileStart.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileStart>): Generator<FileStartOffsetFieldEvent | FileStartBulkFieldEvent> {
    return streamMessage(buf, FileStart.codec(), opts)
  }
}

export interface FileResult {
  error: string
  message: string
}

export namespace FileResult {
  let _codec: Codec<FileResult>

  export const codec = (): Codec<FileResult> => {
    if (_codec == null) {
      _codec = message<FileResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(10)
          w.string(obj.error)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          error: '',
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.error = reader.string()
              break
            }
            case 2: {
              obj.message = reader.string()
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
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
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

  export interface FileResultErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface FileResultMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<FileResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileResult>): FileResult {
    return decodeMessage(buf, FileResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileResult>): Generator<FileResultErrorFieldEvent | FileResultMessageFieldEvent> {
    return streamMessage(buf, FileResult.codec(), opts)
  }
}

export interface FileCancel {
  message: string
}

export namespace FileCancel {
  let _codec: Codec<FileCancel>

  export const codec = (): Codec<FileCancel> => {
    if (_codec == null) {
      _codec = message<FileCancel>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(10)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.message = reader.string()
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
                field: `${prefix}.message`,
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

  export interface FileCancelMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<FileCancel>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileCancel.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileCancel>): FileCancel {
    return decodeMessage(buf, FileCancel.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileCancel>): Generator<FileCancelMessageFieldEvent> {
    return streamMessage(buf, FileCancel.codec(), opts)
  }
}
