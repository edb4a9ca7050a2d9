import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dispatch } from '../../peer/api/dispatch.ts'
import type { EventDetails, GroupMessageEvent } from '../../peer/api/schema.ts'
import type { PeerClient } from '../../peer/core/peer-client.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { writeRandomFile } from '../fixtures/files.ts'
import { nextEvent, startPeerClient, startTracker, tempDir } from '../fixtures/nodes.ts'

/**
 * Friends, privacy and groups through the peer's API (the same dispatch every front-end uses), with a
 * real tracker and real peers on loopback.
 */

async function everyone(tracker: Tracker, names: string[]): Promise<Record<string, PeerClient>> {
  const peers: Record<string, PeerClient> = {}
  for (const name of names) peers[name] = await startPeerClient(tracker, name)
  await expect.poll(() => peers[names[0]].who().length).toBe(names.length)
  return peers
}

describe('friends through the peer API', () => {
  it('request → accept → both list each other; alias private; decline; remove', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const { alice, bob, carol } = await everyone(tracker, ['alice', 'bob', 'carol'])
    const asked = nextEvent<EventDetails['friend-request']>(bob, 'friend-request')
    expect(await dispatch(alice, { cmd: 'friend-add', user: 'bob' })).toEqual({ user: 'bob', pending: true })
    expect((await asked).from).toBe('alice')
    const addedAtAlice = nextEvent<EventDetails['friend-added']>(alice, 'friend-added')
    await dispatch(bob, { cmd: 'friend-accept', user: 'alice' })
    expect((await addedAtAlice).user).toBe('bob')
    const aliceList = await dispatch(alice, { cmd: 'friends' })
    expect(aliceList.friends.map(f => [f.user, f.online])).toEqual([['bob', true]])
    expect((await dispatch(bob, { cmd: 'friends' })).friends.map(f => f.user)).toEqual(['alice'])

    await dispatch(alice, { cmd: 'friend-alias', user: 'bob', alias: 'Bobby' })
    expect((await dispatch(alice, { cmd: 'friends' })).friends[0].alias).toBe('Bobby')
    expect((await dispatch(bob, { cmd: 'friends' })).friends[0].alias).toBe('')

    const declined = nextEvent<EventDetails['friend-declined']>(carol, 'friend-declined')
    await dispatch(carol, { cmd: 'friend-add', user: 'alice' })
    await dispatch(alice, { cmd: 'friend-decline', user: 'carol' })
    expect((await declined).user).toBe('alice')
    await expect(dispatch(carol, { cmd: 'friend-add', user: 'alice' })).rejects.toMatchObject({
      code: 'RATE_LIMITED'
    })

    const removed = nextEvent<EventDetails['friend-removed']>(bob, 'friend-removed')
    await dispatch(alice, { cmd: 'friend-remove', user: 'bob' })
    expect((await removed).user).toBe('alice')
    expect((await dispatch(bob, { cmd: 'friends' })).friends).toEqual([])
  })

  it('a request made while someone was offline reaches them at their next login', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await startPeerClient(tracker, 'alice')
    const dir = await tempDir()
    const bob = await startPeerClient(tracker, 'bob', { dataDir: join(dir, 'bob') })
    await bob.stop()
    await dispatch(alice, { cmd: 'friend-add', user: 'bob' })
    const again = await startPeerClient(tracker, 'bob', { dataDir: join(dir, 'bob'), register: false })
    await expect.poll(() => dispatch(again, { cmd: 'friends' }).then(r => r.incoming)).toEqual(['alice'])
  })

  it('friends-only privacy refuses a stranger’s message and file offer with NOT_A_FRIEND, and takes a friend’s', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const { alice, bob, carol } = await everyone(tracker, ['alice', 'bob', 'carol'])
    expect(await dispatch(bob, { cmd: 'privacy', mode: 'friends' })).toEqual({ mode: 'friends' })
    await dispatch(alice, { cmd: 'friend-add', user: 'bob' })
    const added = nextEvent(alice, 'friend-added')
    await dispatch(bob, { cmd: 'friend-accept', user: 'alice' })
    await added

    const shown: string[] = []
    bob.addEventListener('message', e => shown.push(`${e.detail.from}: ${e.detail.text}`))
    const refused = nextEvent<EventDetails['error']>(carol, 'error', e => e.code === 'NOT_A_FRIEND')
    const { messageId } = await dispatch(carol, { cmd: 'msg', to: 'bob', text: 'let me in' })
    expect((await refused).message).toMatch(/friends only/)
    // Refused for good: marked so, not retried.
    await expect.poll(() => carol.history('bob').find(m => m.messageId === messageId)?.status).toBe('refused')

    const dir = await tempDir()
    const path = join(dir, 'x.bin')
    await writeRandomFile(path, 1024)
    const t = await carol.sendFile('bob', path)
    const failed = await nextEvent<EventDetails['file-failed']>(
      carol,
      'file-failed',
      f => f.transferId === t.transferId
    )
    expect(failed.code).toBe('NOT_A_FRIEND')

    const delivered = nextEvent(alice, 'delivered')
    await dispatch(alice, { cmd: 'msg', to: 'bob', text: 'a friend' })
    await delivered
    expect(shown).toEqual(['alice: a friend'])
  })
})

describe('groups through the peer API', () => {
  it('5 members: one offline while two post, back while the senders are offline, gets everything in order, once', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const dir = await tempDir()
    const names = ['ann', 'ben', 'cat', 'dan', 'eve']
    const peers: Record<string, PeerClient> = {}
    for (const n of names) peers[n] = await startPeerClient(tracker, n, { dataDir: join(dir, n) })
    const { group } = await dispatch(peers.ann, { cmd: 'group-create', name: 'hikers' })
    for (const n of names.slice(1)) {
      await dispatch(peers.ann, { cmd: 'group-invite', group: group.group, user: n })
      await dispatch(peers[n], { cmd: 'group-join', group: group.group })
    }
    await expect
      .poll(async () => (await dispatch(peers.ann, { cmd: 'groups' })).groups[0].members.length)
      .toBe(5)

    // eve goes offline; ben and cat post.
    await peers.eve.stop()
    const seenByDan: GroupMessageEvent[] = []
    peers.dan.addEventListener('group-message', e => seenByDan.push(e.detail))
    const posts: string[] = []
    for (let i = 0; i < 4; i++) {
      for (const author of ['ben', 'cat']) {
        const text = `${author} ${i}`
        posts.push(text)
        await dispatch(peers[author], { cmd: 'group-msg', group: group.group, text })
      }
    }
    await expect.poll(() => seenByDan.length, { timeout: 20_000 }).toBe(posts.length)
    // The senders leave for good; eve comes back and gets it all from ann or dan.
    await peers.ben.stop()
    await peers.cat.stop()
    const eve = await startPeerClient(tracker, 'eve', { dataDir: join(dir, 'eve'), register: false })
    const got: GroupMessageEvent[] = []
    eve.addEventListener('group-message', e => got.push(e.detail))
    await expect.poll(() => got.length, { timeout: 20_000 }).toBe(posts.length)
    // Once each, and each author's in order.
    expect(new Set(got.map(m => m.messageId)).size).toBe(posts.length)
    for (const author of ['ben', 'cat']) {
      expect(got.filter(m => m.from === author).map(m => m.text)).toEqual(
        [0, 1, 2, 3].map(i => `${author} ${i}`)
      )
    }
    const { messages } = await dispatch(eve, { cmd: 'history', group: group.group, limit: 100 })
    expect(messages.length).toBe(posts.length)
  })

  it('a kicked member stops receiving and cannot post; the group survives a tracker restart', async () => {
    const dataDir = await tempDir()
    const tracker = await startTracker({ coalesceMs: 10, dataDir })
    const { amy, bo, cy } = await everyone(tracker, ['amy', 'bo', 'cy'])
    const { group } = await dispatch(amy, { cmd: 'group-create', name: 'club', open: true })
    await dispatch(bo, { cmd: 'group-join', group: group.group })
    await dispatch(cy, { cmd: 'group-join', group: group.group })
    const removed = nextEvent<EventDetails['group-removed']>(cy, 'group-removed')
    await dispatch(amy, { cmd: 'group-kick', group: group.group, user: 'cy' })
    expect((await removed).by).toBe('amy')
    const cySaw: string[] = []
    cy.addEventListener('group-message', e => cySaw.push(e.detail.text))
    const boSaw = nextEvent<GroupMessageEvent>(bo, 'group-message', m => m.text === 'members only')
    await dispatch(amy, { cmd: 'group-msg', group: group.group, text: 'members only' })
    await boSaw
    await expect(
      dispatch(cy, { cmd: 'group-msg', group: group.group, text: 'still here?' })
    ).rejects.toMatchObject({
      code: 'NOT_AUTHORIZED'
    })
    expect(cySaw).toEqual([])

    const addr = tracker.getMultiaddrs()[0]
    await tracker.stop()
    const again = await startTracker({
      coalesceMs: 10,
      dataDir,
      listen: [addr.decapsulateCode(421).toString()]
    })
    expect(again.getMultiaddrs()[0].toString()).toBe(addr.toString())
    await expect
      .poll(
        async () =>
          (await dispatch(amy, { cmd: 'groups' }).catch(() => ({ groups: [] }))).groups.map(
            g => g.members.length
          ),
        {
          timeout: 30_000
        }
      )
      .toEqual([2])
  })
})
