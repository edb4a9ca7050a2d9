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
/** Bytes one user may have relayed per hour (sent and received): the operator's bandwidth is shared. */
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
  /** Open relay streams of this user: hop (as the dialler) and stop (as the one dialled). */
  streams: Set<Stream>
  windowStart: number
  windowBytes: number
}

/**
 * Gater checks and accounting around libp2p's relay server, which exposes neither per-user limits nor
 * byte counts: it wraps the hop handler (streams from diallers) and the stop streams the relay opens (to
 * the dialled), and counts what arrives on both.
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

  readonly #users = new Map<string, UserUse>()
  readonly #loggedIn: (peerKey: string) => boolean
  readonly #maxConnections: number
  readonly #perUser: number
  readonly #bytesPerHour: number
  #stopStreams = 0

  constructor(presence: { byPeer(peerKey: string): unknown }, init: RelayInit = {}) {
    this.#loggedIn = key => presence.byPeer(key) !== undefined
    this.#maxConnections = init.maxConnections ?? DEFAULT_RELAY_MAX_CONNECTIONS
    this.#perUser = init.maxConnectionsPerUser ?? DEFAULT_RELAY_MAX_CONNECTIONS_PER_USER
    this.#bytesPerHour = init.userBytesPerHour ?? DEFAULT_RELAY_USER_BYTES_PER_HOUR
  }

  /** Relayed connections open now. */
  get openConnections(): number {
    return this.#stopStreams
  }

  get gater(): Pick<ConnectionGater, 'denyInboundRelayReservation' | 'denyOutboundRelayedConnection'> {
    return {
      denyInboundRelayReservation: peer => {
        const deny = !this.#loggedIn(peer.toString())
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

  #refusal(source: PeerId, destination: PeerId): keyof RelayCounters | 'stranger' | undefined {
    const [s, d] = [source.toString(), destination.toString()]
    if (!this.#loggedIn(s) || !this.#loggedIn(d)) return 'stranger'
    if (this.#stopStreams >= this.#maxConnections) return 'refusedFull'
    // The dialler's own hop stream (this request) is already open: it does not count against it.
    if (this.#open(s) - 1 >= this.#perUser || this.#open(d) >= this.#perUser) return 'refusedPerUser'
    if (this.#overQuota(s) || this.#overQuota(d)) return 'refusedQuota'
    return undefined
  }

  #use(key: string): UserUse {
    let use = this.#users.get(key)
    if (use === undefined) {
      use = { streams: new Set(), windowStart: Date.now(), windowBytes: 0 }
      this.#users.set(key, use)
    }
    if (Date.now() - use.windowStart >= RELAY_QUOTA_WINDOW_MS) {
      use.windowStart = Date.now()
      use.windowBytes = 0
    }
    return use
  }

  #open(key: string): number {
    return this.#users.get(key)?.streams.size ?? 0
  }

  #overQuota(key: string): boolean {
    return this.#use(key).windowBytes >= this.#bytesPerHour
  }

  /** Count a relay stream of `peer`'s: its bytes against their allowance, open while it lasts. */
  #track(stream: Stream, peer: PeerId, stop: boolean): void {
    const key = peer.toString()
    const use = this.#use(key)
    use.streams.add(stream)
    if (stop) this.#stopStreams++
    stream.addEventListener('message', e => {
      const n = e.data.byteLength
      this.counters.relayedBytes += n
      const now = this.#use(key)
      now.windowBytes += n
      if (now.windowBytes > this.#bytesPerHour && stream.status === 'open') {
        this.counters.quotaCuts++
        stream.abort(new Error(`relay allowance of ${this.#bytesPerHour} bytes per hour used up`))
      }
    })
    stream.addEventListener(
      'close',
      () => {
        use.streams.delete(stream)
        if (stop) this.#stopStreams--
        if (use.streams.size === 0 && use.windowBytes === 0) this.#users.delete(key)
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

  /** A session ended: its slot goes, and so do the relayed connections it is an end of. */
  endSession(node: P2PChatNode | undefined, peer: PeerId): void {
    const server = node?.services.relay as unknown as
      | { reservationStore?: { removeReservation(peer: PeerId): void } }
      | undefined
    server?.reservationStore?.removeReservation(peer)
    for (const stream of this.#users.get(peer.toString())?.streams ?? []) {
      stream.abort(new Error('the relayed user logged out'))
    }
  }
}
