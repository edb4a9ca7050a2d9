/**
 * What the port mapper needs of a gateway, whichever protocol it speaks, and discovery: a UPnP IGD
 * and a NAT-PMP gateway are looked for at once, and the first to answer is used.
 */
import { isIPv4 } from 'node:net'
import type { AbortOptions } from '@libp2p/interface'
import { isPrivateIp } from '@libp2p/utils'
import { DoubleNatError, NoExternalAddressError, NoGatewayError } from '../../src/errors.ts'
import { findPmp } from './nat-pmp.ts'
import type { ResolvedPortMapperInit } from './port-mapper.ts'
import { findUpnp } from './upnp-gateway.ts'

export const PORT_MAPPING_PROTOCOLS = ['upnp', 'nat-pmp'] as const
export type PortMappingProtocol = (typeof PORT_MAPPING_PROTOCOLS)[number]
const NAMES: Record<PortMappingProtocol, string> = { upnp: 'UPnP', 'nat-pmp': 'NAT-PMP' }

export interface MapRequest {
  internalHost: string
  internalPort: number
  externalPort: number
  leaseSeconds: number
}

/** One gateway as `PortMapper` uses it; `map` resolves with what the gateway granted. */
export interface GatewayClient {
  readonly protocol: PortMappingProtocol
  readonly address: string
  externalIp(options: AbortOptions): Promise<string>
  map(req: MapRequest, options: AbortOptions): Promise<{ externalPort: number; leaseSeconds: number }>
  unmap(req: Omit<MapRequest, 'leaseSeconds'>, options: AbortOptions): Promise<void>
}

/** "the UPnP gateway 192.168.1.1": how error messages name a gateway. */
export const describeGateway = (gateway: GatewayClient) =>
  `the ${NAMES[gateway.protocol]} gateway ${gateway.address}`

/** Throw unless `ip` is a public IPv4 address a mapping on the gateway would make reachable. */
export function checkExternalAddress(ip: string, name: string): void {
  if (!isIPv4(ip) || ip === '0.0.0.0')
    throw new NoExternalAddressError(`${name} has no external address ("${ip}"): its internet link is down`)
  if (isPrivateIp(ip) === true)
    throw new DoubleNatError(
      `${name} has the private external address ${ip}: another NAT (double or carrier-grade NAT) sits ` +
        'between it and the internet, so a mapping there would not make this peer reachable'
    )
}

/** Look for a UPnP and a NAT-PMP gateway at once; the first to answer wins. */
export async function findGateway(init: ResolvedPortMapperInit, signal: AbortSignal): Promise<GatewayClient> {
  const done = new AbortController()
  const search = AbortSignal.any([signal, done.signal, AbortSignal.timeout(init.discoveryTimeoutMs)])
  const find = (p: PortMappingProtocol) =>
    (p === 'upnp' ? findUpnp(init.description, search) : findPmp(init.gateway, search)).catch(err => {
      throw new Error(`${NAMES[p]}: ${(err as Error).message}`)
    })
  try {
    return await Promise.any(init.protocols.map(find))
  } catch (err) {
    if (signal.aborted) throw signal.reason
    const names = init.protocols.map(p => NAMES[p]).join(' or ')
    const why = (err as AggregateError).errors.map(e => (e as Error).message).join('; ')
    const s = init.discoveryTimeoutMs / 1000
    throw new NoGatewayError(
      `no ${names} gateway answered within ${s} s (${why}): the router has both switched off, or there is none`
    )
  } finally {
    done.abort()
  }
}
