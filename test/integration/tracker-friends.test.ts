import { describe, expect, it } from 'vitest'
import type { TrackerClient } from '../../peer/core/tracker-client.ts'
import {
  FriendEventKind,
  MAX_FRIEND_ALIAS_CHARS,
  MAX_SEARCH_RESULTS,
  MAX_STATUS_TEXT_CHARS,
  PresenceStatus
} from '../../src/protocol/constants.ts'
import type { FriendEvent } from '../../src/protocol/pb/tracker.ts'
import { StatsServer } from '../../tracker/http-stats.ts'
import { DEFAULT_DECLINE_COOLDOWN_MS, DEFAULT_FRIEND_REQUEST_TTL_MS } from '../../tracker/social/index.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { connectPeer, nextEvent, PASSWORD, startTracker } from '../fixtures/nodes.ts'

/** The next friend event of `kind` about `username` on `client` (subscribe before causing it). */
function friendEvent(client: TrackerClient, kind: number, username: string): Promise<FriendEvent> {
  return nextEvent<FriendEvent>(client, 'friend-event', e => e.kind === kind && e.username === username)
}

/** Every friend event `client` gets from now on. */
function recordFriendEvents(client: TrackerClient): FriendEvent[] {
  const seen: FriendEvent[] = []
  client.addEventListener('friend-event', e => seen.push(e.detail))
  return seen
}

/** Make `a` and `b` friends (a asks, b accepts). */
async function befriend(a: TrackerClient, b: TrackerClient, bName: string, aName: string): Promise<void> {
  const added = friendEvent(a, FriendEventKind.ADDED, bName)
  const asked = friendEvent(b, FriendEventKind.REQUEST, aName)
  await a.social.friendAdd(bName)
  await asked
  await b.social.friendAnswer(aName, true)
  await added
}

async function registerOnly(tracker: Tracker, user: string): Promise<void> {
  const { client } = await connectPeer(tracker, user, { login: false })
  client.close()
}

describe('tracker friends', () => {
  it('makes friends by request and accept: both list each other and both hear ADDED', async () => {
    const tracker = await startTracker()
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'Bob')
    const asked = friendEvent(bob.client, FriendEventKind.REQUEST, 'alice')
    // Any spelling names the account; lists use its canonical one.
    await alice.client.social.friendAdd('bob')
    await asked
    expect(await alice.client.social.friendList()).toEqual({ friends: [], incoming: [], outgoing: ['Bob'] })
    expect(await bob.client.social.friendList()).toEqual({ friends: [], incoming: ['alice'], outgoing: [] })
    // Asking twice is one request.
    await alice.client.social.friendAdd('BOB')
    expect(tracker.socialCounts.pendingRequests).toBe(1)

    const aliceAdded = friendEvent(alice.client, FriendEventKind.ADDED, 'Bob')
    const bobAdded = friendEvent(bob.client, FriendEventKind.ADDED, 'alice')
    await bob.client.social.friendAnswer('alice', true)
    await Promise.all([aliceAdded, bobAdded])

    const aliceList = await alice.client.social.friendList()
    expect(aliceList.incoming).toEqual([])
    expect(aliceList.outgoing).toEqual([])
    expect(aliceList.friends).toEqual([
      {
        username: 'Bob',
        alias: '',
        online: true,
        lastSeen: 0,
        reachable: expect.any(Boolean),
        presence: PresenceStatus.ONLINE,
        statusText: '',
        peerId: expect.anything()
      }
    ])
    expect(Uint8Array.from(aliceList.friends[0].peerId)).toEqual(bob.node.peerId.toMultihash().bytes)
    expect((await bob.client.social.friendList()).friends.map(f => f.username)).toEqual(['alice'])
    await expect(alice.client.social.friendAdd('bob')).rejects.toMatchObject({ code: 'ALREADY_FRIENDS' })
    await expect(bob.client.social.friendAnswer('alice', true)).rejects.toMatchObject({
      code: 'NO_SUCH_REQUEST'
    })

    expect(tracker.socialCounts).toEqual({ friendships: 1, pendingRequests: 0, groups: 0 })
    const stats = new StatsServer(tracker)
    expect(stats.stats().social).toEqual({ friendships: 1, pendingRequests: 0, groups: 0 })
    await stats.close()
  })

  it('makes friends when two requests cross', async () => {
    const tracker = await startTracker()
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'bob')
    await alice.client.social.friendAdd('bob')
    const added = friendEvent(alice.client, FriendEventKind.ADDED, 'bob')
    await bob.client.social.friendAdd('alice')
    await added
    expect((await alice.client.social.friendList()).friends.map(f => f.username)).toEqual(['bob'])
  })

  it('tells the requester about a decline and holds a new request back for a day', async () => {
    let now = Date.now()
    const tracker = await startTracker({ social: { now: () => now } })
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'bob')
    await alice.client.social.friendAdd('bob')
    const declined = friendEvent(alice.client, FriendEventKind.DECLINED, 'bob')
    await bob.client.social.friendAnswer('alice', false)
    await declined
    expect(await bob.client.social.friendList()).toEqual({ friends: [], incoming: [], outgoing: [] })
    expect(await alice.client.social.friendList()).toEqual({ friends: [], incoming: [], outgoing: [] })

    const again = await alice.client.social.friendAdd('bob').catch(err => err)
    expect(again.code).toBe('RATE_LIMITED')
    expect(again.retryAfterMs).toBe(DEFAULT_DECLINE_COOLDOWN_MS)
    // Only the one who was declined waits: bob may still ask.
    now += DEFAULT_DECLINE_COOLDOWN_MS - 1000
    await expect(alice.client.social.friendAdd('bob')).rejects.toMatchObject({ code: 'RATE_LIMITED' })
    now += 1000
    const asked = friendEvent(bob.client, FriendEventKind.REQUEST, 'alice')
    await alice.client.social.friendAdd('bob')
    await asked
  })

  it('keeps a request for someone offline until their next login', async () => {
    const tracker = await startTracker()
    await registerOnly(tracker, 'bob')
    const alice = await connectPeer(tracker, 'alice')
    await alice.client.social.friendAdd('bob')
    const bob = await connectPeer(tracker, 'bob', { register: false })
    expect((await bob.client.social.friendList()).incoming).toEqual(['alice'])
    const added = friendEvent(alice.client, FriendEventKind.ADDED, 'bob')
    await bob.client.social.friendAnswer('alice', true)
    await added
  })

  it('lets requests expire', async () => {
    let now = Date.now()
    const tracker = await startTracker({ social: { now: () => now } })
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'bob')
    await alice.client.social.friendAdd('bob')
    now += DEFAULT_FRIEND_REQUEST_TTL_MS - 1
    expect((await bob.client.social.friendList()).incoming).toEqual(['alice'])
    now += 1
    expect((await bob.client.social.friendList()).incoming).toEqual([])
    expect((await alice.client.social.friendList()).outgoing).toEqual([])
    await expect(bob.client.social.friendAnswer('alice', true)).rejects.toMatchObject({
      code: 'NO_SUCH_REQUEST'
    })
    // An expired request is no cool-down: alice asks again.
    const asked = friendEvent(bob.client, FriendEventKind.REQUEST, 'alice')
    await alice.client.social.friendAdd('bob')
    await asked
  })

  it('ends a friendship for both, and withdraws a request', async () => {
    const tracker = await startTracker()
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'bob')
    await befriend(alice.client, bob.client, 'bob', 'alice')
    await alice.client.social.friendAlias('bob', 'B')
    const aliceRemoved = friendEvent(alice.client, FriendEventKind.REMOVED, 'bob')
    const bobRemoved = friendEvent(bob.client, FriendEventKind.REMOVED, 'alice')
    await alice.client.social.friendRemove('bob')
    await Promise.all([aliceRemoved, bobRemoved])
    expect((await alice.client.social.friendList()).friends).toEqual([])
    expect((await bob.client.social.friendList()).friends).toEqual([])
    await expect(bob.client.social.friendRemove('alice')).rejects.toMatchObject({ code: 'NOT_A_FRIEND' })
    await expect(alice.client.social.friendAlias('bob', 'B')).rejects.toMatchObject({ code: 'NOT_A_FRIEND' })
    expect(tracker.socialCounts.friendships).toBe(0)

    // A request we sent can be withdrawn; one we received cannot be "removed", only answered.
    await alice.client.social.friendAdd('bob')
    await expect(bob.client.social.friendRemove('alice')).rejects.toMatchObject({ code: 'NOT_A_FRIEND' })
    const withdrawn = friendEvent(bob.client, FriendEventKind.REMOVED, 'alice')
    await alice.client.social.friendRemove('bob')
    await withdrawn
    expect((await bob.client.social.friendList()).incoming).toEqual([])
    // A friendship made again starts without the old alias.
    await befriend(alice.client, bob.client, 'bob', 'alice')
    expect((await alice.client.social.friendList()).friends[0].alias).toBe('')
  })

  it('keeps an alias private to its owner', async () => {
    const tracker = await startTracker()
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'bob')
    await befriend(alice.client, bob.client, 'bob', 'alice')
    await alice.client.social.friendAlias('BOB', 'Bobby 🐢')
    expect((await alice.client.social.friendList()).friends[0]).toMatchObject({
      username: 'bob',
      alias: 'Bobby 🐢'
    })
    expect((await bob.client.social.friendList()).friends[0]).toMatchObject({ username: 'alice', alias: '' })
    await alice.client.social.friendAlias('bob', 'x'.repeat(MAX_FRIEND_ALIAS_CHARS))
    for (const bad of [
      'x'.repeat(MAX_FRIEND_ALIAS_CHARS + 1),
      'a\nb',
      'tab\there',
      'evil\u202Eoh',
      'nul\u0000'
    ]) {
      await expect(alice.client.social.friendAlias('bob', bad)).rejects.toMatchObject({
        code: 'INVALID_MESSAGE'
      })
    }
    await alice.client.social.friendAlias('bob', '')
    expect((await alice.client.social.friendList()).friends[0].alias).toBe('')
  })

  it('refuses unknown users, bad names, yourself and full request lists, and carries on', async () => {
    const tracker = await startTracker({ social: { limits: { maxOutgoingRequests: 2 } } })
    const alice = await connectPeer(tracker, 'alice')
    for (const user of ['carol', 'dave', 'erin']) await registerOnly(tracker, user)
    const social = alice.client.social
    await expect(social.friendAdd('nobody')).rejects.toMatchObject({ code: 'UNKNOWN_USER' })
    await expect(social.friendAdd('not a name')).rejects.toMatchObject({ code: 'INVALID_USERNAME' })
    await expect(social.friendAdd('x'.repeat(5000))).rejects.toMatchObject({ code: 'INVALID_USERNAME' })
    await expect(social.friendAdd('ALICE')).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })
    await expect(social.friendAnswer('nobody', true)).rejects.toMatchObject({ code: 'UNKNOWN_USER' })
    await expect(social.friendRemove('carol')).rejects.toMatchObject({ code: 'NOT_A_FRIEND' })
    await social.friendAdd('carol')
    await social.friendAdd('dave')
    await expect(social.friendAdd('erin')).rejects.toMatchObject({ code: 'LIMIT_REACHED' })
    await social.friendRemove('dave')
    await social.friendAdd('erin')
    expect((await social.friendList()).outgoing).toEqual(['carol', 'erin'])
    await expect(alice.client.heartbeat()).resolves.toBeUndefined()
  })

  it('answers friend requests only on a logged-in session', async () => {
    const tracker = await startTracker()
    await registerOnly(tracker, 'bob')
    const { client } = await connectPeer(tracker, 'alice', { login: false })
    await expect(client.social.friendAdd('bob')).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' })
    await expect(client.social.groupList()).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' })
    await client.login('alice', PASSWORD)
    await client.social.friendAdd('bob')
  })

  it('pushes a status change to online friends only, and shows it in their list', async () => {
    const tracker = await startTracker()
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'bob')
    const carol = await connectPeer(tracker, 'carol')
    await befriend(alice.client, bob.client, 'bob', 'alice')
    const carolSaw = recordFriendEvents(carol.client)

    const status = friendEvent(bob.client, FriendEventKind.STATUS, 'alice')
    await alice.client.social.setStatus(PresenceStatus.AWAY, 'lunch, back at 2')
    expect(await status).toEqual({
      kind: FriendEventKind.STATUS,
      username: 'alice',
      presence: PresenceStatus.AWAY,
      statusText: 'lunch, back at 2'
    })
    // A push to carol would have been written before alice's ack, so before this reply on carol's stream.
    await carol.client.heartbeat()
    expect(carolSaw).toEqual([])
    expect((await bob.client.social.friendList()).friends[0]).toMatchObject({
      presence: PresenceStatus.AWAY,
      statusText: 'lunch, back at 2'
    })

    // A presence this tracker does not know is plain online.
    const online = friendEvent(bob.client, FriendEventKind.STATUS, 'alice')
    await alice.client.social.setStatus(99, '')
    expect(await online).toMatchObject({ presence: PresenceStatus.ONLINE, statusText: '' })
    await expect(
      alice.client.social.setStatus(PresenceStatus.BUSY, 'x'.repeat(MAX_STATUS_TEXT_CHARS + 1))
    ).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })
    await expect(alice.client.social.setStatus(PresenceStatus.BUSY, 'two\nlines')).rejects.toMatchObject({
      code: 'INVALID_MESSAGE'
    })
    // Five changes at once (refused ones count), then one a second.
    await alice.client.social.setStatus(PresenceStatus.BUSY, 'x')
    const limited = await alice.client.social.setStatus(PresenceStatus.BUSY, 'y').catch(err => err)
    expect(limited).toMatchObject({ code: 'RATE_LIMITED' })
    expect(limited.retryAfterMs).toBeGreaterThan(0)

    // A status belongs to its session: a new login starts online, without text.
    alice.client.close()
    await connectPeer(tracker, 'alice', { register: false })
    expect((await bob.client.social.friendList()).friends[0]).toMatchObject({
      online: true,
      presence: PresenceStatus.ONLINE,
      statusText: ''
    })
  })

  it('says when an offline friend was last seen', async () => {
    const tracker = await startTracker()
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'bob')
    await befriend(alice.client, bob.client, 'bob', 'alice')
    const before = Date.now()
    await bob.client.logout()
    const after = Date.now()
    const [friend] = (await alice.client.social.friendList()).friends
    expect(friend).toMatchObject({ username: 'bob', online: false, reachable: false, statusText: '' })
    expect(friend.peerId.byteLength).toBe(0)
    expect(friend.lastSeen).toBeGreaterThanOrEqual(before)
    expect(friend.lastSeen).toBeLessThanOrEqual(after)
  })
})

describe('tracker username search', () => {
  it('lists at most 50 names, prefix matches first, names only, and rate-limits', async () => {
    const tracker = await startTracker()
    const registrar = await connectPeer(tracker, 'registrar', { login: false })
    const names = [
      ...Array.from({ length: 55 }, (_, i) => `al${String(i).padStart(2, '0')}`),
      'Malcolm',
      'sal'
    ]
    for (const name of names) await registrar.client.register(name, PASSWORD)
    const alice = await connectPeer(tracker, 'alice')
    const search = alice.client.social.search.bind(alice.client.social)

    const al = await search('AL')
    expect(al).toHaveLength(MAX_SEARCH_RESULTS)
    // alice herself is left out; prefix matches in key order fill the page.
    expect(al).toEqual(names.slice(0, MAX_SEARCH_RESULTS))
    const mal = await search('al5')
    expect(mal).toEqual(['al50', 'al51', 'al52', 'al53', 'al54'])
    expect(await search('sa')).toEqual(['sal'])
    expect(await search('lc')).toEqual(['Malcolm'])
    await expect(search('')).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })
    // Five at once: the sixth (the bad one counted too) waits.
    const limited = await search('al').catch(err => err)
    expect(limited).toMatchObject({ code: 'RATE_LIMITED' })
    expect(limited.retryAfterMs).toBeGreaterThan(1000)
    await expect(alice.client.heartbeat()).resolves.toBeUndefined()
  })

  it('puts prefix matches before other matches and refuses a bad query', async () => {
    const tracker = await startTracker()
    const registrar = await connectPeer(tracker, 'registrar', { login: false })
    for (const name of ['xbob', 'bobby', 'Bob', 'abobo']) await registrar.client.register(name, PASSWORD)
    const { client } = await connectPeer(tracker, 'alice')
    expect(await client.social.search('bob')).toEqual(['Bob', 'bobby', 'abobo', 'xbob'])
    await expect(client.social.search('x'.repeat(33))).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })
    await expect(client.social.search('a\u0007')).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })
    // A name registered after start-up is found.
    await registrar.client.register('bobcat', PASSWORD)
    expect(await client.social.search('bobc')).toEqual(['bobcat'])
  })
})
