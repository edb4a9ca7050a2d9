import { existsSync } from 'node:fs'
import { readdir, writeFile } from 'node:fs/promises'
import type { AddressInfo, Socket } from 'node:net'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { dispatch } from '../../peer/api/dispatch.ts'
import type { EventDetails, TrackerEvent, UserInfo } from '../../peer/api/schema.ts'
import type { PeerClient } from '../../peer/core/peer-client.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { sha256File, writeRandomFile } from '../fixtures/files.ts'
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

type Failed = EventDetails['file-failed']
type Offer = EventDetails['file-offer']
type Accepted = EventDetails['file-accepted']
type Done = EventDetails['file-done']
type Progress = EventDetails['file-progress']
type ErrorEvent = EventDetails['error']
type Left = EventDetails['left']

/** Big enough to still be moving when the test reacts to its first progress event. */
const IN_FLIGHT_BYTES = 50 * 1024 * 1024

const until = async (cond: () => boolean, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise(r => setTimeout(r, 20))
  }
}

const trackerPort = (tracker: Tracker): string => tracker.getMultiaddrs()[0].toString().split('/')[4]

/** Start `user` and wait until `watcher` has seen them join. */
async function startSeen(
  tracker: Tracker,
  watcher: PeerClient,
  user: string,
  opts: Parameters<typeof startPeerClient>[2] = {}
): Promise<PeerClient> {
  const joined = nextEvent<UserInfo>(watcher, 'joined', u => u.user === user)
  const peer = await startPeerClient(tracker, user, opts)
  await joined
  return peer
}

/** Offer `path` from `from` to `to`; resolves with the offer as `to` saw it. */
async function offer(from: PeerClient, to: PeerClient, path: string): Promise<Offer> {
  const offered = nextEvent<Offer>(to, 'file-offer')
  const sent = await from.sendFile(to.username, path)
  const o = await offered
  expect(o.transferId).toBe(sent.transferId)
  return o
}

/** Stop `sender` as soon as `receiver` has written the first bytes of `transferId`. */
function stopSenderOnFirstBytes(sender: PeerClient, receiver: PeerClient, transferId: string): void {
  const listener = (e: CustomEvent<Progress>): void => {
    if (e.detail.transferId !== transferId || e.detail.bytes === 0) return
    receiver.removeEventListener('file-progress', listener)
    sender.stop().catch(() => {})
  }
  receiver.addEventListener('file-progress', listener)
}

describe('peer rough edges', () => {
  it('send: refuses unknown names, queues for offline accounts under their spelling, and knows what it cannot check', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const bobDir = await tempDir()
    const aliceDir = await tempDir()
    // bob and carol have accounts but are offline.
    await (await startPeerClient(tracker, 'bob', { dataDir: bobDir })).stop()
    await (await startPeerClient(tracker, 'carol')).stop()
    const alice = await startPeerClient(tracker, 'alice', { dataDir: aliceDir })
    // Kept for starting peers while the tracker is stopped (a stopped tracker lists no addresses).
    const trackerAddr = tracker.getMultiaddrs()[0]
    const stoppedTracker = { getMultiaddrs: () => [trackerAddr] }

    await expect(alice.send('nobody', 'hello?')).rejects.toMatchObject({ code: 'UNKNOWN_USER' })
    expect(alice.history('nobody')).toEqual([])

    // Another case than the account's: stored and queued as "bob".
    const queued = await alice.send('BOB', 'waiting for you')
    expect(queued.to).toBe('bob')
    expect(alice.history('bob').map(m => [m.to, m.text, m.status])).toEqual([
      ['bob', 'waiting for you', 'queued']
    ])

    const delivered = nextEvent<EventDetails['delivered']>(
      alice,
      'delivered',
      d => d.messageId === queued.messageId
    )
    const bob = await startPeerClient(tracker, 'bob', { dataDir: bobDir, register: false })
    expect(await delivered).toMatchObject({ to: 'bob' })
    expect(bob.history('alice').map(m => [m.from, m.to, m.text])).toEqual([
      ['alice', 'bob', 'waiting for you']
    ])

    // The tracker goes away: a name alice has never seen cannot be checked, so it is refused.
    const away = nextEvent<TrackerEvent>(alice, 'tracker', t => t.state === 'reconnecting')
    await tracker.stop()
    await away
    await expect(alice.send('carol', 'are you there?')).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' })
    await expect(alice.send('nobody', 'hello?')).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' })
    expect(alice.history('carol')).toEqual([])

    // A fresh alice (nothing in memory, tracker still away) knows bob from her history: queued.
    await bob.stop()
    await alice.stop()
    const alice2 = await startPeerClient(stoppedTracker, 'alice', { dataDir: aliceDir, register: false })
    expect(alice2.trackerState).toBe('reconnecting')
    const later = await alice2.send('Bob', 'sent while the tracker was away')
    expect(later.to).toBe('bob')
    expect(alice2.history('bob').at(-1)).toMatchObject({
      to: 'bob',
      text: 'sent while the tracker was away',
      status: 'queued'
    })
    await expect(alice2.send('carol', 'still there?')).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' })
  })

  it('says UNREACHABLE once per message, not once per retry', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    // Redelivery starts at 300 ms instead of 2 s, so several rounds fit in a short test.
    const alice = await startPeerClient(tracker, 'alice', { chatRetryBaseMs: 300 })
    // bob is logged in and publishes a port forward that worked when the tracker dialled back to verify
    // it, then broke: every later dial reaches a socket that closes at once.
    const bobNode = await startNode()
    const bobPort = Number(
      bobNode
        .getMultiaddrs()[0]
        .getComponents()
        .find(c => c.name === 'tcp')?.value
    )
    let forwarding = true
    const dials: number[] = []
    const sockets = new Set<Socket>()
    const forward = createServer(s => {
      sockets.add(s)
      s.on('error', () => {})
      if (!forwarding) {
        dials.push(Date.now())
        s.destroy()
        return
      }
      const upstream = connect(bobPort, '127.0.0.1')
      sockets.add(upstream)
      upstream.on('error', () => s.destroy())
      s.pipe(upstream).pipe(s)
    })
    await new Promise<void>(r => forward.listen(0, '127.0.0.1', () => r()))
    onCleanup(
      () =>
        new Promise<void>(r => {
          for (const s of sockets) s.destroy()
          forward.close(() => r())
        })
    )
    const forwardPort = (forward.address() as AddressInfo).port
    const bob = await connectPeer(tracker, 'bob', { node: bobNode, login: false })
    const joined = nextEvent<UserInfo>(alice, 'joined', u => u.user === 'bob')
    await bob.client.login('bob', PASSWORD, [multiaddr(`/ip4/127.0.0.1/tcp/${forwardPort}`)])
    expect(bob.client.publishedAddrs.map(String)).toEqual([`/ip4/127.0.0.1/tcp/${forwardPort}`])
    await joined
    forwarding = false
    for (const s of sockets) s.destroy()

    const errors: ErrorEvent[] = []
    alice.addEventListener('error', e => errors.push(e.detail))
    const first = await alice.send('bob', 'one')
    const second = await alice.send('bob', 'two')

    // Rounds of dials are at least 150 ms apart (300 ms ± 50 %, doubling); wait for the first and 3 retries.
    const rounds = (): number => dials.filter((t, i) => i === 0 || t - dials[i - 1] > 100).length
    await until(() => rounds() >= 4, 20_000)

    expect(errors.every(e => e.code === 'UNREACHABLE')).toBe(true)
    expect(errors.map(e => e.messageId).sort()).toEqual([first.messageId, second.messageId].sort())
    expect(alice.history('bob').map(m => m.status)).not.toContain('delivered')
  })

  // The restarted tracker keeps its list (its presence grace): carol is held until it ends, then leaves
  // with a timeout. With the grace off (or a tracker of a cluster) it starts an empty list: the peers
  // then wait their own rejoin grace before reporting carol gone (disconnect).
  it.each([
    { trackerGraceMs: 6_000, reason: 'timeout', kept: 'the tracker keeps its list' },
    { trackerGraceMs: 0, reason: 'disconnect', kept: 'the tracker starts an empty list' }
  ])('rides out a tracker restart without presence flaps, and reports who really left after the grace period ($kept)', async ({
    trackerGraceMs,
    reason
  }) => {
    const dataDir = await tempDir()
    const tracker = await startTracker({ dataDir, coalesceMs: 10 })
    const port = trackerPort(tracker)
    // Longer than the worst gap between two peers' reconnects (back-off 0.5 s, 1 s, 2 s ± 50 %).
    const graceMs = 6_000
    const alice = await startPeerClient(tracker, 'alice', { rejoinGraceMs: graceMs })
    const seenByAlice = { joined: [] as string[], left: [] as Left[] }
    alice.addEventListener('joined', e => seenByAlice.joined.push(e.detail.user))
    alice.addEventListener('left', e => seenByAlice.left.push(e.detail))
    const bob = await startSeen(tracker, alice, 'bob', { rejoinGraceMs: graceMs })
    const seenByBob = { joined: [] as string[], left: [] as Left[] }
    bob.addEventListener('joined', e => seenByBob.joined.push(e.detail.user))
    bob.addEventListener('left', e => seenByBob.left.push(e.detail))
    const carol = await startSeen(tracker, alice, 'carol', { rejoinGraceMs: graceMs })
    expect(seenByAlice.joined).toEqual(['bob', 'carol'])

    const aliceAway = nextEvent<TrackerEvent>(alice, 'tracker', t => t.state === 'reconnecting')
    const bobAway = nextEvent<TrackerEvent>(bob, 'tracker', t => t.state === 'reconnecting')
    const stoppedAt = Date.now()
    await tracker.stop()
    await Promise.all([aliceAway, bobAway])

    // While it is away: the last list stays, dated when it was last current.
    expect(alice.who().map(u => u.user)).toEqual(['alice', 'bob', 'carol'])
    const asOf = alice.onlineAsOf
    expect(asOf).toBeGreaterThanOrEqual(stoppedAt)
    await new Promise(r => setTimeout(r, 100))
    expect(alice.onlineAsOf).toBe(asOf)
    expect(alice.onlineAsOf).toBeLessThan(Date.now())
    // carol really quits while the tracker is away.
    await carol.stop()

    const aliceBack = nextEvent<TrackerEvent>(alice, 'tracker', t => t.state === 'connected', 30_000).then(
      () => Date.now()
    )
    const bobBack = nextEvent<TrackerEvent>(bob, 'tracker', t => t.state === 'connected', 30_000)
    const carolGoneAtBob = nextEvent<Left>(bob, 'left', l => l.user === 'carol', graceMs + 30_000)
    const carolGone = nextEvent<Left>(alice, 'left', l => l.user === 'carol', graceMs + 30_000).then(l => ({
      ...l,
      at: Date.now()
    }))
    const restartedAt = Date.now()
    await startTracker({
      dataDir,
      coalesceMs: 10,
      listen: [`/ip4/127.0.0.1/tcp/${port}`],
      presenceGraceMs: trackerGraceMs
    })
    const [aliceBackAt] = await Promise.all([aliceBack, bobBack])
    expect(alice.onlineAsOf).toBeGreaterThanOrEqual(aliceBackAt)
    const gone = await carolGone
    expect(gone).toMatchObject({ user: 'carol', reason })
    // Only once the grace period has passed (a little slack for timer granularity): the tracker's,
    // from its start, or the peer's own, from its return.
    if (trackerGraceMs > 0) expect(gone.at - restartedAt).toBeGreaterThanOrEqual(trackerGraceMs - 100)
    else expect(gone.at - aliceBackAt).toBeGreaterThanOrEqual(graceMs - 100)

    await carolGoneAtBob
    expect(alice.who().map(u => u.user)).toEqual(['alice', 'bob'])
    expect(bob.who().map(u => u.user)).toEqual(['alice', 'bob'])
    // No flaps for those who came back, on either side.
    expect(seenByAlice.left.map(l => l.user)).toEqual(['carol'])
    expect(seenByAlice.joined).toEqual(['bob', 'carol'])
    expect(seenByBob.left.map(l => l.user)).toEqual(['carol'])
    expect(seenByBob.joined.filter(u => u === 'alice')).toEqual([])
  })

  it('words file outcomes for whoever reads them', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await startPeerClient(tracker, 'alice')
    const bob = await startSeen(tracker, alice, 'bob')
    const dir = await tempDir()
    const small = join(dir, 'note.txt')
    await writeFile(small, 'a note')
    const big = join(dir, 'big.bin')
    await writeRandomFile(big, IN_FLIGHT_BYTES)

    const failedBoth = (id: string) =>
      Promise.all([
        nextEvent<Failed>(alice, 'file-failed', f => f.transferId === id),
        nextEvent<Failed>(bob, 'file-failed', f => f.transferId === id)
      ])

    // bob declines.
    const o1 = await offer(alice, bob, small)
    const declined = failedBoth(o1.transferId)
    bob.rejectFile(o1.transferId)
    const [aliceDeclined, bobDeclined] = await declined
    expect(aliceDeclined.code).toBe('REJECTED')
    expect(bobDeclined.code).toBe('REJECTED')
    expect(bobDeclined.message).toMatch(/^you declined/)
    expect(aliceDeclined.message).toMatch(/^bob declined/)

    // Each side cancels a transfer in flight.
    for (const canceller of [alice, bob]) {
      const o = await offer(alice, bob, big)
      const cancelled = failedBoth(o.transferId)
      const moving = nextEvent<Progress>(
        bob,
        'file-progress',
        p => p.transferId === o.transferId && p.bytes > 0
      )
      await bob.acceptFile(o.transferId)
      await moving
      canceller.cancelFile(o.transferId)
      const [atAlice, atBob] = await cancelled
      const mine = canceller === alice ? atAlice : atBob
      const theirs = canceller === alice ? atBob : atAlice
      expect([atAlice.code, atBob.code]).toEqual(['CANCELLED', 'CANCELLED'])
      expect(mine.message).toMatch(/^you cancelled/)
      expect(theirs.message).toBe(`${canceller.username} cancelled`)
      await expect.poll(() => readdir(bob.downloadsDir)).toEqual([])
    }
  })

  it('lists, discards and resumes partial receives left by an interrupted transfer', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const aliceDir = await tempDir()
    const bobDir = await tempDir()
    const alice0 = await startPeerClient(tracker, 'alice', { dataDir: aliceDir })
    const bob0 = await startSeen(tracker, alice0, 'bob', { dataDir: bobDir })
    const dir = await tempDir()
    const path = join(dir, 'big.bin')
    await writeRandomFile(path, IN_FLIGHT_BYTES)
    const sha256 = await sha256File(path)

    // alice quits mid-transfer: bob keeps the .part.
    const o0 = await offer(alice0, bob0, path)
    const interrupted0 = nextEvent<Failed>(bob0, 'file-failed', f => f.transferId === o0.transferId)
    stopSenderOnFirstBytes(alice0, bob0, o0.transferId)
    await bob0.acceptFile(o0.transferId)
    expect((await interrupted0).code).toBe('INTERRUPTED')

    // After a restart bob still knows about it.
    await bob0.stop()
    const bob1 = await startPeerClient(tracker, 'bob', { dataDir: bobDir, register: false })
    const listed = await bob1.transfers()
    expect(listed).toHaveLength(1)
    const partial = listed[0]
    expect(partial).toMatchObject({
      direction: 'receive',
      peer: 'alice',
      name: 'big.bin',
      state: 'partial',
      sha256
    })
    expect(partial.bytes).toBeGreaterThan(0)
    expect(partial.bytes).toBeLessThan(IN_FLIGHT_BYTES)
    expect(partial.path).toMatch(/\.part$/)
    expect(existsSync(partial.path!)).toBe(true)
    // The same id in every listing.
    expect((await bob1.transfers())[0].transferId).toBe(partial.transferId)

    await expect(bob1.discardFile('no-such-transfer')).rejects.toMatchObject({ code: 'UNKNOWN_TRANSFER' })
    expect(await bob1.discardFile(partial.transferId)).toBe(partial.path)
    expect(existsSync(partial.path!)).toBe(false)
    expect(await bob1.transfers()).toEqual([])
    await expect(bob1.discardFile(partial.transferId)).rejects.toMatchObject({ code: 'UNKNOWN_TRANSFER' })

    // Sent again after the discard: an ordinary offer, from byte 0. Interrupted again.
    const alice1 = await startPeerClient(tracker, 'alice', { dataDir: aliceDir, register: false })
    const o1 = await offer(alice1, bob1, path)
    expect(o1.resumeFrom).toBeUndefined()
    const accepted1 = nextEvent<Accepted>(alice1, 'file-accepted', a => a.transferId === o1.transferId)
    const interrupted1 = nextEvent<Failed>(bob1, 'file-failed', f => f.transferId === o1.transferId)
    stopSenderOnFirstBytes(alice1, bob1, o1.transferId)
    await bob1.acceptFile(o1.transferId)
    expect((await accepted1).offset).toBe(0)
    expect((await interrupted1).code).toBe('INTERRUPTED')

    // Sent again without a discard (bob restarted meanwhile): it resumes and finishes.
    await bob1.stop()
    const bob2 = await startPeerClient(tracker, 'bob', { dataDir: bobDir, register: false })
    const before = (await bob2.transfers()).filter(t => t.state === 'partial')
    expect(before).toHaveLength(1)
    const alice2 = await startPeerClient(tracker, 'alice', { dataDir: aliceDir, register: false })
    const offered = nextEvent<Offer>(bob2, 'file-offer')
    const sent = await alice2.sendFile('bob', path)
    const accepted2 = nextEvent<Accepted>(alice2, 'file-accepted', a => a.transferId === sent.transferId)
    const done = nextEvent<Done>(bob2, 'file-done', d => d.transferId === sent.transferId)
    expect((await offered).resumeFrom).toBeGreaterThan(0)
    expect((await accepted2).offset).toBeGreaterThan(0)
    const d = await done
    expect(d.resumedFrom).toBeGreaterThan(0)
    expect(d.bytesTransferred).toBe(IN_FLIGHT_BYTES - d.resumedFrom)
    expect(await sha256File(d.path)).toBe(sha256)
    expect((await bob2.transfers()).filter(t => t.state === 'partial')).toEqual([])
    expect(await readdir(bob2.downloadsDir)).toEqual(['big.bin'])
  })

  it('who while the tracker is away says reconnecting and how old the list is', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await startPeerClient(tracker, 'alice')
    const connected = await dispatch(alice, { cmd: 'who' })
    expect(connected.tracker).toBe('connected')
    const away = nextEvent<TrackerEvent>(alice, 'tracker', t => t.state === 'reconnecting')
    const stoppedAt = Date.now()
    await tracker.stop()
    await away
    const noticedAt = Date.now()
    const reply = await dispatch(alice, { cmd: 'who' })
    expect(reply.tracker).toBe('reconnecting')
    expect(alice.trackerState).toBe('reconnecting')
    expect(reply.users.map(u => u.user)).toEqual(['alice'])
    // When the list was last current: when the tracker went, not now.
    expect(reply.asOf).toBeGreaterThanOrEqual(stoppedAt)
    expect(reply.asOf).toBeLessThanOrEqual(noticedAt)
  })

  it('refuses to start another account on a data directory that belongs to someone', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const dataDir = await tempDir()
    const erin = await startPeerClient(tracker, 'erin', { dataDir })
    await erin.stop()
    await expect(startPeerClient(tracker, 'carol', { dataDir })).rejects.toMatchObject({
      code: 'INVALID_OPTION'
    })
    // The owner itself, in another spelling, is still welcome.
    const again = await startPeerClient(tracker, 'ERIN', { dataDir })
    expect(again.trackerState).toBe('connected')
  })
})
