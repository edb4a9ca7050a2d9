import type { Logger } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { toP2PChatError } from '../../src/errors.ts'
import type { ListenPort } from './port-mapper.ts'
import { PortMapper } from './port-mapper.ts'

/**
 * `p2pchat peer --upnp`: ask the home router to forward the peer's TCP listen ports, and offer the mapped
 * public addresses to the tracker with the others. The tracker dials them back; only if that works is the
 * peer published as reachable (docs/nat.md). A router that cannot map is reported once and the peer
 * carries on (relay, reversal).
 */

/** What the peer needs of its listen addresses: `/ip4/<host>/tcp/<port>` entries are mapped. */
export interface ListenMappingComponents {
  /** The transport's listen addresses (0.0.0.0 included). */
  listenAddrs(): Multiaddr[]
  log: Logger
  /** Told once when mapping fails, or when a mapping is lost later. */
  onProblem(code: string, message: string): void
}

/** The IPv4 TCP ports to map (one per port: the router forwards a port to one host). */
export function portsToMap(addrs: Multiaddr[]): ListenPort[] {
  const ports = new Map<number, ListenPort>()
  for (const addr of addrs) {
    const [ip, tcp] = addr.getComponents()
    if (ip?.name !== 'ip4' || tcp?.name !== 'tcp' || ip.value === undefined || tcp.value === undefined)
      continue
    if (ip.value.startsWith('127.')) continue
    const port = Number(tcp.value)
    if (!ports.has(port)) ports.set(port, ip.value === '0.0.0.0' ? { port } : { port, host: ip.value })
  }
  return [...ports.values()]
}

export class ListenMapping {
  readonly #c: ListenMappingComponents
  #mapper?: PortMapper

  constructor(components: ListenMappingComponents) {
    this.#c = components
  }

  /** The public addresses mapped now (none before `start`, after a failure, or once the leases ran out). */
  get addrs(): Multiaddr[] {
    return this.#mapper?.mappings.map(m => m.multiaddr) ?? []
  }

  /** Map the listen ports; resolves when mapped or when that failed (the failure is reported, not thrown). */
  async start(): Promise<void> {
    const ports = portsToMap(this.#c.listenAddrs())
    if (ports.length === 0) {
      this.#c.onProblem('NO_EXTERNAL_ADDRESS', 'port mapping (--upnp): no IPv4 TCP listen address to map')
      return
    }
    const mapper = new PortMapper({ ports })
    this.#mapper = mapper
    mapper.addEventListener('expired', () =>
      this.#c.onProblem(
        'GATEWAY_TIMEOUT',
        'port mapping (--upnp): the router stopped renewing the mapping; others reach you through the tracker from the next login'
      )
    )
    mapper.addEventListener('renewal-failed', e =>
      this.#c.log(
        'renewing the port mapping failed (retry in %d ms): %s',
        e.detail.retryInMs,
        e.detail.error.message
      )
    )
    try {
      const mapped = await mapper.start()
      for (const m of mapped) {
        this.#c.log('%s mapped %s:%d to %a', m.protocol, m.internalHost, m.internalPort, m.multiaddr)
      }
    } catch (err) {
      const e = toP2PChatError(err)
      this.#c.onProblem(
        e.code,
        `port mapping (--upnp) failed: ${e.message}; others reach you through the tracker instead (docs/nat.md)`
      )
    }
  }

  /** Remove the mappings from the router (best effort). */
  async stop(): Promise<void> {
    await this.#mapper?.stop()
  }
}
