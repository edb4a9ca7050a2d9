import { describe, expect, it } from 'vitest'
import type { OnlineUser, TrackerClientEventDetails } from '../../peer/core/tracker-client.ts'
import type { PresenceEventDetail } from '../../tracker/tracker.ts'
import { connectPeer, nextEvent, startTracker } from '../fixtures/nodes.ts'

type Left = TrackerClientEventDetails['left']

describe('tracker presence', () => {
  it('sends a snapshot on login, then joins and leaves as deltas to everyone', async () => {
    const tracker = await startTracker({ coalesceMs: 20 })
    const a = await connectPeer(tracker, 'alice')
    const joinedB = nextEvent<OnlineUser>(a.client, 'joined', u => u.user === 'bob')
    const b = await connectPeer(tracker, 'bob')
    expect([...b.client.online.keys()].sort()).toEqual(['alice', 'bob'])
    const seenByA = await joinedB
    expect(seenByA.peerId.equals(b.node.peerId)).toBe(true)

    const joinedAtA = nextEvent(a.client, 'joined', (u: { user: string }) => u.user === 'carol')
    const joinedAtB = nextEvent(b.client, 'joined', (u: { user: string }) => u.user === 'carol')
    const c = await connectPeer(tracker, 'carol')
    await Promise.all([joinedAtA, joinedAtB])
    expect([...c.client.online.keys()].sort()).toEqual(['alice', 'bob', 'carol'])

    // Everyone agrees on the version once the delta is in.
    expect(a.client.version).toBe(tracker.presence.version)
    expect(b.client.version).toBe(tracker.presence.version)

    const leftAtA = nextEvent<Left>(a.client, 'left', l => l.user === 'carol')
    const leftAtB = nextEvent<Left>(b.client, 'left', l => l.user === 'carol')
    await c.client.logout()
    expect(await leftAtA).toEqual({ user: 'carol', reason: 'logout' })
    expect(await leftAtB).toEqual({ user: 'carol', reason: 'logout' })
    expect([...a.client.online.keys()].sort()).toEqual(['alice', 'bob'])
  })

  it('reports a closed connection as disconnect at once', async () => {
    const tracker = await startTracker({ heartbeatMs: 60_000 })
    const a = await connectPeer(tracker, 'alice')
    const b = await connectPeer(tracker, 'bob')
    const left = nextEvent<Left>(a.client, 'left', l => l.user === 'bob', 5_000)
    await b.node.stop()
    expect(await left).toEqual({ user: 'bob', reason: 'disconnect' })
  })

  it('coalesces a burst of joins into one push per subscriber', async () => {
    const tracker = await startTracker({ coalesceMs: 300 })
    const watcher = await connectPeer(tracker, 'watcher')
    const others = ['p1', 'p2', 'p3', 'p4']
    for (const name of others) await connectPeer(tracker, name, { login: false })
    const framesBefore = watcher.client.received.deltaFrames
    const allJoined = Promise.all(
      others.map(name => nextEvent(watcher.client, 'joined', (u: { user: string }) => u.user === name))
    )
    // Log the four in within one window: their sessions exist already, so the logins are fast.
    await Promise.all(
      others.map(async name => {
        const peer = await connectPeer(tracker, name, { register: false, login: false })
        await peer.client.login(name, 'correct horse battery', peer.node.getMultiaddrs())
      })
    )
    await allJoined
    expect(watcher.client.received.deltaFrames - framesBefore).toBeLessThanOrEqual(2)
    expect([...watcher.client.online.keys()].sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'watcher'])
  })

  it('a second login of the account from another PeerId replaces the first', async () => {
    const tracker = await startTracker({ coalesceMs: 20 })
    const watcher = await connectPeer(tracker, 'watcher')
    const first = await connectPeer(tracker, 'dana')
    const notice = nextEvent<TrackerClientEventDetails['notice']>(first.client, 'notice')
    const closed = nextEvent(first.client, 'closed')
    const leftAtWatcher = nextEvent<Left>(watcher.client, 'left', l => l.user === 'dana')
    // Leave and join arrive in one delta, in that order; listen for both before they happen.
    const rejoined = nextEvent(watcher.client, 'joined', (u: { user: string }) => u.user === 'dana')
    const second = await connectPeer(tracker, 'dana', { register: false })
    expect((await notice).kind).toBe('replaced')
    await closed
    expect(await leftAtWatcher).toEqual({ user: 'dana', reason: 'replaced' })
    await rejoined
    expect(watcher.client.online.get('dana')!.peerId.equals(second.node.peerId)).toBe(true)
    expect(tracker.presence.size).toBe(2)
  })

  it('evicts a peer that stops heartbeating within 3 intervals and tells everyone "timeout"', async () => {
    const heartbeatMs = 200
    const tracker = await startTracker({ heartbeatMs, coalesceMs: 10 })
    const a = await connectPeer(tracker, 'alice')
    const silentStart = Date.now()
    const silent = await connectPeer(tracker, 'mute', { autoHeartbeat: false })
    const evicted = nextEvent<TrackerClientEventDetails['notice']>(silent.client, 'notice')
    const left = await nextEvent<Left>(a.client, 'left', l => l.user === 'mute', 5_000)
    const elapsed = Date.now() - silentStart
    expect(left.reason).toBe('timeout')
    expect((await evicted).kind).toBe('evicted')
    expect(elapsed).toBeGreaterThanOrEqual(heartbeatMs * 3 - 50)
    expect(elapsed).toBeLessThan(heartbeatMs * 3 + 1_000)
    // The heartbeating peer stayed online through all of it.
    expect([...a.client.online.keys()]).toEqual(['alice'])
    expect(tracker.presence.byKey('alice')).toBeDefined()
  })

  it('emits presence events on the tracker itself, with reason names', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const joined = nextEvent<PresenceEventDetail>(tracker, 'presence', e => e.kind === 'joined')
    const a = await connectPeer(tracker, 'alice')
    expect(await joined).toEqual({ kind: 'joined', username: 'alice' })
    const left = nextEvent<PresenceEventDetail>(tracker, 'presence', e => e.kind === 'left')
    await a.client.logout()
    expect(await left).toEqual({ kind: 'left', username: 'alice', reason: 'logout' })
  })

  it('interoperates with an mplex-only peer', async () => {
    const tracker = await startTracker({ coalesceMs: 20 })
    const a = await connectPeer(tracker, 'alice')
    const joined = nextEvent(a.client, 'joined', (u: { user: string }) => u.user === 'old')
    const old = await connectPeer(tracker, 'old', { muxers: ['mplex'] })
    await joined
    const conn = old.node.getConnections(tracker.peerId)[0]
    expect(conn.multiplexer).toBe('/mplex/6.7.0')
    await old.client.heartbeat()
    expect([...old.client.online.keys()].sort()).toEqual(['alice', 'old'])
  })
})
