import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import type { EventDetails, UserInfo } from '../../peer/api/schema.ts'
import type { PeerClient } from '../../peer/core/peer-client.ts'
import type { RelayInit } from '../../tracker/relay.ts'
import { sha256File, writeRandomFile } from '../fixtures/files.ts'
import {
  connectPeer,
  nextEvent,
  startNode,
  startPeerClient,
  startTracker,
  tempDir
} from '../fixtures/nodes.ts'

/** Listening on 127.0.0.2 while dialling from 127.0.0.1: the tracker cannot dial back (see peer-relay.test.ts). */
const HIDDEN = { listen: ['/ip4/127.0.0.2/tcp/0'] }
const MiB = 1024 * 1024

type Accepted = EventDetails['file-accepted']
type Done = EventDetails['file-done']
type Failed = EventDetails['file-failed']

/** Two peers nobody can dial, so everything between them goes through the tracker's relay. */
async function hiddenPair(relay: RelayInit, more: string[] = []) {
  const tracker = await startTracker({ coalesceMs: 10, relay })
  const alice = await startPeerClient(tracker, 'alice', HIDDEN)
  const others: PeerClient[] = []
  for (const user of ['bob', ...more]) {
    const joined = nextEvent<UserInfo>(alice, 'joined', u => u.user === user)
    others.push(await startPeerClient(tracker, user, HIDDEN))
    await joined
  }
  await expect.poll(() => tracker.relayStats.reservations).toBe(1 + others.length)
  return { tracker, alice, bob: others[0], others }
}

/** alice sends `path` to bob, who accepts; resolves with bob's file-done or alice's file-failed. */
async function send(alice: PeerClient, bob: PeerClient, path: string) {
  const t = await alice.sendFile('bob', path)
  const accepted = nextEvent<Accepted>(alice, 'file-accepted', a => a.transferId === t.transferId, 60_000)
  const offer = nextEvent<EventDetails['file-offer']>(bob, 'file-offer', o => o.transferId === t.transferId)
  const done = nextEvent<Done>(bob, 'file-done', d => d.transferId === t.transferId, 60_000)
  const failed = nextEvent<Failed>(alice, 'file-failed', f => f.transferId === t.transferId, 60_000)
  const outcome = Promise.race([done.then(d => ({ done: d })), failed.then(f => ({ failed: f }))])
  offer.then(o => (o.resumeFrom === undefined ? bob.acceptFile(o.transferId) : undefined)).catch(() => {})
  return { t, accepted, outcome }
}

describe('files through the tracker relay', () => {
  it('arrive when they fit its per-connection limit, on a fresh relayed connection if need be; larger ones get RELAY_LIMIT before any offer', async () => {
    const { tracker, alice, bob } = await hiddenPair({ dataLimitBytes: 4 * MiB })
    const dir = await tempDir()
    const offers: string[] = []
    bob.addEventListener('file-offer', e => offers.push(e.detail.name))

    const small = join(dir, 'two.bin')
    await writeRandomFile(small, 2 * MiB)
    const first = await send(alice, bob, small)
    // Relayed: the content stays on the file stream (no bulk connection can reach a hidden peer).
    expect(await first.accepted).toMatchObject({ via: 'relayed', path: 'stream' })
    const got = await first.outcome
    expect('done' in got && (await sha256File(got.done.path))).toBe(await sha256File(small))
    expect(tracker.relayStats.relayedBytes).toBeGreaterThan(2 * MiB)

    // 3 MiB no longer fits what the first connection has left of its 4 MiB, but fits a fresh one.
    const middle = join(dir, 'three.bin')
    await writeRandomFile(middle, 3 * MiB)
    const second = await send(alice, bob, middle)
    expect((await second.accepted).via).toBe('relayed')
    const got2 = await second.outcome
    expect('done' in got2 && (await sha256File(got2.done.path))).toBe(await sha256File(middle))

    // 5 MiB can never go through: refused at once, naming the limit, and bob is never asked.
    const big = join(dir, 'five.bin')
    await writeRandomFile(big, 5 * MiB)
    const third = await send(alice, bob, big)
    const refused = await third.outcome
    expect('failed' in refused && refused.failed).toMatchObject({ code: 'RELAY_LIMIT' })
    expect('failed' in refused && refused.failed.message).toMatch(/4\.0 MiB per connection.*5\.0 MiB/)
    expect(offers).toEqual(['two.bin', 'three.bin'])
  })

  it('a transfer the relay cuts resumes from the verified bytes when sent again', {
    timeout: 120_000
  }, async () => {
    // The relayed connection is cut once bytes are moving: deterministic on any machine (a duration
    // limit alone let a fast machine move the whole file within it).
    const { alice, bob } = await hiddenPair({})
    const dir = await tempDir()
    const path = join(dir, 'movie.bin')
    await writeRandomFile(path, 48 * MiB)
    const moving = nextEvent<EventDetails['file-progress']>(
      bob,
      'file-progress',
      p => p.phase === 'transferring' && p.bytes > 0 && p.bytes < p.size,
      60_000
    )
    const first = await send(alice, bob, path)
    expect((await first.accepted).via).toBe('relayed')
    await moving
    const relayed = alice.node!.getConnections().filter(c => c.limits !== undefined)
    expect(relayed.length).toBeGreaterThan(0)
    for (const c of relayed) c.abort(new Error('relay cut'))
    const cut = await first.outcome
    expect('failed' in cut && cut.failed.code).toBe('INTERRUPTED')

    // Sent again: a fresh relayed connection, continued from what bob has verified.
    const second = await send(alice, bob, path)
    expect((await second.accepted).via).toBe('relayed')
    const result = await second.outcome
    expect('done' in result && result.done.resumedFrom).toBeGreaterThan(0)
    expect('done' in result && (await sha256File(result.done.path))).toBe(await sha256File(path))
  })

  it('caps relayed connections per user: a third party is refused while bob has his share open', async () => {
    const { tracker, alice, others } = await hiddenPair({ maxConnectionsPerUser: 1 }, ['carol'])
    const [bob, carol] = others
    const got = nextEvent<EventDetails['message']>(bob, 'message', m => m.text === 'first')
    await alice.send('bob', 'first')
    expect((await got).via).toBe('relayed')
    const refused = nextEvent<EventDetails['error']>(carol, 'error', e => e.code === 'UNREACHABLE')
    await carol.send('bob', 'second')
    expect((await refused).message).toMatch(/relay could not reach them/)
    expect(tracker.relayStats).toMatchObject({ refusedPerUser: 1, openConnections: 1 })
  })

  it('a relay slot ends with its session: nobody reaches a logged-out user through it', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const node = await startNode(undefined, HIDDEN.listen)
    const bob = await connectPeer(tracker, 'bob', { node })
    await node.services.self.listen([multiaddr(`${tracker.getMultiaddrs()[0]}/p2p-circuit`)])
    expect(tracker.relayStats.reservations).toBe(1)
    await bob.client.logout()
    expect(tracker.relayStats.reservations).toBe(0)
    // Logged out, still connected: the slot is gone all the same, so nobody reaches bob through it.
    expect(node.getConnections(tracker.node!.peerId).length).toBe(1)
    const alice = await connectPeer(tracker, 'alice')
    const circuit = multiaddr(`${tracker.getMultiaddrs()[0]}/p2p-circuit/p2p/${node.peerId}`)
    await expect(alice.node.dial(circuit, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow()
    expect(tracker.relayStats.relayedConnections).toBe(0)
  })

  it('a session that ends takes its relayed connections with it', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const relay = multiaddr(`${tracker.getMultiaddrs()[0]}/p2p-circuit`)
    const [a, b] = [await startNode(undefined, HIDDEN.listen), await startNode(undefined, HIDDEN.listen)]
    await connectPeer(tracker, 'alice', { node: a })
    const bob = await connectPeer(tracker, 'bob', { node: b })
    await b.services.self.listen([relay])
    const relayed = await a.dial(relay.encapsulate(`/p2p/${b.peerId}`), {
      signal: AbortSignal.timeout(5_000)
    })
    expect(relayed.limits).toBeDefined()
    await expect.poll(() => tracker.relayStats.openConnections).toBe(1)
    await bob.client.logout()
    await expect.poll(() => relayed.status).not.toBe('open')
    await expect.poll(() => tracker.relayStats.openConnections).toBe(0)
  })
})
