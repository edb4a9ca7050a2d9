/**
 * The network-namespace NAT lab: the internet with home routers, built from Linux network namespaces,
 * veth pairs, a bridge and nftables, so p2pchat's trackers and peers can be run behind real NATs on one
 * machine. Needs root and nftables; docs/lab.md has the topology, the rules and how to use it by hand.
 *
 * ```ts
 * const lab = await buildLab({ portForwards: [{ router: 'routerA', port: 7001 }] })
 * try {
 *   lab.spawn('tracker', ['node', 'dist/src/cli.js', 'tracker', '--listen', '/ip4/11.0.0.1/tcp/4001'])
 *   await lab.exec('hostA', ['ss', '-tn'])
 * } finally {
 *   await lab.teardown()
 * }
 * ```
 *
 * - `tracker` 11.0.0.1 and `public` 11.0.0.2 sit on the internet switch (`inet`, 11.0.0.0/24).
 * - `routerA` (11.0.0.10, LAN 192.168.1.1) masquerades `hostA` 192.168.1.2; `routerB` (11.0.0.20, LAN
 *   192.168.2.1) masquerades `hostB` 192.168.2.2. Routers drop everything from the internet that is not a
 *   reply to what their LAN opened or a forwarded port.
 * - Namespaces are `p2pchat-<lab name>-<node>`. A lab is removed by `teardown()`, by a reaper process
 *   when its builder exits in any way, and (if named by `buildLab`) as stale by the next `buildLab`.
 * - `startUpnpGateway(lab, 'routerA')` runs miniupnpd (UPnP IGD and NAT-PMP) on a router;
 *   `runPortMapper(lab, 'hostA', …)` runs p2pchat's PortMapper behind it (upnp.ts).
 */
export type { ExecOptions, ExecResult } from './cleanup.ts'
export {
  cleanupLabs,
  DEFAULT_LAB_NAME,
  LAB_NAME_PATTERN,
  listLabs,
  NETNS_PREFIX,
  namespaceName,
  run
} from './cleanup.ts'
export type { BuildLabOptions, Lab, PortForward } from './netns.ts'
export { attachLab, buildLab, LabUnavailableError, labUnavailableReason, withLab } from './netns.ts'
export type { ConnectResult, Endpoint, ListenProbe } from './probes.ts'
export { connectProbe, DEFAULT_CONNECT_TIMEOUT_MS, listenProbe } from './probes.ts'
export type { HomeLan, LabAddresses, LabNode, LabRouter } from './topology.ts'
export { HOME_LANS, LAB_ADDRESSES, LAB_NODES, ROUTERS } from './topology.ts'
export type { MapperOutcome, MapperRun, MapperSpec, UpnpGateway, UpnpGatewayOptions } from './upnp.ts'
export {
  miniupnpdConfig,
  runPortMapper,
  startUpnpGateway,
  takeExternalPort,
  UPNP_FILTER_CHAIN,
  UPNP_NAT_CHAIN,
  UPNP_NAT_POSTROUTING_CHAIN,
  UPNP_NAT_TABLE,
  upnpRedirects,
  upnpRuleset,
  upnpTempPrefix,
  upnpUnavailableReason
} from './upnp.ts'
