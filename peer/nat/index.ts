/**
 * NAT traversal on the peer's side. Port mapping on home routers: ask the LAN's gateway (UPnP IGD or NAT-PMP) to forward a TCP port from
 * its public address to this peer, renew the lease before it ends and remove it on stop. A mapped
 * address is only a candidate: the peer counts as reachable once the tracker has dialled it back.
 *
 * - `port-mapper.ts`: `PortMapper` (start, renew, stop, events), its options and defaults.
 * - `gateway.ts`: `GatewayClient`, what the mapper needs of a gateway; discovery of the first to answer.
 * - `upnp-gateway.ts`: UPnP discovery and SOAP from `@achingbrain/nat-port-mapper` (IGDv2 gateways only).
 * - `nat-pmp.ts`: NAT-PMP (RFC 6886), a few datagrams, done here.
 * - `listen-mapping.ts`: `--upnp` for a peer: map its listen ports and offer the mapped addresses.
 * - `reversal.ts`: connection reversal, a reachable peer asking an unreachable one to dial it.
 *
 * Failures are `P2PChatError`s with a stable code (`NO_GATEWAY`, `DOUBLE_NAT`, `NO_EXTERNAL_ADDRESS`,
 * `MAPPING_REFUSED`, `GATEWAY_TIMEOUT`; docs/errors.md).
 */

export {
  DoubleNatError,
  GatewayTimeoutError,
  MappingRefusedError,
  NoExternalAddressError,
  NoGatewayError
} from '../../src/errors.ts'
export type { GatewayClient, MapRequest, PortMappingProtocol } from './gateway.ts'
export { PORT_MAPPING_PROTOCOLS } from './gateway.ts'
export type { ListenMappingComponents } from './listen-mapping.ts'
export { ListenMapping, portsToMap } from './listen-mapping.ts'
export { defaultGateway, NAT_PMP_PORT } from './nat-pmp.ts'
export type {
  ListenPort,
  PortMapperComponents,
  PortMapperEvents,
  PortMapperInit,
  PortMapping,
  PortMappingError,
  ResolvedPortMapperInit
} from './port-mapper.ts'
export {
  DEFAULT_DESCRIPTION,
  DEFAULT_LEASE_SECONDS,
  DISCOVERY_TIMEOUT_MS,
  PortMapper,
  RENEW_AT_FRACTION,
  RENEW_RETRY_MS,
  REQUEST_TIMEOUT_MS
} from './port-mapper.ts'
export { acceptStopOnlyFrom, trackerOnlyRelayGater } from './relay-guard.ts'
export type { ReversalComponents } from './reversal.ts'
export {
  ConnectionReversal,
  directConnection,
  isReversed,
  REVERSAL_DIAL_TIMEOUT_MS,
  REVERSAL_FAILURE_MEMORY_MS,
  REVERSAL_TIMEOUT_MS
} from './reversal.ts'
export { SSDP_SEARCH_INTERVAL_MS } from './upnp-gateway.ts'
