import { RELAY_V2_HOP_CODEC, RELAY_V2_STOP_CODEC } from '@libp2p/circuit-relay-v2'
import type { Connection, ConnectionGater, PeerId, Stream } from '@libp2p/interface'
import type { NodeInit, P2PChatNode } from '../src/node.ts'

/**
 * The tracker as a circuit relay (v2) for its own users: a peer nobody can dial holds a slot, others reach
 * it at <tracker>/p2p-circuit/p2p/<peer>. Only logged-in users may reserve, a relayed connection is set up
 * only between two logged-in users, a slot ends with its session, and each user's relayed connections and
 * bytes are capped; what a relayed connection carries is Noise between the peers (docs/nat.md).
 */

/** Relay slots at once: one per logged-in user nobody can dial (libp2p's default of 15 is for helpers). */
export const DEFAULT_RELAY_MAX_RESERVATIONS = 1_000
/** Bytes one relayed connection may carry (both directions together) before the relay cuts it. */
export const DEFAULT_RELAY_DATA_LIMIT_BYTES = 64 * 1024 * 1024
/** How long one relayed connection may stay open; chat re-dials when it is cut (nothing is lost). */
export const DEFAULT_RELAY_DURATION_LIMIT_MS = 30 * 60_000
/** Relayed connections open at once, all users together: each costs two streams and their buffers. */
export const DEFAULT_RELAY_MAX_CONNECTIONS = 2_000
/** Relayed connections one user may have open at once (as either end): chat needs one per contact. */
export const DEFAULT_RELAY_MAX_CONNECTIONS_PER_USER = 16
/** Bytes one user may send through the relay per hour: the operator's bandwidth is shared. */
export const DEFAULT_RELAY_USER_BYTES_PER_HOUR = 1024 * 1024 * 1024
/** The window of the per-user byte allowance. */
export const RELAY_QUOTA_WINDOW_MS = 60 * 60_000

export interface RelayInit {
  /** @default DEFAULT_RELAY_MAX_RESERVATIONS (1,000) */
  maxReservations?: number
  /** @default DEFAULT_RELAY_DATA_LIMIT_BYTES (64 MiB) */
  dataLimitBytes?: number
  /** @default DEFAULT_RELAY_DURATION_LIMIT_MS (30 min) */
  durationLimitMs?: number
  /** @default DEFAULT_RELAY_MAX_CONNECTIONS (2,000) */
  maxConnections?: number
  /** @default DEFAULT_RELAY_MAX_CONNECTIONS_PER_USER (16) */
  maxConnectionsPerUser?: number
  /** @default DEFAULT_RELAY_USER_BYTES_PER_HOUR (1 GiB) */
  userBytesPerHour?: number
}

/** The relay server's settings, or undefined for `false` (no relay). */
export function relayServerInit(relay: RelayInit | false | undefined): NodeInit['relay'] {
  if (relay === false) return undefined
  return {
    reservations: {
      maxReservations: relay?.maxReservations ?? DEFAULT_RELAY_MAX_RESERVATIONS,
      applyDefaultLimit: true,
      defaultDataLimit: BigInt(relay?.dataLimitBytes ?? DEFAULT_RELAY_DATA_LIMIT_BYTES),
      defaultDurationLimit: relay?.durationLimitMs ?? DEFAULT_RELAY_DURATION_LIMIT_MS
    }
  }
}

/** What the relay let through, refused or cut since start. */
export interface RelayCounters {
  /** Slot requests from PeerIds not logged in, refused. */
  reservationsRefused: number
  /** Relayed connections set up between two logged-in users. */
  relayedConnections: number
  /** Relayed connections refused: one end not logged in, or over a limit (the next three). */
  relayedRefused: number
  /** …of which: the relay had DEFAULT_RELAY_MAX_CONNECTIONS open. */
  refusedFull: number
  /** …of which: one end had its share of relayed connections open. */
  refusedPerUser: number
  /** …of which: one end had used its bytes for the hour. */
  refusedQuota: number
  /** Relayed connections cut because a user went over the hourly bytes. */
  quotaCuts: number
  /** Bytes the relay received from either end of its relayed connections (it sends as many on). */
  relayedBytes: number
}

interface UserUse {
  /** Relayed connections this account is an end of: open, plus allowed and still being set up. */
  circuits: number
  windowStart: number
  /** Bytes this account sent through the relay in the current hour. */
  windowBytes: number
}

/**
 * Relay bytes counted by every tracker of a shared store, per account and hour (tracker/store/
 * redis-relay.ts): a user relaying through several trackers has one allowance, not one per tracker.
 */
export interface RelayQuotaShare {
  /** Bytes the account relayed this hour on every tracker, as last heard, with this tracker's own. */
  used(account: string): number
  /** Count bytes relayed here (sent to the others in batches). */
  add(account: string, bytes: number): void
}

/** A relayed connection the gater allowed whose stop stream has not opened yet (counted meanwhile). */
interface PendingCircuit {
  source: string
  destination: string
  destinationPeer: string
  timer: ReturnType<typeof setTimeout>
}

/** An allowed relayed connection whose stop stream never opened is forgotten after this long (libp2p's hop timeout). */
const PENDING_CIRCUIT_MS = 30_000
/**
 * Streams are cut for the hourly allowance only once they carried this much: a slot request or renewal
 * (a few hundred bytes) is never cut, so a user over the allowance keeps the slot others reach it by.
 */
const QUOTA_CUT_MIN_STREAM_BYTES = 16 * 1024
/** Accounts with no open relayed connection are forgotten once their hour is over; swept past this many. */
const SWEEP_ACCOUNTS_ABOVE = 10_000

/**
 * Gater checks and accounting around libp2p's relay server, which exposes neither per-user limits nor
 * byte counts: it wraps the hop handler (streams from diallers) and the stop streams the relay opens (to
 * the dialled), and counts what arrives on both. Limits are per account (a new key does not reset them);
 * a relayed connection counts from the moment the gater allows it, so callers arriving together cannot
 * exceed a cap.
 */
export class RelayAccounting {
  readonly counters: RelayCounters = {
    reservationsRefused: 0,
    relayedConnections: 0,
    relayedRefused: 0,
    refusedFull: 0,
    refusedPerUser: 0,
    refusedQuota: 0,
    quotaCuts: 0,
    relayedBytes: 0
  }

  /** By account (username key). */
  readonly #users = new Map<string, UserUse>()
  /** Relay streams by the PeerId at their end, to cut them when that session ends. */
  readonly #streams = new Map<string, Set<Stream>>()
  readonly #pending: PendingCircuit[] = []
  readonly #account: (peerKey: string) => string | undefined
  readonly #maxConnections: number
  readonly #perUser: number
  readonly #bytesPerHour: number
  /** Relayed connections open (stop streams) plus allowed ones being set up. */
  #circuits = 0
  #share?: RelayQuotaShare

  constructor(
    presence: { byPeer(peerKey: string): { key: string; held?: boolean } | undefined },
    init: RelayInit = {}
  ) {
    // A member kept across a restart is not logged in yet: no relay until its peer is back.
    this.#account = key => {
      const member = presence.byPeer(key)
      return member === undefined || member.held === true ? undefined : member.key
    }
    this.#maxConnections = init.maxConnections ?? DEFAULT_RELAY_MAX_CONNECTIONS
    this.#perUser = init.maxConnectionsPerUser ?? DEFAULT_RELAY_MAX_CONNECTIONS_PER_USER
    this.#bytesPerHour = init.userBytesPerHour ?? DEFAULT_RELAY_USER_BYTES_PER_HOUR
  }

  /** Count the hourly allowance across the trackers of a shared store (set before peers connect). */
  shareQuota(share: RelayQuotaShare): void {
    this.#share = share
  }

  /** Bytes `account` relayed this hour: here, or on every tracker when the allowance is shared. */
  #used(account: string, use: UserUse): number {
    return Math.max(use.windowBytes, this.#share?.used(account) ?? 0)
  }

  /** Relayed connections open now (or being set up). */
  get openConnections(): number {
    return this.#circuits
  }

  get gater(): Pick<ConnectionGater, 'denyInboundRelayReservation' | 'denyOutboundRelayedConnection'> {
    return {
      denyInboundRelayReservation: peer => {
        const deny = this.#account(peer.toString()) === undefined
        if (deny) this.counters.reservationsRefused++
        return deny
      },
      denyOutboundRelayedConnection: (source, destination) => {
        const refusal = this.#refusal(source, destination)
        if (refusal === undefined) {
          this.counters.relayedConnections++
          return false
        }
        this.counters.relayedRefused++
        if (refusal !== 'stranger') this.counters[refusal]++
        return true
      }
    }
  }

  /** Why a relayed connection from `source` to `destination` is refused; when allowed, it is counted now. */
  #refusal(source: PeerId, destination: PeerId): keyof RelayCounters | 'stranger' | undefined {
    const [s, d] = [this.#account(source.toString()), this.#account(destination.toString())]
    if (s === undefined || d === undefined) return 'stranger'
    if (this.#circuits >= this.#maxConnections) return 'refusedFull'
    const [su, du] = [this.#use(s), this.#use(d)]
    if (su.circuits >= this.#perUser || du.circuits >= this.#perUser) return 'refusedPerUser'
    if (this.#used(s, su) >= this.#bytesPerHour || this.#used(d, du) >= this.#bytesPerHour)
      return 'refusedQuota'
    su.circuits++
    du.circuits++
    this.#circuits++
    const entry: PendingCircuit = {
      source: s,
      destination: d,
      destinationPeer: destination.toString(),
      timer: setTimeout(() => this.#release(entry), PENDING_CIRCUIT_MS)
    }
    entry.timer.unref?.()
    this.#pending.push(entry)
    return undefined
  }

  /** An allowed relayed connection that never opened, or one that closed: uncount it. */
  #release(
    entry: Pick<PendingCircuit, 'source' | 'destination'> & { timer?: PendingCircuit['timer'] }
  ): void {
    clearTimeout(entry.timer)
    const i = this.#pending.indexOf(entry as PendingCircuit)
    if (i >= 0) this.#pending.splice(i, 1)
    for (const key of [entry.source, entry.destination]) {
      const use = this.#users.get(key)
      if (use !== undefined) use.circuits = Math.max(0, use.circuits - 1)
    }
    this.#circuits = Math.max(0, this.#circuits - 1)
  }

  #use(key: string): UserUse {
    let use = this.#users.get(key)
    if (use === undefined) {
      if (this.#users.size > SWEEP_ACCOUNTS_ABOVE) this.#sweep()
      use = { circuits: 0, windowStart: Date.now(), windowBytes: 0 }
      this.#users.set(key, use)
    }
    if (Date.now() - use.windowStart >= RELAY_QUOTA_WINDOW_MS) {
      use.windowStart = Date.now()
      use.windowBytes = 0
    }
    return use
  }

  /** Forget accounts with nothing open whose hour is over (their allowance is whole again anyway). */
  #sweep(): void {
    const now = Date.now()
    for (const [key, use] of this.#users) {
      if (use.circuits === 0 && (use.windowBytes === 0 || now - use.windowStart >= RELAY_QUOTA_WINDOW_MS)) {
        this.#users.delete(key)
      }
    }
  }

  /**
   * Count a relay stream whose far end is `peer` (a logged-in user): the bytes it sends, against its
   * account's allowance; a stop stream is one relayed connection, open while it lasts.
   */
  #track(stream: Stream, peer: PeerId, stop: boolean): void {
    const peerKey = peer.toString()
    const account = this.#account(peerKey)
    if (account === undefined) return // a stranger's request: the relay refuses it, nothing to count
    let circuit: PendingCircuit | undefined
    if (stop) {
      const i = this.#pending.findIndex(p => p.destinationPeer === peerKey)
      if (i >= 0) {
        circuit = this.#pending.splice(i, 1)[0]
        clearTimeout(circuit.timer)
      }
    }
    let mine = this.#streams.get(peerKey)
    if (mine === undefined) {
      mine = new Set()
      this.#streams.set(peerKey, mine)
    }
    mine.add(stream)
    let carried = 0
    stream.addEventListener('message', e => {
      const n = e.data.byteLength
      carried += n
      this.counters.relayedBytes += n
      const use = this.#use(account)
      use.windowBytes += n
      this.#share?.add(account, n)
      if (
        this.#used(account, use) > this.#bytesPerHour &&
        carried >= QUOTA_CUT_MIN_STREAM_BYTES &&
        stream.status === 'open'
      ) {
        this.counters.quotaCuts++
        stream.abort(new Error(`relay allowance of ${this.#bytesPerHour} bytes per hour used up`))
      }
    })
    stream.addEventListener(
      'close',
      () => {
        mine.delete(stream)
        if (mine.size === 0) this.#streams.delete(peerKey)
        if (circuit !== undefined) this.#release(circuit)
      },
      { once: true }
    )
  }

  /** Wrap the started relay server's hop handler and the stop streams it opens. Call after node.start(). */
  async attach(node: P2PChatNode): Promise<void> {
    const server = node.services.relay as unknown as
      | { onHop(stream: Stream, connection: Connection): Promise<void> }
      | undefined
    if (server === undefined) return
    await node.handle(
      RELAY_V2_HOP_CODEC,
      (stream, connection) => {
        this.#track(stream, connection.remotePeer, false)
        return server.onHop(stream, connection)
      },
      { runOnLimitedConnection: true, force: true }
    )
    // The relay opens stop streams on the dialled peer's connection with newStream: count those too.
    node.addEventListener('connection:open', e => {
      const connection = e.detail
      const newStream = connection.newStream.bind(connection)
      connection.newStream = (async (protocols: string | string[], options?: object) => {
        const stream = await newStream(protocols, options)
        if (stream.protocol === RELAY_V2_STOP_CODEC) this.#track(stream, connection.remotePeer, true)
        return stream
      }) as Connection['newStream']
    })
  }

  /**
   * A session ended: its slot goes, and so do the relayed connections it is an end of. Returns whether it
   * held a slot.
   */
  endSession(node: P2PChatNode | undefined, peer: PeerId): boolean {
    const server = node?.services.relay as unknown as
      | {
          reservationStore?: { get(peer: PeerId): unknown; removeReservation(peer: PeerId): void }
        }
      | undefined
    const held = server?.reservationStore?.get(peer) !== undefined
    server?.reservationStore?.removeReservation(peer)
    for (const stream of this.#streams.get(peer.toString()) ?? []) {
      stream.abort(new Error('the relayed user logged out'))
    }
    return held
  }
}
