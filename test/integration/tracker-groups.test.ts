import { describe, expect, it } from 'vitest'
import type { TrackerClient } from '../../peer/core/tracker-client.ts'
import { FriendEventKind, GROUP_NAME_MAX_CHARS, GroupEventKind } from '../../src/protocol/constants.ts'
import type { FriendEvent, Group, GroupEvent } from '../../src/protocol/pb/tracker.ts'
import type { TrackerInit } from '../../tracker/tracker.ts'
import { connectPeer, nextEvent, startNode, startTracker, tempDir } from '../fixtures/nodes.ts'

/** The next group event of `kind` for group `id` on `client` (subscribe before causing it). */
function groupEvent(client: TrackerClient, kind: number, id: string, version?: number): Promise<GroupEvent> {
  return nextEvent<GroupEvent>(
    client,
    'group-event',
    e => e.kind === kind && e.group?.id === id && (version === undefined || e.group.version === version)
  )
}

/** Every group event `client` gets from now on. */
function recordGroupEvents(client: TrackerClient): GroupEvent[] {
  const seen: GroupEvent[] = []
  client.addEventListener('group-event', e => seen.push(e.detail))
  return seen
}

const names = (g: Group | undefined): string[] => g?.members.map(m => m.username) ?? []
const bytes = (b: Uint8Array): Uint8Array => Uint8Array.from(b)

async function peers(init: TrackerInit, ...users: string[]) {
  const tracker = await startTracker(init)
  const clients: TrackerClient[] = []
  for (const user of users) clients.push((await connectPeer(tracker, user)).client)
  return { tracker, clients }
}

describe('tracker groups', () => {
  it('creates a group owned by its creator, who is its first member', async () => {
    const tracker = await startTracker()
    const alice = await connectPeer(tracker, 'alice')
    const group = await alice.client.social.groupCreate('Climbing club', false)
    expect(group.id).toMatch(/^[A-Za-z0-9_-]{16}$/)
    expect(group).toMatchObject({
      name: 'Climbing club',
      owner: 'alice',
      open: false,
      invited: [],
      version: 1
    })
    expect(group.members).toHaveLength(1)
    expect(group.members[0]).toMatchObject({ username: 'alice', online: true })
    expect(group.members[0].peerIds.map(bytes)).toEqual([alice.node.peerId.toMultihash().bytes])
    expect(await alice.client.social.groupList()).toEqual([group])
    expect(tracker.socialCounts.groups).toBe(1)
    const other = await alice.client.social.groupCreate('Other', true)
    expect(other.id).not.toBe(group.id)
    expect((await alice.client.social.groupList()).map(g => g.name)).toEqual(['Climbing club', 'Other'])
  })

  it('invites to a closed group (owner only) and lets invitees join; others are NOT_INVITED', async () => {
    const {
      clients: [alice, bob, carol]
    } = await peers({}, 'alice', 'bob', 'carol')
    const { id } = await alice.social.groupCreate('Closed', false)
    const invited = groupEvent(bob, GroupEventKind.INVITED, id)
    const afterInvite = await alice.social.groupInvite(id, 'BOB')
    expect(afterInvite).toMatchObject({ version: 2, invited: ['bob'] })
    expect(await invited).toMatchObject({ by: 'alice', group: { version: 2, invited: ['bob'] } })
    // The invitee sees the group, with themselves invited.
    expect(await bob.social.groupList()).toEqual([afterInvite])
    // …but invites nobody before joining, and a member who is not the owner invites to a closed group nobody.
    await expect(bob.social.groupInvite(id, 'carol')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' })
    await expect(carol.social.groupJoin(id)).rejects.toMatchObject({ code: 'NOT_INVITED' })

    const aliceSees = groupEvent(alice, GroupEventKind.UPDATED, id, 3)
    const bobSees = groupEvent(bob, GroupEventKind.UPDATED, id, 3)
    const joined = await bob.social.groupJoin(id)
    expect(joined).toMatchObject({ version: 3, invited: [] })
    expect(names(joined)).toEqual(['alice', 'bob'])
    expect((await aliceSees).by).toBe('bob')
    await bobSees
    await expect(bob.social.groupInvite(id, 'carol')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' })
    // Joining again, or inviting a member, changes nothing.
    expect((await bob.social.groupJoin(id)).version).toBe(3)
    expect((await alice.social.groupInvite(id, 'bob')).version).toBe(3)
  })

  it('lets anyone with the id join an open group, and any member invite to it', async () => {
    const {
      clients: [alice, bob, carol]
    } = await peers({}, 'alice', 'bob', 'carol', 'dave')
    const { id } = await alice.social.groupCreate('Open', true)
    expect(names(await bob.social.groupJoin(id))).toEqual(['alice', 'bob'])
    const invited = await bob.social.groupInvite(id, 'carol')
    expect(invited.invited).toEqual(['carol'])
    expect(names(await carol.social.groupJoin(id))).toEqual(['alice', 'bob', 'carol'])
  })

  it('hides groups from non-members: UNKNOWN_GROUP', async () => {
    const {
      clients: [alice, bob]
    } = await peers({}, 'alice', 'bob', 'carol')
    const { id } = await alice.social.groupCreate('Private', false)
    for (const attempt of [
      bob.social.groupInvite(id, 'carol'),
      bob.social.groupKick(id, 'alice'),
      bob.social.groupRename(id, 'Mine'),
      bob.social.groupLeave(id),
      bob.social.groupJoin('AAAAAAAAAAAAAAAA'),
      bob.social.groupJoin(''),
      alice.social.groupInvite('no-such-group', 'bob')
    ]) {
      await expect(attempt).rejects.toMatchObject({ code: 'UNKNOWN_GROUP' })
    }
    expect(await bob.social.groupList()).toEqual([])
    await expect(alice.social.groupInvite(id, 'nobody')).rejects.toMatchObject({ code: 'UNKNOWN_USER' })
  })

  it('hands ownership to the longest-standing member when the owner leaves, and deletes an empty group', async () => {
    const {
      tracker,
      clients: [alice, bob, carol, dave]
    } = await peers({}, 'alice', 'bob', 'carol', 'dave')
    const { id } = await alice.social.groupCreate('Relay', true)
    await bob.social.groupJoin(id)
    await carol.social.groupJoin(id)
    await alice.social.groupInvite(id, 'dave')
    const aliceOut = groupEvent(alice, GroupEventKind.REMOVED, id)
    const carolSees = groupEvent(carol, GroupEventKind.UPDATED, id)
    await alice.social.groupLeave(id)
    expect((await aliceOut).by).toBe('alice')
    const updated = await carolSees
    expect(updated.group).toMatchObject({ owner: 'bob' })
    expect(names(updated.group)).toEqual(['bob', 'carol'])
    expect(await alice.social.groupList()).toEqual([])
    await expect(alice.social.groupRename(id, 'x')).rejects.toMatchObject({ code: 'UNKNOWN_GROUP' })
    // The new owner renames; the old rights are gone.
    expect((await bob.social.groupRename(id, 'Relay 2')).name).toBe('Relay 2')

    await bob.social.groupLeave(id)
    expect((await carol.social.groupList())[0].owner).toBe('carol')
    const daveOut = groupEvent(dave, GroupEventKind.REMOVED, id)
    await carol.social.groupLeave(id)
    expect((await daveOut).group?.members).toEqual([])
    expect(await dave.social.groupList()).toEqual([])
    await expect(dave.social.groupJoin(id)).rejects.toMatchObject({ code: 'UNKNOWN_GROUP' })
    expect(tracker.socialCounts.groups).toBe(0)
  })

  it('lets an invitee decline by leaving', async () => {
    const {
      clients: [alice, bob]
    } = await peers({}, 'alice', 'bob')
    const { id } = await alice.social.groupCreate('G', false)
    await alice.social.groupInvite(id, 'bob')
    const seen = groupEvent(alice, GroupEventKind.UPDATED, id)
    await bob.social.groupLeave(id)
    expect((await seen).group?.invited).toEqual([])
    await expect(bob.social.groupJoin(id)).rejects.toMatchObject({ code: 'NOT_INVITED' })
  })

  it('lets only the owner kick, never themselves; the kicked member hears REMOVED', async () => {
    const {
      clients: [alice, bob, carol]
    } = await peers({}, 'alice', 'bob', 'carol', 'dave')
    const { id } = await alice.social.groupCreate('Kicks', true)
    await bob.social.groupJoin(id)
    await carol.social.groupJoin(id)
    await expect(carol.social.groupKick(id, 'bob')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' })
    await expect(alice.social.groupKick(id, 'alice')).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })
    await expect(alice.social.groupKick(id, 'dave')).rejects.toMatchObject({ code: 'NOT_A_MEMBER' })

    const bobOut = groupEvent(bob, GroupEventKind.REMOVED, id)
    const carolSees = groupEvent(carol, GroupEventKind.UPDATED, id)
    const after = await alice.social.groupKick(id, 'bob')
    expect(names(after)).toEqual(['alice', 'carol'])
    const removed = await bobOut
    expect(removed.by).toBe('alice')
    expect(names(removed.group)).toEqual(['alice', 'carol'])
    expect(names((await carolSees).group)).toEqual(['alice', 'carol'])
    expect(await bob.social.groupList()).toEqual([])
    // An invitation is withdrawn the same way.
    await alice.social.groupInvite(id, 'dave')
    expect((await alice.social.groupKick(id, 'dave')).invited).toEqual([])
  })

  it('renames (owner only), bumping the version and telling members', async () => {
    const {
      clients: [alice, bob]
    } = await peers({}, 'alice', 'bob')
    const { id } = await alice.social.groupCreate('Old', true)
    await bob.social.groupJoin(id)
    await expect(bob.social.groupRename(id, 'Mine')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' })
    const seen = groupEvent(bob, GroupEventKind.UPDATED, id, 3)
    expect(await alice.social.groupRename(id, 'New ✨')).toMatchObject({ name: 'New ✨', version: 3 })
    expect((await seen).group?.name).toBe('New ✨')
    for (const bad of [
      '',
      '   ',
      'x'.repeat(GROUP_NAME_MAX_CHARS + 1),
      'a\u0000b',
      'bell\u0007',
      '\u202Egnp.exe'
    ]) {
      await expect(alice.social.groupRename(id, bad)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })
      await expect(alice.social.groupCreate(bad, true)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })
    }
    expect((await alice.social.groupList())[0]).toMatchObject({ name: 'New ✨', version: 3 })
  })

  it('refuses members past the cap, and groups past the per-user caps', async () => {
    const {
      clients: [alice, bob, carol]
    } = await peers({ social: { groupMemberCap: 2, limits: { maxGroupsOwned: 2 } } }, 'alice', 'bob', 'carol')
    const { id } = await alice.social.groupCreate('Pair', true)
    await bob.social.groupJoin(id)
    await expect(carol.social.groupJoin(id)).rejects.toMatchObject({ code: 'LIMIT_REACHED' })
    await expect(alice.social.groupInvite(id, 'carol')).rejects.toMatchObject({ code: 'LIMIT_REACHED' })
    await alice.social.groupCreate('Second', false)
    await expect(alice.social.groupCreate('Third', false)).rejects.toMatchObject({ code: 'LIMIT_REACHED' })
    // Leaving one makes room.
    await bob.social.groupLeave(id)
    await carol.social.groupJoin(id)
  })

  it('rate-limits friend and group requests per session', async () => {
    const {
      clients: [alice]
    } = await peers({ social: { limits: { socialBurst: 3, socialRefillPerSecond: 0.5 } } }, 'alice')
    await alice.social.groupCreate('a', false)
    await alice.social.groupList()
    await expect(alice.social.groupCreate('', false)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })
    const limited = await alice.social.groupCreate('b', false).catch(err => err)
    expect(limited.code).toBe('RATE_LIMITED')
    expect(limited.retryAfterMs).toBeGreaterThan(1000)
    expect(await alice.social.groupList().catch(err => err.code)).toBe('RATE_LIMITED')
    await expect(alice.heartbeat()).resolves.toBeUndefined()
  })

  it("adds a new device to its owner's groups, newest first, and tells the members", async () => {
    const tracker = await startTracker()
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'bob')
    const { id } = await alice.client.social.groupCreate('Devices', true)
    await bob.client.social.groupJoin(id)
    const seen = groupEvent(bob.client, GroupEventKind.UPDATED, id, 3)
    const laptop = await startNode()
    await connectPeer(tracker, 'alice', { register: false, node: laptop })
    const update = await seen
    expect(update.by).toBe('alice')
    const member = update.group?.members.find(m => m.username === 'alice')
    expect(member?.peerIds.map(bytes)).toEqual([
      laptop.peerId.toMultihash().bytes,
      alice.node.peerId.toMultihash().bytes
    ])
    // The same device again is no change.
    const events = recordGroupEvents(bob.client)
    await connectPeer(tracker, 'alice', { register: false, node: laptop })
    await bob.client.heartbeat()
    expect(events).toEqual([])
    expect((await bob.client.social.groupList())[0].version).toBe(3)
  })
})

describe('tracker social storage', () => {
  it('keeps friends, requests, aliases, groups, last-seen times and devices across a restart', async () => {
    const dataDir = await tempDir('p2pchat-social-')
    let tracker = await startTracker({ dataDir })
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'bob')
    const carol = await connectPeer(tracker, 'carol')
    const added = nextEvent<FriendEvent>(bob.client, 'friend-event', e => e.kind === FriendEventKind.ADDED)
    await alice.client.social.friendAdd('bob')
    await bob.client.social.friendAnswer('alice', true)
    await added
    await alice.client.social.friendAlias('bob', 'Bobby')
    await carol.client.social.friendAdd('alice')
    await bob.client.social.friendAdd('carol')
    await carol.client.social.friendAnswer('bob', false)
    const group = await alice.client.social.groupCreate('Survivors', false)
    await alice.client.social.groupInvite(group.id, 'bob')
    await bob.client.social.groupJoin(group.id)
    const final = await alice.client.social.groupInvite(group.id, 'carol')
    await alice.client.logout()
    const aliceLastSeen = (await bob.client.social.friendList()).friends[0].lastSeen
    expect(aliceLastSeen).toBeGreaterThan(0)
    // bob and carol are still online when it stops: they were last seen then.
    const stoppedAt = Date.now()
    await tracker.stop()

    // Without the presence grace: bob and carol, not coming back, are not held in the list as online.
    tracker = await startTracker({ dataDir, presenceGraceMs: 0 })
    expect(tracker.socialCounts).toEqual({ friendships: 1, pendingRequests: 1, groups: 1 })
    const alice2 = await connectPeer(tracker, 'alice', { register: false })
    const aliceFriends = await alice2.client.social.friendList()
    expect(aliceFriends.incoming).toEqual(['carol'])
    expect(aliceFriends.friends).toHaveLength(1)
    expect(aliceFriends.friends[0]).toMatchObject({ username: 'bob', alias: 'Bobby', online: false })
    expect(aliceFriends.friends[0].lastSeen).toBeGreaterThanOrEqual(stoppedAt)

    const [kept] = await alice2.client.social.groupList()
    expect(kept).toMatchObject({ id: group.id, name: 'Survivors', owner: 'alice', invited: ['carol'] })
    // alice's new device is one more change.
    expect(kept.version).toBe(final.version + 1)
    expect(kept.members.find(m => m.username === 'alice')?.peerIds.map(bytes)).toEqual([
      alice2.node.peerId.toMultihash().bytes,
      alice.node.peerId.toMultihash().bytes
    ])
    // bob has not logged in since the restart: his device is the one from before.
    const bobMember = kept.members.find(m => m.username === 'bob')
    expect(bobMember?.online).toBe(false)
    expect(bobMember?.peerIds.map(bytes)).toEqual([bob.node.peerId.toMultihash().bytes])

    const bob2 = await connectPeer(tracker, 'bob', { register: false })
    expect((await bob2.client.social.friendList()).friends[0]).toMatchObject({
      username: 'alice',
      alias: '',
      online: true,
      lastSeen: aliceLastSeen
    })
    // bob's request was declined before the restart: the cool-down survived too.
    await expect(bob2.client.social.friendAdd('carol')).rejects.toMatchObject({ code: 'RATE_LIMITED' })
    const carol2 = await connectPeer(tracker, 'carol', { register: false })
    expect((await carol2.client.social.friendList()).outgoing).toEqual(['alice'])
    expect(names(await carol2.client.social.groupJoin(group.id))).toEqual(['alice', 'bob', 'carol'])
  })
})
