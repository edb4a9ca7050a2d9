import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromMultihash, peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream, streamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import * as Digest from 'multiformats/hashes/digest'
import { describe, expect, it } from 'vitest'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import { trackerFrame } from '../../src/protocol/frame.ts'
import type { OnlinePeer } from '../../src/protocol/pb/tracker.ts'
import { ClientMessage, LeaveReason } from '../../src/protocol/pb/tracker.ts'
import { leaveReasonCode } from '../../src/protocol/presence-names.ts'
import { nextEvent } from '../fixtures/nodes.ts'

async function entry(username: string): Promise<OnlinePeer> {
  const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  return {
    username,
    peerId: peerId.toMultihash().bytes,
    addrs: [multiaddr('/ip4/127.0.0.1/tcp/9').bytes],
    since: 5,
    reachable: true,
    relay: []
  }
}

/** Log the scripted client in as `a`, the tracker answering with `snapshot`. */
async function logIn(
  t: Awaited<ReturnType<typeof scripted>>,
  snapshot: { version: number; peers: OnlinePeer[] }
): Promise<void> {
  const login = t.client.login('a', 'password1')
  const req = await t.next()
  t.push(
    trackerFrame({
      id: req.id,
      loggedIn: {
        username: 'a',
        heartbeatMs: 1000,
        addrs: [],
        snapshot,
        relay: false,
        relayDataLimit: 0,
        relayDurationLimitMs: 0,
        trackerVersion: 'x',
        addrProof: new Uint8Array(),
        listId: new Uint8Array()
      }
    })
  )
  await login
}

/** The client against a scripted tracker on the other end of an in-memory stream pair. */
async function scripted() {
  const [near, far] = await streamPair()
  const client = TrackerClient.fromStream(near, { autoHeartbeat: false })
  const lp = lpStream(far)
  const next = async () => ClientMessage.decode(await lp.read({ signal: AbortSignal.timeout(5_000) }))
  return { client, far, next, push: (frame: Uint8Array) => far.send(frame) }
}

describe('tracker client presence', () => {
  it('applies deltas in order and ignores events it already has', async () => {
    const t = await scripted()
    const [a, b, c] = await Promise.all([entry('a'), entry('b'), entry('c')])
    await logIn(t, { version: 2, peers: [a, b] })
    expect(t.client.online.get('a')!.addrs[0].toString()).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/9\/p2p\/12D3/)
    // Base 1 overlaps the snapshot (version 2): event 2 is old news, event 3 is new.
    const joined = nextEvent(t.client, 'joined')
    t.push(
      trackerFrame({
        delta: {
          baseVersion: 1,
          events: [
            { version: 2, joined: b, reason: leaveReasonCode(LeaveReason.LOGOUT) },
            { version: 3, joined: c, reason: leaveReasonCode(LeaveReason.LOGOUT) }
          ]
        }
      })
    )
    expect(await joined).toMatchObject({ user: 'c' })
    const left = nextEvent(t.client, 'left')
    t.push(
      trackerFrame({
        delta: {
          baseVersion: 3,
          events: [{ version: 4, left: 'b', reason: leaveReasonCode(LeaveReason.TIMEOUT) }]
        }
      })
    )
    expect(await left).toEqual({ user: 'b', reason: 'timeout' })
    expect([...t.client.online.keys()].sort()).toEqual(['a', 'c'])
    expect(t.client.version).toBe(4)
    t.client.close()
  })

  it('brings a kept list up to date from listDelta, and asks for the whole list when it does not fit', async () => {
    const [a, b, c] = await Promise.all([entry('a'), entry('b'), entry('c')])
    const first = await scripted()
    await logIn(first, { version: 7, peers: [a, b] })
    const kept = { id: new Uint8Array(16).fill(1), version: 7, online: new Map(first.client.online) }
    const reply = (id: number, baseVersion: number) =>
      trackerFrame({
        id,
        loggedIn: {
          username: 'a',
          heartbeatMs: 1000,
          addrs: [],
          relay: false,
          relayDataLimit: 0,
          relayDurationLimitMs: 0,
          trackerVersion: 'x',
          addrProof: new Uint8Array(),
          listId: new Uint8Array(16).fill(2),
          listDelta: {
            baseVersion,
            events: [{ version: 8, joined: c, reason: leaveReasonCode(LeaveReason.LOGOUT) }]
          }
        }
      })
    // The changes since the version presented: applied to the kept list.
    const resumed = await scripted()
    const login = resumed.client.login('a', 'password1', [], { list: kept })
    const req = await resumed.next()
    expect(req.login).toMatchObject({ listVersion: 7 })
    expect(Uint8Array.from(req.login!.listId)).toEqual(kept.id)
    resumed.push(reply(req.id, 7))
    await login
    expect(resumed.client.listResumed).toBe(true)
    expect([...resumed.client.online.keys()].sort()).toEqual(['a', 'b', 'c'])
    expect(resumed.client.version).toBe(8)
    expect(Uint8Array.from(resumed.client.keptList()!.id)).toEqual(new Uint8Array(16).fill(2))

    // Changes from another version than the one presented are not applied: a snapshot is asked for.
    const odd = await scripted()
    const login2 = odd.client.login('a', 'password1', [], { list: kept })
    const req2 = await odd.next()
    odd.push(reply(req2.id, 5))
    await login2
    expect(odd.client.listResumed).toBe(false)
    const resync = await odd.next()
    expect(resync.snapshot).toBeDefined()
    expect(odd.client.keptList()).toBeUndefined()
    first.client.close()
    resumed.client.close()
    odd.client.close()
  })

  it('asks for a snapshot when a delta skips versions, and adopts it', async () => {
    const t = await scripted()
    const [a, b, c] = await Promise.all([entry('a'), entry('b'), entry('c')])
    await logIn(t, { version: 1, peers: [a] })
    const gap = nextEvent(t.client, 'gap')
    // Versions 2..4 never arrived; this delta starts at 5.
    t.push(
      trackerFrame({
        delta: {
          baseVersion: 5,
          events: [{ version: 6, joined: c, reason: leaveReasonCode(LeaveReason.LOGOUT) }]
        }
      })
    )
    expect(await gap).toEqual({ have: 1, base: 5 })
    const resync = await t.next()
    expect(resync.snapshot).toEqual({})
    const snap = nextEvent(t.client, 'snapshot')
    t.push(trackerFrame({ id: resync.id, snapshot: { version: 6, peers: [a, b, c] } }))
    expect(((await snap) as { version: number }).version).toBe(6)
    expect([...t.client.online.keys()].sort()).toEqual(['a', 'b', 'c'])
    t.client.close()
  })

  it('turns an error reply into a typed error and fails requests when the stream ends', async () => {
    const t = await scripted()
    const login = t.client.login('a', 'password1')
    const req = await t.next()
    t.push(trackerFrame({ id: req.id, error: { code: 'RATE_LIMITED', message: 'wait', retryAfterMs: 1234 } }))
    await expect(login).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1234 })
    const hb = t.client.heartbeat()
    await t.next()
    await t.far.close()
    await expect(hb).rejects.toMatchObject({ code: 'SESSION_CLOSED' })
  })
})

describe('tracker client queries', () => {
  async function loggedIn() {
    const t = await scripted()
    await logIn(t, { version: 1, peers: [await entry('Online')] })
    return t
  }

  it('asks once for concurrent lookups of one PeerId', async () => {
    const t = await loggedIn()
    const b = await entry('b')
    const peerId = peerIdFromMultihash(Digest.decode(b.peerId))
    const first = t.client.lookup(peerId)
    const second = t.client.lookup(peerId)
    const req = await t.next()
    expect(req.lookup?.peerId).toEqual(b.peerId)
    t.push(trackerFrame({ id: req.id, peer: b }))
    expect((await first).user).toBe('b')
    expect((await second).user).toBe('b')
    // The next request on the wire is the heartbeat: the second lookup sent nothing.
    const hb = t.client.heartbeat()
    const next = await t.next()
    expect(next.heartbeat).toEqual({ ack: true })
    t.push(trackerFrame({ id: next.id, ack: {} }))
    await hb
    t.client.close()
  })

  it('answers accountExists with the canonical spelling, or undefined', async () => {
    const t = await loggedIn()
    const bob = t.client.accountExists('bob')
    const q1 = await t.next()
    expect(q1.account).toEqual({ username: 'bob' })
    t.push(trackerFrame({ id: q1.id, account: { username: 'Bob', exists: true } }))
    expect(await bob).toBe('Bob')

    const nobody = t.client.accountExists('nobody')
    const q2 = await t.next()
    t.push(trackerFrame({ id: q2.id, account: { username: '', exists: false } }))
    expect(await nobody).toBeUndefined()

    // An answer about another name is not believed.
    const eve = t.client.accountExists('eve')
    const q3 = await t.next()
    t.push(trackerFrame({ id: q3.id, account: { username: 'mallory', exists: true } }))
    await expect(eve).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })

    const bad = t.client.accountExists('with space')
    const q4 = await t.next()
    t.push(trackerFrame({ id: q4.id, error: { code: 'INVALID_USERNAME', message: 'no', retryAfterMs: 0 } }))
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_USERNAME' })

    // Someone on the online list has an account: no need to ask.
    await expect(t.client.accountExists('Online')).resolves.toBe('Online')
    t.client.close()
  })

  it('asks again after RATE_LIMITED, no sooner than retryAfterMs', async () => {
    const t = await loggedIn()
    const answer = t.client.accountExists('bob')
    const q1 = await t.next()
    t.push(trackerFrame({ id: q1.id, error: { code: 'RATE_LIMITED', message: 'slow', retryAfterMs: 300 } }))
    const refusedAt = Date.now()
    const q2 = await t.next()
    // Timers may fire a millisecond early; the point is that the client waited for the tracker.
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(290)
    expect(q2.account).toEqual({ username: 'bob' })
    t.push(trackerFrame({ id: q2.id, account: { username: 'bob', exists: true } }))
    expect(await answer).toBe('bob')
    t.client.close()
  })

  it('fails a query whose signal aborts, with TIMEOUT', async () => {
    const t = await loggedIn()
    const controller = new AbortController()
    const answer = t.client.accountExists('bob', { signal: controller.signal })
    await t.next()
    controller.abort()
    await expect(answer).rejects.toMatchObject({ code: 'TIMEOUT' })
    t.client.close()
  })

  it('retries a refused resync no sooner than the tracker asks', async () => {
    const t = await loggedIn()
    t.push(trackerFrame({ delta: { baseVersion: 5, events: [] } }))
    const first = await t.next()
    expect(first.snapshot).toEqual({})
    t.push(
      trackerFrame({ id: first.id, error: { code: 'RATE_LIMITED', message: 'slow', retryAfterMs: 900 } })
    )
    const refusedAt = Date.now()
    const second = await t.next()
    expect(second.snapshot).toEqual({})
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(890)
    const snap = nextEvent(t.client, 'snapshot')
    t.push(trackerFrame({ id: second.id, snapshot: { version: 7, peers: [] } }))
    expect(((await snap) as { version: number }).version).toBe(7)
    t.client.close()
  })
})
