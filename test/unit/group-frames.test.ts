import { describe, expect, it } from 'vitest'
import { MAX_SYNC_BATCH_POSTS, MAX_SYNC_CURSORS } from '../../peer/groups/constants.ts'
import { decodeFrame } from '../../peer/groups/group-sync.ts'
import type { GroupFrame, GroupPost, GroupPostContent } from '../../src/protocol/pb/group.ts'
import { GroupPostContent as Content, GroupFrame as Frame } from '../../src/protocol/pb/group.ts'

/** An Ed25519 PeerId as identity-multihash bytes (any 32 key bytes parse). */
const PEER_ID = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...new Array(32).fill(7)])

const content: GroupPostContent = {
  groupId: 'grp_0123456789ab',
  author: 'Zoë',
  authorPeerId: PEER_ID,
  seq: 2 ** 40,
  messageId: 'AAAAAAAAAAAAAAAAAAAAAA',
  sentAt: 1_700_000_000_123,
  text: 'hi 👋\n'
}
const emptyContent: GroupPostContent = {
  groupId: '',
  author: '',
  authorPeerId: new Uint8Array(),
  seq: 0,
  messageId: '',
  sentAt: 0,
  text: ''
}
const post: GroupPost = { content, signature: new Uint8Array(64).fill(9) }

// Every body, with its fields empty, set, and optional ones left out.
const frames: GroupFrame[] = [
  {},
  { post },
  { post: { signature: new Uint8Array() } },
  { post: { content: emptyContent, signature: new Uint8Array() } },
  { ack: { messageId: '', error: '' } },
  { ack: { messageId: 'AAAAAAAAAAAAAAAAAAAAAA', error: 'NOT_AUTHORIZED' } },
  { syncRequest: { id: 0, groupId: '', have: [], onlyListed: false } },
  {
    syncRequest: {
      id: 0xffff_ffff,
      groupId: 'grp_0123456789ab',
      have: [
        { author: 'bob', seq: 12 },
        { author: '', seq: 0 }
      ],
      onlyListed: true
    }
  },
  { syncBatch: { id: 0, posts: [], done: false, more: false, error: '', retryAfterMs: 0 } },
  { syncBatch: { id: 7, posts: [post, post], done: true, more: true, error: '', retryAfterMs: 0 } },
  { syncBatch: { id: 8, posts: [], done: true, more: false, error: 'RATE_LIMITED', retryAfterMs: 1500 } }
]

describe('group protocol frames', () => {
  it.each(
    frames.map(f => [Object.keys(f).join('+') || 'empty', f] as const)
  )('GroupFrame %s round-trips', (_, frame) => {
    expect(decodeFrame(Frame.encode(frame))).toEqual(frame)
  })

  it('encodes the signed content canonically: decode and encode give the same bytes', () => {
    const bytes = Content.encode(content)
    expect(Content.encode(Content.decode(bytes))).toEqual(bytes)
    // Empty fields are left out, so an all-empty content is zero bytes.
    expect(Content.encode(emptyContent)).toHaveLength(0)
  })

  it('refuses a batch or a request over its list limits while decoding', () => {
    const posts = new Array(MAX_SYNC_BATCH_POSTS + 1).fill({ signature: new Uint8Array() })
    const batch = Frame.encode({
      syncBatch: { id: 1, posts, done: true, more: false, error: '', retryAfterMs: 0 }
    })
    expect(() => decodeFrame(batch)).toThrow()
    const have = new Array(MAX_SYNC_CURSORS + 1).fill({ author: 'a', seq: 1 })
    const request = Frame.encode({ syncRequest: { id: 1, groupId: 'x', have, onlyListed: false } })
    expect(() => decodeFrame(request)).toThrow()
  })

  it('refuses truncated bytes', () => {
    const bytes = Frame.encode({ post })
    expect(() => decodeFrame(bytes.subarray(0, bytes.length - 3))).toThrow()
  })
})
