/**
 * `PortMapper`: map this peer's TCP ports on the gateway at `start()`, renew the leases at half their
 * time, unmap at `stop()`, and tell listeners when a renewal fails or a lease runs out.
 */
import { createSocket } from 'node:dgram'
import type { AbortOptions } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import type { Multiaddr } from '@multiformats/multiaddr'
import { multiaddr } from '@multiformats/multiaddr'
import type { DoubleNatError, NoExternalAddressError, NoGatewayError } from '../../src/errors.ts'
import { GatewayTimeoutError, MappingRefusedError } from '../../src/errors.ts'
import type { GatewayClient, PortMappingProtocol } from './gateway.ts'
import { checkExternalAddress, describeGateway, findGateway, PORT_MAPPING_PROTOCOLS } from './gateway.ts'
import { NAT_PMP_PORT } from './nat-pmp.ts'

/** SSDP answers within MX (1 s) plus a description fetch; 5 s also covers a lost datagram, a slow router. */
export const DISCOVERY_TIMEOUT_MS = 5_000
/** One SOAP call or NAT-PMP exchange on the LAN: milliseconds normally, seconds for a busy router. */
export const REQUEST_TIMEOUT_MS = 3_000
/** The lease asked for; nat-port-mapper never asks a UPnP gateway for less than an hour anyway. */
export const DEFAULT_LEASE_SECONDS = 3_600
/** Renew when this share of the lease has passed (RFC 6886 §3.3: at half the lifetime). */
export const RENEW_AT_FRACTION = 0.5
/** After a failed renewal, try again this soon (the lease usually still has half its time). */
export const RENEW_RETRY_MS = 30_000
/** Shown in the router's table of mappings. */
export const DEFAULT_DESCRIPTION = 'p2pchat'

/** Why no mapping could be made: `code` is stable, the message names the gateway and the reason. */
export type PortMappingError =
  | NoGatewayError
  | DoubleNatError
  | NoExternalAddressError
  | MappingRefusedError
  | GatewayTimeoutError

/** A TCP port this peer listens on. */
export interface ListenPort {
  port: number
  /** The LAN address it listens on. @default the address this host uses towards the gateway */
  host?: string
}

export interface PortMapping {
  protocol: PortMappingProtocol
  /** The gateway's LAN address. */
  gateway: string
  internalHost: string
  internalPort: number
  externalHost: string
  externalPort: number
  /** `/ip4/<externalHost>/tcp/<externalPort>`: to publish, for the tracker to verify by dialling it. */
  multiaddr: Multiaddr
  /** When the lease ends unless renewed (ms since the epoch). */
  expiresAt: number
}

export interface PortMapperInit {
  ports: ListenPort[]
  /** The protocols to look for at once; the first gateway to answer is used. @default PORT_MAPPING_PROTOCOLS */
  protocols?: readonly PortMappingProtocol[]
  /** The NAT-PMP gateway. @default the default route's gateway (Linux; elsewhere NAT-PMP needs this) */
  gateway?: string
  /** @default DISCOVERY_TIMEOUT_MS */
  discoveryTimeoutMs?: number
  /** @default REQUEST_TIMEOUT_MS */
  requestTimeoutMs?: number
  /** @default DEFAULT_LEASE_SECONDS */
  leaseSeconds?: number
  /** @default DEFAULT_DESCRIPTION */
  description?: string
}
export type ResolvedPortMapperInit = Required<Omit<PortMapperInit, 'gateway'>> &
  Pick<PortMapperInit, 'gateway'>

export interface PortMapperEvents {
  /** Mappings made or renewed: the external address may have changed. */
  mapped: CustomEvent<PortMapping[]>
  /** A renewal failed; it is retried after `retryInMs` while the mapper runs. */
  'renewal-failed': CustomEvent<{ error: Error; retryInMs: number }>
  /** The leases ran out unrenewed: stop publishing these addresses. */
  expired: CustomEvent<PortMapping[]>
}

export interface PortMapperComponents {
  /** Find a gateway or throw (`NoGatewayError`). @default UPnP and NAT-PMP on the LAN */
  findGateway?(init: ResolvedPortMapperInit, signal: AbortSignal): Promise<GatewayClient>
}

/** Maps the ports at `start()`, renews them, unmaps them at `stop()`; never rejects outside those two. */
export class PortMapper extends TypedEventEmitter<PortMapperEvents> {
  readonly #init: ResolvedPortMapperInit
  readonly #findGateway: NonNullable<PortMapperComponents['findGateway']>
  readonly #log = logger('p2pchat:peer:port-mapping')
  #gateway: GatewayClient | undefined
  #mappings: PortMapping[] = []
  #expired = false
  #lifetime = new AbortController()
  #timer: ReturnType<typeof setTimeout> | undefined
  #renewing: Promise<void> | undefined

  constructor(init: PortMapperInit, components: PortMapperComponents = {}) {
    super()
    this.#init = {
      ...init,
      protocols: init.protocols ?? PORT_MAPPING_PROTOCOLS,
      discoveryTimeoutMs: init.discoveryTimeoutMs ?? DISCOVERY_TIMEOUT_MS,
      requestTimeoutMs: init.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      leaseSeconds: init.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
      description: init.description ?? DEFAULT_DESCRIPTION
    }
    this.#findGateway = components.findGateway ?? findGateway
  }

  /** The current mappings: none before `start()`, after `stop()` or once the leases expired. */
  get mappings(): PortMapping[] {
    return this.#expired ? [] : [...this.#mappings]
  }

  /** Find a gateway, map every port (on the same external port if free); rejects with a PortMappingError. */
  async start(options: AbortOptions = {}): Promise<PortMapping[]> {
    if (this.#gateway !== undefined) return this.mappings
    this.#lifetime = new AbortController()
    const signal = AbortSignal.any([this.#lifetime.signal, ...(options.signal ? [options.signal] : [])])
    this.#gateway = await this.#findGateway(this.#init, signal)
    const made: PortMapping[] = []
    try {
      await this.#mapAll(this.#gateway, signal, made)
    } catch (err) {
      this.#mappings = made // unmap what was mapped before the failure
      await this.stop()
      throw err
    }
    this.#mappings = made
    this.#log('mapped %s via %s', made.map(m => m.multiaddr).join(', '), this.#gateway.address)
    this.#schedule(this.#leaseMs() * RENEW_AT_FRACTION)
    return this.mappings
  }

  /** Unmap everything, best effort: a failure is logged (the lease ends anyway). */
  async stop(options: AbortOptions = {}): Promise<void> {
    clearTimeout(this.#timer)
    this.#lifetime.abort()
    await this.#renewing
    const [gateway, mappings] = [this.#gateway, this.#mappings]
    this.#gateway = undefined
    this.#mappings = []
    const unmap = async ({ internalHost, internalPort, externalPort, multiaddr }: PortMapping) => {
      const signal = this.#requestSignal(options.signal)
      await gateway?.unmap({ internalHost, internalPort, externalPort }, { signal }).catch(err => {
        this.#log.error('could not unmap %s: %e', multiaddr, err)
      })
    }
    await Promise.all(mappings.map(unmap))
  }

  /** Map every port into `made` (asking for the external ports held so far), then announce them. */
  async #mapAll(gateway: GatewayClient, signal: AbortSignal, made: PortMapping[]): Promise<void> {
    const held = new Map(this.#mappings.map(m => [m.internalPort, m.externalPort]))
    const ask = <T>(what: string, fn: (o: AbortOptions) => Promise<T>) => this.#ask(gateway, what, signal, fn)
    const externalHost = await ask('its external address', o => gateway.externalIp(o))
    checkExternalAddress(externalHost, describeGateway(gateway))
    const local = await localAddressTowards(gateway.address)
    for (const { port, host } of this.#init.ports) {
      const internalHost = host === undefined || host === '0.0.0.0' ? local : host
      const req = { internalHost, internalPort: port, externalPort: held.get(port) ?? port }
      const { leaseSeconds } = this.#init
      const granted = await ask(`the mapping of TCP port ${port}`, o =>
        gateway.map({ ...req, leaseSeconds }, o)
      )
      const { externalPort } = granted
      const expiresAt = Date.now() + granted.leaseSeconds * 1000
      const addr = multiaddr(`/ip4/${externalHost}/tcp/${externalPort}`)
      made.push({
        ...req,
        protocol: gateway.protocol,
        gateway: gateway.address,
        externalHost,
        externalPort,
        multiaddr: addr,
        expiresAt
      })
    }
    this.#expired = false
    this.safeDispatchEvent('mapped', { detail: [...made] })
  }

  /** One request, bounded by `requestTimeoutMs`; its failure says which gateway failed at what. */
  async #ask<T>(
    gateway: GatewayClient,
    what: string,
    signal: AbortSignal,
    fn: (o: AbortOptions) => Promise<T>
  ): Promise<T> {
    try {
      return await fn({ signal: this.#requestSignal(signal) })
    } catch (err) {
      if (signal.aborted) throw signal.reason
      const { name, message } = err as Error
      if (name !== 'TimeoutError' && name !== 'AbortError')
        throw new MappingRefusedError(`${describeGateway(gateway)} refused ${what}: ${message}`, {
          cause: err
        })
      const s = this.#init.requestTimeoutMs / 1000
      throw new GatewayTimeoutError(
        `${describeGateway(gateway)} did not answer within ${s} s when asked for ${what}`
      )
    }
  }

  #requestSignal(signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.#init.requestTimeoutMs)
    return signal === undefined ? timeout : AbortSignal.any([signal, timeout])
  }

  #leaseMs(): number {
    return Math.min(...this.#mappings.map(m => m.expiresAt)) - Date.now()
  }

  #schedule(ms: number): void {
    if (!Number.isFinite(ms)) return // no ports: nothing to renew
    const renew = () => {
      this.#renewing = this.#renew().finally(() => {
        this.#renewing = undefined
      })
    }
    this.#timer = setTimeout(renew, ms)
    this.#timer.unref?.()
  }

  /** Map again on the external ports held; on failure tell listeners and retry. Never rejects. */
  async #renew(): Promise<void> {
    const gateway = this.#gateway
    if (gateway === undefined || this.#lifetime.signal.aborted) return
    const made: PortMapping[] = []
    try {
      await this.#mapAll(gateway, this.#lifetime.signal, made)
      this.#mappings = made
      this.#schedule(this.#leaseMs() * RENEW_AT_FRACTION)
    } catch (err) {
      if (this.#lifetime.signal.aborted) return
      this.#log.error('could not renew the port mappings: %e', err)
      if (!this.#expired && this.#leaseMs() <= 0) {
        this.#expired = true
        this.safeDispatchEvent('expired', { detail: [...this.#mappings] })
      }
      this.safeDispatchEvent('renewal-failed', { detail: { error: err as Error, retryInMs: RENEW_RETRY_MS } })
      this.#schedule(RENEW_RETRY_MS)
    }
  }
}

/** The local address the kernel would use to reach `address` (connecting a UDP socket sends nothing). */
async function localAddressTowards(address: string): Promise<string> {
  const socket = createSocket('udp4')
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.connect(NAT_PMP_PORT, address, resolve)
    })
    return socket.address().address
  } finally {
    socket.close()
  }
}
