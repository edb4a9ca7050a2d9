import type { Connection, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { dispatch } from '../../peer/api/dispatch.ts'
import type { EventDetails, GroupMessageEvent } from '../../peer/api/schema.ts'
import { dialUser } from '../../peer/core/dial.ts'
import type { OnlineUser, TrackerClient } from '../../peer/core/tracker-client.ts'
import type { GroupMessage } from '../../peer/groups/index.ts'
import { GroupService, GroupsHub } from '../../peer/groups/index.ts'
import { TimeoutError } from '../../src/errors.ts'
import { createNode } from '../../src/node.ts'
import type { Group } from '../../src/protocol/pb/tracker.ts'
import type { GroupPeer } from '../fixtures/group-peers.ts'
import { FakeGroupTracker, startGroupPeer } from '../fixtures/group-peers.ts'
import { nextEvent, onCleanup, startPeerClient, startTracker, tempDir } from '../fixtures/nodes.ts'

const GROUP = 'grp_leave_0123ab'

/**
 * bob, with his real GroupsHub over a tracker session whose `groupLeave` answers when the test says:
 * the moment between asking to leave and hearing back, while alice has not been told yet.
 */
async function bobWithSlowLeave(fake: FakeGroupTracker, alice: GroupPeer) {
  const privateKey = fake.keys.get('bob') ?? (await fake.account('bob'))
  const node = await createNode({ privateKey, listen: ['/ip4/127.0.0.1/tcp/0'] })
  await node.start()
  onCleanup(() => node.stop())
  const keyOf = (user: string) => peerIdFromPrivateKey(fake.keys.get(user)!).toMultihash().bytes
  const state: Group = {
    id: GROUP,
    name: 'pair',
    owner: 'alice',
    open: false,
    members: ['alice', 'bob'].map(username => ({ username, online: true, peerIds: [keyOf(username)] })),
    invited: [],
    version: 3
  }
  const answers: Array<PromiseWithResolvers<void>> = []
  const events = new TypedEventEmitter<{ 'group-event': CustomEvent<unknown> }>()
  const client = Object.assign(events, {
    closed: false,
    social: {
      groupList: async () => [state],
      groupLeave: async () => {
        const answer = Promise.withResolvers<void>()
        answers.push(answer)
        await answer.promise
      }
    }
  }) as unknown as TrackerClient
  const aliceOnline: OnlineUser = {
    user: 'alice',
    peerId: alice.node.peerId,
    addrs: alice.node.getMultiaddrs(),
    since: Date.now(),
    reachable: true
  }
  let hub: GroupsHub | undefined
  const service = new GroupService(
    {
      node,
      privateKey,
      self: () => 'bob',
      dial: (target, protocol, options) => dialUser(node, target, protocol, options),
      identify: async (_s: Stream, connection: Connection) => fake.userOf(connection.remotePeer.toString()),
      membership: { members: g => hub?.members(g), online: g => hub?.online(g) ?? [] }
    },
    { dataDir: await tempDir('p2pchat-group-bob-'), log: logger('p2pchat:test:groups:bob') }
  )
  const messages: GroupMessage[] = []
  service.addEventListener('group-message', e => messages.push(e.detail))
  await service.start()
  onCleanup(() => service.stop())
  hub = new GroupsHub({
    client: () => client,
    locate: user => (user === 'alice' ? aliceOnline : undefined),
    self: () => 'bob',
    service,
    log: logger('p2pchat:test:groups-hub:bob')
  })
  await hub.follow(client)
  fake.setOnline({
    user: 'bob',
    peerId: node.peerId,
    addrs: node.getMultiaddrs(),
    since: Date.now(),
    reachable: true
  })
  return { hub, service, messages, answers }
}

describe('leaving a group', () => {
  it('from the moment bob asks to leave he takes no post, even from a member not yet told', async () => {
    const fake = new FakeGroupTracker()
    for (const user of ['alice', 'bob']) {
      await fake.account(user)
      fake.addMember(GROUP, user)
    }
    const alice = await startGroupPeer(fake, 'alice')
    const bob = await bobWithSlowLeave(fake, alice)

    await alice.service.send(GROUP, 'hi')
    await expect.poll(() => bob.messages.map(m => m.text)).toEqual(['hi'])

    const had = ['hi']
    for (let round = 0; round < 3; round++) {
      // bob asks; the tracker has not answered, and alice still lists him: she pushes to him.
      const leaving = bob.hub.leave(GROUP)
      await expect.poll(() => bob.answers.length).toBe(round + 1)
      if (round < 2) {
        await alice.service.send(GROUP, `bob left? ${round}`)
        await alice.service.settled()
        expect(bob.messages.map(m => m.text)).toEqual(had)
        expect(bob.service.history(GROUP).map(m => m.text)).toEqual(had)
        // The tracker times out this time: bob is a member after all, and fetches what he turned away.
        bob.answers[round].reject(new TimeoutError('the tracker did not answer in time'))
        await expect(leaving).rejects.toMatchObject({ code: 'TIMEOUT' })
        had.push(`bob left? ${round}`)
        await expect.poll(() => bob.messages.map(m => m.text)).toEqual(had)
        continue
      }
      bob.answers[round].resolve()
      await leaving
    }

    // Now the tracker has him out, and alice hears of it.
    fake.kick(GROUP, 'bob')
    await alice.service.send(GROUP, 'still gone')
    await alice.service.settled()
    expect(bob.messages.map(m => m.text)).toEqual(['hi', 'bob left? 0', 'bob left? 1'])
    await expect(bob.service.send(GROUP, 'back?')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' })
    const history = alice.service.history(GROUP)
    expect(history.map(m => [m.text, m.seq])).toEqual([
      ['hi', 1],
      ['bob left? 0', 2],
      ['bob left? 1', 3],
      ['still gone', 4]
    ])
    expect(new Set(history.map(m => m.messageId)).size).toBe(history.length)
    expect(alice.messages).toEqual([])
  })

  it('through the API with a real tracker: the one who left gets no later post, and each is stored once', async () => {
    const tracker = await startTracker({ coalesceMs: 10, social: { limits: { socialBurst: 1000 } } })
    const alice = await startPeerClient(tracker, 'alice')
    const bob = await startPeerClient(tracker, 'bob')
    await expect.poll(() => alice.who().length).toBe(2)
    const bobSaw: GroupMessageEvent[] = []
    bob.addEventListener('group-message', e => bobSaw.push(e.detail))
    const aliceSaw: GroupMessageEvent[] = []
    alice.addEventListener('group-message', e => aliceSaw.push(e.detail))

    // A few rounds: the departure races with the post that follows it.
    for (let round = 0; round < 5; round++) {
      const { group } = await dispatch(alice, { cmd: 'group-create', name: `club ${round}` })
      const id = group.group
      const invited = nextEvent<EventDetails['group-invited']>(
        bob,
        'group-invited',
        g => g.group.group === id
      )
      await dispatch(alice, { cmd: 'group-invite', group: id, user: 'bob' })
      await invited
      const bobIn = nextEvent<EventDetails['group-updated']>(
        alice,
        'group-updated',
        g => g.group.group === id && g.group.members.length === 2
      )
      await dispatch(bob, { cmd: 'group-join', group: id })
      await bobIn

      const fromAlice = nextEvent<GroupMessageEvent>(bob, 'group-message', m => m.text === `hi ${round}`)
      await dispatch(alice, { cmd: 'group-msg', group: id, text: `hi ${round}` })
      await fromAlice
      const fromBob = nextEvent<GroupMessageEvent>(alice, 'group-message', m => m.text === `hey ${round}`)
      await dispatch(bob, { cmd: 'group-msg', group: id, text: `hey ${round}` })
      await fromBob

      const bobOut = nextEvent<EventDetails['group-updated']>(
        alice,
        'group-updated',
        g => g.group.group === id && g.group.members.length === 1
      )
      await dispatch(bob, { cmd: 'group-leave', group: id })
      expect((await bobOut).group.members.map(m => m.user)).toEqual(['alice'])
      // Posted the moment alice sees bob gone.
      const after = await dispatch(alice, { cmd: 'group-msg', group: id, text: `bob left? ${round}` })
      expect(after.online).toBe(0)
      await alice.social.groupService.settled()
      await dispatch(alice, { cmd: 'group-msg', group: id, text: `still gone ${round}` })
      await alice.social.groupService.settled()
      await expect(bob.social.groupService.catchUp(id)).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' })

      expect(bobSaw.filter(m => m.group === id).map(m => m.text)).toEqual([`hi ${round}`])
      expect(aliceSaw.filter(m => m.group === id).map(m => m.text)).toEqual([`hey ${round}`])
      const { messages } = await dispatch(alice, { cmd: 'history', group: id, limit: 100 })
      expect(messages.map(m => m.text)).toEqual([
        `hi ${round}`,
        `hey ${round}`,
        `bob left? ${round}`,
        `still gone ${round}`
      ])
      expect(new Set(messages.map(m => m.messageId)).size).toBe(messages.length)
      const ours = (messages as GroupMessageEvent[]).filter(m => m.from === 'alice')
      expect(ours.map(m => m.seq)).toEqual([1, 2, 3])
    }
  })
})
