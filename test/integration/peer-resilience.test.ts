import { generateKeyPair } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import type { ChatMessageEvent } from '../../peer/chat/chat-service.ts'
import { createNode } from '../../src/node.ts'
import { CHAT_PROTOCOL } from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ChatFrame } from '../../src/protocol/pb/chat.ts'
import {
  connectPeer,
  nextEvent,
  onCleanup,
  PASSWORD,
  startNode,
  startPeerClient,
  startTracker,
  tempDir
} from '../fixtures/nodes.ts'

const until = async (cond: () => boolean, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise(r => setTimeout(r, 20))
  }
}

describe('peer resilience and identity', () => {
  it('keeps chatting while the tracker is down, then reconnects and resyncs', async () => {
    const dataDir = await tempDir()
    const first = await startTracker({ dataDir, coalesceMs: 10 })
    const port = first.getMultiaddrs()[0].toString().split('/')[4]
    const alice = await startPeerClient(first, 'alice')
    const bob = await startPeerClient(first, 'bob')
    await until(() => alice.who().length === 2)
    const hello = nextEvent<ChatMessageEvent>(bob, 'message')
    await alice.send('bob', 'before')
    await hello

    const aliceReconnecting = nextEvent<{ state: string }>(alice, 'tracker', s => s.state === 'reconnecting')
    await first.stop()
    await aliceReconnecting
    // Direct chat does not need the tracker.
    const during = nextEvent<ChatMessageEvent>(bob, 'message')
    const sent = await alice.send('bob', 'while the tracker is down')
    expect((await during).text).toBe('while the tracker is down')
    await nextEvent<{ messageId: string }>(alice, 'delivered', d => d.messageId === sent.messageId)

    const aliceBack = nextEvent<{ state: string }>(alice, 'tracker', s => s.state === 'connected', 30_000)
    const bobBack = nextEvent<{ state: string }>(bob, 'tracker', s => s.state === 'connected', 30_000)
    await startTracker({ dataDir, coalesceMs: 10, listen: [`/ip4/127.0.0.1/tcp/${port}`] })
    await Promise.all([aliceBack, bobBack])
    await until(() => alice.who().length === 2 && bob.who().length === 2)
    const after = nextEvent<ChatMessageEvent>(alice, 'message')
    await bob.send('alice', 'after')
    expect((await after).text).toBe('after')
  })

  it('refuses a chat stream from a PeerId that is not a logged-in account', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const bob = await startPeerClient(tracker, 'bob')
    const stranger = await startNode()
    let shown = 0
    bob.addEventListener('message', () => shown++)
    // The stranger says nothing about who it is; its key is not bound to any account.
    const stream = await stranger.dialProtocol(bob.node!.getMultiaddrs()[0], CHAT_PROTOCOL)
    stream.send(
      lengthPrefixed(
        ChatFrame.encode({ message: { messageId: 'abc', text: 'I am alice', sentAt: Date.now() } })
      )
    )
    const lp = lpStream(stream)
    await expect(lp.read({ signal: AbortSignal.timeout(5_000) })).rejects.toThrow()
    expect(shown).toBe(0)
    expect(bob.history('alice')).toEqual([])
  })

  it("never delivers to a node that answers at a user's address with another key", async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await startPeerClient(tracker, 'alice')
    // An impostor listens somewhere; "bob" publishes the impostor's address as his own.
    const impostor = await createNode({
      privateKey: await generateKeyPair('Ed25519'),
      listen: ['/ip4/127.0.0.1/tcp/0']
    })
    await impostor.start()
    onCleanup(() => impostor.stop())
    let impostorGotChat = false
    await impostor.handle(CHAT_PROTOCOL, stream => {
      impostorGotChat = true
      stream.abort(new Error('impostor'))
    })
    const bobNode = await startNode(undefined, [])
    const bob = await connectPeer(tracker, 'bob', { node: bobNode, login: false })
    await bob.client.login('bob', PASSWORD, [
      multiaddr(impostor.getMultiaddrs()[0].toString().split('/p2p/')[0])
    ])
    await until(() => alice.who().some(u => u.user === 'bob'))
    const failed = nextEvent<{ code: string; messageId?: string }>(
      alice,
      'error',
      e => e.code === 'UNREACHABLE'
    )
    const { messageId } = await alice.send('bob', 'for bob only')
    // Noise saw the impostor's key instead of bob's and the dial failed.
    expect((await failed).messageId).toBe(messageId)
    expect(impostorGotChat).toBe(false)
    expect(alice.history('bob')[0].status).not.toBe('delivered')
  })

  it('shows a retried message once and acks it again', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const bob = await startPeerClient(tracker, 'bob')
    // A logged-in "alice" that speaks the chat protocol by hand.
    const a = await connectPeer(tracker, 'alice')
    await until(() => bob.who().some(u => u.user === 'alice'))
    const stream = await a.node.dialProtocol(bob.node!.getMultiaddrs()[0], CHAT_PROTOCOL)
    const lp = lpStream(stream)
    const frame = lengthPrefixed(
      ChatFrame.encode({ message: { messageId: 'same-id', text: 'once', sentAt: 1 } })
    )
    let shown = 0
    bob.addEventListener('message', () => shown++)
    stream.send(frame)
    expect(ChatFrame.decode(await lp.read()).ack).toEqual({ messageId: 'same-id', error: '' })
    stream.send(frame)
    expect(ChatFrame.decode(await lp.read()).ack).toEqual({ messageId: 'same-id', error: '' })
    expect(shown).toBe(1)
    expect(bob.history('alice').map(m => m.text)).toEqual(['once'])
    // Bad ids and oversize texts are refused with a code, and the stream keeps serving.
    stream.send(
      lengthPrefixed(ChatFrame.encode({ message: { messageId: '../bad id', text: 'x', sentAt: 1 } }))
    )
    expect(ChatFrame.decode(await lp.read()).ack?.error).toBe('INVALID_MESSAGE')
  })

  it('learns a sender whose join has not reached it yet from the tracker', async () => {
    // A long coalescing window: bob hears of carol's join late, but carol's message arrives at once.
    const tracker = await startTracker({ coalesceMs: 3_000 })
    const bob = await startPeerClient(tracker, 'bob')
    const carol = await startPeerClient(tracker, 'carol')
    // carol learned bob's address from her snapshot; bob has not seen her join yet.
    expect(bob.who().some(u => u.user === 'carol')).toBe(false)
    const atBob = nextEvent<ChatMessageEvent>(bob, 'message', undefined, 2_500)
    await carol.send('bob', 'quick hello')
    expect((await atBob).from).toBe('carol')
  })
})
