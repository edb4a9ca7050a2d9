import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { drained } from '../../src/drain.ts'
import { errorFromCode } from '../../src/errors.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import type { AuthorCursor, SyncBatch } from '../../src/protocol/pb/group.ts'
import { GroupFrame, GroupPost } from '../../src/protocol/pb/group.ts'
import {
  MAX_GROUP_FRAME_BYTES,
  MAX_SYNC_BATCH_BYTES,
  MAX_SYNC_BATCH_POSTS,
  MAX_SYNC_CURSORS,
  MAX_SYNC_ROUNDS,
  SYNC_BATCH_TIMEOUT_MS
} from './constants.ts'
import type { StoredPost } from './group-post.ts'
import { toWire } from './group-post.ts'

/** Decoding limits on repeated fields, checked while decoding (before a list is built). */
export const FRAME_LIMITS = {
  limits: { syncRequest: { have: MAX_SYNC_CURSORS }, syncBatch: { posts: MAX_SYNC_BATCH_POSTS } }
}

export function decodeFrame(bytes: Parameters<typeof GroupFrame.decode>[0]): GroupFrame {
  return GroupFrame.decode(bytes, FRAME_LIMITS)
}

/** Write one frame, waiting while the stream's buffer is full. */
export async function writeFrame(stream: Stream, frame: GroupFrame, signal?: AbortSignal): Promise<void> {
  if (!stream.send(lengthPrefixed(GroupFrame.encode(frame)))) await drained(stream, signal)
}

export interface SyncRequester {
  group: string
  /** The cursors to send, asked again before every continuation. */
  cursors(): AuthorCursor[]
  /** Answer only for the authors listed (a gap fill). */
  onlyListed: boolean
  /** One batch's posts, in order: resolves once each is stored or refused. */
  onPosts(posts: GroupPost[]): Promise<void>
}

export interface RequestSyncOptions {
  /** @default SYNC_BATCH_TIMEOUT_MS */
  batchTimeoutMs?: number
  /** @default MAX_SYNC_ROUNDS */
  maxRounds?: number
  signal?: AbortSignal
}

let nextRequestId = 1

/**
 * Ask for the posts after our cursors on `stream`, hand each batch to `onPosts`, and ask again from the
 * new cursors while the answer says `more`. Throws the responder's error (NOT_AUTHORIZED,
 * RATE_LIMITED with `retryAfterMs`…), or TIMEOUT-like errors when a batch does not come in time.
 */
export async function requestSync(
  stream: Stream,
  requester: SyncRequester,
  options: RequestSyncOptions = {}
): Promise<void> {
  const lp = lpStream(stream, { maxDataLength: MAX_GROUP_FRAME_BYTES })
  const timeoutMs = options.batchTimeoutMs ?? SYNC_BATCH_TIMEOUT_MS
  const maxRounds = options.maxRounds ?? MAX_SYNC_ROUNDS
  for (let round = 0; round < maxRounds; round++) {
    const id = nextRequestId++ >>> 0
    if (nextRequestId > 0xffff_ffff) nextRequestId = 1
    await writeFrame(
      stream,
      {
        syncRequest: {
          id,
          groupId: requester.group,
          have: requester.cursors().slice(0, MAX_SYNC_CURSORS),
          onlyListed: requester.onlyListed
        }
      },
      options.signal
    )
    let last: SyncBatch
    while (true) {
      const signal = AbortSignal.any([
        AbortSignal.timeout(timeoutMs),
        ...(options.signal === undefined ? [] : [options.signal])
      ])
      const batch = decodeFrame(await lp.read({ signal })).syncBatch
      if (batch === undefined || batch.id !== id) continue
      if (batch.error !== '') {
        throw errorFromCode(batch.error, `the member refused the sync: ${batch.error}`, batch.retryAfterMs)
      }
      await requester.onPosts(batch.posts)
      if (batch.done) {
        last = batch
        break
      }
    }
    if (!last.more) return
  }
}

/**
 * Answer sync request `id` with `posts` in batches of at most MAX_SYNC_BATCH_POSTS posts and
 * MAX_SYNC_BATCH_BYTES bytes (one post at least); the last says `done` and whether there is `more`.
 */
export async function writeSyncAnswer(
  stream: Stream,
  id: number,
  posts: StoredPost[],
  more: boolean,
  signal: AbortSignal,
  timeoutMs = SYNC_BATCH_TIMEOUT_MS
): Promise<void> {
  // A requester that stops reading holds the answer in memory: give it as long per batch as it gives us.
  const write = (frame: GroupFrame): Promise<void> =>
    writeFrame(stream, frame, AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]))
  let batch: GroupPost[] = []
  let bytes = 0
  for (const post of posts) {
    const wire = toWire(post)
    // A post's field in the batch: its bytes plus a tag and a length of up to 3 bytes. (protons has no
    // size-only pass; encoding twice costs little next to the I/O.)
    const size = GroupPost.encode(wire).length + 4
    if (batch.length > 0 && (batch.length >= MAX_SYNC_BATCH_POSTS || bytes + size > MAX_SYNC_BATCH_BYTES)) {
      await write({ syncBatch: answer(id, batch, false, false) })
      batch = []
      bytes = 0
    }
    batch.push(wire)
    bytes += size
  }
  await write({ syncBatch: answer(id, batch, true, more) })
}

/** A refusal: the one, final batch of an answer. */
export function syncRefusal(id: number, code: string, retryAfterMs = 0): GroupFrame {
  return { syncBatch: { id, posts: [], done: true, more: false, error: code, retryAfterMs } }
}

function answer(id: number, posts: GroupPost[], done: boolean, more: boolean): SyncBatch {
  return { id, posts, done, more, error: '', retryAfterMs: 0 }
}
