import { randomBytes } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { RELAY_V2_STOP_CODEC } from '@libp2p/circuit-relay-v2'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import type { EventDetails } from '../../peer/api/schema.ts'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import { TRACKER_PROTOCOL } from '../../src/protocol/constants.ts'
import { REVERSAL_BURST } from '../../tracker/reversal.ts'
import {
  circuitTo,
  expectNever,
  HIDDEN_LISTEN,
  pour,
  privateSize,
  RELAY_STATUS,
  rawRelayedSender,
  rawReserve,
  relayOf,
  SINK_PROTOCOL,
  startCanary,
  startHiddenNode,
  startLyingNode,
  startSink
} from '../fixtures/nat-attacker.ts'
import type { TestPeer } from '../fixtures/nodes.ts'
import {
  connectPeer,
  nextEvent,
  onCleanup,
  PASSWORD,
  startNode,
  startPeerClient,
  startTracker
} from '../fixtures/nodes.ts'

/**
 * A hostile client against connection reversal, the tracker's relay and what peers do on relayed
 * connections (docs/nat.md, docs/security.md). Real nodes on loopback: a node listening on 127.0.0.2 is
 * one the tracker cannot dial back (see test/integration/peer-relay.test.ts).
 *
 * Tests named FINDING assert what the docs promise and fail today (`it.fails`): when one starts to
 * pass, the hole is fixed — turn it into a plain `it`. `NAT_FINDINGS=show` runs them as plain tests, to
 * see each one fail with its reason.
 */
const finding = process.env.NAT_FINDINGS === 'show' ? it : it.fails

const KiB = 1024
const MiB = 1024 * KiB
const HIDDEN = { listen: HIDDEN_LISTEN }

/** `code` of a rejected request, or 'ok'. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (e: { code?: string; name?: string }) => e.code ?? e.name ?? 'error'
  )

/** A logged-in user on a node the tracker cannot dial back, holding a slot on its relay. */
async function hiddenWithSlot(tracker: Awaited<ReturnType<typeof startTracker>>, user: string) {
  const node = await startHiddenNode()
  const peer = await connectPeer(tracker, user, { node })
  await node.services.self.listen([relayOf(tracker)])
  return peer
}

describe('connection reversal, as a hostile client', () => {
  it('is refused before login, for oneself, for a bad PeerId, and for an asker whose declared addresses did not verify: the peer is asked only by a verified asker, at that asker’s verified address', async () => {
    // The canary below never finishes a handshake: do not wait 10 s for it.
    const tracker = await startTracker({ coalesceMs: 10, dialBack: { handshakeTimeoutMs: 500 } })
    const victim = await connectPeer(tracker, 'victim', { node: await startHiddenNode() })
    const asked: string[][] = []
    victim.client.addEventListener('dial-request', e => asked.push(e.detail.addrs.map(String)))
    const target = victim.node.peerId

    // Not logged in: nothing is passed on (and nothing counted).
    const stranger = await connectPeer(tracker, 'stranger', { login: false })
    expect(await outcome(stranger.client.requestDial(target))).toBe('NOT_LOGGED_IN')

    // Logged in from 127.0.0.1 declaring ports that are not its own: another peer's (its key answers
    // there, not the liar's) and a plain TCP service. Neither is published, so the liar cannot ask.
    const canary = await startCanary()
    const other = await connectPeer(tracker, 'other')
    const liar = await connectPeer(tracker, 'liar', { login: false })
    await liar.client.login('liar', PASSWORD, [
      other.node.getMultiaddrs()[0].decapsulateCode(421),
      multiaddr(`/ip4/127.0.0.1/tcp/${canary.port}`)
    ])
    expect(liar.client.publishedAddrs).toEqual([])
    expect(await outcome(liar.client.requestDial(target))).toBe('UNREACHABLE')

    // A reachable asker: not for itself, not with bytes that are no PeerId.
    const alice = await connectPeer(tracker, 'alice')
    expect(await outcome(alice.client.requestDial(alice.node.peerId))).toBe('INVALID_MESSAGE')
    expect(await outcome(alice.client.request({ connect: { peerId: randomBytes(7) } }))).toBe(
      'INVALID_MESSAGE'
    )

    // The one legitimate request arrives, alone, naming only alice's verified address.
    expect(await outcome(alice.client.requestDial(target))).toBe('ok')
    await expect.poll(() => asked.length).toBe(1)
    expect(asked[0]).toEqual(alice.client.publishedAddrs.map(a => `${a}/p2p/${alice.node.peerId}`))
    expect(tracker.reversalStats).toEqual({ reversalsRequested: 1, reversalsRefused: 3 })
  })

  it('a peer does not speak the tracker protocol inbound: nobody but its tracker session can push it a dial request', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const victim = await startPeerClient(tracker, 'victim')
    const attacker = await startNode()
    const connection = await attacker.dial(victim.node!.getMultiaddrs()[0])
    await expect(connection.newStream(TRACKER_PROTOCOL)).rejects.toMatchObject({
      name: 'UnsupportedProtocolError'
    })
  })

  // Was a finding (low), fixed by a budget per target in tracker/reversal.ts: the rate limit was per asking session only. N accounts make one peer dial N times at
  // once (and 2N times a second after), each to an address of the attackers' own hosts. The peer answers
  // each asker (`ConnectionReversal.answer` limits one dial per asker, not in all). Fix: a token bucket
  // per *target* in tracker/reversal.ts (refuse with RATE_LIMITED), and/or a cap on dials being answered
  // at once in peer/nat/reversal.ts.
  it('many accounts together cannot make one peer dial without a limit (a budget per target)', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const victim = await connectPeer(tracker, 'victim', { node: await startHiddenNode() })
    let asked = 0
    victim.client.addEventListener('dial-request', () => asked++)
    const askers: TestPeer[] = []
    for (let i = 0; i < REVERSAL_BURST + 5; i++) askers.push(await connectPeer(tracker, `asker${i}`))
    const answers = await Promise.all(askers.map(a => outcome(a.client.requestDial(victim.node.peerId))))
    const passed = answers.filter(a => a === 'ok').length
    await expect.poll(() => asked).toBe(passed)
    expect(asked).toBeLessThanOrEqual(REVERSAL_BURST)
  })
})

describe('what a peer dials on a relayed connection', () => {
  // Was a finding (high), fixed by dropping DCUtR from peers: "the peer asked dials … never an address of the asker's choosing" (docs/nat.md) does
  // not hold for relayed connections. Any logged-in user dials a NAT'd peer through the tracker's relay;
  // the peer's DCUtR (src/node.ts) takes the caller's self-declared identify addresses and dials them
  // ("unilateral upgrade", shown here); its hole-punch step likewise dials whatever the caller's CONNECT
  // message lists, without /p2p/ (read in @libp2p/dcutr, not exercised here).
  // @libp2p/dcutr drops private IPs but lets every DNS name through, so `/dns4/<name>/tcp/<port>` makes the
  // victim open TCP to any host and port — its own loopback or LAN included — and send it
  // "/multistream/1.0.0\n/noise\n", as often as the caller opens relayed connections; it also tells that
  // host the victim's public address. Fix: drop dcutr() from peers (docs/nat.md: it never succeeds over TCP
  // here) or give peers a connection gater whose denyDialMultiaddr refuses DNS addresses and any address
  // not published by the tracker for that PeerId.
  it('a logged-in user cannot make a NAT’d peer connect to an address of its choosing (no DCUtR on peers)', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const canary = await startCanary()
    const victim = await startPeerClient(tracker, 'victim', HIDDEN)
    await expect.poll(() => tracker.relayStats.reservations).toBe(1)
    // The attacker says it listens on a service of the victim's own host.
    const attacker = await startLyingNode([`/dns4/localhost/tcp/${canary.port}`])
    const client = await TrackerClient.connect(attacker, tracker.getMultiaddrs()[0])
    onCleanup(() => client.close())
    await client.register('mallory', PASSWORD)
    await client.login('mallory', PASSWORD, [])
    const relayed = await attacker.dial(circuitTo(tracker, victim.peerId), {
      signal: AbortSignal.timeout(5_000)
    })
    expect(relayed.limits).toBeDefined()
    await expectNever(() => canary.hits > 0, 3_000, `the victim connected to localhost:${canary.port}`)
  })

  // Was a finding (medium), fixed by peer/nat/relay-guard.ts: a peer's relay transport accepts a STOP stream from anyone — no login, no relay it
  // chose — and, when it holds no slot there, reserves one on the spot (libp2p's onStop) and advertises
  // `<stranger's self-declared address>/p2p-circuit/p2p/<victim>` as its own in identify, DCUtR and
  // getMultiaddrs(). A stranger who can reach a peer (any reachable peer; a NAT'd one over a connection it
  // opened) plants addresses of its choosing in it and becomes its relay for whoever dials those.
  // Fix: handle RELAY_V2_STOP_CODEC on peers with a wrapper that aborts unless
  // connection.remotePeer is the tracker's PeerId (as tracker/relay.ts wraps the hop handler), and a
  // connection gater with denyInboundRelayedConnection(relay) for any relay but the tracker.
  it('a stranger cannot make a peer reserve a slot on it and advertise that address (STOP only from the tracker)', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const victim = await startPeerClient(tracker, 'victim')
    const canary = await startCanary()
    const stranger = await startLyingNode([`/dns4/localhost/tcp/${canary.port}`], { relay: true })
    const connection = await stranger.dial(victim.node!.getMultiaddrs()[0])
    // Nothing but a stream opened: the victim reserves before it reads the request.
    await connection.newStream(RELAY_V2_STOP_CODEC)
    const planted = () =>
      victim.node!.getMultiaddrs().some(a => a.toString().includes(stranger.peerId.toString()))
    await expectNever(planted, 2_000, 'the victim advertises an address on the stranger’s relay')
  })
})

describe('relay slots, as a hostile client', () => {
  it('follow the session: no relayed connection from a stranger, no slot for a logged-out PeerId or one whose login was taken over', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const bob = await hiddenWithSlot(tracker, 'bob')
    expect(tracker.relayStats.reservations).toBe(1)

    // A stranger (a node connected to the tracker, never logged in) cannot use the slot.
    const stranger = await startNode()
    await expect(
      stranger.dial(circuitTo(tracker, bob.node.peerId), { signal: AbortSignal.timeout(5_000) })
    ).rejects.toThrow(/PERMISSION_DENIED/)
    expect(tracker.relayStats.relayedRefused).toBe(1)
    // …nor reserve one of its own.
    expect(await rawReserve(stranger, tracker)).toBe(RELAY_STATUS.PERMISSION_DENIED)

    // bob logs in from another node: the first one's slot is gone, its connection is closed by the
    // tracker, and it cannot take a slot again (it is not logged in).
    const bob2 = await connectPeer(tracker, 'bob', { node: await startHiddenNode(), register: false })
    expect(tracker.relayStats.reservations).toBe(0)
    await expect.poll(() => bob.node.getConnections(tracker.peerId).length).toBe(0)
    expect(await rawReserve(bob.node, tracker)).toBe(RELAY_STATUS.PERMISSION_DENIED)
    const alice = await connectPeer(tracker, 'alice', { node: await startHiddenNode() })
    await expect(
      alice.node.dial(circuitTo(tracker, bob.node.peerId), { signal: AbortSignal.timeout(5_000) })
    ).rejects.toThrow(/NO_RESERVATION/)

    // The new node may reserve; after its logout it may not, even with a hand-written request.
    expect(await rawReserve(bob2.node, tracker)).toBe(RELAY_STATUS.OK)
    await bob2.client.logout()
    expect(tracker.relayStats.reservations).toBe(0)
    expect(await rawReserve(bob2.node, tracker)).toBe(RELAY_STATUS.PERMISSION_DENIED)
    expect(tracker.relayStats.reservationsRefused).toBe(3)
  })

  // Was a finding (medium, availability), fixed: the tracker closes the connection of a session that held a slot: a peer whose tracker session ends while its connection stays up
  // (evicted after a stall, its session stream reset) logs in again on the same connection; the tracker
  // removed its slot with the old session (RelayAccounting.endSession), but the peer's relay transport
  // still believes it holds one (it refreshes only 5 min before the 2 h expiry) and PeerClient's
  // #reserveRelay skips a relay it "listens" on. For up to ~2 h everyone who dials it through the relay
  // gets UNREACHABLE (NO_RESERVATION), while /who still lists it as reachable through the relay.
  // Fix: on a session that ends while the connection stays, close that connection on the tracker (the
  // client then drops the reservation and makes a new one at the next login); or keep the slot when
  // the same PeerId logs in again; or have the peer reserve afresh after every login when unreachable.
  it('after its session is re-established, a NAT’d peer is reachable through the relay again (its connection is closed, it reserves anew)', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const bob = await startPeerClient(tracker, 'bob', HIDDEN)
    await expect.poll(() => tracker.relayStats.reservations).toBe(1)
    const back = nextEvent<EventDetails['tracker']>(bob, 'tracker', t => t.state === 'connected')
    // bob missed his heartbeats (a laptop lid, a stalled process): evicted; he logs in again at once.
    tracker.sweep(Date.now() + 10 * 60_000)
    await back
    const alice = await startPeerClient(tracker, 'alice', HIDDEN)
    const got = nextEvent<EventDetails['message']>(bob, 'message', m => m.text === 'still there?')
    const refused = nextEvent<EventDetails['error']>(alice, 'error', e => e.code === 'UNREACHABLE')
    await alice.send('bob', 'still there?')
    const first = await Promise.race([
      got.then(m => `delivered ${m.via}`),
      refused.then(e => `refused: ${e.message}`)
    ])
    expect(first).toBe('delivered relayed')
  })

  // Was a finding (medium), fixed: a relayed connection counts from the moment the gater allows it: the per-user cap is checked in the gater, but the dialled peer's relayed connections
  // are counted only once the relay's stop stream to it is open (RelayAccounting.#track, after an await).
  // Requests that arrive together all see the old count: with --relay-connections-per-user 1, three
  // callers at once get three relayed connections to bob (six callers: five). The global
  // --relay-connections cap (#stopStreams) races the same way, and `relayedConnections` counts a
  // connection the gater passed even when it is never set up. Fix: count a connection against both ends
  // (and the global cap) in denyOutboundRelayedConnection itself, and give the count back when the
  // stop stream fails or closes.
  it('callers that arrive together do not exceed the relayed connections per user (counted when allowed)', async () => {
    const tracker = await startTracker({ coalesceMs: 10, relay: { maxConnectionsPerUser: 1 } })
    const bob = await hiddenWithSlot(tracker, 'bob')
    const callers = []
    for (let i = 0; i < 3; i++)
      callers.push((await connectPeer(tracker, `caller${i}`, { node: await startHiddenNode() })).node)
    await Promise.allSettled(
      callers.map(c => c.dial(circuitTo(tracker, bob.node.peerId), { signal: AbortSignal.timeout(3_000) }))
    )
    const open = bob.node.getConnections().filter(c => c.limits !== undefined && c.status === 'open')
    expect(open.length).toBeLessThanOrEqual(1)
    expect(tracker.relayStats.openConnections).toBeLessThanOrEqual(1)
  })
})

describe('relay accounting, as a hostile client', () => {
  it('the hourly bytes are one allowance across all of a user’s relayed connections: opening more does not add to it', async () => {
    const tracker = await startTracker({ coalesceMs: 10, relay: { userBytesPerHour: 256 * KiB } })
    const bob = await hiddenWithSlot(tracker, 'bob')
    const received = await startSink(bob.node)
    const mallory = (await connectPeer(tracker, 'mallory', { node: await startHiddenNode() })).node
    const to = circuitTo(tracker, bob.node.peerId)
    // Fresh connections of 100 KiB each: the allowance runs out during the third.
    const first = await pour(mallory, to, 100 * KiB)
    await pour(mallory, to, 100 * KiB)
    await outcome(pour(mallory, to, 100 * KiB))
    await expect.poll(() => tracker.relayStats.quotaCuts).toBeGreaterThan(0)
    // A new connection is cut at its first bytes (the relay request itself), an old one at its next.
    expect(await outcome(pour(mallory, to, KiB))).not.toBe('ok')
    const stream = await first
      .newStream(SINK_PROTOCOL, { runOnLimitedConnection: true })
      .catch(() => undefined)
    stream?.send(new Uint8Array(KiB))
    await expect.poll(() => first.status).not.toBe('open')
    expect(received()).toBeLessThan(256 * KiB + 64 * KiB)
  })

  // Was a finding (medium), fixed: the allowance is per account: the hourly allowance is keyed by PeerId (RelayAccounting.#users), not by account.
  // An account that used it up logs in again with a fresh key (a client may make one per login) and gets
  // a whole new allowance: --relay-user-mib-per-hour bounds nothing for a determined user. Fix: key the
  // usage by the account (presence.byPeer(peer).key) and keep it across logins for the window.
  it('an account that used its hourly relay bytes gets no fresh allowance with a new PeerId (counted per account)', async () => {
    const tracker = await startTracker({ coalesceMs: 10, relay: { userBytesPerHour: 256 * KiB } })
    const bob = await hiddenWithSlot(tracker, 'bob')
    const received = await startSink(bob.node)
    const to = circuitTo(tracker, bob.node.peerId)
    const first = (await connectPeer(tracker, 'mallory', { node: await startHiddenNode() })).node
    await outcome(pour(first, to, 400 * KiB))
    await expect.poll(() => tracker.relayStats.quotaCuts).toBe(1)
    // What the cut connection had in flight still arrives: wait for the count to stand still.
    let last = -1
    while (received() !== last) {
      last = received()
      await new Promise(resolve => setTimeout(resolve, 300))
    }
    const before = received()
    // Same account, new key.
    const second = (await connectPeer(tracker, 'mallory', { node: await startHiddenNode(), register: false }))
      .node
    expect(await outcome(pour(second, to, 200 * KiB))).not.toBe('ok')
    expect(received() - before).toBeLessThan(64 * KiB)
  })

  // Was a finding (low): the docs said the hourly bytes count what a user sends *and receives*; they count
  // what a user sends (docs/nat.md now says so), and the operator's total stays bounded by the senders'
  // allowances. Receiving is not held against the receiver.
  it('the hourly bytes count what a user sends: receiving 400 KiB does not use up a 256 KiB allowance', async () => {
    const tracker = await startTracker({ coalesceMs: 10, relay: { userBytesPerHour: 256 * KiB } })
    const bob = await hiddenWithSlot(tracker, 'bob')
    const received = await startSink(bob.node)
    const to = circuitTo(tracker, bob.node.peerId)
    const callers = []
    for (let i = 0; i < 3; i++)
      callers.push((await connectPeer(tracker, `caller${i}`, { node: await startHiddenNode() })).node)
    await pour(callers[0], to, 200 * KiB)
    await pour(callers[1], to, 200 * KiB)
    await expect.poll(() => received()).toBeGreaterThanOrEqual(400 * KiB)
    expect(await outcome(pour(callers[2], to, KiB))).toBe('ok')
  })

  // Was a finding (medium), fixed: only logged-in ends are tracked, idle accounts are swept: RelayAccounting tracks every hop stream before the gater decides, and keeps a user's
  // entry forever once any byte was counted (`#users` is deleted from only when windowBytes is 0). A
  // stranger with a fresh key per connection — no account, no login — adds one entry per key, never
  // freed (a few hundred bytes each: ~1 GB per ~4 M handshakes); the entries of real users are never
  // pruned either. Its refused requests are also counted in /stats `relayedBytes` ("bytes the relay
  // received from either end of its relayed connections"). Fix: start tracking in the gater, once a
  // reservation or connection is allowed; count bytes only on paired streams; delete an entry when its
  // streams are gone and its window has passed (the tracker's sweep can do it).
  it('refused relay requests from strangers leave no accounting behind and count no relayed bytes', async () => {
    const tracker = await startTracker()
    for (let i = 0; i < 10; i++) {
      const stranger = await startNode()
      expect(await rawReserve(stranger, tracker)).toBe(RELAY_STATUS.PERMISSION_DENIED)
      await stranger.stop()
    }
    expect(tracker.relayStats.reservationsRefused).toBe(10)
    expect(await privateSize(tracker, ['#relay', '#users'])).toBe(0)
    expect(tracker.relayStats.relayedBytes).toBe(0)
  })
})

describe('files over the relay, from a client that ignores RELAY_LIMIT', () => {
  it('the relay cuts the transfer at its limit; the receiver fails INTERRUPTED, keeps the part for a resume, and carries on', async () => {
    const tracker = await startTracker({ coalesceMs: 10, relay: { dataLimitBytes: 1 * MiB } })
    const bob = await startPeerClient(tracker, 'bob', HIDDEN)
    await expect.poll(() => tracker.relayStats.reservations).toBe(1)
    const mallory = await connectPeer(tracker, 'mallory', { node: await startHiddenNode() })
    // bob accepts whatever is offered (a resume is accepted by itself).
    bob.addEventListener('file-offer', e => {
      if (e.detail.resumeFrom === undefined) bob.acceptFile(e.detail.transferId).catch(() => {})
    })
    const content = randomBytes(3 * MiB)
    const sender = await rawRelayedSender(mallory.node, circuitTo(tracker, bob.peerId), 'big.bin', content)
    const failed = nextEvent<EventDetails['file-failed']>(
      bob,
      'file-failed',
      f => f.transferId === sender.transferId
    )
    await sender.sendAll().catch(() => {})
    expect((await failed).code).toBe('INTERRUPTED')
    const [kept] = (await bob.transfers()).filter(t => t.transferId === sender.transferId)
    expect(kept).toMatchObject({ direction: 'receive', state: 'failed', size: 3 * MiB })
    expect(kept.bytes).toBeLessThan(1 * MiB)
    // What was written before the cut stays. (Frames that arrived while a write was in flight are
    // dropped with the failure, so the part can be shorter than `bytes` says: the resume below goes by
    // the part itself.)
    const onDisk = (await stat(kept.path!)).size
    expect(onDisk).toBeGreaterThan(0)
    expect(onDisk).toBeLessThanOrEqual(kept.bytes)
    // The same file offered again resumes from what is on disk.
    const again = await rawRelayedSender(mallory.node, circuitTo(tracker, bob.peerId), 'big.bin', content)
    expect(await again.answer()).toMatchObject({ accept: true, offset: onDisk })
    again.stream.abort(new Error('enough'))
    // bob is fine: a message through the relay still arrives.
    const alice = await startPeerClient(tracker, 'alice', HIDDEN)
    const got = nextEvent<EventDetails['message']>(bob, 'message', m => m.text === 'ok?')
    await alice.send('bob', 'ok?')
    expect((await got).via).toBe('relayed')
  })
})
