import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { portsToMap } from '../../peer/nat/index.ts'

describe('portsToMap (p2pchat peer --upnp)', () => {
  it('maps each IPv4 TCP port once, any-address ports without a host, and never loopback or IPv6', () => {
    const addrs = [
      '/ip4/0.0.0.0/tcp/4001',
      '/ip4/192.168.1.2/tcp/4001',
      '/ip4/192.168.1.2/tcp/4002',
      '/ip4/127.0.0.1/tcp/4003',
      '/ip6/::/tcp/4004',
      '/ip4/11.0.0.1/tcp/4001/p2p/12D3KooWEmU9bX83LKRfdAkMXzX9xBWUKKnMSRAkbgWHJyZ9EQ7Q/p2p-circuit'
    ].map(a => multiaddr(a))
    expect(portsToMap(addrs)).toEqual([{ port: 4001 }, { port: 4002, host: '192.168.1.2' }])
  })

  it('nothing to map without an IPv4 TCP listen address', () => {
    expect(portsToMap([multiaddr('/ip4/127.0.0.1/tcp/1'), multiaddr('/ip6/::1/tcp/2')])).toEqual([])
  })
})
