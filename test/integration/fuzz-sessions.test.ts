import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Stream } from '@libp2p/interface'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ChatMessageEvent } from '../../peer/chat/index.ts'
import type { PeerClient, PeerClientInit } from '../../peer/core/peer-client.ts'
import { controlFrame } from '../../peer/files/file-frames.ts'
import {
  CHAT_PROTOCOL,
  FILE_PROTOCOL,
  MAX_CLIENT_MESSAGE_BYTES,
  MAX_FILE_CONTROL_FRAME_BYTES,
  TRACKER_PROTOCOL
} from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ChatFrame } from '../../src/protocol/pb/chat.ts'
import { FileFrame } from '../../src/protocol/pb/file.ts'
import { ClientMessage, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import {
  connectPeer,
  nextEvent,
  PASSWORD,
  startNode,
  startPeerClient,
  startTracker,
  tempDir
} from '../fixtures/nodes.ts'
import { chatSeeds, clientSeeds, dataFrameBody, fileSeeds } from '../fuzz/corpus.ts'
import { Rng } from '../fuzz/prng.ts'
import { fuzzLive } from '../fuzz/sessions.ts'

/** Fixed seed and frame counts for CI; the decoders' long run is `npm run fuzz`. */
const SEED = 0x5eed_0009
const FRAMES = { tracker: 400, chat: 300, file: 200 }

/** Anything thrown or rejected that nobody caught, while a test ran: the services must not leak any. */
const uncaught: unknown[] = []
const record = (err: unknown): void => {
  uncaught.push(err)
}
beforeAll(() => {
  process.on('uncaughtException', record)
  process.on('unhandledRejection', record)
})
afterAll(() => {
  process.off('uncaughtException', record)
  process.off('unhandledRejection', record)
})
afterEach(() => {
  uncaught.length = 0
})

function describeUncaught(): string {
  return uncaught.map(e => (e instanceof Error ? (e.stack ?? e.message) : String(e))).join('\n---\n')
}

/** Resolves true when `match` sees a reply, false when the stream ends first; throws if it hangs open. */
function awaitReply(
  stream: Stream,
  waiters: Map<string, () => void>,
  key: string,
  what: string
): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const ended = (): void => {
      clearTimeout(timer)
      waiters.delete(key)
      resolve(false)
    }
    const timer = setTimeout(() => {
      waiters.delete(key)
      if (stream.status === 'open' && stream.remoteWriteStatus === 'writable') {
        reject(new Error(`${what} not answered within 5 s on an open stream`))
      } else resolve(false)
    }, 5_000)
    waiters.set(key, () => {
      clearTimeout(timer)
      resolve(true)
    })
    stream.addEventListener('close', ended, { once: true })
    stream.addEventListener('remoteCloseWrite', ended, { once: true })
  })
}

describe('fuzzed sessions', () => {
  it('the tracker survives mutated client frames and still serves a fresh session', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    // The account the corpus's logins use, so mutated frames also reach the logged-in paths.
    await connectPeer(tracker, 'fuzzer', { login: false })
    const bystander = await connectPeer(tracker, 'bystander', { autoHeartbeat: false })
    const node = await startNode()
    const waiters = new Map<string, () => void>()
    let probeId = 0xfff0_0000
    const stats = await fuzzLive({
      node,
      addr: tracker.getMultiaddrs()[0],
      protocol: TRACKER_PROTOCOL,
      rng: new Rng(SEED),
      seeds: clientSeeds('fuzzer', PASSWORD),
      frames: FRAMES.tracker,
      maxBytes: MAX_CLIENT_MESSAGE_BYTES,
      decodeReply: b => TrackerMessage.decode(b),
      onReply: m => waiters.get(String(m.id))?.(),
      // A heartbeat asking for an ack is answered (ack, or NOT_LOGGED_IN) with its id: the session is alive.
      probe: stream => {
        const id = probeId++
        const answered = awaitReply(stream, waiters, String(id), `heartbeat ${id}`)
        stream.send(lengthPrefixed(ClientMessage.encode({ id, heartbeat: { ack: true } })))
        return answered
      }
    })
    expect(stats.frames).toBe(FRAMES.tracker)
    expect(stats.undecodableReplies).toBe(0)
    expect(stats.replies).toBeGreaterThan(FRAMES.tracker / 2)
    // A fresh session registers, logs in and heartbeats; the bystander was served throughout.
    const fresh = await connectPeer(tracker, 'after-fuzz', { autoHeartbeat: false })
    await fresh.client.heartbeat()
    await bystander.client.heartbeat()
    expect(bystander.client.closed).toBe(false)
    expect(uncaught, describeUncaught()).toEqual([])
  })

  it("a peer's chat handler survives mutated frames and still takes a real message", async () => {
    const { bob, alice, mallory } = await peers()
    const waiters = new Map<string, () => void>()
    let probe = 0
    const chat = await fuzzLive({
      node: mallory.node,
      addr: bob.node!.getMultiaddrs()[0],
      protocol: CHAT_PROTOCOL,
      rng: new Rng(SEED + 1),
      seeds: chatSeeds(),
      frames: FRAMES.chat,
      maxBytes: 4096,
      decodeReply: b => ChatFrame.decode(b),
      onReply: f => waiters.get(f.ack?.messageId ?? '')?.(),
      // A valid message is acked with its id: the stream still serves.
      probe: stream => {
        const messageId = `probe-${probe++}`
        const acked = awaitReply(stream, waiters, messageId, `chat message ${messageId}`)
        stream.send(lengthPrefixed(ChatFrame.encode({ message: { messageId, text: 'alive?', sentAt: 1 } })))
        return acked
      }
    })
    expect(chat.frames).toBe(FRAMES.chat)
    expect(chat.undecodableReplies).toBe(0)
    expect(chat.replies).toBeGreaterThan(0)
    await legitimateTraffic(alice, bob)
    expect(uncaught, describeUncaught()).toEqual([])
  })

  it("a peer's file handler survives mutated frames and still takes a real file", async () => {
    const { bob, alice, mallory } = await peers()
    const rng = new Rng(SEED + 2)
    const file = await fuzzLive({
      node: mallory.node,
      addr: bob.node!.getMultiaddrs()[0],
      protocol: FILE_PROTOCOL,
      rng,
      seeds: [...fileSeeds(), dataFrameBody(Uint8Array.of(1, 2, 3)), dataFrameBody(randomBytes(300))],
      frames: FRAMES.file,
      maxBytes: MAX_FILE_CONTROL_FRAME_BYTES,
      decodeReply: b => FileFrame.decode(b),
      // Most streams start with a valid offer, so the frames after it reach a waiting transfer.
      preamble: r => (r.chance(0.85) ? [offerFrame(r.int(100))] : [])
    })
    expect(file.frames).toBe(FRAMES.file)
    expect(file.undecodableReplies).toBe(0)
    await legitimateTraffic(alice, bob)
    // Offers the fuzz left waiting are ended by bob's stop() (the fixtures' clean-up), which must not hang.
    expect(uncaught, describeUncaught()).toEqual([])
  })

  // Found by the fuzz above: frames that arrived while the offer was checked were replayed where a
  // throw became an unhandled rejection (a crash), the stream stayed open and the offer held a slot.
  it('a frame sent right behind an offer fails that offer, and nothing escapes', async () => {
    const { bob, mallory } = await peers()
    const stream = await mallory.node.dialProtocol(bob.node!.getMultiaddrs()[0], FILE_PROTOCOL)
    const offered = nextEvent(bob, 'file-offer')
    const failed = nextEvent<{ code: string }>(bob, 'file-failed')
    // Offer, then an answer (a receiver's frame) in the same write: it lands while the offer is checked.
    const answer = controlFrame({
      answer: { accept: true, offset: 0, prefixSha256: new Uint8Array(), error: '', message: '' }
    })
    stream.send(Uint8Array.from([...offerFrame(3), ...answer]))
    await offered
    expect((await failed).code).toBe('INVALID_MESSAGE')
    expect(await bob.transfers()).toMatchObject([{ state: 'failed' }])
    expect(uncaught, describeUncaught()).toEqual([])
  })
})

function offerFrame(size: number): Uint8Array {
  return controlFrame({
    offer: {
      transferId: randomBytes(16).toString('base64url'),
      name: 'fuzz.bin',
      size,
      sha256: randomBytes(32)
    }
  })
}

/** bob and alice (real PeerClients) and mallory (a logged-in node that speaks the protocols by hand). */
async function peers(bobInit: Partial<PeerClientInit> = {}) {
  const tracker = await startTracker({ coalesceMs: 10 })
  const bob = await startPeerClient(tracker, 'bob', bobInit)
  const aliceJoined = nextEvent(bob, 'joined', (u: { user: string }) => u.user === 'alice')
  const alice = await startPeerClient(tracker, 'alice')
  await aliceJoined
  const malloryJoined = nextEvent(bob, 'joined', (u: { user: string }) => u.user === 'mallory')
  const mallory = await connectPeer(tracker, 'mallory', { autoHeartbeat: false })
  await malloryJoined
  return { tracker, bob, alice, mallory }
}

/** alice sends bob a chat message and a small file, which bob receives whole. */
async function legitimateTraffic(alice: PeerClient, bob: PeerClient): Promise<void> {
  const got = nextEvent<ChatMessageEvent>(bob, 'message', m => m.from === 'alice')
  await alice.send('bob', 'still there?')
  expect((await got).text).toBe('still there?')
  const dir = await tempDir()
  const path = join(dir, 'after-fuzz.txt')
  await writeFile(path, 'the file after the fuzz\n')
  const offered = nextEvent<{ transferId: string; from: string }>(bob, 'file-offer', o => o.from === 'alice')
  const sent = await alice.sendFile('bob', path)
  const done = nextEvent<{ transferId: string; path: string }>(
    bob,
    'file-done',
    d => d.transferId === sent.transferId
  )
  await bob.acceptFile((await offered).transferId)
  expect(await readFile((await done).path, 'utf8')).toBe('the file after the fuzz\n')
}
