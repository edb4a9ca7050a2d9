import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import type { StoredPost } from '../../peer/groups/group-post.ts'
import { newGroupMessageId, signPost, toWire } from '../../peer/groups/group-post.ts'
import { GROUP_PROTOCOL } from '../../peer/groups/index.ts'
import { createNode } from '../../src/node.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import type { GroupPost } from '../../src/protocol/pb/group.ts'
import { GroupFrame } from '../../src/protocol/pb/group.ts'
import type { GroupPeer } from '../fixtures/group-peers.ts'
import {
  FakeGroupTracker,
  startGroupPeer,
  stopGroupPeer,
  textsFrom,
  untilMessages
} from '../fixtures/group-peers.ts'
import { onCleanup } from '../fixtures/nodes.ts'

const GROUP = 'grp_0123456789ab'

async function groupOf(users: string[]): Promise<FakeGroupTracker> {
  const fake = new FakeGroupTracker()
  for (const user of users) {
    await fake.account(user)
    fake.addMember(GROUP, user)
  }
  return fake
}

function post(key: PrivateKey, author: string, seq: number, text: string): Promise<StoredPost> {
  return signPost(key, {
    group: GROUP,
    author,
    seq,
    messageId: newGroupMessageId(),
    sentAt: Date.now(),
    text
  })
}

/** Push raw post frames from `from`'s node to `to` and return the ack each got. */
async function pushRaw(from: GroupPeer, to: GroupPeer, posts: GroupPost[]): Promise<string[]> {
  const stream = await from.node.dialProtocol(to.node.getMultiaddrs(), GROUP_PROTOCOL)
  const lp = lpStream(stream)
  const errors: string[] = []
  for (const p of posts) {
    stream.send(lengthPrefixed(GroupFrame.encode({ post: p })))
    const ack = GroupFrame.decode(await lp.read()).ack!
    expect(ack.messageId).toBe(p.content?.messageId)
    errors.push(ack.error)
  }
  await stream.close()
  return errors
}

describe('group messages', () => {
  it('reaches every online member once, in order, and survives its authors leaving for good', async () => {
    const fake = await groupOf(['alice', 'bob', 'carol', 'dave', 'erin'])
    const [a, b, c, d] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map(u => startGroupPeer(fake, u))
    )
    // erin is offline: her node is not running.
    const texts = (who: string) => Array.from({ length: 5 }, (_, i) => `${who}${i + 1}`)
    await Promise.all(
      [b, c].map(async peer => {
        for (const text of texts(peer.user[0])) await peer.service.send(GROUP, text)
      })
    )
    await Promise.all([untilMessages(a, 10), untilMessages(d, 10), untilMessages(b, 5), untilMessages(c, 5)])
    await Promise.all([b.service.settled(), c.service.settled()])
    for (const peer of [a, d]) {
      expect(textsFrom(peer, 'bob')).toEqual(texts('b'))
      expect(textsFrom(peer, 'carol')).toEqual(texts('c'))
      expect(peer.messages).toHaveLength(10)
    }
    expect(b.messages.map(m => m.text)).toEqual(texts('c'))
    expect(c.messages.map(m => m.text)).toEqual(texts('b'))
    expect(textsFrom(a, 'bob').length + textsFrom(a, 'carol').length).toBe(10)
    expect(a.messages.filter(m => m.from === 'bob').map(m => m.seq)).toEqual([1, 2, 3, 4, 5])
    // Each author pushed its five posts to each member on one stream.
    for (const author of [b, c]) {
      for (const member of [a, d]) {
        const streams = author.node
          .getConnections(member.node.peerId)
          .flatMap(conn => conn.streams)
          .filter(st => st.protocol === GROUP_PROTOCOL && st.direction === 'outbound')
        expect(streams).toHaveLength(1)
      }
    }

    // The authors go offline for good; erin comes back and gets everything from alice or dave.
    await stopGroupPeer(fake, b)
    await stopGroupPeer(fake, c)
    const e = await startGroupPeer(fake, 'erin')
    expect(await e.service.catchUp(GROUP)).toEqual({ received: 10 })
    expect(textsFrom(e, 'bob')).toEqual(texts('b'))
    expect(textsFrom(e, 'carol')).toEqual(texts('c'))
    expect(e.messages).toHaveLength(10)
    // Fired sorted by (sentAt, author, seq): the order everyone's history shows.
    const order = (m: { sentAt: number; from: string; seq: number }) => [m.sentAt, m.from, m.seq]
    expect(e.messages.map(order)).toEqual(
      [...e.messages]
        .sort((x, y) => x.sentAt - y.sentAt || x.from.localeCompare(y.from) || x.seq - y.seq)
        .map(order)
    )
    expect(e.service.history(GROUP, 100).map(m => m.messageId)).toEqual(
      a.service.history(GROUP, 100).map(m => m.messageId)
    )

    // Asking again brings nothing new, and nobody saw anything twice.
    expect(await e.service.catchUp(GROUP)).toEqual({ received: 0 })
    expect(await a.service.catchUp(GROUP)).toEqual({ received: 0 })
    expect(e.messages).toHaveLength(10)
    expect(a.messages).toHaveLength(10)
    expect(d.messages).toHaveLength(10)
  })

  it('fills a gap in a live author’s posts from the member who sent them', async () => {
    const fake = await groupOf(['alice', 'bob', 'carol'])
    const [a, b] = await Promise.all(['alice', 'bob'].map(u => startGroupPeer(fake, u)))
    await a.service.send(GROUP, 'one')
    await a.service.send(GROUP, 'two')
    await untilMessages(b, 2)
    // carol logs in but has not caught up yet when alice's third post arrives: she holds it, asks alice
    // for 1 and 2, and stores and shows all three in order.
    const c = await startGroupPeer(fake, 'carol')
    await a.service.send(GROUP, 'three')
    await untilMessages(c, 3)
    expect(c.messages.map(m => [m.text, m.seq])).toEqual([
      ['one', 1],
      ['two', 2],
      ['three', 3]
    ])
    await a.service.settled()
    expect(await c.service.catchUp(GROUP)).toEqual({ received: 0 })
    expect(c.messages).toHaveLength(3)
  })

  it('refuses forged or altered posts passed on by a member, pushed or in a sync answer', async () => {
    const fake = await groupOf(['alice', 'mallory', 'bob'])
    const oscarKey = await fake.account('oscar') // an account, not a member
    const bobKey = fake.keys.get('bob')!
    const malloryKey = fake.keys.get('mallory')!
    const [a, m] = await Promise.all(['alice', 'mallory'].map(u => startGroupPeer(fake, u)))

    const genuine = await post(bobKey, 'bob', 1, 'genuine')
    const altered = toWire({ ...(await post(bobKey, 'bob', 2, 'pay alice')), text: 'pay mallory' })
    const otherKey = toWire({
      ...(await post(malloryKey, 'bob', 2, 'signed by mallory')),
      peerId: genuine.peerId
    })
    const strangerKey = toWire(await post(await generateKeyPair('Ed25519'), 'bob', 2, 'a key bob never used'))
    const notMember = toWire(await post(oscarKey, 'oscar', 1, 'from outside'))
    const forged = [altered, otherKey, strangerKey, notMember]

    expect(await pushRaw(m, a, forged)).toEqual([
      'INVALID_MESSAGE',
      'INVALID_MESSAGE',
      'INVALID_MESSAGE',
      'NOT_AUTHORIZED'
    ])
    expect(a.messages).toEqual([])
    expect(a.service.history(GROUP)).toEqual([])
    // Passing a post on intact is allowed: the signature, not the stream, says who wrote it.
    expect(await pushRaw(m, a, [toWire(genuine)])).toEqual([''])
    await untilMessages(a, 1)
    expect(a.messages.map(x => [x.from, x.text])).toEqual([['bob', 'genuine']])

    // A member answering a catch-up with the same forgeries gets nothing stored either.
    await stopGroupPeer(fake, m)
    const liar = await createNode({ privateKey: malloryKey, listen: ['/ip4/127.0.0.1/tcp/0'] })
    await liar.start()
    onCleanup(() => liar.stop())
    await liar.handle(GROUP_PROTOCOL, async stream => {
      const lp = lpStream(stream)
      const req = GroupFrame.decode(await lp.read()).syncRequest!
      stream.send(
        lengthPrefixed(
          GroupFrame.encode({
            syncBatch: { id: req.id, posts: forged, done: true, more: false, error: '', retryAfterMs: 0 }
          })
        )
      )
    })
    fake.setOnline({
      user: 'mallory',
      peerId: liar.peerId,
      addrs: liar.getMultiaddrs(),
      since: 0,
      reachable: true
    })
    const b = await startGroupPeer(fake, 'bob')
    fake.setOffline('alice')
    expect(await b.service.catchUp(GROUP)).toEqual({ received: 0 })
    expect(b.messages).toEqual([])
    expect(b.service.history(GROUP)).toEqual([])
  })

  it('a removed member stops receiving, is refused catch-up, and cannot post', async () => {
    const fake = await groupOf(['alice', 'bob', 'kim'])
    const [a, b] = await Promise.all(['alice', 'bob'].map(u => startGroupPeer(fake, u)))
    // kim does not hear of her removal: her view of the group stays as it was.
    const k = await startGroupPeer(fake, 'kim', { membership: fake.staleMembershipFor('kim') })
    await a.service.send(GROUP, 'before')
    await Promise.all([untilMessages(b, 1), untilMessages(k, 1)])

    fake.kick(GROUP, 'kim')
    await a.service.send(GROUP, 'after')
    await untilMessages(b, 2)
    await a.service.settled()
    expect(k.messages.map(m => m.text)).toEqual(['before'])

    await expect(k.service.catchUp(GROUP)).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' })
    expect(k.messages.map(m => m.text)).toEqual(['before'])

    await k.service.send(GROUP, 'let me back in')
    await k.service.settled()
    expect(await a.service.catchUp(GROUP)).toEqual({ received: 0 })
    for (const peer of [a, b]) {
      expect(peer.messages.filter(m => m.from === 'kim')).toEqual([])
      expect(peer.service.history(GROUP).map(m => m.text)).toEqual(['before', 'after'])
    }
    // A group we are not in is refused before anything is stored.
    await expect(a.service.send('grp_notmine_0000', 'x')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' })
  })

  it('continues sequence numbers and history after a restart, without duplicates', async () => {
    const fake = await groupOf(['alice', 'bob'])
    let [a, b] = await Promise.all(['alice', 'bob'].map(u => startGroupPeer(fake, u)))
    for (const text of ['a1', 'a2', 'a3']) await a.service.send(GROUP, text)
    await untilMessages(b, 3)

    await stopGroupPeer(fake, a)
    a = await startGroupPeer(fake, 'alice', { dataDir: a.dataDir })
    expect(a.service.history(GROUP).map(m => [m.text, m.seq])).toEqual([
      ['a1', 1],
      ['a2', 2],
      ['a3', 3]
    ])
    const fourth = await a.service.send(GROUP, 'a4')
    expect(fourth.seq).toBe(4)
    await untilMessages(b, 4)
    expect(b.messages.map(m => m.seq)).toEqual([1, 2, 3, 4])

    await stopGroupPeer(fake, b)
    b = await startGroupPeer(fake, 'bob', { dataDir: b.dataDir })
    expect(b.service.history(GROUP).map(m => m.text)).toEqual(['a1', 'a2', 'a3', 'a4'])
    expect(await b.service.catchUp(GROUP)).toEqual({ received: 0 })
    expect(await b.service.catchUp(GROUP)).toEqual({ received: 0 })
    expect(b.messages).toEqual([])
    expect((await a.service.send(GROUP, 'a5')).seq).toBe(5)
    await untilMessages(b, 1)
    expect(b.messages.map(m => [m.text, m.seq])).toEqual([['a5', 5]])
  })
})
