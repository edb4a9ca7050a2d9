import type {
  AbortOptions,
  Connection,
  ConnectionGater,
  Logger,
  MultiaddrConnection,
  PeerId
} from '@libp2p/interface'
import { Queue } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { CODE_P2P, multiaddr } from '@multiformats/multiaddr'

/**
 * How long a dial-back's TCP connect may take. A reachable peer accepts in well under a second even
 * across continents; a home router or firewall that drops the SYN would otherwise hold the login for the
 * kernel's ~2 min connect timeout. This is what a NAT'd peer's login waits.
 */
export const DEFAULT_DIAL_BACK_TIMEOUT_MS = 2_000
/**
 * Once TCP is connected, how long Noise may take. Someone is there; on a loaded tracker (a login storm)
 * or a slow link a handshake can take seconds, and giving up would publish a reachable peer as
 * unreachable.
 */
export const DEFAULT_DIAL_BACK_HANDSHAKE_TIMEOUT_MS = 10_000
/** The upgrade (Noise) of an outbound connection has begun: TCP is connected. */
const ENCRYPT_STARTED = 'upgrader:encrypt-outbound-connection'
/**
 * Dial-backs running at once: each is a handshake like an incoming login's. Below libp2p's own 100
 * parallel dials, so the tracker's other dials are never starved.
 */
export const DEFAULT_DIAL_BACK_CONCURRENCY = 64
/**
 * Dial-backs waiting for a turn; past this a login's addresses are not verified (it logs in, unpublished).
 * One per login in progress; the password hasher's queue already bounds those, this bounds the rest.
 */
export const MAX_QUEUED_DIAL_BACKS = 4_096
/**
 * A verified (PeerId, address) pair is trusted again for this long without dialling: a peer that
 * reconnects (a tracker restart, a flaky link) does not cost a dial per login. A peer that stops
 * listening there is found out by the people who dial it, never by more than this window.
 */
export const DEFAULT_VERIFIED_TTL_MS = 10 * 60_000
/** Verified pairs remembered at once (~150 B each); the oldest are forgotten first. */
export const MAX_VERIFIED_ENTRIES = 100_000

export interface DialBackComponents {
  /**
   * Open a new connection to `addr` (ending in `/p2p/<PeerId>`), never an existing one, through a node
   * whose connection gater includes this verifier's `gater`.
   */
  dial(
    addr: Multiaddr,
    options: AbortOptions & { onProgress?(evt: { type: string }): void }
  ): Promise<Connection>
  log: Logger
}

interface Probe {
  peer: PeerId
  /** Noise completed with `peer`'s key on this address. */
  proven: boolean
}

/** An address as a probe key: host and port, no `/p2p/`. */
function probeKey(addr: Multiaddr): string {
  return multiaddr(
    addr
      .getComponents()
      .filter(c => c.code !== CODE_P2P)
      .map(c => ({ code: c.code, name: c.name, value: c.value }))
  ).toString()
}

export interface DialBackInit {
  /** TCP connect. @default DEFAULT_DIAL_BACK_TIMEOUT_MS (2 s) */
  timeoutMs?: number
  /** Noise, once connected. @default DEFAULT_DIAL_BACK_HANDSHAKE_TIMEOUT_MS (10 s) */
  handshakeTimeoutMs?: number
  /** @default DEFAULT_DIAL_BACK_CONCURRENCY (64) */
  concurrency?: number
  /** @default DEFAULT_VERIFIED_TTL_MS (10 min) */
  verifiedTtlMs?: number
  /** Clock in ms, for tests. @default Date.now */
  now?: () => number
}

export interface DialBackStats {
  /** Dial-backs that reached the peer and Noise proved its PeerId. */
  verified: number
  /** Dial-backs that failed: nothing listening, someone else answering, timeout. */
  failed: number
  /** Addresses trusted from an earlier verification without dialling. */
  cached: number
  /** Addresses not checked because the queue was full. */
  skipped: number
}

/**
 * Verifies the addresses a peer publishes by dialling each back with its PeerId in the address, so Noise
 * proves the one who answers holds that PeerId's key: an address that reaches nobody, another peer or the
 * tracker itself is not published. The same check tells the NAT code whether a peer is reachable at all.
 */
export class DialBackVerifier {
  readonly #components: DialBackComponents
  readonly #timeoutMs: number
  readonly #handshakeTimeoutMs: number
  readonly #ttlMs: number
  readonly #now: () => number
  readonly #queue: Queue<boolean>
  /** `<PeerId> <addr>` → when its verification expires; insertion order is age order. */
  readonly #verified = new Map<string, number>()
  readonly #stop = new AbortController()
  /** Dial-backs in flight, by address: the gater ends each right after Noise. */
  readonly #probes = new Map<string, Probe[]>()
  readonly #stats: DialBackStats = { verified: 0, failed: 0, cached: 0, skipped: 0 }

  constructor(components: DialBackComponents, init: DialBackInit = {}) {
    this.#components = components
    this.#timeoutMs = init.timeoutMs ?? DEFAULT_DIAL_BACK_TIMEOUT_MS
    this.#handshakeTimeoutMs = init.handshakeTimeoutMs ?? DEFAULT_DIAL_BACK_HANDSHAKE_TIMEOUT_MS
    this.#ttlMs = init.verifiedTtlMs ?? DEFAULT_VERIFIED_TTL_MS
    this.#now = init.now ?? Date.now
    this.#queue = new Queue({
      concurrency: init.concurrency ?? DEFAULT_DIAL_BACK_CONCURRENCY,
      maxSize: MAX_QUEUED_DIAL_BACKS
    })
  }

  get stats(): Readonly<DialBackStats> {
    return this.#stats
  }

  /**
   * Add to the node's connection gater. A dial-back ends the moment Noise has proven the key: the
   * tracker never makes it a connection, and the socket is gone before the login is answered, so the
   * peer (whose side may have set up a connection, Noise having agreed the muxer early) does not pick a
   * half-closed probe for its next stream to the tracker.
   */
  readonly gater: Pick<ConnectionGater, 'denyOutboundEncryptedConnection'> = {
    denyOutboundEncryptedConnection: (peer: PeerId, maConn: MultiaddrConnection): boolean => {
      const probes = this.#probes.get(probeKey(maConn.remoteAddr))
      if (probes === undefined) return false
      for (const probe of probes) if (probe.peer.equals(peer)) probe.proven = true
      return true
    }
  }

  /** The candidates (host and port only) that answer as `peer`, in their order. Never throws. */
  async verify(peer: PeerId, candidates: Multiaddr[]): Promise<Multiaddr[]> {
    const results = await Promise.all(candidates.map(addr => this.#check(peer, addr)))
    return candidates.filter((_, i) => results[i])
  }

  /**
   * Trust `addrs` of `peer` without dialling until `until` (at most the usual window from now): an
   * address proof this tracker (or another of its store) issued after dialling them.
   */
  trust(peer: PeerId, addrs: Multiaddr[], until: number): void {
    const expires = Math.min(until, this.#now() + this.#ttlMs)
    for (const addr of addrs) {
      const key = `${peer} ${addr}`
      if ((this.#verified.get(key) ?? 0) < expires) this.#remember(key, expires)
    }
  }

  /** When the trust in all of `addrs` of `peer` ends (verified or trusted), or undefined if one is not. */
  trustedUntil(peer: PeerId, addrs: Multiaddr[]): number | undefined {
    let until = Number.POSITIVE_INFINITY
    for (const addr of addrs) {
      const expires = this.#verified.get(`${peer} ${addr}`)
      if (expires === undefined || expires <= this.#now()) return undefined
      until = Math.min(until, expires)
    }
    return addrs.length === 0 ? undefined : until
  }

  /** Abort the dial-backs in progress; later calls verify nothing. */
  stop(): void {
    this.#stop.abort(new Error('the tracker is stopping'))
    this.#queue.abort()
  }

  async #check(peer: PeerId, addr: Multiaddr): Promise<boolean> {
    if (this.#stop.signal.aborted) return false
    const key = `${peer} ${addr}`
    const expires = this.#verified.get(key)
    if (expires !== undefined && expires > this.#now()) {
      this.#stats.cached++
      return true
    }
    if (this.#queue.size >= MAX_QUEUED_DIAL_BACKS) {
      this.#stats.skipped++
      this.#components.log('dial-back queue full: %a of %p not verified', addr, peer)
      return false
    }
    const ok = await this.#queue
      .add(options => this.#dial(peer, addr, options), { signal: this.#stop.signal })
      .catch(() => false)
    if (ok) this.#remember(key)
    return ok
  }

  async #dial(peer: PeerId, addr: Multiaddr, options: AbortOptions): Promise<boolean> {
    const deadline = new AbortController()
    const expire = (what: string, ms: number): ReturnType<typeof setTimeout> =>
      setTimeout(() => deadline.abort(new Error(`${what} took over ${ms} ms`)), ms)
    let timer = expire('the TCP connect', this.#timeoutMs)
    const onProgress = (evt: { type: string }): void => {
      if (evt.type !== ENCRYPT_STARTED) return
      clearTimeout(timer)
      timer = expire('the handshake', this.#handshakeTimeoutMs)
    }
    const signal = AbortSignal.any([deadline.signal, options.signal ?? this.#stop.signal])
    const key = probeKey(addr)
    const probe: Probe = { peer, proven: false }
    const probes = this.#probes.get(key) ?? []
    probes.push(probe)
    this.#probes.set(key, probes)
    try {
      const connection = await this.#components.dial(addr.encapsulate(multiaddr(`/p2p/${peer}`)), {
        signal,
        onProgress
      })
      // Only if the gater is not installed: still a proof (libp2p checked the key), but close it.
      connection.close().catch(err => connection.abort(err))
      probe.proven = connection.remotePeer.equals(peer)
    } catch (err) {
      // The gater's refusal after a proven key is how a probe normally ends.
      if (!probe.proven) {
        this.#components.log('dial-back to %a of %p failed: %s', addr, peer, (err as Error).message)
      }
    } finally {
      clearTimeout(timer)
      probes.splice(probes.indexOf(probe), 1)
      if (probes.length === 0) this.#probes.delete(key)
    }
    if (probe.proven) this.#stats.verified++
    else this.#stats.failed++
    return probe.proven
  }

  #remember(key: string, expires = this.#now() + this.#ttlMs): void {
    this.#verified.delete(key)
    this.#verified.set(key, expires)
    if (this.#verified.size > MAX_VERIFIED_ENTRIES) {
      const oldest = this.#verified.keys().next().value
      if (oldest !== undefined) this.#verified.delete(oldest)
    }
  }
}
