import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DISCOVERY_TIMEOUT_MS, MappingRefusedError, NoGatewayError } from '../../peer/nat/index.ts'
import { PASSWORD, tempDir } from '../fixtures/nodes.ts'
import type { ConnectResult, Lab, ListenProbe } from './index.ts'
import { LAB_ADDRESSES as A, buildLab, connectProbe, listenProbe, run } from './index.ts'
import { p2pchatIn, peerIn } from './lab-peers.ts'
import type { MapperOutcome, UpnpGateway } from './upnp.ts'
import {
  runPortMapper,
  startUpnpGateway,
  takeExternalPort,
  upnpRedirects,
  upnpTempPrefix,
  upnpUnavailableReason
} from './upnp.ts'

/** A mapper that finds no gateway gives up at DISCOVERY_TIMEOUT_MS; this is its time to say so. */
const GIVE_UP_SLACK_MS = 1_500

const unavailable = upnpUnavailableReason()
const inCI = process.env.CI === 'true' || process.env.CI === '1'
if (unavailable !== undefined && !inCI) {
  console.warn(`Skipping the UPnP / NAT-PMP lab tests: ${unavailable}. (With CI=true they fail instead.)`)
}

/** A test that needs the lab and miniupnpd: in CI without them, it fails with the reason. */
function labTest(name: string, fn: () => Promise<void>): void {
  it(name, async () => {
    if (unavailable !== undefined) throw new Error(`the UPnP lab cannot run here: ${unavailable}`)
    await fn()
  })
}

const blocked = (r: ConnectResult): string => (r.ok ? 'connected' : r.code)

function mapped(outcome: MapperOutcome) {
  if (!outcome.ok) throw new Error(`the mapper failed: ${outcome.code}: ${outcome.message}`)
  expect(outcome.mappings).toHaveLength(1)
  return outcome.mappings[0]
}

describe.runIf(unavailable === undefined || inCI)('home routers with UPnP and NAT-PMP (miniupnpd)', () => {
  let lab: Lab | undefined
  let gateway: UpnpGateway | undefined
  /** A TCP listener on hostA, behind routerA (which runs miniupnpd); routerB runs no gateway. */
  let listener: ListenProbe

  beforeAll(async () => {
    if (unavailable !== undefined) return
    lab = await buildLab()
    gateway = await startUpnpGateway(lab, 'routerA')
    listener = await listenProbe(lab, 'hostA', '0.0.0.0', 0)
  })

  afterAll(async () => {
    await gateway?.stop()
    await lab?.teardown()
    if (lab === undefined) return
    const { stdout } = await run('ip', ['netns', 'list'])
    expect(Object.values(lab.ns).filter(ns => stdout.includes(ns))).toEqual([])
    const left = await run('pgrep', ['-af', upnpTempPrefix(lab)], { check: false })
    expect(left.stdout).toBe('')
  })

  for (const protocol of ['upnp', 'nat-pmp'] as const) {
    labTest(
      `a ${protocol} mapping made on hostA opens 11.0.0.10:<port> to the internet until stop()`,
      async () => {
        const port = listener.port
        expect(blocked(await connectProbe(lab!, 'public', A.routerA, port))).toBe('ETIMEDOUT')

        const mapper = await runPortMapper(lab!, 'hostA', { ports: [{ port }], protocols: [protocol] })
        const m = mapped(mapper.outcome)
        expect(m).toMatchObject({ protocol, externalHost: A.routerA, externalPort: port })
        expect(m.multiaddr).toBe(`/ip4/${A.routerA}/tcp/${port}`)
        const through = await connectProbe(lab!, 'public', A.routerA, port)
        // Forwarded, not proxied: the listener on hostA sees the public peer's own address.
        expect(through).toMatchObject({ ok: true, received: { remoteAddress: A.public, localPort: port } })

        await mapper.stop()
        expect(await upnpRedirects(lab!, 'routerA')).not.toContain(`dport ${port} `)
        expect(blocked(await connectProbe(lab!, 'public', A.routerA, port))).toBe('ETIMEDOUT')
      }
    )
  }

  labTest(
    'when another LAN host holds the port, the mapping gets another one, and stop() removes that',
    async () => {
      const port = listener.port
      const other = await takeExternalPort(lab!, 'routerA', port)

      const mapper = await runPortMapper(lab!, 'hostA', { ports: [{ port }], protocols: ['upnp'] })
      const m = mapped(mapper.outcome)
      expect(m.externalPort).not.toBe(port)
      const through = await connectProbe(lab!, 'public', A.routerA, m.externalPort)
      expect(through).toMatchObject({ ok: true, received: { remoteAddress: A.public, localPort: port } })

      await mapper.stop()
      const left = await upnpRedirects(lab!, 'routerA')
      expect(left).not.toContain(`dport ${m.externalPort} `)
      expect(left).toContain(`dport ${port} dnat ip to ${other}:${port}`)
      expect(blocked(await connectProbe(lab!, 'public', A.routerA, m.externalPort))).toBe('ETIMEDOUT')
    }
  )

  labTest('the gateway refuses a mapping to another host than the one asking (secure mode)', async () => {
    const mapper = await runPortMapper(lab!, 'hostA', {
      ports: [{ port: listener.port, host: '192.168.1.50' }],
      protocols: ['upnp']
    })
    expect(mapper.outcome).toMatchObject({ ok: false, code: MappingRefusedError.code })
    expect(mapper.outcome.ok || mapper.outcome.message).toMatch(/refused the mapping of TCP port \d+: .*606/)
  })

  labTest(
    'behind routerB, which runs no gateway, the mapper gives up within its discovery timeout',
    async () => {
      const mapper = await runPortMapper(lab!, 'hostB', { ports: [{ port: 7001 }] })
      const { outcome } = mapper
      expect(outcome).toMatchObject({ ok: false, code: NoGatewayError.code })
      expect(outcome.ok || outcome.message).toContain(
        `no UPnP or NAT-PMP gateway answered within ${DISCOVERY_TIMEOUT_MS / 1000} s`
      )
      expect(outcome.ms).toBeGreaterThanOrEqual(DISCOVERY_TIMEOUT_MS - 50)
      expect(outcome.ms).toBeLessThan(DISCOVERY_TIMEOUT_MS + GIVE_UP_SLACK_MS)
      await mapper.stop()
    }
  )

  labTest(
    'p2pchat peer --upnp behind routerA is published at the mapped address and dialled directly',
    async () => {
      const dir = await tempDir('p2pchat-lab-upnp-')
      await writeFile(join(dir, 'password'), `${PASSWORD}\n`, { mode: 0o600 })
      const tracker = p2pchatIn(lab!, 'tracker', [
        'tracker',
        '--listen',
        `/ip4/${A.tracker}/tcp/4301`,
        '--data',
        join(dir, 'tracker'),
        '--scrypt-log-n',
        '10'
      ])
      const addr = (await tracker.waitLine(l => l.includes(`/ip4/${A.tracker}/tcp/4301/`))).trim()
      const alice = await peerIn(lab!, 'hostA', addr, 'alice', dir, '/ip4/0.0.0.0/tcp/0', ['--upnp'])
      expect(alice.ready.reachable).toBe(true)
      const carol = await peerIn(lab!, 'public', addr, 'carol', dir)
      carol.peer.send({ id: 'w', cmd: 'who' })
      const who = await carol.peer.wait(o => o.id === 'w')
      const entry = (who.users as Array<{ user: string; addrs: string[] }>).find(u => u.user === 'alice')
      expect(entry?.addrs).toHaveLength(1)
      expect(entry?.addrs[0]).toMatch(new RegExp(`^/ip4/${A.routerA.replaceAll('.', '\\.')}/tcp/\\d+/p2p/`))
      carol.peer.send({ id: 'm', cmd: 'msg', to: 'alice', text: 'through the mapping' })
      expect(await carol.peer.wait(o => o.event === 'delivered')).toMatchObject({ via: 'direct' })

      // Behind routerB there is no gateway: said once, and the peer carries on (through the relay).
      const bob = p2pchatIn(lab!, 'hostB', [
        'peer',
        '--tracker',
        addr,
        '--user',
        'bob',
        '--register',
        '--password-file',
        join(dir, 'password'),
        '--data',
        join(dir, 'bob'),
        '--upnp',
        '--json'
      ])
      const problem = JSON.parse(await bob.waitLine(l => l.includes('"event":"error"'), 20_000))
      expect(problem).toMatchObject({ code: 'NO_GATEWAY' })
      expect(problem.message).toMatch(
        /port mapping \(--upnp\) failed: .*others reach you through the tracker/
      )
      const ready = JSON.parse(await bob.waitLine(l => l.includes('"event":"ready"')))
      expect(ready.reachable).toBe(false)
    }
  )
})
