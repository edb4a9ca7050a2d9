import net from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import type { HandshakeStats } from '../../tracker/handshake-guard.ts'
import {
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_PENDING_PER_STRANGER_HOST
} from '../../tracker/handshake-guard.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import type { TestPeer } from '../fixtures/nodes.ts'
import { connectPeer, onCleanup, PASSWORD, startNodeFrom, startTracker } from '../fixtures/nodes.ts'

/** Loopback hosts other than 127.0.0.1 (all of 127/8 reaches lo on Linux): 127.0.0.2 onwards. */
const hosts = (n: number, first = 2): string[] => Array.from({ length: n }, (_, i) => `127.0.0.${first + i}`)

/**
 * Connections opened at once: SYNs beyond the listen backlog (the kernel's somaxconn may be lower than
 * the tracker asks for) are dropped and retried 1, 3, 7… s later, which would spread a flood over a minute.
 */
const STALL_BATCH = 256

/**
 * `perHost` TCP connections from each host to the tracker that send nothing: they stall before the
 * first byte of the handshake. With `reconnect`, each is opened again as soon as it is closed. Resolves
 * once every connection is established (or already refused).
 */
async function stall(
  tracker: Tracker,
  from: string[],
  perHost: number,
  reconnect = false
): Promise<{ opened: () => number; closed: () => number }> {
  const port = Number(tracker.getMultiaddrs()[0].toString().split('/')[4])
  const sockets = new Set<net.Socket>()
  let stopped = false
  let opened = 0
  let closed = 0
  const open = (localAddress: string): Promise<void> => {
    if (stopped) return Promise.resolve()
    opened++
    const socket = net.connect({ host: '127.0.0.1', port, localAddress })
    sockets.add(socket)
    socket.on('error', () => {})
    return new Promise(resolve => {
      socket.once('connect', resolve)
      socket.on('close', () => {
        resolve()
        sockets.delete(socket)
        closed++
        if (reconnect) setImmediate(() => open(localAddress))
      })
    })
  }
  onCleanup(() => {
    stopped = true
    for (const socket of sockets) socket.destroy()
  })
  const all = Array.from({ length: perHost }, () => from).flat()
  for (let i = 0; i < all.length; i += STALL_BATCH) {
    await Promise.all(all.slice(i, i + STALL_BATCH).map(open))
  }
  return { opened: () => opened, closed: () => closed }
}

/** Poll the guard's counters until `ok` (there is no event per handshake to await). */
async function until(
  tracker: Tracker,
  ok: (s: HandshakeStats) => boolean,
  what: string,
  timeoutMs = 20_000
): Promise<HandshakeStats> {
  const deadline = Date.now() + timeoutMs
  while (!ok(tracker.handshakes.stats)) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms (${JSON.stringify(tracker.handshakes.stats)})`)
    }
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  return tracker.handshakes.stats
}

const settled = (s: HandshakeStats, n: number): boolean => s.admitted + s.refusedPerHost + s.refusedFull >= n

/** A user who logged in from 127.0.0.1 (so that host is known) and has closed that connection. */
async function returningUser(tracker: Tracker, name: string): Promise<TestPeer> {
  const peer = await connectPeer(tracker, name)
  peer.client.close()
  await peer.node.hangUp(tracker.peerId)
  expect(tracker.handshakes.isKnown(multiaddr('/ip4/127.0.0.1/tcp/1'))).toBe(true)
  return peer
}

/** One attempt, no retry: a new connection (TCP + Noise + muxer) and a login. Resolves with its ms. */
async function loginOnce(tracker: Tracker, peer: TestPeer, name: string): Promise<number> {
  const began = performance.now()
  const client = await TrackerClient.connect(peer.node, tracker.getMultiaddrs()[0], {
    signal: AbortSignal.timeout(10_000)
  })
  onCleanup(() => client.close())
  await client.login(name, PASSWORD)
  return performance.now() - began
}

/** A user on a host the tracker has never seen: registers and logs in on its first connection. */
async function newUser(tracker: Tracker, host: string, name: string): Promise<TestPeer> {
  const node = await startNodeFrom(host)
  return connectPeer(tracker, name, { node })
}

/** 32 slots, 8 kept for known hosts: strangers hold at most 24, 4 per host. */
const SMALL = { maxPending: 32, knownReservedShare: 0.25, pendingPerStrangerHost: 4, pendingPerKnownHost: 16 }

describe('half-open handshake flood', () => {
  it('without the guard, stalled connections lock a returning user out (the attack)', async () => {
    const tracker = await startTracker({ handshakes: { enabled: false } })
    const alice = await returningUser(tracker, 'alice')
    // 576 connections: libp2p's flat 512 fill up (each held for 30 s) and the other 64 are reset.
    const flood = await stall(tracker, hosts(64), 9)
    await expect.poll(() => flood.closed(), { timeout: 20_000 }).toBe(64)
    await expect(loginOnce(tracker, alice, 'alice')).rejects.toThrow()
  })

  it('keeps a known user and a new host logging in while stalled connections fill the strangers’ share', async () => {
    // The strangers' deadline at full load: long enough for the logins below, short enough to wait for.
    const floorMs = 2_000
    const tracker = await startTracker({ handshakes: { ...SMALL, strangerDeadlineFloorMs: floorMs } })
    const alice = await returningUser(tracker, 'alice')
    // 16 hosts × 4: more than the strangers' 24 slots.
    const flood = await stall(tracker, hosts(16), 4)
    // One more: the user's own first connection.
    const full = await until(tracker, s => settled(s, 64 + 1), 'flood processed')
    expect(full).toMatchObject({ pendingStrangers: 24, pendingKnown: 0, refusedFull: 40 })

    // The known user uses the reserve: the first attempt goes through.
    expect(await loginOnce(tracker, alice, 'alice')).toBeLessThan(5_000)
    // A new host takes the oldest slot of a host holding 4.
    const bob = await newUser(tracker, '127.0.0.100', 'bob')
    expect(tracker.handshakes.stats.evicted).toBeGreaterThanOrEqual(1)
    // The tracker keeps serving both.
    expect(await bob.client.accountExists('alice')).toBe('alice')
    expect(tracker.presence.stats().online).toBe(2)
    // All of that while every stall still held its slot.
    expect(tracker.handshakes.stats.timedOut).toBe(0)
    // Their share was full, so the stalls get the floor, not 30 s: the tracker closes them (those that
    // a sweep finds younger than the floor then get the longer deadline of the lighter load).
    await until(tracker, s => s.timedOut > 0, 'stalls timed out well before 30 s', floorMs + 5_000)
    // Refused, evicted for bob, timed out: each one a socket the tracker closed.
    await expect.poll(() => flood.closed() - 40 - 1 - tracker.handshakes.stats.timedOut).toBe(0)
  })

  it('does the same when every dropped connection comes straight back', async () => {
    const tracker = await startTracker({ handshakes: SMALL })
    const alice = await returningUser(tracker, 'alice')
    // 16 hosts × 2, 8 more than the strangers' slots: those are reset and back at once, over and over.
    const flood = await stall(tracker, hosts(16), 2, true)
    await until(tracker, s => s.refusedFull > 100, 'reconnects refused')
    expect(flood.opened()).toBeGreaterThan(100)

    expect(await loginOnce(tracker, alice, 'alice')).toBeLessThan(5_000)
    const bob = await newUser(tracker, '127.0.0.100', 'bob')
    expect(await bob.client.accountExists('alice')).toBe('alice')
    expect(tracker.handshakes.stats.completed).toBeGreaterThanOrEqual(3)
  })

  it('a flood from one host leaves room for a new user on another host', async () => {
    const tracker = await startTracker({ handshakes: SMALL })
    await stall(tracker, ['127.0.0.2'], 12, true)
    await until(tracker, s => s.refusedPerHost > 200, 'per-host refusals')
    expect(tracker.handshakes.stats.pendingStrangers).toBe(4)
    const carol = await newUser(tracker, '127.0.0.3', 'carol')
    expect(await carol.client.accountExists('carol')).toBe('carol')
    expect(tracker.handshakes.stats.evicted).toBe(0)
  })

  it('at the default sizes: 2,048 stalled connections from 64 hosts', async () => {
    const tracker = await startTracker()
    const alice = await returningUser(tracker, 'alice')
    // As many per host as a stranger host may hold, so only the shared limits refuse them.
    await stall(tracker, hosts(64), DEFAULT_PENDING_PER_STRANGER_HOST)
    const full = await until(
      tracker,
      s => settled(s, 64 * DEFAULT_PENDING_PER_STRANGER_HOST + 1),
      'flood processed'
    )
    expect(full.pendingStrangers).toBe(DEFAULT_MAX_PENDING_HANDSHAKES * 0.75)
    expect(full.refusedPerHost).toBe(0)

    expect(await loginOnce(tracker, alice, 'alice')).toBeLessThan(5_000)
    await newUser(tracker, '127.0.0.100', 'bob')
    expect(tracker.presence.stats().online).toBe(2)
  })
})
