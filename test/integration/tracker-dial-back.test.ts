import { createServer, type Server, type Socket } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import type { P2PChatNode } from '../../src/node.ts'
import { connectPeer, onCleanup, PASSWORD, startNode, startTracker } from '../fixtures/nodes.ts'

const published = (client: TrackerClient): string[] => client.publishedAddrs.map(a => a.toString())

/** The TCP port a node listens on. */
const tcpPort = (node: P2PChatNode): string | undefined =>
  node
    .getMultiaddrs()[0]
    .getComponents()
    .find(c => c.name === 'tcp')?.value

/** A TCP server on 127.0.0.1 that accepts and never says a word (a handshake that stalls). */
async function silentServer(host = '127.0.0.1'): Promise<{ server: Server; port: number }> {
  const sockets = new Set<Socket>()
  const server = createServer(socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  })
  await new Promise<void>(resolve => server.listen(0, host, resolve))
  onCleanup(async () => {
    for (const s of sockets) s.destroy()
    await new Promise(resolve => server.close(resolve))
  })
  return { server, port: (server.address() as { port: number }).port }
}

describe('published addresses are verified by dialling back', () => {
  it('publishes an address that answers with the peer’s own PeerId, and the others see it', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const bob = await connectPeer(tracker, 'bob')
    const alice = await connectPeer(tracker, 'alice')
    const [listen] = alice.node.getMultiaddrs().map(a => a.decapsulateCode(421).toString())
    expect(published(alice.client)).toEqual([listen])
    await expect
      .poll(() => bob.client.online.get('alice')?.addrs.map(a => a.decapsulateCode(421).toString()))
      .toEqual([listen])
    expect(bob.client.online.get('alice')?.reachable).toBe(true)
  })

  it('fills in an unspecified host with the observed one, then verifies it', async () => {
    const tracker = await startTracker()
    const node = await startNode(undefined, ['/ip4/127.0.0.1/tcp/0'])
    const port = tcpPort(node)
    const { client } = await connectPeer(tracker, 'alice', { node, login: false })
    await client.login('alice', PASSWORD, [multiaddr(`/ip4/0.0.0.0/tcp/${port}`)])
    expect(published(client)).toEqual([`/ip4/127.0.0.1/tcp/${port}`])
  })

  it('does not publish the tracker’s own address, another peer’s, a dead port or its outgoing port', async () => {
    const tracker = await startTracker()
    const other = await connectPeer(tracker, 'other')
    const dead = await startNode()
    const deadAddr = dead.getMultiaddrs()[0].decapsulateCode(421)
    await dead.stop()
    const { client } = await connectPeer(tracker, 'mallory', { login: false })
    const claims = [
      tracker.getMultiaddrs()[0].decapsulateCode(421),
      other.node.getMultiaddrs()[0].decapsulateCode(421),
      deadAddr
    ]
    await client.login('mallory', PASSWORD, claims)
    // Logged in all the same, with nothing anyone would dial: not even the address it connected from.
    expect(published(client)).toEqual([])
    expect(tracker.presence.byKey('mallory')?.entry).toMatchObject({ addrs: [], reachable: false })
  })

  it('never dials a host the peer did not connect from, only the same port on the host it came from', async () => {
    const tracker = await startTracker()
    // A server on 127.0.0.2, which to the tracker is another host (the peer connects from 127.0.0.1).
    const target = await silentServer('127.0.0.2')
    let dialled = 0
    target.server.on('connection', () => dialled++)
    const { client } = await connectPeer(tracker, 'mallory', { login: false })
    await client.login('mallory', PASSWORD, [multiaddr(`/ip4/127.0.0.2/tcp/${target.port}`)])
    expect(published(client)).toEqual([])
    expect(dialled).toBe(0)
  })

  it('verifies a LAN address at the host the peer came from, as a port forward would make it', async () => {
    const tracker = await startTracker()
    const node = await startNode(undefined, ['/ip4/127.0.0.1/tcp/0'])
    const port = tcpPort(node)
    const { client } = await connectPeer(tracker, 'alice', { node, login: false })
    // As a peer behind a router declares its LAN address; the router forwards the same port to it.
    await client.login('alice', PASSWORD, [multiaddr(`/ip4/192.168.1.2/tcp/${port}`)])
    expect(published(client)).toEqual([`/ip4/127.0.0.1/tcp/${port}`])
  })

  it('gives up on an address that stalls the handshake: the connect has its deadline, Noise a longer one', async () => {
    const tracker = await startTracker({ dialBack: { timeoutMs: 200, handshakeTimeoutMs: 1_000 } })
    const stall = await silentServer()
    const { client } = await connectPeer(tracker, 'slow', { login: false })
    const began = performance.now()
    await client.login('slow', PASSWORD, [multiaddr(`/ip4/127.0.0.1/tcp/${stall.port}`)])
    const took = performance.now() - began
    // TCP connected at once, so the 200 ms connect deadline gave way to the 1 s handshake deadline.
    expect(took).toBeGreaterThan(900)
    expect(took).toBeLessThan(5_000)
    expect(published(client)).toEqual([])
  })

  it('trusts a verified address again without dialling on the next login', async () => {
    const tracker = await startTracker()
    const node = await startNode()
    let inbound = 0
    node.addEventListener('connection:open', e => {
      if (e.detail.direction === 'inbound') inbound++
    })
    const first = await connectPeer(tracker, 'alice', { node })
    expect(published(first.client)).toHaveLength(1)
    expect(tracker.dialBackStats).toMatchObject({ verified: 1, cached: 0 })
    expect(inbound).toBe(1)
    await first.client.logout()
    const again = await TrackerClient.connect(node, tracker.getMultiaddrs()[0])
    onCleanup(() => again.close())
    await again.login('alice', PASSWORD, node.getMultiaddrs())
    expect(published(again)).toEqual(published(first.client))
    expect(tracker.dialBackStats).toMatchObject({ verified: 1, cached: 1 })
    expect(inbound).toBe(1)
  })
})
