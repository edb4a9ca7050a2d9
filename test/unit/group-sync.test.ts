import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream, streamPair } from '@libp2p/utils'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MAX_SYNC_BATCH_POSTS, SYNC_REQUEST_BURST } from '../../peer/groups/constants.ts'
import { GroupLog } from '../../peer/groups/group-log.ts'
import type { StoredPost } from '../../peer/groups/group-post.ts'
import {
  decodeFrame,
  requestSync,
  syncRefusal,
  writeFrame,
  writeSyncAnswer
} from '../../peer/groups/group-sync.ts'
import { PeerRates } from '../../peer/groups/peer-rates.ts'
import type { AuthorCursor } from '../../src/protocol/pb/group.ts'

const GROUP = 'grp_0123456789ab'
const log = logger('p2pchat:test:group-sync')
let dir: string
let source: GroupLog
let peerId: string

beforeAll(async () => {
  peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
})

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'p2pchat-group-sync-'))
  source = new GroupLog(dir, GROUP, { log })
  await source.open()
})
afterEach(async () => {
  await source.close()
  await rm(dir, { recursive: true, force: true })
})

function p(author: string, seq: number): StoredPost {
  return {
    group: GROUP,
    author,
    peerId,
    seq,
    messageId: `${author}-${seq}-xxxxxxxxxx`,
    sentAt: seq,
    text: `${author}${seq}`,
    signature: new Uint8Array(64)
  }
}

/** A responder over one stream that answers each request with at most `perRequest` posts. */
async function serve(stream: Stream, perRequest: number): Promise<number> {
  const lp = lpStream(stream)
  let requests = 0
  try {
    while (true) {
      const req = decodeFrame(await lp.read()).syncRequest
      if (req === undefined) continue
      requests++
      const cursors = new Map(req.have.map(c => [c.author, c.seq]))
      const { posts, more } = await source.postsAfter(
        cursors,
        req.onlyListed,
        perRequest,
        64 << 20,
        () => 100
      )
      await writeSyncAnswer(stream, req.id, posts, more, new AbortController().signal)
    }
  } catch {
    return requests
  }
}

describe('group sync', () => {
  it('answers in bounded batches and continues from the new cursors while there is more', async () => {
    for (let seq = 1; seq <= 700; seq++) source.add(p('bob', seq))
    for (let seq = 1; seq <= 5; seq++) source.add(p('carol', seq))
    await source.flush()
    const [near, far] = await streamPair()
    const served = serve(far, 500)
    const got: StoredPost[] = []
    const batches: number[] = []
    const cursor = new Map<string, number>([['bob', 100]])
    await requestSync(near, {
      group: GROUP,
      onlyListed: false,
      cursors: (): AuthorCursor[] => [...cursor].map(([author, seq]) => ({ author, seq })),
      onPosts: async posts => {
        batches.push(posts.length)
        for (const wire of posts) {
          const c = wire.content!
          expect(c.seq).toBe((cursor.get(c.author) ?? 0) + 1)
          cursor.set(c.author, c.seq)
          got.push({ ...p(c.author, c.seq) })
        }
      }
    })
    await near.close()
    expect(await served).toBe(2)
    expect(got).toHaveLength(605)
    expect(Math.max(...batches)).toBeLessThanOrEqual(MAX_SYNC_BATCH_POSTS)
    // 500 in the first answer (256 + 244), the rest (100 of bob's, carol's 5) in the second.
    expect(batches).toEqual([256, 244, 105])
    expect(cursor).toEqual(
      new Map([
        ['bob', 700],
        ['carol', 5]
      ])
    )
  })

  it('raises the responder’s refusal with its code and wait', async () => {
    const [near, far] = await streamPair()
    void (async () => {
      const req = decodeFrame(await lpStream(far).read()).syncRequest!
      await writeFrame(far, syncRefusal(req.id, 'RATE_LIMITED', 1500))
    })()
    await expect(
      requestSync(near, { group: GROUP, onlyListed: false, cursors: () => [], onPosts: async () => {} })
    ).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1500 })
  })

  it('gives up on a responder that stops answering', async () => {
    const [near] = await streamPair()
    await expect(
      requestSync(
        near,
        { group: GROUP, onlyListed: false, cursors: () => [], onPosts: async () => {} },
        { batchTimeoutMs: 50 }
      )
    ).rejects.toThrow()
  })
})

describe('sync rate per peer', () => {
  it('allows a burst, then a steady rate, per peer, remembering a bounded number of peers', () => {
    let now = 0
    const rates = new PeerRates({ perSecond: 2, maxPeers: 2, now: () => now })
    for (let i = 0; i < SYNC_REQUEST_BURST; i++) expect(rates.take('a')).toBe(0)
    expect(rates.take('a')).toBe(500)
    expect(rates.take('b')).toBe(0)
    now += 500
    expect(rates.take('a')).toBe(0)
    expect(rates.take('a')).toBeGreaterThan(0)
    // A third peer pushes out the least recently seen one ('b'), which comes back with a full bucket.
    expect(rates.take('c')).toBe(0)
    for (let i = 0; i < SYNC_REQUEST_BURST; i++) expect(rates.take('b')).toBe(0)
  })
})
