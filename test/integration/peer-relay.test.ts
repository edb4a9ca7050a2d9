import type { PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import type { EventDetails, UserInfo } from '../../peer/api/schema.ts'
import type { TestPeer } from '../fixtures/nodes.ts'
import { connectPeer, nextEvent, startNode, startPeerClient, startTracker } from '../fixtures/nodes.ts'

/**
 * On loopback: a peer listening on 127.0.0.2 connects to the tracker from 127.0.0.1, so the tracker's
 * dial-back (to 127.0.0.1:<its port>) finds nothing, as a home router's would. (test/lab runs the same
 * with real NAT.) Two such peers need the relay; one reachable peer gets a direct connection by reversal.
 */
const HIDDEN = { listen: ['/ip4/127.0.0.2/tcp/0'] }

describe('peers the tracker cannot dial back', () => {
  it('are listed as not reachable, hold a slot on the tracker relay, and are reached through it', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await startPeerClient(tracker, 'alice', HIDDEN)
    const bobJoined = nextEvent<UserInfo>(alice, 'joined', u => u.user === 'bob')
    const bob = await startPeerClient(tracker, 'bob', HIDDEN)
    const seen = await bobJoined
    expect(seen.reachable).toBe(false)
    expect(seen.addrs).toEqual([`${tracker.getMultiaddrs()[0]}/p2p-circuit/p2p/${seen.peerId}`])
    expect(alice.who().find(u => u.user === 'alice')?.reachable).toBe(false)

    // The slots are taken after each login: wait until the relay holds both.
    await expect.poll(() => tracker.node?.services.relay?.reservations.size).toBe(2)
    const got = nextEvent<EventDetails['message']>(bob, 'message', m => m.text === 'hi')
    const { messageId } = await alice.send('bob', 'hi')
    const delivered = await nextEvent<EventDetails['delivered']>(
      alice,
      'delivered',
      d => d.messageId === messageId
    )
    expect(delivered.via).toBe('relayed')
    expect((await got).via).toBe('relayed')
    expect(tracker.relayStats).toMatchObject({ enabled: true, reservations: 2, relayedConnections: 1 })
    // Neither could be dialled back, so neither asked the other to.
    expect(tracker.reversalStats.reversalsRequested).toBe(0)
  })

  it('lose nothing and show nothing twice when the relay cuts the connection mid-conversation', async () => {
    // A relayed connection may carry 16 KiB here: 40 messages of 1 KiB need at least three of them.
    const tracker = await startTracker({ coalesceMs: 10, relay: { dataLimitBytes: 16 * 1024 } })
    const alice = await startPeerClient(tracker, 'alice', { chatRetryBaseMs: 200, ...HIDDEN })
    const bobJoined = nextEvent<UserInfo>(alice, 'joined', u => u.user === 'bob')
    const bob = await startPeerClient(tracker, 'bob', HIDDEN)
    await bobJoined
    await expect.poll(() => tracker.relayStats.reservations).toBe(2)
    const shown: string[] = []
    bob.addEventListener('message', e => shown.push(e.detail.text))
    const delivered = new Set<string>()
    alice.addEventListener('delivered', e => delivered.add(e.detail.messageId))
    const ids: string[] = []
    for (let i = 0; i < 40; i++) ids.push((await alice.send('bob', `${i} ${'x'.repeat(1024)}`)).messageId)
    await expect.poll(() => delivered.size, { timeout: 30_000 }).toBe(40)
    expect([...delivered].sort()).toEqual([...ids].sort())
    expect(shown.length).toBe(40)
    expect(new Set(shown).size).toBe(40)
    expect(tracker.relayStats.relayedConnections).toBeGreaterThan(1)
  })

  it('the relay refuses a slot to anyone not logged in', async () => {
    const tracker = await startTracker()
    const stranger = await startNode()
    const relay = multiaddr(`${tracker.getMultiaddrs()[0]}/p2p-circuit`)
    await expect(stranger.services.self.listen([relay])).rejects.toThrow()
    expect(tracker.relayStats).toMatchObject({ reservations: 0, reservationsRefused: 1 })
  })

  it('get a clear UNREACHABLE when the tracker does not relay', async () => {
    const tracker = await startTracker({ coalesceMs: 10, relay: false })
    const alice = await startPeerClient(tracker, 'alice', HIDDEN)
    const bobJoined = nextEvent<UserInfo>(alice, 'joined', u => u.user === 'bob')
    await startPeerClient(tracker, 'bob', HIDDEN)
    expect(await bobJoined).toMatchObject({ reachable: false, addrs: [] })
    const failed = nextEvent<EventDetails['error']>(alice, 'error', e => e.code === 'UNREACHABLE')
    await alice.send('bob', 'anyone there?')
    expect((await failed).message).toMatch(/behind a NAT or firewall .* does not relay/)
    expect(tracker.relayStats).toMatchObject({ enabled: false, reservations: 0, relayedConnections: 0 })
  })

  it('are asked, through the tracker, to dial a reachable sender back: a direct connection, no relay', async () => {
    for (const relay of [undefined, false] as const) {
      const tracker = await startTracker({ coalesceMs: 10, relay })
      const alice = await startPeerClient(tracker, 'alice')
      const bobJoined = nextEvent<UserInfo>(alice, 'joined', u => u.user === 'bob')
      const bob = await startPeerClient(tracker, 'bob', HIDDEN)
      expect(await bobJoined).toMatchObject({ reachable: false })
      const got = nextEvent<EventDetails['message']>(bob, 'message', m => m.text === 'dial me')
      const started = Date.now()
      const { messageId } = await alice.send('bob', 'dial me')
      const delivered = await nextEvent<EventDetails['delivered']>(
        alice,
        'delivered',
        d => d.messageId === messageId
      )
      expect(delivered.via).toBe('reversed')
      expect(Date.now() - started).toBeLessThan(2_000)
      expect((await got).via).toBe('reversed')
      // bob's answer takes the same connection: no relay in either direction.
      const back = nextEvent<EventDetails['message']>(alice, 'message', m => m.text === 'dialled')
      await bob.send('alice', 'dialled')
      expect((await back).via).toBe('reversed')
      expect(tracker.reversalStats).toEqual({ reversalsRequested: 1, reversalsRefused: 0 })
      expect(tracker.relayStats.relayedConnections).toBe(0)
      const [connection] = alice.node!.getConnections(bob.peerId)
      expect(connection.direction).toBe('inbound')
      expect(connection.limits).toBeUndefined()
    }
  })

  it('the tracker passes a dial request on only for a reachable asker, to someone online, at a bounded rate', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'bob', { node: await startNode(undefined, HIDDEN.listen) })
    const requests: string[][] = []
    bob.client.addEventListener('dial-request', e => requests.push(e.detail.addrs.map(String)))
    const ask = (from: TestPeer, to: PeerId) =>
      from.client.requestDial(to).then(
        () => 'ok',
        (e: { code: string }) => e.code
      )
    // bob cannot be dialled, so nobody could dial him back.
    expect(await ask(bob, alice.node.peerId)).toBe('UNREACHABLE')
    // Nobody online has a stranger's PeerId.
    expect(await ask(alice, (await startNode()).peerId)).toBe('UNKNOWN_PEER')
    // A burst is cut off: each request would make bob open a connection.
    const answers = await Promise.all(Array.from({ length: 30 }, () => ask(alice, bob.node.peerId)))
    const passed = answers.filter(a => a === 'ok').length
    expect(answers.filter(a => a === 'RATE_LIMITED').length).toBe(30 - passed)
    expect(passed).toBeGreaterThanOrEqual(9)
    expect(passed).toBeLessThanOrEqual(12)
    await expect.poll(() => requests.length).toBe(passed)
    // What bob is asked to dial: alice's address as the tracker verified it, nothing of her choosing.
    expect(requests[0]).toEqual(alice.client.publishedAddrs.map(a => `${a}/p2p/${alice.node.peerId}`))
    // Refused: the two above (a rate-limited request never reaches the check).
    expect(tracker.reversalStats).toEqual({ reversalsRequested: passed, reversalsRefused: 2 })
  })
})
