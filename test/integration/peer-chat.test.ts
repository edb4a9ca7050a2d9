import { describe, expect, it } from 'vitest'
import type { UserInfo } from '../../peer/api/schema.ts'
import type { ChatMessageEvent } from '../../peer/chat/chat-service.ts'
import { MAX_CHAT_TEXT_BYTES } from '../../src/protocol/constants.ts'
import { nextEvent, startPeerClient, startTracker, tempDir } from '../fixtures/nodes.ts'

type Delivered = { messageId: string; to: string }

describe('direct chat', () => {
  it('sends both ways between two peers, acked and stored, never through the tracker', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await startPeerClient(tracker, 'alice')
    const bobJoined = nextEvent<UserInfo>(alice, 'joined', u => u.user === 'bob')
    const bob = await startPeerClient(tracker, 'bob')
    await bobJoined

    const atBob = nextEvent<ChatMessageEvent>(bob, 'message')
    const sent = await alice.send('bob', 'hello bob')
    const delivered = nextEvent<Delivered>(alice, 'delivered', d => d.messageId === sent.messageId)
    const got = await atBob
    expect(got).toMatchObject({ messageId: sent.messageId, from: 'alice', to: 'bob', text: 'hello bob' })
    await delivered
    expect(alice.history('bob').map(m => [m.from, m.text, m.status])).toEqual([
      ['alice', 'hello bob', 'delivered']
    ])

    const atAlice = nextEvent<ChatMessageEvent>(alice, 'message')
    await bob.send('alice', 'hi alice 👋')
    expect(await atAlice).toMatchObject({ from: 'bob', to: 'alice', text: 'hi alice 👋' })
    await nextEvent(bob, 'delivered')
    expect(bob.history('alice').map(m => m.text)).toEqual(['hello bob', 'hi alice 👋'])

    // The chat went over a direct connection between the two peers.
    expect(alice.node!.getConnections(bob.peerId).length).toBeGreaterThan(0)
  })

  it('keeps order and shows each message once with three peers', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const [a, b, c] = await Promise.all(['ann', 'ben', 'cat'].map(u => startPeerClient(tracker, u)))
    while (a.who().length < 3 || b.who().length < 3) await new Promise(r => setTimeout(r, 20))
    const atC: string[] = []
    c.addEventListener('message', e => atC.push(`${e.detail.from}:${e.detail.text}`))
    const allDelivered = Promise.all([
      ...Array.from({ length: 10 }, (_, i) => a.send('cat', `a${i}`)),
      ...Array.from({ length: 10 }, (_, i) => b.send('cat', `b${i}`))
    ])
    await allDelivered
    while (atC.length < 20) await new Promise(r => setTimeout(r, 20))
    expect(atC.filter(s => s.startsWith('ann')).map(s => s.split(':')[1])).toEqual(
      Array.from({ length: 10 }, (_, i) => `a${i}`)
    )
    expect(atC.filter(s => s.startsWith('ben')).map(s => s.split(':')[1])).toEqual(
      Array.from({ length: 10 }, (_, i) => `b${i}`)
    )
    await new Promise(r => setTimeout(r, 200))
    expect(atC).toHaveLength(20)
  })

  it('refuses a text over 64 KiB with TEXT_TOO_LONG and accepts exactly 64 KiB', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await startPeerClient(tracker, 'alice')
    const bob = await startPeerClient(tracker, 'bob')
    while (!alice.who().some(u => u.user === 'bob')) await new Promise(r => setTimeout(r, 20))
    await expect(alice.send('bob', 'x'.repeat(MAX_CHAT_TEXT_BYTES + 1))).rejects.toMatchObject({
      code: 'TEXT_TOO_LONG'
    })
    // Multi-byte characters count in bytes: 16,385 four-byte emoji are 65,540 bytes.
    await expect(alice.send('bob', '😀'.repeat(16_385))).rejects.toMatchObject({ code: 'TEXT_TOO_LONG' })
    const atBob = nextEvent<ChatMessageEvent>(bob, 'message')
    await alice.send('bob', 'y'.repeat(MAX_CHAT_TEXT_BYTES))
    expect((await atBob).text).toHaveLength(MAX_CHAT_TEXT_BYTES)
  })

  it('queues for an offline user and delivers in order when they log in', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const bobDir = await tempDir()
    // bob has an account but is offline.
    const bobFirst = await startPeerClient(tracker, 'bob', { dataDir: bobDir })
    await bobFirst.stop()
    const alice = await startPeerClient(tracker, 'alice')
    const ids: string[] = []
    for (const text of ['one', 'two', 'three']) ids.push((await alice.send('bob', text)).messageId)
    expect(alice.history('bob').map(m => m.status)).toEqual(['queued', 'queued', 'queued'])

    const bob = await startPeerClient(tracker, 'bob', { dataDir: bobDir, register: false })
    const texts: string[] = []
    bob.addEventListener('message', e => texts.push(e.detail.text))
    await nextEvent<Delivered>(alice, 'delivered', d => d.messageId === ids[2])
    expect(texts).toEqual(['one', 'two', 'three'])
    expect(alice.history('bob').map(m => m.status)).toEqual(['delivered', 'delivered', 'delivered'])
  })

  it('delivers the outbox after the sender restarts', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const aliceDir = await tempDir()
    const bobDir = await tempDir()
    const bob0 = await startPeerClient(tracker, 'bob', { dataDir: bobDir })
    await bob0.stop()
    const alice0 = await startPeerClient(tracker, 'alice', { dataDir: aliceDir })
    const { messageId } = await alice0.send('bob', 'written while bob was away')
    await alice0.stop()

    const bob = await startPeerClient(tracker, 'bob', { dataDir: bobDir, register: false })
    const atBob = nextEvent<ChatMessageEvent>(bob, 'message')
    const alice = await startPeerClient(tracker, 'alice', { dataDir: aliceDir, register: false })
    expect(await atBob).toMatchObject({ messageId, from: 'alice', text: 'written while bob was away' })
    await nextEvent<Delivered>(alice, 'delivered', d => d.messageId === messageId)
  })

  it('refuses a second peer process on the same data directory', async () => {
    const tracker = await startTracker()
    const dataDir = await tempDir()
    await startPeerClient(tracker, 'alice', { dataDir })
    await expect(startPeerClient(tracker, 'alice', { dataDir })).rejects.toMatchObject({
      code: 'DATA_LOCKED'
    })
  })
})
