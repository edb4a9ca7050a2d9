import type { AbortOptions } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import type { GatewayClient, MapRequest, PortMapperEvents, PortMapperInit } from '../../peer/nat/index.ts'
import {
  DoubleNatError,
  GatewayTimeoutError,
  MappingRefusedError,
  NoExternalAddressError,
  NoGatewayError,
  PortMapper
} from '../../peer/nat/index.ts'

/** Leases in these tests: short enough that renewal (at half) and expiry happen within a test. */
const SHORT_LEASE_S = 0.2

/** A gateway on 192.168.1.1 (in front of this host's 127.0.0.1) that records what it is asked. */
function fakeGateway(overrides: Partial<GatewayClient> = {}) {
  const maps: MapRequest[] = []
  const unmaps: Array<Omit<MapRequest, 'leaseSeconds'>> = []
  const gateway: GatewayClient = {
    protocol: 'upnp',
    address: '127.0.0.1',
    externalIp: async () => '11.0.0.10',
    async map(req) {
      maps.push(req)
      return { externalPort: req.externalPort, leaseSeconds: 3600 }
    },
    async unmap(req) {
      unmaps.push(req)
    },
    ...overrides
  }
  return { gateway, maps, unmaps }
}

function mapper(gateway: GatewayClient, init: Partial<PortMapperInit> = {}) {
  return new PortMapper({ ports: [{ port: 7001 }], ...init }, { findGateway: async () => gateway })
}

/** The next `name` event of `pm`, typed. */
const next = <K extends keyof PortMapperEvents>(pm: PortMapper, name: K) =>
  new Promise<PortMapperEvents[K]>(resolve => {
    pm.addEventListener(name, e => resolve(e as PortMapperEvents[K]), { once: true })
  })

const never = (o: AbortOptions) =>
  new Promise<never>((_, reject) => o.signal?.addEventListener('abort', () => reject(o.signal?.reason)))

describe('PortMapper', () => {
  it('maps each port on the same external port, as /ip4/<external address>/tcp/<port>', async () => {
    const { gateway, maps } = fakeGateway()
    const pm = mapper(gateway, { ports: [{ port: 7001 }, { port: 7002, host: '127.0.0.2' }] })
    const mappings = await pm.start()
    expect(mappings.map(m => `${m.multiaddr}`)).toEqual([
      '/ip4/11.0.0.10/tcp/7001',
      '/ip4/11.0.0.10/tcp/7002'
    ])
    expect(maps.map(m => [m.internalHost, m.internalPort, m.externalPort])).toEqual([
      ['127.0.0.1', 7001, 7001],
      ['127.0.0.2', 7002, 7002]
    ])
    await pm.stop()
  })

  for (const [ip, cls] of [
    ['192.168.0.5', DoubleNatError],
    ['10.1.2.3', DoubleNatError],
    ['100.64.0.9', DoubleNatError],
    ['0.0.0.0', NoExternalAddressError],
    ['', NoExternalAddressError]
  ] as const) {
    it(`does not map behind a gateway whose external address is "${ip}" (${cls.code})`, async () => {
      const { gateway, maps } = fakeGateway({ externalIp: async () => ip })
      const err = await mapper(gateway)
        .start()
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(cls)
      expect(err).toMatchObject({ code: cls.code })
      expect(maps).toEqual([])
    })
  }

  it('says which gateway refused what, and unmaps what it had mapped before', async () => {
    const { gateway, unmaps } = fakeGateway({
      async map(req) {
        if (req.internalPort === 7002) throw new Error('Code 718 - ConflictInMappingEntry')
        return { externalPort: 7101, leaseSeconds: 3600 }
      }
    })
    const err = await mapper(gateway, { ports: [{ port: 7001 }, { port: 7002 }] })
      .start()
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: MappingRefusedError.code })
    expect((err as Error).message).toBe(
      'the UPnP gateway 127.0.0.1 refused the mapping of TCP port 7002: Code 718 - ConflictInMappingEntry'
    )
    expect(unmaps).toEqual([{ internalHost: '127.0.0.1', internalPort: 7001, externalPort: 7101 }])
  })

  it('gives up on a gateway that does not answer after requestTimeoutMs', async () => {
    const { gateway } = fakeGateway({ externalIp: never })
    const started = Date.now()
    const err = await mapper(gateway, { requestTimeoutMs: 100 })
      .start()
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: GatewayTimeoutError.code })
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('renews before the lease ends, keeping the external port it was given', async () => {
    const { gateway, maps } = fakeGateway({
      async map(req) {
        maps.push(req)
        return { externalPort: 7101, leaseSeconds: SHORT_LEASE_S }
      }
    })
    const pm = mapper(gateway)
    await pm.start()
    const renewed = await next(pm, 'mapped')
    expect(maps.map(m => m.externalPort)).toEqual([7001, 7101])
    expect(renewed.detail[0].expiresAt).toBeGreaterThan(Date.now())
    await pm.stop()
  })

  it('reports a failed renewal and an expired lease as events, never as an unhandled rejection', async () => {
    let fail = false
    const { gateway } = fakeGateway({
      async externalIp() {
        if (!fail) return '11.0.0.10'
        await new Promise(resolve => setTimeout(resolve, SHORT_LEASE_S * 1000))
        throw new Error('connection reset')
      },
      map: async req => ({ externalPort: req.externalPort, leaseSeconds: SHORT_LEASE_S })
    })
    const pm = mapper(gateway)
    await pm.start()
    fail = true
    const [failed, expired] = await Promise.all([next(pm, 'renewal-failed'), next(pm, 'expired')])
    expect(failed.detail.error).toMatchObject({ code: MappingRefusedError.code })
    expect(expired.detail.map(m => m.externalPort)).toEqual([7001])
    expect(pm.mappings).toEqual([])
    await pm.stop()
  })

  it('unmaps the external port the gateway gave, at stop()', async () => {
    const { gateway, unmaps } = fakeGateway({ map: async () => ({ externalPort: 7101, leaseSeconds: 3600 }) })
    const pm = mapper(gateway)
    await pm.start()
    await pm.stop()
    expect(unmaps).toEqual([{ internalHost: '127.0.0.1', internalPort: 7001, externalPort: 7101 }])
    expect(pm.mappings).toEqual([])
  })

  it('fails with NO_GATEWAY when nothing runs NAT-PMP on the gateway (ICMP port unreachable)', async () => {
    const pm = new PortMapper({
      ports: [{ port: 7001 }],
      protocols: ['nat-pmp'],
      gateway: '127.0.0.1',
      discoveryTimeoutMs: 2_000
    })
    const err = await pm.start().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: NoGatewayError.code })
    expect((err as Error).message).toMatch(
      /^no NAT-PMP gateway answered within 2 s \(NAT-PMP: 127\.0\.0\.1 port 5351/
    )
  })
})
