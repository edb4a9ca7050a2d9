import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import type { EventDetails, UserInfo } from '../../peer/api/schema.ts'
import { nextEvent, startNode, startPeerClient, startTracker } from '../fixtures/nodes.ts'

/**
 * On loopback: a peer listening on 127.0.0.2 connects to the tracker from 127.0.0.1, so the tracker's
 * dial-back (to 127.0.0.1:<its port>) finds nothing, as a home router's would. (test/lab runs the same
 * with real NAT.)
 */
describe('peers the tracker cannot dial back', () => {
  it('are listed as not reachable, hold a slot on the tracker relay, and are reached through it', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await startPeerClient(tracker, 'alice')
    const bobJoined = nextEvent<UserInfo>(alice, 'joined', u => u.user === 'bob')
    const bob = await startPeerClient(tracker, 'bob', { listen: ['/ip4/127.0.0.2/tcp/0'] })
    const seen = await bobJoined
    expect(seen.reachable).toBe(false)
    expect(seen.addrs).toEqual([`${tracker.getMultiaddrs()[0]}/p2p-circuit/p2p/${seen.peerId}`])
    expect(alice.who().find(u => u.user === 'alice')?.reachable).toBe(true)

    // The slot is taken after bob's login: wait until the relay holds it.
    await expect.poll(() => tracker.node?.services.relay?.reservations.size).toBe(1)
    const got = nextEvent<EventDetails['message']>(bob, 'message', m => m.text === 'hi')
    const { messageId } = await alice.send('bob', 'hi')
    const delivered = await nextEvent<EventDetails['delivered']>(
      alice,
      'delivered',
      d => d.messageId === messageId
    )
    expect(delivered.via).toBe('relayed')
    expect((await got).via).toBe('relayed')
    expect(tracker.relayStats).toMatchObject({ enabled: true, reservations: 1, relayedConnections: 1 })
  })

  it('lose nothing and show nothing twice when the relay cuts the connection mid-conversation', async () => {
    // A relayed connection may carry 16 KiB here: 40 messages of 1 KiB need at least three of them.
    const tracker = await startTracker({ coalesceMs: 10, relay: { dataLimitBytes: 16 * 1024 } })
    const alice = await startPeerClient(tracker, 'alice', { chatRetryBaseMs: 200 })
    const bobJoined = nextEvent<UserInfo>(alice, 'joined', u => u.user === 'bob')
    const bob = await startPeerClient(tracker, 'bob', { listen: ['/ip4/127.0.0.2/tcp/0'] })
    await bobJoined
    await expect.poll(() => tracker.relayStats.reservations).toBe(1)
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
    const alice = await startPeerClient(tracker, 'alice')
    const bobJoined = nextEvent<UserInfo>(alice, 'joined', u => u.user === 'bob')
    await startPeerClient(tracker, 'bob', { listen: ['/ip4/127.0.0.2/tcp/0'] })
    expect(await bobJoined).toMatchObject({ reachable: false, addrs: [] })
    const failed = nextEvent<EventDetails['error']>(alice, 'error', e => e.code === 'UNREACHABLE')
    await alice.send('bob', 'anyone there?')
    expect((await failed).message).toMatch(/behind a NAT or firewall .* does not relay/)
    expect(tracker.relayStats).toMatchObject({ enabled: false, reservations: 0, relayedConnections: 0 })
  })
})
