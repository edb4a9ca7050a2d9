import { describe, expect, it } from 'vitest'
import { startJsonPeer } from '../fixtures/json-peer.ts'
import { startTracker } from '../fixtures/nodes.ts'

describe('p2pchat peer --json: friends and groups', () => {
  it('two peer processes become friends, make a group, and talk in it peer to peer', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const alice = await startJsonPeer(addr, 'alice')
    const bob = await startJsonPeer(addr, 'bob')
    await alice.wait(o => o.event === 'joined' && o.user === 'bob')

    alice.send({ id: 'a', cmd: 'friend-add', user: 'bob' })
    expect(await alice.wait(o => o.id === 'a')).toMatchObject({ ok: true, user: 'bob', pending: true })
    expect(await bob.wait(o => o.event === 'friend-request')).toMatchObject({ from: 'alice' })
    bob.send({ id: 'b', cmd: 'friend-accept', user: 'alice' })
    await bob.wait(o => o.id === 'b' && o.ok === true)
    await alice.wait(o => o.event === 'friend-added' && o.user === 'bob')
    bob.send({ id: 's', cmd: 'status', presence: 'busy', text: 'coding' })
    expect(await alice.wait(o => o.event === 'friend-status')).toMatchObject({
      user: 'bob',
      presence: 'busy',
      text: 'coding'
    })
    alice.send({ id: 'f', cmd: 'friends' })
    const friends = await alice.wait(o => o.id === 'f')
    expect(friends.friends).toEqual([
      { user: 'bob', alias: '', online: true, lastSeen: 0, reachable: true, presence: 'busy', text: 'coding' }
    ])

    alice.send({ id: 'g', cmd: 'group-create', name: 'pair' })
    const created = await alice.wait(o => o.id === 'g')
    const group = created.group.group as string
    alice.send({ id: 'i', cmd: 'group-invite', group, user: 'bob' })
    await alice.wait(o => o.id === 'i' && o.ok === true)
    expect(await bob.wait(o => o.event === 'group-invited')).toMatchObject({ by: 'alice' })
    bob.send({ id: 'j', cmd: 'group-join', group })
    await bob.wait(o => o.id === 'j' && o.ok === true)
    alice.send({ id: 'm', cmd: 'group-msg', group, text: 'hello group' })
    expect(await alice.wait(o => o.id === 'm')).toMatchObject({ ok: true, seq: 1 })
    expect(await bob.wait(o => o.event === 'group-message')).toMatchObject({
      group,
      from: 'alice',
      text: 'hello group',
      seq: 1
    })
    // Bad input gets a clear error and the process carries on.
    bob.send({ id: 'x', cmd: 'group-msg', group: '../../etc', text: 'no' })
    expect(await bob.wait(o => o.id === 'x')).toMatchObject({ ok: false, error: { code: 'INVALID_COMMAND' } })
    bob.send({ id: 'y', cmd: 'status', presence: 'sleeping' })
    expect(await bob.wait(o => o.id === 'y')).toMatchObject({ ok: false, error: { code: 'INVALID_COMMAND' } })
    bob.send({ id: 'h', cmd: 'history', group, limit: 5 })
    const history = await bob.wait(o => o.id === 'h')
    expect(history.messages.map((m: { text: string }) => m.text)).toEqual(['hello group'])
  })
})
