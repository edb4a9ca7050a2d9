import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Json } from '../fixtures/json-peer.ts'
import { jsonPeer } from '../fixtures/json-peer.ts'
import { PASSWORD, tempDir } from '../fixtures/nodes.ts'
import type { Proc } from '../fixtures/processes.ts'
import { CLI, spawnProcess } from '../fixtures/processes.ts'
import type { ConnectResult, Lab, LabNode } from './index.ts'
import {
  LAB_ADDRESSES as A,
  buildLab,
  cleanupLabs,
  connectProbe,
  labUnavailableReason,
  listenProbe,
  listLabs,
  run,
  withLab
} from './index.ts'
import { established, labTest, listenPort, p2pchatIn, peerIn, runLabTests, unavailable } from './lab-peers.ts'

const LAB_CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))
const TRACKER_PORT = 4001
/** Bounds the wait for a killed lab owner's reaper: it needs a few `ip` calls, tens of ms. */
const REAPER_DEADLINE_MS = 5_000

const blocked = (r: ConnectResult): string => (r.ok ? 'connected' : r.code)

describe.runIf(runLabTests)('network-namespace NAT lab', () => {
  let lab: Lab

  beforeAll(async () => {
    if (unavailable !== undefined) return
    lab = await buildLab({ portForwards: [{ router: 'routerB', port: 8080, toPort: 80 }] })
  })

  afterAll(async () => {
    await lab?.teardown()
  })

  labTest(
    'a peer behind routerA logs in to the tracker, which sees it as 11.0.0.10 and cannot dial it back',
    async () => {
      const dir = await tempDir('p2pchat-lab-')
      await writeFile(join(dir, 'password'), `${PASSWORD}\n`, { mode: 0o600 })
      const tracker = p2pchatIn(lab, 'tracker', [
        'tracker',
        '--listen',
        `/ip4/${A.tracker}/tcp/${TRACKER_PORT}`,
        '--data',
        join(dir, 'tracker'),
        '--scrypt-log-n',
        '10'
      ])
      // The address it prints: its listen address on the public side, confirmed at start.
      const trackerAddr = (await tracker.waitLine(l => l.includes(`/ip4/${A.tracker}/tcp/`))).trim()
      await tracker.waitLine(l => l.startsWith('Ready.'))

      const alice = await peerIn(lab, 'hostA', trackerAddr, 'alice', dir)
      const carol = await peerIn(lab, 'public', trackerAddr, 'carol', dir)

      // The tracker's sockets: alice arrives from routerA's public address, carol from her own.
      const atTracker = await established(lab, 'tracker', `( sport = :${TRACKER_PORT} )`)
      const remotes = atTracker.map(([, remote]) => remote)
      expect(remotes.map(r => r.split(':')[0]).sort()).toEqual([A.routerA, A.public])
      // routerA kept alice's source port: the tracker sees 11.0.0.10:<the port alice bound>.
      const [[aliceLocal]] = await established(lab, 'hostA', `( dport = :${TRACKER_PORT} )`)
      expect(aliceLocal.split(':')[0]).toBe(A.hostA)
      const aliceMapped = `${A.routerA}:${aliceLocal.split(':')[1]}`
      expect(remotes).toContain(aliceMapped)

      // What the tracker publishes for alice: no address of hers (its dial-back to 11.0.0.10:<port> is
      // dropped by routerA), so peers see her at the tracker's relay.
      carol.peer.send({ id: 'w', cmd: 'who' })
      const who = await carol.peer.wait(o => o.id === 'w')
      const byUser = Object.fromEntries((who.users as Json[]).map(u => [u.user, u]))
      // Not reachable: the only way to her is the tracker's relay, where she holds a slot.
      expect(byUser.alice).toMatchObject({
        peerId: alice.ready.peerId,
        addrs: [`${trackerAddr}/p2p-circuit/p2p/${alice.ready.peerId}`],
        reachable: false
      })
      expect(alice.ready.reachable).toBe(false)
      // carol is on a public address: she declares it (her transport's listen address; libp2p's own
      // getMultiaddrs() would leave it out until AutoNAT confirmed it) and the tracker, having reached
      // her key there by dialling back, publishes exactly that.
      expect(byUser.carol.peerId).toBe(carol.ready.peerId)
      expect(byUser.carol.addrs).toHaveLength(1)
      expect(byUser.carol.reachable).toBe(true)
      expect(byUser.carol.addrs[0]).toMatch(/^\/ip4\/11\.0\.0\.2\/tcp\/\d+\/p2p\//)

      // Nobody on the internet can open a connection to alice's listener: not to her LAN address (no
      // route), not to routerA's public address on that port, not to the NAT mapping the tracker uses.
      const alicePort = listenPort(alice.ready, A.hostA)
      const carolPort = listenPort(carol.ready, '127.0.0.1')
      const [fromTracker, fromPublic, toRouter, toRouterFromPublic, toMapping, local, toCarol] =
        await Promise.all([
          connectProbe(lab, 'tracker', A.hostA, alicePort),
          connectProbe(lab, 'public', A.hostA, alicePort),
          connectProbe(lab, 'tracker', A.routerA, alicePort),
          connectProbe(lab, 'public', A.routerA, alicePort),
          connectProbe(lab, 'public', A.routerA, Number(aliceMapped.split(':')[1])),
          // Controls: alice's listener is up, and a peer on a public address is reachable.
          connectProbe(lab, 'hostA', A.hostA, alicePort),
          connectProbe(lab, 'tracker', A.public, carolPort)
        ])
      expect(blocked(fromTracker)).toBe('ENETUNREACH')
      expect(blocked(fromPublic)).toBe('ENETUNREACH')
      // A home router drops what it does not expect: no refusal, the connect just times out.
      expect(blocked(toRouter)).toBe('ETIMEDOUT')
      expect(blocked(toRouterFromPublic)).toBe('ETIMEDOUT')
      expect(blocked(toMapping)).toBe('ETIMEDOUT')
      expect(local.ok).toBe(true)
      expect(toCarol).toMatchObject({ ok: true, remoteAddress: A.public })
    }
  )

  labTest(
    'a peer behind routerA with a forwarded port is published at the router’s address and reached directly',
    async () => {
      const dir = await tempDir('p2pchat-lab-')
      await writeFile(join(dir, 'password'), `${PASSWORD}\n`, { mode: 0o600 })
      const port = 4002
      await lab.forwardPort('routerA', port)
      const tracker = p2pchatIn(lab, 'tracker', [
        'tracker',
        '--listen',
        `/ip4/${A.tracker}/tcp/${TRACKER_PORT + 2}`,
        '--data',
        join(dir, 'tracker'),
        '--scrypt-log-n',
        '10'
      ])
      // The tracker prints its public address (its own listen address, confirmed at start).
      const trackerAddr = (await tracker.waitLine(l => l.includes(`/ip4/${A.tracker}/tcp/`))).trim()
      const alice = await peerIn(lab, 'hostA', trackerAddr, 'alice', dir, `/ip4/0.0.0.0/tcp/${port}`)
      const carol = await peerIn(lab, 'public', trackerAddr, 'carol', dir)
      // alice declared 192.168.1.2:4002; the tracker tried that port on the address she came from.
      carol.peer.send({ id: 'w', cmd: 'who' })
      const who = await carol.peer.wait(o => o.id === 'w')
      const entry = (who.users as Json[]).find(u => u.user === 'alice')
      expect(entry?.addrs).toEqual([`/ip4/${A.routerA}/tcp/${port}/p2p/${alice.ready.peerId}`])
      // carol starts the chat: a direct connection through the forward, no help from alice.
      carol.peer.send({ id: 'm', cmd: 'msg', to: 'alice', text: 'through the forward' })
      expect(await carol.peer.wait(o => o.id === 'm')).toMatchObject({ ok: true })
      expect(await carol.peer.wait(o => o.event === 'delivered')).toMatchObject({ via: 'direct' })
      expect(
        await alice.peer.wait(o => o.event === 'message' && o.text === 'through the forward')
      ).toMatchObject({ via: 'direct' })
      const atAlice = await established(lab, 'hostA', `( sport = :${port} )`)
      expect(atAlice.map(([, remote]) => remote.split(':')[0])).toContain(A.public)
    }
  )

  labTest(
    'two peers behind different routers chat through the tracker’s relay; with --relay off, a clear UNREACHABLE',
    async () => {
      const dir = await tempDir('p2pchat-lab-')
      await writeFile(join(dir, 'password'), `${PASSWORD}\n`, { mode: 0o600 })
      const startTracker = async (port: number, relay: 'on' | 'off'): Promise<string> => {
        const tracker = p2pchatIn(lab, 'tracker', [
          'tracker',
          '--listen',
          `/ip4/${A.tracker}/tcp/${port}`,
          '--data',
          join(dir, `tracker-${relay}`),
          '--scrypt-log-n',
          '10',
          '--relay',
          relay
        ])
        return (await tracker.waitLine(l => l.includes(`/ip4/${A.tracker}/tcp/${port}/`))).trim()
      }
      const relayed = await startTracker(TRACKER_PORT + 3, 'on')
      const alice = await peerIn(lab, 'hostA', relayed, 'alice', dir)
      const bob = await peerIn(lab, 'hostB', relayed, 'bob', dir)
      await alice.peer.wait(o => o.event === 'joined' && o.user === 'bob')
      alice.peer.send({ id: 'm1', cmd: 'msg', to: 'bob', text: 'over the relay' })
      expect(await alice.peer.wait(o => o.id === 'm1')).toMatchObject({ ok: true })
      expect(await alice.peer.wait(o => o.event === 'delivered', 15_000)).toMatchObject({ via: 'relayed' })
      expect(await bob.peer.wait(o => o.event === 'message' && o.text === 'over the relay')).toMatchObject({
        via: 'relayed'
      })
      // And back, bob starting on his side.
      bob.peer.send({ id: 'm2', cmd: 'msg', to: 'alice', text: 'and back' })
      await bob.peer.wait(o => o.event === 'delivered', 15_000)
      await alice.peer.wait(o => o.event === 'message' && o.text === 'and back')
      // Both sockets of the conversation end at the tracker: no direct connection between the LANs.
      const atAlice = await established(lab, 'hostA', `( dport = :${TRACKER_PORT + 3} )`)
      expect(atAlice.length).toBeGreaterThan(0)

      const plain = await startTracker(TRACKER_PORT + 4, 'off')
      const carol = await peerIn(lab, 'hostA', plain, 'carol', dir)
      const dave = await peerIn(lab, 'hostB', plain, 'dave', dir)
      await carol.peer.wait(o => o.event === 'joined' && o.user === 'dave')
      carol.peer.send({ id: 'm3', cmd: 'msg', to: 'dave', text: 'no relay' })
      const failed = await carol.peer.wait(o => o.event === 'error' && o.code === 'UNREACHABLE', 30_000)
      expect(failed.message).toMatch(/behind a NAT or firewall.*does not relay/)
    }
  )

  labTest('drops connections into a LAN even from a host that routes to it through the router', async () => {
    const listener = await listenProbe(lab, 'hostA', '0.0.0.0', 7000)
    // The tracker's neighbour on the internet switch tries routing 192.168.1.0/24 via routerA.
    await lab.exec('tracker', ['ip', 'route', 'add', '192.168.1.0/24', 'via', A.routerA])
    try {
      const [viaRouter, closedPublic] = await Promise.all([
        connectProbe(lab, 'tracker', A.hostA, listener.port),
        // Control: a closed port on a host without a firewall is refused at once.
        connectProbe(lab, 'tracker', A.public, 7000)
      ])
      expect(blocked(viaRouter)).toBe('ETIMEDOUT')
      expect(blocked(closedPublic)).toBe('ECONNREFUSED')
      expect(listener.connections).toEqual([])
    } finally {
      await lab.exec('tracker', ['ip', 'route', 'del', '192.168.1.0/24'])
    }
  })

  labTest('keeps the two home LANs apart: hostA cannot reach hostB directly', async () => {
    const b = await listenProbe(lab, 'hostB', '0.0.0.0', 7000)
    const [direct, viaRouterB, reverse, control] = await Promise.all([
      connectProbe(lab, 'hostA', A.hostB, b.port),
      connectProbe(lab, 'hostA', A.routerB, b.port),
      connectProbe(lab, 'hostB', A.hostA, b.port),
      connectProbe(lab, 'hostB', A.hostB, b.port)
    ])
    expect(blocked(direct)).toBe('ENETUNREACH')
    expect(blocked(viaRouterB)).toBe('ETIMEDOUT')
    expect(blocked(reverse)).toBe('ENETUNREACH')
    expect(control.ok).toBe(true)
    expect(b.connections.map(c => c.remoteAddress)).toEqual([A.hostB])
  })

  labTest('masquerades with the source port kept and one mapping for every destination', async () => {
    const [atTracker, atPublic] = await Promise.all([
      listenProbe(lab, 'tracker', A.tracker, 7100),
      listenProbe(lab, 'public', A.public, 7100)
    ])
    const localPort = 41_000
    const first = await connectProbe(lab, 'hostA', A.tracker, atTracker.port, { localPort })
    const second = await connectProbe(lab, 'hostA', A.public, atPublic.port, { localPort })
    // Endpoint-independent mapping: both destinations see 192.168.1.2:41000 as 11.0.0.10:41000.
    for (const r of [first, second]) {
      expect(r).toMatchObject({
        ok: true,
        localAddress: A.hostA,
        localPort,
        received: { remoteAddress: A.routerA, remotePort: localPort }
      })
    }
  })

  labTest('forwards a port from a router to its LAN host, keeping the caller address', async () => {
    const a = await listenProbe(lab, 'hostA', '0.0.0.0', 7001)
    const unforwarded = await listenProbe(lab, 'hostA', '0.0.0.0', 7002)
    const b = await listenProbe(lab, 'hostB', '0.0.0.0', 80)
    await lab.forwardPort('routerA', 7001)
    const [toA, toB, fromB, notForwarded] = await Promise.all([
      connectProbe(lab, 'public', A.routerA, 7001),
      // Forwarded since buildLab: routerB 8080 → hostB 80.
      connectProbe(lab, 'public', A.routerB, 8080),
      connectProbe(lab, 'hostB', A.routerA, 7001),
      connectProbe(lab, 'public', A.routerA, unforwarded.port)
    ])
    expect(toA).toMatchObject({
      ok: true,
      received: { localAddress: A.hostA, localPort: 7001, remoteAddress: A.public }
    })
    expect(toB).toMatchObject({
      ok: true,
      received: { localAddress: A.hostB, localPort: 80, remoteAddress: A.public }
    })
    // From behind another NAT: hostA sees routerB's public address.
    expect(fromB).toMatchObject({ ok: true, received: { remoteAddress: A.routerB } })
    expect(blocked(notForwarded)).toBe('ETIMEDOUT')
    expect(unforwarded.connections).toEqual([])
    expect(a.connections).toHaveLength(2)
    expect(b.connections.map(c => c.remoteAddress)).toEqual([A.public])
  })

  labTest('lets a TCP simultaneous open through both NATs (what hole punching relies on)', async () => {
    // Each side dials the other's public address from the port the other dials; whichever SYN reaches
    // a router first is dropped, its retransmission (after ~1 s) matches the router's outgoing flow.
    const [a, b] = await Promise.all([
      connectProbe(lab, 'hostA', A.routerB, 42_002, { localPort: 42_001, timeoutMs: 6_000 }),
      connectProbe(lab, 'hostB', A.routerA, 42_001, { localPort: 42_002, timeoutMs: 6_000 })
    ])
    expect(a).toMatchObject({
      ok: true,
      localPort: 42_001,
      received: { localAddress: A.hostB, localPort: 42_002, remoteAddress: A.routerA, remotePort: 42_001 }
    })
    expect(b).toMatchObject({
      ok: true,
      localPort: 42_002,
      received: { localAddress: A.hostA, localPort: 42_001, remoteAddress: A.routerB, remotePort: 42_002 }
    })
  })
})

describe.runIf(runLabTests)('network-namespace lab teardown', () => {
  const hostState = async () => ({
    veths: (await run('ip', ['-o', 'link', 'show', 'type', 'veth'])).stdout,
    nftTables: (await run('nft', ['list', 'tables'])).stdout
  })
  const namespacesOf = async (name: string) =>
    (await run('ip', ['netns', 'list'])).stdout.split('\n').filter(l => l.startsWith(`p2pchat-${name}-`))

  labTest(
    'leaves no namespace, veth, nft table or process behind, also when the code using it throws',
    async () => {
      const before = await hostState()
      let name = ''
      let exited: Promise<unknown> = Promise.resolve()
      await expect(
        withLab(async lab => {
          name = lab.name
          const listener = await listenProbe(lab, 'hostA', '0.0.0.0', 7000)
          exited = new Promise(resolve => listener.child.once('exit', resolve))
          expect(await namespacesOf(name)).toHaveLength(7)
          expect((await lab.exec('routerA', ['nft', 'list', 'tables'])).stdout).toContain('table ip nat')
          throw new Error('the test failed here')
        })
      ).rejects.toThrow('the test failed here')
      await exited
      expect(await namespacesOf(name)).toEqual([])
      expect((await listLabs()).has(name)).toBe(false)
      expect(await hostState()).toEqual(before)
    }
  )

  labTest('removes a lab whose owner is killed (SIGKILL) and one held by the CLI on SIGTERM', async () => {
    const suffix = `${process.pid}${Date.now() % 100_000}`
    const [killed, stopped] = [`k${suffix}`, `s${suffix}`]
    try {
      const hold = (name: string) => spawnProcess(process.execPath, [LAB_CLI, 'up', '--hold', '--name', name])
      const [k, s] = [hold(killed), hold(stopped)]
      await Promise.all([k, s].map(p => p.waitLine(l => l.startsWith('Holding'))))
      expect(await namespacesOf(killed)).toHaveLength(7)
      expect(k.lines.join('\n')).toContain(`ip netns exec p2pchat-${killed}-hostA ./p2pchat peer`)

      s.child.kill('SIGTERM')
      k.child.kill('SIGKILL')
      expect((await s.exited).code).toBe(0)
      expect(s.lines.at(-1)).toBe(`Lab "${stopped}" removed.`)
      expect(await namespacesOf(stopped)).toEqual([])
      // Nothing ran the killed one's teardown: its reaper notices the closed pipe and removes the lab.
      await k.exited
      const deadline = Date.now() + REAPER_DEADLINE_MS
      while ((await namespacesOf(killed)).length > 0 && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 50))
      }
      expect(await namespacesOf(killed)).toEqual([])
    } finally {
      await cleanupLabs({ name: killed })
      await cleanupLabs({ name: stopped })
    }
  })
})

describe('npm run lab -- --help', () => {
  it('lists the commands and exits 0 without needing root', async () => {
    const help = spawnProcess(process.execPath, [LAB_CLI, '--help'])
    expect((await help.exited).code).toBe(0)
    const text = help.lines.join('\n')
    for (const word of ['up', 'down', 'status', 'forward', '--forward', '--hold', '--all', '--name']) {
      expect(text).toContain(`  ${word}`)
    }
    const bad = spawnProcess(process.execPath, [LAB_CLI, 'sideways'])
    expect((await bad.exited).code).toBe(2)
    expect(bad.stderr()).toContain('unknown command "sideways"')
  })
})
