import { lpStream } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import {
  LOOKUP_BURST,
  MAX_CHAT_STREAMS_PER_CONNECTION,
  MAX_FILE_STREAMS_PER_CONNECTION,
  TRACKER_PROTOCOL
} from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ClientMessage, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { connectPeer, PASSWORD, startNode, startTracker } from '../fixtures/nodes.ts'

/** A raw session logged in as `user` (registered first): the test writes bytes, reads decoded replies. */
async function rawLoggedIn(tracker: Tracker, user: string) {
  await connectPeer(tracker, user, { login: false })
  const node = await startNode()
  const stream = await node.dialProtocol(tracker.getMultiaddrs()[0], TRACKER_PROTOCOL)
  const lp = lpStream(stream)
  const raw = {
    send: (bytes: Uint8Array) => stream.send(bytes),
    request: (message: ClientMessage) => stream.send(lengthPrefixed(ClientMessage.encode(message))),
    /** The next reply or error; presence pushes (our own join among them) are skipped. */
    read: async (): Promise<TrackerMessage> => {
      while (true) {
        const message = TrackerMessage.decode(await lp.read({ signal: AbortSignal.timeout(5_000) }))
        if (message.delta === undefined) return message
      }
    }
  }
  raw.request({
    id: 1,
    login: {
      username: user,
      password: PASSWORD,
      resume: new Uint8Array(),
      addrProof: new Uint8Array(),
      addrs: [],
      listId: new Uint8Array(),
      listVersion: 0
    }
  })
  expect((await raw.read()).loggedIn?.username).toBe(user)
  return raw
}

describe('tracker account queries', () => {
  it('answers with the canonical spelling whatever the case or normal form', async () => {
    const tracker = await startTracker()
    await connectPeer(tracker, 'Bob', { login: false })
    await connectPeer(tracker, 'Zoë', { login: false })
    const { client } = await connectPeer(tracker, 'alice')
    await expect(client.accountExists('bob')).resolves.toBe('Bob')
    await expect(client.accountExists('BOB')).resolves.toBe('Bob')
    // Decomposed "e" + combining diaeresis is the same name as the precomposed "ë" it was registered with.
    await expect(client.accountExists('zoe\u0308')).resolves.toBe('Zoë')
    const reply = await client.request({ account: { username: 'bOb' } })
    expect(reply.account).toEqual({ username: 'Bob', exists: true })
  })

  it('says so when there is no such account', async () => {
    const tracker = await startTracker()
    const { client } = await connectPeer(tracker, 'alice')
    await expect(client.accountExists('nobody')).resolves.toBeUndefined()
    const reply = await client.request({ account: { username: 'nobody' } })
    expect(reply.account).toEqual({ username: '', exists: false })
    // Names of Object.prototype's members are ordinary names, not accounts.
    await expect(client.accountExists('constructor')).resolves.toBeUndefined()
    await expect(client.accountExists('__proto__')).resolves.toBeUndefined()
  })

  it('refuses an invalid name with INVALID_USERNAME', async () => {
    const tracker = await startTracker()
    const { client } = await connectPeer(tracker, 'alice')
    for (const name of ['', 'with space', 'a'.repeat(33), '..', 'evil\u202Ename']) {
      await expect(client.accountExists(name)).rejects.toMatchObject({ code: 'INVALID_USERNAME' })
    }
    await expect(client.accountExists('alice')).resolves.toBe('alice')
  })

  it('answers only logged-in sessions', async () => {
    const tracker = await startTracker()
    const { client } = await connectPeer(tracker, 'alice', { login: false })
    await expect(client.accountExists('alice')).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' })
    await expect(client.request({ lookup: { peerId: new Uint8Array() } })).rejects.toMatchObject({
      code: 'NOT_LOGGED_IN'
    })
    await client.login('alice', PASSWORD)
    await expect(client.accountExists('alice')).resolves.toBe('alice')
  })

  it('keeps the session after garbage account queries', async () => {
    const tracker = await startTracker()
    const raw = await rawLoggedIn(tracker, 'alice')
    // Field 8 (account) whose body is not an AccountQuery at all.
    raw.send(lengthPrefixed(Uint8Array.from([0x08, 0x05, 0x42, 0x03, 0xff, 0xff, 0xff])))
    expect((await raw.read()).error?.code).toBe('INVALID_MESSAGE')
    // A username that is not UTF-8 (an encoded lone surrogate), and one with a NUL in it.
    raw.send(lengthPrefixed(Uint8Array.from([0x08, 0x06, 0x42, 0x05, 0x0a, 0x03, 0xed, 0xa0, 0x80])))
    expect(await raw.read()).toMatchObject({ id: 6, error: { code: 'INVALID_USERNAME' } })
    raw.request({ id: 6, account: { username: 'a\u0000b' } })
    expect(await raw.read()).toMatchObject({ id: 6, error: { code: 'INVALID_USERNAME' } })
    raw.request({ id: 7, account: { username: 'x'.repeat(4000) } })
    expect(await raw.read()).toMatchObject({ id: 7, error: { code: 'INVALID_USERNAME' } })
    raw.request({ id: 8, account: { username: 'ALICE' } })
    expect(await raw.read()).toEqual({ id: 8, account: { username: 'alice', exists: true } })
    raw.request({ id: 9, heartbeat: { ack: true } })
    expect(await raw.read()).toEqual({ id: 9, ack: {} })
  })

  it('lets a user register with a name that is also an Object.prototype member', async () => {
    const tracker = await startTracker()
    await connectPeer(tracker, 'constructor', { login: false })
    await connectPeer(tracker, '__proto__', { login: false })
    const { client } = await connectPeer(tracker, 'toString')
    await expect(client.accountExists('CONSTRUCTOR')).resolves.toBe('constructor')
    await expect(client.accountExists('__proto__')).resolves.toBe('__proto__')
    await expect(client.register('__PROTO__', PASSWORD)).rejects.toMatchObject({ code: 'USERNAME_TAKEN' })
    expect(tracker.accountCount).toBe(3)
  })
})

describe('tracker query rate limit', () => {
  it('refuses a burst of lookups with RATE_LIMITED and keeps serving the session', async () => {
    const tracker = await startTracker()
    const { client, node } = await connectPeer(tracker, 'alice')
    const peerId = node.peerId.toMultihash().bytes
    // Three bursts' worth at once: the session answers them in order within milliseconds.
    const results = await Promise.allSettled(
      Array.from({ length: LOOKUP_BURST * 3 }, () => client.request({ lookup: { peerId } }))
    )
    const answered = results.filter(r => r.status === 'fulfilled')
    const refused = results.flatMap(r => (r.status === 'rejected' ? [r.reason] : []))
    expect(answered.length).toBeGreaterThanOrEqual(LOOKUP_BURST)
    expect(refused.length).toBeGreaterThan(0)
    for (const err of refused) {
      expect(err.code).toBe('RATE_LIMITED')
      expect(err.retryAfterMs).toBeGreaterThan(0)
    }
    // Account queries draw on the same bucket.
    await expect(client.request({ account: { username: 'alice' } })).rejects.toMatchObject({
      code: 'RATE_LIMITED'
    })
    // The session carries on.
    await expect(client.heartbeat()).resolves.toBeUndefined()
    // The client's own lookup waits as told instead of failing.
    const me = await client.lookup(node.peerId)
    expect(me.user).toBe('alice')
  })

  it('serves a full burst of distinct lookups', async () => {
    const tracker = await startTracker()
    const others = await Promise.all(
      Array.from({ length: 4 }, (_, i) => connectPeer(tracker, `p${i}`, { autoHeartbeat: false }))
    )
    const { client } = await connectPeer(tracker, 'alice')
    // Every chat and file stream one newcomer may open at once can be looked up without a refusal.
    expect(LOOKUP_BURST).toBeGreaterThanOrEqual(
      MAX_CHAT_STREAMS_PER_CONNECTION + MAX_FILE_STREAMS_PER_CONNECTION
    )
    const lookups = Array.from({ length: LOOKUP_BURST }, (_, i) =>
      client.request({ lookup: { peerId: others[i % others.length].node.peerId.toMultihash().bytes } })
    )
    const replies = await Promise.all(lookups)
    expect(replies.map(r => r.peer?.username)).toEqual(
      Array.from({ length: LOOKUP_BURST }, (_, i) => `p${i % others.length}`)
    )
  })
})
