import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import { MAX_CLIENT_MESSAGE_BYTES, TRACKER_PROTOCOL } from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ClientMessage, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { connectPeer, nextEvent, PASSWORD, startNode, startTracker } from '../fixtures/nodes.ts'

/** A raw session: the test writes bytes and reads decoded tracker frames. */
async function rawSession(tracker: Tracker) {
  const node = await startNode()
  const stream = await node.dialProtocol(tracker.getMultiaddrs()[0], TRACKER_PROTOCOL)
  const lp = lpStream(stream)
  return {
    stream,
    send: (bytes: Uint8Array) => stream.send(bytes),
    read: async () => TrackerMessage.decode(await lp.read({ signal: AbortSignal.timeout(5_000) }))
  }
}

describe('tracker robustness', () => {
  it('answers an undecodable frame with INVALID_MESSAGE and keeps the session', async () => {
    const tracker = await startTracker()
    const raw = await rawSession(tracker)
    raw.send(lengthPrefixed(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff])))
    const reply = await raw.read()
    expect(reply.error?.code).toBe('INVALID_MESSAGE')
    // Same stream, a valid request afterwards still works.
    raw.send(
      lengthPrefixed(ClientMessage.encode({ id: 7, register: { username: 'zed', password: PASSWORD } }))
    )
    const ok = await raw.read()
    expect(ok.id).toBe(7)
    expect(ok.registered?.username).toBe('zed')
  })

  it('answers a message with no body, or a heartbeat before login, with an error', async () => {
    const tracker = await startTracker()
    const raw = await rawSession(tracker)
    raw.send(lengthPrefixed(ClientMessage.encode({ id: 3 })))
    expect(await raw.read()).toMatchObject({ id: 3, error: { code: 'INVALID_MESSAGE' } })
    raw.send(lengthPrefixed(ClientMessage.encode({ id: 4, heartbeat: { ack: false } })))
    expect(await raw.read()).toMatchObject({ id: 4, error: { code: 'NOT_LOGGED_IN' } })
    raw.send(lengthPrefixed(ClientMessage.encode({ id: 5, snapshot: {} })))
    expect(await raw.read()).toMatchObject({ id: 5, error: { code: 'NOT_LOGGED_IN' } })
  })

  it('answers an oversized frame with MESSAGE_TOO_LARGE and closes only that stream', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const bystander = await connectPeer(tracker, 'bystander')
    const raw = await rawSession(tracker)
    const huge = new Uint8Array(MAX_CLIENT_MESSAGE_BYTES + 1)
    raw.send(lengthPrefixed(huge))
    const reply = await raw.read()
    expect(reply.error?.code).toBe('MESSAGE_TOO_LARGE')
    await expect(raw.read()).rejects.toThrow()
    // Everyone else is still served.
    await bystander.client.heartbeat()
    const joined = nextEvent(bystander.client, 'joined', (u: { user: string }) => u.user === 'late')
    await connectPeer(tracker, 'late')
    await joined
  })

  it('refuses bad published addresses before hashing', async () => {
    const tracker = await startTracker()
    const { client } = await connectPeer(tracker, 'alice', { login: false })
    const tooMany = Array.from({ length: 17 }, (_, i) => multiaddr(`/ip4/127.0.0.1/tcp/${1000 + i}`))
    await expect(client.login('alice', PASSWORD, tooMany)).rejects.toMatchObject({ code: 'INVALID_ADDRESS' })
    const garbage = await client
      .request({
        login: {
          username: 'alice',
          password: PASSWORD,
          resume: new Uint8Array(),
          addrProof: new Uint8Array(),
          addrs: [Uint8Array.from([0xff, 0x01])],
          listId: new Uint8Array(),
          listVersion: 0
        }
      })
      .catch(e => e)
    expect(garbage.code).toBe('INVALID_ADDRESS')
  })

  it('acknowledges a heartbeat only when asked to', async () => {
    const tracker = await startTracker()
    await connectPeer(tracker, 'alice', { login: false })
    const raw = await rawSession(tracker)
    raw.send(
      lengthPrefixed(
        ClientMessage.encode({
          id: 1,
          login: {
            username: 'alice',
            password: PASSWORD,
            resume: new Uint8Array(),
            addrProof: new Uint8Array(),
            addrs: [],
            listId: new Uint8Array(),
            listVersion: 0
          }
        })
      )
    )
    expect((await raw.read()).loggedIn?.username).toBe('alice')
    raw.send(lengthPrefixed(ClientMessage.encode({ id: 2, heartbeat: { ack: false } })))
    raw.send(lengthPrefixed(ClientMessage.encode({ id: 3, heartbeat: { ack: true } })))
    // The first reply on the stream is the ack for 3: heartbeat 2 cost the tracker no write.
    expect(await raw.read()).toMatchObject({ id: 3, ack: {} })
  })

  it('refuses a second login on a logged-in session', async () => {
    const tracker = await startTracker()
    const { client } = await connectPeer(tracker, 'alice')
    await expect(client.login('alice', PASSWORD)).rejects.toMatchObject({ code: 'ALREADY_LOGGED_IN' })
  })

  it('binds the session to the Noise PeerId, not to anything in the message', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const a = await connectPeer(tracker, 'alice')
    expect(tracker.presence.byKey('alice')?.peerKey).toBe(a.node.peerId.toString())
    // The same node logging in as another account takes over its PeerId: one account per PeerId.
    const second = await TrackerClient.connect(a.node, tracker.getMultiaddrs()[0])
    await second.register('alias', PASSWORD)
    const closed = nextEvent(a.client, 'closed')
    await second.login('alias', PASSWORD)
    await closed
    expect(tracker.presence.byKey('alice')).toBeUndefined()
    expect(tracker.presence.byPeer(a.node.peerId.toString())?.key).toBe('alias')
    second.close()
  })

  it('cuts off a peer that asks and never reads its replies, and frees what it owed', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const watcher = await connectPeer(tracker, 'watcher')
    const raw = await rawSession(tracker)
    raw.send(
      lengthPrefixed(ClientMessage.encode({ id: 1, register: { username: 'greedy', password: PASSWORD } }))
    )
    raw.send(
      lengthPrefixed(
        ClientMessage.encode({
          id: 2,
          login: {
            username: 'greedy',
            password: PASSWORD,
            resume: new Uint8Array(),
            addrProof: new Uint8Array(),
            addrs: [],
            listId: new Uint8Array(),
            listVersion: 0
          }
        })
      )
    )
    expect((await raw.read()).registered?.username).toBe('greedy')
    expect((await raw.read()).loggedIn?.username).toBe('greedy')
    const left = nextEvent<{ user: string }>(watcher.client, 'left', l => l.user === 'greedy', 30_000)
    const closed = new Promise(resolve => raw.stream.addEventListener('close', resolve, { once: true }))
    // Lookups (each answered, most with RATE_LIMITED) from a client that stops reading: ~3 MB of
    // replies would be owed if nothing were cut off.
    const lookup = lengthPrefixed(
      ClientMessage.encode({ id: 3, lookup: { peerId: watcher.node.peerId.toMultihash().bytes } })
    )
    raw.stream.pause()
    for (let i = 0; i < 40_000; i++) raw.send(lookup)
    await closed
    await left
    // The tracker still serves everyone else.
    await expect(watcher.client.heartbeat()).resolves.toBeUndefined()
  })
})
