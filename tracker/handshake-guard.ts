import type { ConnectionGater, Logger, MultiaddrConnection, PeerId } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import type { Multiaddr } from '@multiformats/multiaddr'
import { BusyError, TimeoutError } from '../src/errors.ts'
import type { NodeInit } from '../src/node.ts'
import { SERVER_INBOUND_UPGRADE_TIMEOUT_MS, SERVER_MAX_PENDING_CONNECTIONS } from '../src/node.ts'
import { loginSource } from './login-throttle.ts'

/**
 * Handshakes (TCP accepted, Noise and the muxer not done yet) running at once, as libp2p allowed before:
 * each costs a few KiB and two X25519 operations; a real one finishes in a few round trips.
 */
export const DEFAULT_MAX_PENDING_HANDSHAKES = SERVER_MAX_PENDING_CONNECTIONS
/**
 * Share of those slots only hosts that completed a login may use: 128 of 512 handshakes of a few
 * milliseconds each let returning users in by the thousand per second while strangers fill the rest.
 */
export const DEFAULT_KNOWN_RESERVED_SHARE = 0.25
/**
 * Pending handshakes one host without a login may hold: a class behind one NAT connecting for the first
 * time fits (registrations allow 20 per host at once), a flood from one host takes 1/12 of the strangers'.
 */
export const DEFAULT_PENDING_PER_STRANGER_HOST = 32
/**
 * A host that completed a login may hold more: a campus or carrier NAT whose users reconnect together
 * after a tracker restart; half the table, so two such hosts cannot take all of it.
 */
export const DEFAULT_PENDING_PER_KNOWN_HOST = 256
/** A handshake's deadline while the table is not under pressure: libp2p's inbound upgrade timeout, as before. */
export const DEFAULT_HANDSHAKE_DEADLINE_MS = SERVER_INBOUND_UPGRADE_TIMEOUT_MS
/**
 * A stranger's deadline when its share is full: a real handshake is 4–5 round trips (TCP, protocol
 * select, Noise XX, muxer select), 1.5 s at a 300 ms satellite RTT; twice that, and a stall frees its
 * slot ten times sooner than before.
 */
export const DEFAULT_STRANGER_DEADLINE_FLOOR_MS = 3_000
/**
 * A known host's deadline when the whole table is full: a returning user on a bad mobile link gets
 * three times a stranger's floor; not the full 30 s, since one login makes an attacker's host known too.
 */
export const DEFAULT_KNOWN_DEADLINE_FLOOR_MS = 10_000
/** Deadlines stay full up to this load (pending / room), then shrink linearly to their floor at 100 %. */
export const PRESSURE_THRESHOLD = 0.5
/** How often handshakes past their deadline are aborted, while any is pending: deadlines are seconds. */
export const SWEEP_INTERVAL_MS = 500
/** A host is known this long after its last login, as the login back-off remembers a device (in memory: a restart forgets). */
export const KNOWN_HOST_MEMORY_MS = 30 * 24 * 60 * 60_000
/** Known hosts remembered (~100 B each, ≤ 10 MB); the one whose last login is oldest is forgotten first. */
export const MAX_KNOWN_HOSTS = 100_000
/**
 * libp2p's own pending cap, checked before the gater, as a multiple of the guard's: it also counts
 * handshakes the guard has just refused or aborted until their upgrade unwinds (a tick), and the guard
 * must see every connection while it is full to make room for a known or a lighter host.
 */
export const LIBP2P_PENDING_FACTOR = 2

export interface HandshakeGuardInit {
  /**
   * Off: no per-host limit, reserve or shrinking deadline; libp2p's flat 512 pending and 30 s (for
   * comparisons in benchmarks).
   * @default true
   */
  enabled?: boolean
  /** Handshakes pending at once. @default DEFAULT_MAX_PENDING_HANDSHAKES (512) */
  maxPending?: number
  /** Share of `maxPending` only known hosts may use. @default DEFAULT_KNOWN_RESERVED_SHARE (0.25) */
  knownReservedShare?: number
  /** Pending handshakes per host that has not logged in. @default DEFAULT_PENDING_PER_STRANGER_HOST (32) */
  pendingPerStrangerHost?: number
  /** Pending handshakes per host that has logged in. @default DEFAULT_PENDING_PER_KNOWN_HOST (256) */
  pendingPerKnownHost?: number
  /** Deadline while there is no pressure. @default DEFAULT_HANDSHAKE_DEADLINE_MS (30 s) */
  deadlineMs?: number
  /** Strangers' deadline when their share is full. @default DEFAULT_STRANGER_DEADLINE_FLOOR_MS (3 s) */
  strangerDeadlineFloorMs?: number
  /** Known hosts' deadline when the table is full. @default DEFAULT_KNOWN_DEADLINE_FLOOR_MS (10 s) */
  knownDeadlineFloorMs?: number
  /** Clock in ms, for tests. @default Date.now */
  now?: () => number
}

export interface HandshakeStats {
  /** Handshakes pending now, in all and by class. */
  pending: number
  pendingKnown: number
  pendingStrangers: number
  /** Hosts remembered as having logged in. */
  knownHosts: number
  /** Handshakes let through the gater since start. */
  admitted: number
  /** Of those, handshakes that finished (Noise and muxer). */
  completed: number
  /** Refused because their host had its own limit of pending handshakes. */
  refusedPerHost: number
  /** Refused because their class's room was full and no busier host could give up a slot. */
  refusedFull: number
  /** Aborted to make room for a known host or a host with fewer pending. */
  evicted: number
  /** Aborted because they passed the deadline for the load at the time. */
  timedOut: number
}

/** The deadline for a handshake at `load` (pending / room): full up to the threshold, then down to `floorMs`. */
export function handshakeDeadline(load: number, fullMs: number, floorMs: number): number {
  if (load <= PRESSURE_THRESHOLD) return fullMs
  const t = Math.min(1, (load - PRESSURE_THRESHOLD) / (1 - PRESSURE_THRESHOLD))
  return Math.round(fullMs - (fullMs - Math.min(floorMs, fullMs)) * t)
}

interface Pending {
  readonly maConn: MultiaddrConnection
  readonly host: HostHandshakes
  readonly since: number
  readonly pool: Pool
  readonly onClose: () => void
}

interface HostHandshakes {
  readonly key: string
  /** Oldest first. */
  readonly handshakes: Set<Pending>
}

/** The pending handshakes of one class (known or stranger hosts), by host, with the busiest at hand. */
class Pool {
  /** Oldest first. */
  readonly all = new Set<Pending>()
  readonly #hosts = new Map<string, HostHandshakes>()
  /** Hosts by their number of pending handshakes; counts move by one, so the maximum is kept in O(1). */
  readonly #byCount = new Map<number, Set<HostHandshakes>>()
  #max = 0

  get size(): number {
    return this.all.size
  }

  count(key: string): number {
    return this.#hosts.get(key)?.handshakes.size ?? 0
  }

  add(key: string, maConn: MultiaddrConnection, since: number, onClose: () => void): Pending {
    let host = this.#hosts.get(key)
    if (host === undefined) {
      host = { key, handshakes: new Set() }
      this.#hosts.set(key, host)
    }
    const pending: Pending = { maConn, host, since, pool: this, onClose }
    this.#move(host, host.handshakes.size, host.handshakes.size + 1)
    host.handshakes.add(pending)
    this.all.add(pending)
    return pending
  }

  delete(pending: Pending): boolean {
    if (!this.all.delete(pending)) return false
    const host = pending.host
    this.#move(host, host.handshakes.size, host.handshakes.size - 1)
    host.handshakes.delete(pending)
    if (host.handshakes.size === 0) this.#hosts.delete(host.key)
    return true
  }

  /** The oldest handshake of a host with the most pending, and that host's count. */
  busiest(): { victim: Pending; count: number } | undefined {
    const host = this.#byCount.get(this.#max)?.values().next().value
    const victim = host?.handshakes.values().next().value
    return victim === undefined ? undefined : { victim, count: this.#max }
  }

  #move(host: HostHandshakes, from: number, to: number): void {
    const bucket = this.#byCount.get(from)
    bucket?.delete(host)
    if (bucket?.size === 0) this.#byCount.delete(from)
    if (to > 0) {
      const next = this.#byCount.get(to) ?? new Set()
      next.add(host)
      this.#byCount.set(to, next)
    }
    if (to > this.#max) this.#max = to
    else if (from === this.#max && bucket?.size === 0) this.#max = to
  }
}

/**
 * Limits handshakes in progress, so connections that stall before Noise completes (a half-open flood)
 * cannot lock logins out. Add `gater` to the server's connection gater and `nodeLimits` to its node.
 *
 * - A handshake is counted from libp2p's `denyInboundConnection` until `denyInboundUpgradedConnection`
 *   (Noise and muxer done) or the connection closes.
 * - Hosts (IPv4 address, IPv6 /64) that completed a login recently are *known*. Strangers may use only
 *   `maxPending` less a reserved share; each host has its own cap, larger when known (shared NATs).
 * - When a class's room is full, a newcomer takes the oldest slot of the host holding the most — if that
 *   host holds at least two more than the newcomer's (a fair share each) — or, for a known newcomer, the
 *   busiest stranger's; otherwise it is refused (libp2p resets the socket; clients retry with back-off).
 * - Deadlines shrink with load: full up to half the room, then linearly to a floor, lower for strangers.
 */
export class HandshakeGuard {
  readonly enabled: boolean
  readonly maxPending: number
  readonly strangerRoom: number
  readonly pendingPerStrangerHost: number
  readonly pendingPerKnownHost: number
  readonly deadlineMs: number
  readonly strangerFloorMs: number
  readonly knownFloorMs: number
  readonly #now: () => number
  readonly #log: Logger
  readonly #strangers = new Pool()
  readonly #known = new Pool()
  readonly #byConn = new Map<MultiaddrConnection, Pending>()
  /** Host → last login; oldest first. */
  readonly #knownHosts = new Map<string, number>()
  #timer?: ReturnType<typeof setInterval>
  readonly #stats = {
    admitted: 0,
    completed: 0,
    refusedPerHost: 0,
    refusedFull: 0,
    evicted: 0,
    timedOut: 0
  }

  constructor(init: HandshakeGuardInit = {}) {
    this.enabled = init.enabled ?? true
    this.maxPending = init.maxPending ?? DEFAULT_MAX_PENDING_HANDSHAKES
    const reserved = Math.round(this.maxPending * (init.knownReservedShare ?? DEFAULT_KNOWN_RESERVED_SHARE))
    this.strangerRoom = Math.max(0, this.maxPending - reserved)
    this.pendingPerStrangerHost = init.pendingPerStrangerHost ?? DEFAULT_PENDING_PER_STRANGER_HOST
    this.pendingPerKnownHost = init.pendingPerKnownHost ?? DEFAULT_PENDING_PER_KNOWN_HOST
    this.deadlineMs = init.deadlineMs ?? DEFAULT_HANDSHAKE_DEADLINE_MS
    this.strangerFloorMs = init.strangerDeadlineFloorMs ?? DEFAULT_STRANGER_DEADLINE_FLOOR_MS
    this.knownFloorMs = init.knownDeadlineFloorMs ?? DEFAULT_KNOWN_DEADLINE_FLOOR_MS
    this.#now = init.now ?? Date.now
    this.#log = logger('p2pchat:tracker:handshakes')
    if (!this.enabled) this.gater = {}
  }

  /** Add to the server's connection gater (empty when disabled). */
  readonly gater: Pick<ConnectionGater, 'denyInboundConnection' | 'denyInboundUpgradedConnection'> = {
    denyInboundConnection: (maConn: MultiaddrConnection): boolean => !this.#admit(maConn),
    denyInboundUpgradedConnection: (_peer: PeerId, maConn: MultiaddrConnection): boolean => {
      const pending = this.#byConn.get(maConn)
      if (pending !== undefined) {
        this.#release(pending)
        this.#stats.completed++
      }
      return false
    }
  }

  /** libp2p's own limits for the node, set so that the guard is what decides. */
  get nodeLimits(): Required<Pick<NodeInit, 'maxPendingConnections' | 'inboundUpgradeTimeoutMs'>> {
    if (!this.enabled) {
      return {
        maxPendingConnections: SERVER_MAX_PENDING_CONNECTIONS,
        inboundUpgradeTimeoutMs: SERVER_INBOUND_UPGRADE_TIMEOUT_MS
      }
    }
    return {
      maxPendingConnections: this.maxPending * LIBP2P_PENDING_FACTOR,
      // A backstop only: the sweep aborts first, and counts it.
      inboundUpgradeTimeoutMs: this.deadlineMs + 2 * SWEEP_INTERVAL_MS
    }
  }

  get stats(): HandshakeStats {
    return {
      pending: this.#byConn.size,
      pendingKnown: this.#known.size,
      pendingStrangers: this.#strangers.size,
      knownHosts: this.#knownHosts.size,
      ...this.#stats
    }
  }

  /** A login succeeded on a connection from `remoteAddr`: its host is known from now on. */
  loginSucceeded(remoteAddr: Multiaddr): void {
    const key = loginSource(remoteAddr)
    this.#knownHosts.delete(key)
    this.#knownHosts.set(key, this.#now())
    if (this.#knownHosts.size > MAX_KNOWN_HOSTS) {
      const oldest = this.#knownHosts.keys().next().value
      if (oldest !== undefined) this.#knownHosts.delete(oldest)
    }
  }

  /** Whether `remoteAddr`'s host completed a login within `KNOWN_HOST_MEMORY_MS`. */
  isKnown(remoteAddr: Multiaddr): boolean {
    return this.#isKnown(loginSource(remoteAddr), this.#now())
  }

  /** The deadline a known or a stranger's handshake has at the present load. */
  deadline(known: boolean): number {
    const pending = this.#byConn.size
    if (known) return handshakeDeadline(pending / this.maxPending, this.deadlineMs, this.knownFloorMs)
    const load = Math.max(this.#strangers.size / Math.max(1, this.strangerRoom), pending / this.maxPending)
    return handshakeDeadline(load, this.deadlineMs, this.strangerFloorMs)
  }

  /** Abort the handshakes older than their class's deadline at the present load. Cost: O(aborted + 2). */
  sweep(now = this.#now()): void {
    const deadlines: Array<[Pool, number]> = [
      [this.#strangers, this.deadline(false)],
      [this.#known, this.deadline(true)]
    ]
    for (const [pool, deadline] of deadlines) {
      for (const pending of pool.all) {
        if (now - pending.since < deadline) break
        this.#stats.timedOut++
        this.#abort(pending, new TimeoutError(`handshake not finished within ${deadline} ms`))
      }
    }
  }

  /** Stop the sweep timer (handshakes still pending are left to libp2p's own timeout). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  #admit(maConn: MultiaddrConnection): boolean {
    // Gone already: no 'close' event would come to release a slot.
    if (maConn.status !== 'open') return false
    const now = this.#now()
    const key = loginSource(maConn.remoteAddr)
    const known = this.#isKnown(key, now)
    const own = this.#known.count(key) + this.#strangers.count(key)
    const cap = known ? this.pendingPerKnownHost : this.pendingPerStrangerHost
    if (own >= cap) {
      this.#stats.refusedPerHost++
      this.#log('refused a handshake from %s: %d pending from that host', key, own)
      return false
    }
    if (!this.#makeRoom(known, own)) {
      this.#stats.refusedFull++
      this.#log(
        'refused a handshake from %s: %d pending (%d strangers)',
        key,
        this.#byConn.size,
        this.#strangers.size
      )
      return false
    }
    const pool = known ? this.#known : this.#strangers
    const pending = pool.add(key, maConn, now, () => this.#release(pending))
    this.#byConn.set(maConn, pending)
    maConn.addEventListener('close', pending.onClose, { once: true })
    this.#stats.admitted++
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS)
      this.#timer.unref?.()
    }
    return true
  }

  /** Whether a handshake of this class may start, after evicting one if that is fair. */
  #makeRoom(known: boolean, own: number): boolean {
    const strangersFull = !known && this.#strangers.size >= this.strangerRoom
    const totalFull = this.#byConn.size >= this.maxPending
    if (!strangersFull && !totalFull) return true
    // Known hosts come before strangers once the reserve is used up; within a class, fair shares.
    let pool = this.#known
    let fair = true
    if (strangersFull) pool = this.#strangers
    else if (known && this.#strangers.size > 0) {
      pool = this.#strangers
      fair = false
    }
    const busiest = pool.busiest()
    if (busiest === undefined || (fair && busiest.count < own + 2)) return false
    this.#stats.evicted++
    this.#abort(busiest.victim, new BusyError('handshake evicted: too many pending from its host'))
    return true
  }

  #isKnown(key: string, now: number): boolean {
    const last = this.#knownHosts.get(key)
    if (last === undefined) return false
    if (now - last > KNOWN_HOST_MEMORY_MS) {
      this.#knownHosts.delete(key)
      return false
    }
    return true
  }

  #abort(pending: Pending, err: Error): void {
    this.#release(pending)
    pending.maConn.abort(err)
  }

  #release(pending: Pending): void {
    if (!pending.pool.delete(pending)) return
    this.#byConn.delete(pending.maConn)
    pending.maConn.removeEventListener('close', pending.onClose)
    if (this.#byConn.size === 0) this.stop()
  }
}
