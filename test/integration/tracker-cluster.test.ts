import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { TrackerClientEventDetails } from '../../peer/core/tracker-client.ts'
import { FriendEventKind, PresenceStatus } from '../../src/protocol/constants.ts'
import type { FriendEvent } from '../../src/protocol/pb/tracker.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import type { TestPeer } from '../fixtures/nodes.ts'
import { connectPeer, nextEvent, PASSWORD, startTracker, tempDir } from '../fixtures/nodes.ts'
import type { TestRedis } from '../fixtures/redis.ts'
import { startRedis } from '../fixtures/redis.ts'

type Left = TrackerClientEventDetails['left']

/** What spreads through Redis is awaited this long at most, checked every 20 ms. */
const WAIT = { timeout: 5_000, interval: 20 }

/** Three trackers sharing one Redis. */
async function cluster(
  count = 3,
  init: { heartbeatMs?: number } = {}
): Promise<{ redis: TestRedis; trackers: Tracker[] }> {
  const redis = await startRedis()
  const trackers: Tracker[] = []
  for (let i = 0; i < count; i++)
    trackers.push(await startTracker({ store: redis.url, coalesceMs: 20, ...init }))
  return { redis, trackers }
}

const names = (peer: TestPeer): string[] => [...peer.client.online.keys()].sort()

describe('several trackers on one Redis', () => {
  it('serve one online list: peers spread over three trackers see each other, at one version', async () => {
    const { trackers } = await cluster()
    const peers: TestPeer[] = []
    const users = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay']
    for (const [i, user] of users.entries()) peers.push(await connectPeer(trackers[i % 3], user))
    for (const peer of peers) await vi.waitFor(() => expect(names(peer)).toEqual(users), WAIT)
    const version = trackers[0].presence.version
    for (const t of trackers) expect(t.presence.version).toBe(version)
    for (const peer of peers) await vi.waitFor(() => expect(peer.client.version).toBe(version), WAIT)

    // A logout on one tracker reaches the peers of the others.
    const leftAtFar = nextEvent<Left>(peers[1].client, 'left', l => l.user === 'cat')
    await peers[2].client.logout()
    expect(await leftAtFar).toEqual({ user: 'cat', reason: 'logout' })
    // Every tracker reports the same list; lookups work for a peer on another tracker.
    for (const t of trackers)
      expect(
        t.presence
          .snapshot()
          .peers.map(p => p.username)
          .sort()
      ).toEqual(users.filter(u => u !== 'cat'))
    const found = await peers[0].client.lookup(peers[4].node.peerId)
    expect(found.user).toBe('eve')
    expect(await trackers[0].clusterTrackers()).toHaveLength(3)
  })

  it('lets the newest login win across trackers', async () => {
    const { trackers } = await cluster()
    const watcher = await connectPeer(trackers[2], 'watcher')
    const first = await connectPeer(trackers[0], 'dana')
    const notice = nextEvent<TrackerClientEventDetails['notice']>(first.client, 'notice')
    const leftAtWatcher = nextEvent<Left>(watcher.client, 'left', l => l.user === 'dana')
    const rejoined = nextEvent(watcher.client, 'joined', (u: { user: string }) => u.user === 'dana')
    const second = await connectPeer(trackers[1], 'dana', { register: false })
    expect((await notice).kind).toBe('replaced')
    expect(await leftAtWatcher).toEqual({ user: 'dana', reason: 'replaced' })
    await rejoined
    expect(watcher.client.online.get('dana')!.peerId.equals(second.node.peerId)).toBe(true)
    for (const t of trackers) expect(t.presence.byKey('dana')?.peerKey).toBe(second.node.peerId.toString())

    // The same device logging in on another tracker (a failover) is a reconnection, not another place.
    const leftAgain = nextEvent<Left>(watcher.client, 'left', l => l.user === 'dana')
    await connectPeer(trackers[2], 'dana', { register: false, node: second.node })
    expect(await leftAgain).toEqual({ user: 'dana', reason: 'disconnect' })
  })

  it('shares friends and groups: made on one tracker, pushed to and seen on another', async () => {
    const { trackers } = await cluster()
    const alice = await connectPeer(trackers[0], 'alice')
    const bob = await connectPeer(trackers[1], 'bob')
    const request = nextEvent<FriendEvent>(
      bob.client,
      'friend-event',
      e => e.kind === FriendEventKind.REQUEST
    )
    await alice.client.request({ friendAdd: { username: 'bob' } })
    expect((await request).username).toBe('alice')
    const added = nextEvent<FriendEvent>(alice.client, 'friend-event', e => e.kind === FriendEventKind.ADDED)
    await bob.client.request({ friendAnswer: { username: 'alice', accept: true } })
    expect((await added).username).toBe('bob')
    // A status set on one tracker: pushed to the friend on the other, and in the friend list read there.
    const statusEvent = nextEvent<FriendEvent>(
      alice.client,
      'friend-event',
      e => e.kind === FriendEventKind.STATUS
    )
    await bob.client.request({ status: { presence: PresenceStatus.BUSY, text: 'in a meeting' } })
    expect(await statusEvent).toMatchObject({
      username: 'bob',
      presence: PresenceStatus.BUSY,
      statusText: 'in a meeting'
    })
    await vi.waitFor(async () => {
      const seen = (await alice.client.request({ friendList: {} })).friends?.friends[0]
      expect([seen?.presence, seen?.statusText]).toEqual([PresenceStatus.BUSY, 'in a meeting'])
    }, WAIT)
    const bobsFriends = (await bob.client.request({ friendList: {} })).friends
    expect(bobsFriends?.friends.map(f => [f.username, f.online])).toEqual([['alice', true]])

    const created = (await alice.client.request({ groupCreate: { name: 'lab', open: false } })).group!
    await alice.client.request({ groupInvite: { group: created.id, username: 'bob' } })
    // A third tracker, started now, loads what the others made.
    const late = await startTracker({
      store: (trackers[0] as unknown as { storeHealth: { location: string } }).storeHealth.location
    })
    const bobAgain = await connectPeer(late, 'bob', { register: false })
    const groups = (await bobAgain.client.request({ groupList: {} })).groups!.groups
    expect(groups.map(g => [g.name, g.invited])).toEqual([['lab', ['bob']]])
    const friends = (await bobAgain.client.request({ friendList: {} })).friends!.friends
    expect(friends.map(f => f.username)).toEqual(['alice'])
  })
})

describe('trackers sharing one identity key', () => {
  it("the second is refused (DATA_LOCKED) instead of taking the first one's users for its own", async () => {
    const redis = await startRedis()
    const first = await startTracker({ store: redis.url, heartbeatMs: 200 })
    const copy = await tempDir('p2pchat-cloned-')
    await copyFile(join(first.dataDir, 'identity.key'), join(copy, 'identity.key'))
    await expect(startTracker({ store: redis.url, heartbeatMs: 200, dataDir: copy })).rejects.toMatchObject({
      code: 'DATA_LOCKED',
      message: expect.stringContaining(
        `another tracker with this identity (PeerId ${first.peerId.toString()})`
      )
    })
    expect(first.storeHealth.up).toBe(true)
    expect(await first.clusterTrackers()).toEqual([first.peerId.toString()])
  })
})

describe('a tracker that loses Redis', () => {
  it('says so, refuses logins with BUSY instead of answering from stale state, and recovers by itself', async () => {
    const { redis, trackers } = await cluster(2)
    const alice = await connectPeer(trackers[0], 'alice')
    await connectPeer(trackers[1], 'bob', { login: false })
    await redis.stop()
    await vi.waitFor(() => expect(trackers[1].storeHealth.up).toBe(false), WAIT)
    expect(trackers[1].storeHealth).toMatchObject({ backend: 'redis', up: false, outages: 1 })
    expect(trackers[1].storeHealth.lastError).toBeTruthy()
    // Logins, registrations and friend requests are refused, each with BUSY and a retry hint.
    const late = await connectPeer(trackers[1], 'carol', { register: false, login: false })
    await expect(late.client.login('bob', PASSWORD, [])).rejects.toMatchObject({ code: 'BUSY' })
    await expect(late.client.register('carol', PASSWORD)).rejects.toMatchObject({ code: 'BUSY' })
    await expect(alice.client.request({ friendAdd: { username: 'bob' } })).rejects.toMatchObject({
      code: 'BUSY'
    })
    // What only reads is answered from the replica: group chat resolves its groups meanwhile.
    expect((await alice.client.request({ groupList: {} })).groups?.groups).toEqual([])
    expect((await alice.client.request({ friendList: {} })).friends?.friends).toEqual([])
    // A peer that was online stays connected meanwhile.
    expect(alice.client.closed).toBe(false)

    await redis.start()
    for (const t of trackers)
      await vi.waitFor(() => expect(t.storeHealth.up).toBe(true), { ...WAIT, timeout: 10_000 })
    // Nothing lost: bob registered before the outage logs in now, and sees alice, who stayed online.
    const bobJoined = nextEvent(alice.client, 'joined', (u: { user: string }) => u.user === 'bob')
    await late.client.login('bob', PASSWORD, [])
    await bobJoined
    expect(names(late)).toEqual(['alice', 'bob'])
    await alice.client.request({ friendAdd: { username: 'bob' } })
  })
})
