/**
 * A UPnP IGD as a `GatewayClient`: SSDP discovery and SOAP come from `@achingbrain/nat-port-mapper`
 * (IGDv2 gateways only); removing a mapping made on another external port is done here.
 */
import type { Gateway } from '@achingbrain/nat-port-mapper'
import { upnpNat } from '@achingbrain/nat-port-mapper'
import type { AbortOptions } from '@libp2p/interface'
import type { GatewayClient } from './gateway.ts'

/** M-SEARCH is repeated this often while discovering: multicast UDP gets lost. */
export const SSDP_SEARCH_INTERVAL_MS = 1_000
/** nat-port-mapper raises shorter UPnP leases to one hour. */
const UPNP_MIN_LEASE_SECONDS = 3_600
const WAN_IP_CONNECTION_2 = 'urn:schemas-upnp-org:service:WANIPConnection:2'

/** Search the LAN until an IPv4 IGDv2 answers or `signal` aborts. */
export async function findUpnp(description: string, signal: AbortSignal): Promise<GatewayClient> {
  const client = upnpNat({ autoRefresh: false, description })
  for await (const gw of client.findGateways({ signal, searchInterval: SSDP_SEARCH_INTERVAL_MS })) {
    if (gw.family === 'IPv4') return upnpGateway(gw, description)
  }
  throw new Error('no IGDv2 answered the SSDP search')
}

type SoapRun = (
  service: string,
  action: string,
  args: [string, string | number][],
  o: AbortOptions
) => Promise<unknown>

function upnpGateway(gw: Gateway, description: string): GatewayClient {
  return {
    protocol: 'upnp',
    address: gw.host,
    externalIp: options => gw.externalIp(options),
    async map({ internalHost, internalPort, externalPort, leaseSeconds }, options) {
      const m = await gw.map(internalPort, internalHost, {
        ...options,
        externalPort,
        protocol: 'TCP',
        ttl: leaseSeconds * 1000,
        autoRefresh: false, // PortMapper renews, and knows when that fails
        description
      })
      return { externalPort: m.externalPort, leaseSeconds: Math.max(leaseSeconds, UPNP_MIN_LEASE_SECONDS) }
    },
    async unmap({ internalPort, externalPort }, options) {
      // nat-port-mapper 4's unmap() deletes external port = internal port, so a mapping on another
      // external port would stay: ask its device (a protected method) for DeletePortMapping itself.
      const device = await (
        gw as unknown as { getGateway?(o: AbortOptions): Promise<{ run: SoapRun }> }
      ).getGateway?.(options)
      if (device === undefined && externalPort === internalPort) return gw.unmap(internalPort, options)
      if (device === undefined)
        throw new Error(`cannot delete external port ${externalPort}: it ends with its lease`)
      const args: [string, string | number][] = [
        ['NewRemoteHost', ''],
        ['NewExternalPort', externalPort],
        ['NewProtocol', 'TCP']
      ]
      await device.run(WAN_IP_CONNECTION_2, 'DeletePortMapping', args, options)
    }
  }
}
