import { logger } from '@libp2p/logger'
import { describe, expect, it } from 'vitest'
import { PeerHost } from '../../peer/api/host.ts'
import type { EventDetails, TrackerEvent, UserInfo } from '../../peer/api/schema.ts'
import type { PeerClientInit } from '../../peer/core/peer-client.ts'
import { PeerClient } from '../../peer/core/peer-client.ts'
import { WebSession } from '../../peer/web/web-session.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { nextEvent, onCleanup, PASSWORD, startPeerClient, startTracker, tempDir } from '../fixtures/nodes.ts'
import { startRedis } from '../fixtures/redis.ts'

/**
 * A peer given several trackers that share one store (Redis): it logs in on the first that answers and,
 * when that one goes away, on the next by itself — friends, groups and the online list are the same
 * there. Direct chats never needed the tracker and go on.
 */

/** Trackers heartbeat every second here, so a dead one's sessions would be evicted within 3 s. */
const HEARTBEAT_MS = 1_000

/** `count` trackers on one Redis, with their addresses (kept: a stopped tracker lists none). */
async function cluster(count: number): Promise<{ trackers: Tracker[]; addrs: string[]; redisUrl: string }> {
  const redis = await startRedis()
  const trackers: Tracker[] = []
  for (let i = 0; i < count; i++) {
    trackers.push(await startTracker({ store: redis.url, heartbeatMs: HEARTBEAT_MS, coalesceMs: 20 }))
  }
  return { trackers, addrs: trackers.map(t => t.getMultiaddrs()[0].toString()), redisUrl: redis.url }
}

/** A PeerClient with `trackers` in that order; its `tracker` events from before start() on, in `states`. */
async function failoverPeer(
  user: string,
  trackers: string[],
  opts: Partial<PeerClientInit> = {}
): Promise<{ peer: PeerClient; states: TrackerEvent[] }> {
  const peer = new PeerClient({
    tracker: trackers,
    user,
    password: PASSWORD,
    register: true,
    dataDir: await tempDir(`p2pchat-peer-${user}-`),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    ...opts
  })
  const states: TrackerEvent[] = []
  peer.addEventListener('tracker', e => states.push(e.detail))
  onCleanup(() => peer.stop())
  await peer.start()
  return { peer, states }
}

/** The texts `peer` is shown, in order, each as often as it is shown. */
function shownTo(peer: PeerClient): string[] {
  const shown: string[] = []
  peer.addEventListener('message', e => shown.push(e.detail.text))
  return shown
}

/** `from` sends `text` to `to`: resolves once it is shown to `to` and `from` heard it was delivered. */
async function say(from: PeerClient, to: PeerClient, text: string): Promise<EventDetails['message']> {
  const got = nextEvent<EventDetails['message']>(to, 'message', m => m.text === text)
  // Listening before sending: delivery may be reported before send() resolves.
  const delivered = new Set<string>()
  let wanted: string | undefined
  const done = Promise.withResolvers<void>()
  const onDelivered = (e: CustomEvent<EventDetails['delivered']>): void => {
    delivered.add(e.detail.messageId)
    if (e.detail.messageId === wanted) done.resolve()
  }
  from.addEventListener('delivered', onDelivered)
  try {
    wanted = (await from.send(to.username, text)).messageId
    if (delivered.has(wanted)) done.resolve()
    const [message] = await Promise.all([got, done.promise])
    return message
  } finally {
    from.removeEventListener('delivered', onDelivered)
  }
}

const HIDDEN = { listen: ['/ip4/127.0.0.2/tcp/0'] }

describe('a peer with several trackers', () => {
  it('moves to the next tracker when its own stops: others see it online again, and chat goes on', async () => {
    const { trackers, addrs } = await cluster(3)
    const { peer: alice, states: aliceStates } = await failoverPeer('alice', addrs)
    const { peer: bob, states: bobStates } = await failoverPeer('bob', [addrs[1], addrs[2], addrs[0]])
    expect(alice.trackerAddr).toBe(addrs[0])
    expect(bob.trackerAddr).toBe(addrs[1])
    await expect.poll(() => alice.isOnline('bob') && bob.isOnline('alice')).toBe(true)
    const bobShown = shownTo(bob)
    const aliceShown = shownTo(alice)
    expect((await say(alice, bob, 'before')).via).toBe('direct')

    const away = nextEvent<TrackerEvent>(alice, 'tracker', t => t.state === 'reconnecting')
    const back = nextEvent<TrackerEvent>(alice, 'tracker', t => t.state === 'connected')
    const seenAgain = nextEvent<UserInfo>(bob, 'joined', u => u.user === 'alice')
    const bobStatesBefore = bobStates.length
    await trackers[0].stop()

    // At once to the next in her list, without a back-off.
    expect(await away).toMatchObject({
      tracker: addrs[0],
      message: expect.stringMatching(/shutting down; trying the next tracker/)
    })
    expect((await away).retryInMs).toBeUndefined()
    expect(await back).toMatchObject({ state: 'connected', tracker: addrs[1] })
    expect(alice.trackerAddr).toBe(addrs[1])
    expect(new PeerHost(alice).session()).toMatchObject({ state: 'connected', tracker: addrs[1] })
    expect((await seenAgain).peerId).toBe(alice.peerId.toString())
    expect(trackers[1].presence.byKey('alice')?.peerKey).toBe(alice.peerId.toString())
    // bob's tracker never went away: his session did not notice.
    expect(bobStates.slice(bobStatesBefore)).toEqual([])
    expect(aliceStates.map(s => [s.state, s.tracker])).toEqual([
      ['connected', addrs[0]],
      ['reconnecting', addrs[0]],
      ['connected', addrs[1]]
    ])

    // Both ways, each message once.
    await say(alice, bob, 'after the failover')
    await say(bob, alice, 'welcome back')
    expect(bobShown).toEqual(['before', 'after the failover'])
    expect(aliceShown).toEqual(['welcome back'])
  })

  it('logs in on the second address when the first is down at start, registering there once', async () => {
    const { trackers, addrs } = await cluster(2)
    await trackers[0].stop()
    const { peer: alice, states } = await failoverPeer('alice', addrs)
    expect(alice.trackerState).toBe('connected')
    expect(alice.trackerAddr).toBe(addrs[1])
    // The dead first address is not news: one login, on the second, after creating the account there.
    expect(states).toEqual([{ state: 'connected', tracker: addrs[1], accountCreated: true }])
    const bob = await startPeerClient(trackers[1], 'bob')
    await expect.poll(() => bob.isOnline('alice')).toBe(true)
  })

  it('the web app logs in with a comma-separated list, and reports the tracker in use', async () => {
    const { trackers, addrs } = await cluster(2)
    await trackers[0].stop()
    const session = new WebSession({ dataRoot: await tempDir(), log: logger('p2pchat:test:web') })
    await session.open()
    onCleanup(() => session.stop())
    const reply = await session.login({
      tracker: `${addrs[0]}, ${addrs[1]}`,
      user: 'alice',
      password: PASSWORD,
      register: true
    })
    expect(reply.tracker).toBe('connected')
    expect(session.session()).toMatchObject({ state: 'connected', tracker: addrs[1] })
    await session.logout()
    // The login screen offers the list as it was given.
    expect(session.session()).toMatchObject({ state: 'logged-out', tracker: `${addrs[0]}, ${addrs[1]}` })
    await expect(
      session.login({ tracker: `${addrs[1]}, /ip4/127.0.0.1/tcp/1`, user: 'alice', password: PASSWORD })
    ).rejects.toMatchObject({
      code: 'INVALID_ADDRESS',
      message: expect.stringContaining('/ip4/127.0.0.1/tcp/1')
    })
  })

  it('tries every address, then backs off, and logs in when one of them is back', async () => {
    const { trackers, addrs, redisUrl } = await cluster(2)
    const second = { dataDir: trackers[1].dataDir, port: addrs[1].split('/')[4] }
    await trackers[0].stop()
    await trackers[1].stop()
    const { peer: alice, states } = await failoverPeer('alice', addrs)
    expect(alice.trackerState).toBe('reconnecting')
    expect(states).toHaveLength(1)
    expect(states[0]).toMatchObject({
      state: 'reconnecting',
      // The whole round, the last one tried named.
      message: expect.stringMatching(
        /^none of the 2 trackers logged us in \(the last: the tracker cannot be reached/
      ),
      tracker: addrs[1],
      retryInMs: expect.any(Number)
    })
    const back = nextEvent<TrackerEvent>(alice, 'tracker', t => t.state === 'connected', 30_000)
    await startTracker({
      dataDir: second.dataDir,
      store: redisUrl,
      heartbeatMs: HEARTBEAT_MS,
      coalesceMs: 20,
      listen: [`/ip4/127.0.0.1/tcp/${second.port}`]
    })
    expect(await back).toMatchObject({ tracker: addrs[1], accountCreated: true })
  })

  it('stops for good when the account logs in elsewhere, instead of moving on', async () => {
    const { trackers, addrs } = await cluster(2)
    const { peer: alice, states } = await failoverPeer('alice', addrs)
    const replaced = nextEvent<TrackerEvent>(alice, 'tracker', t => t.state === 'replaced')
    // The same account from another device, on the other tracker.
    await startPeerClient(trackers[1], 'alice', { register: false })
    expect(await replaced).toMatchObject({ code: 'SESSION_CLOSED', tracker: addrs[0] })
    // The peer stops by itself (stop() waits for that): no login on the second tracker.
    await alice.stop()
    expect(states.map(s => s.state)).toEqual(['connected', 'replaced'])
    expect(trackers[1].presence.byKey('alice')?.peerKey).not.toBe(alice.peerId.toString())
  })

  it('refuses a list with an address without its PeerId, naming it (INVALID_OPTION)', async () => {
    const { addrs } = await cluster(1)
    const bad = '/ip4/127.0.0.1/tcp/1'
    const peer = new PeerClient({
      tracker: [addrs[0], bad],
      user: 'alice',
      password: PASSWORD,
      dataDir: await tempDir()
    })
    onCleanup(() => peer.stop())
    const refused = peer.start()
    await expect(refused).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    await expect(refused).rejects.toThrow(bad)
    await expect(
      new PeerClient({ tracker: [], user: 'alice', password: PASSWORD, dataDir: await tempDir() }).start()
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' })
  })

  it('reaches a peer nobody can dial through the relay of the tracker it is logged in to, not its own', async () => {
    const { trackers, addrs } = await cluster(2)
    const { peer: alice } = await failoverPeer('alice', addrs, { chatRetryBaseMs: 200, ...HIDDEN })
    const { peer: bob } = await failoverPeer('bob', [addrs[1], addrs[0]], HIDDEN)
    await expect.poll(() => trackers[0].relayStats.reservations).toBe(1)
    await expect.poll(() => trackers[1].relayStats.reservations).toBe(1)
    // alice (on the first tracker) is told bob is at the second tracker's relay, where he holds his slot.
    await expect
      .poll(() => alice.who().find(u => u.user === 'bob')?.addrs)
      .toEqual([`${addrs[1]}/p2p-circuit/p2p/${bob.node!.peerId.toString()}`])
    expect((await say(alice, bob, 'across trackers')).via).toBe('relayed')
    expect(trackers[1].relayStats.relayedConnections).toBeGreaterThan(0)
  })

  it('takes a relay slot on the new tracker after a failover, and is reached through it', async () => {
    const { trackers, addrs } = await cluster(2)
    const { peer: alice } = await failoverPeer('alice', addrs, { chatRetryBaseMs: 200, ...HIDDEN })
    const { peer: bob } = await failoverPeer('bob', addrs, HIDDEN)
    await expect.poll(() => trackers[0].relayStats.reservations).toBe(2)
    expect((await say(alice, bob, 'through the first')).via).toBe('relayed')

    const aliceBack = nextEvent<TrackerEvent>(alice, 'tracker', t => t.state === 'connected')
    const bobBack = nextEvent<TrackerEvent>(bob, 'tracker', t => t.state === 'connected')
    await trackers[0].stop()
    expect((await aliceBack).tracker).toBe(addrs[1])
    expect((await bobBack).tracker).toBe(addrs[1])
    // Each holds a slot on the tracker it is logged in to now, and no longer lists one on the old.
    await expect.poll(() => trackers[1].relayStats.reservations).toBe(2)
    for (const peer of [alice, bob]) {
      const circuits = peer.node!.getMultiaddrs().filter(a => a.toString().includes('/p2p-circuit'))
      expect(circuits.every(a => a.toString().startsWith(`${addrs[1]}/p2p-circuit`))).toBe(true)
    }
    const shown = shownTo(bob)
    // The relayed connection comes through the second tracker: one of bob's trackers, so he takes it.
    expect((await say(alice, bob, 'through the second')).via).toBe('relayed')
    expect(shown).toEqual(['through the second'])
    expect(trackers[1].relayStats.relayedConnections).toBeGreaterThan(0)
  })
})
