import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { NodeInit } from '../src/node.ts'

/**
 * The tracker as a circuit relay (v2) for its own users: a peer nobody can dial holds a slot, others reach
 * it at <tracker>/p2p-circuit/p2p/<peer>. Only logged-in users may reserve, and a relayed connection is
 * set up only between two logged-in users; what it carries is Noise between the peers (docs/nat.md).
 */

/** Relay slots at once: one per logged-in user nobody can dial (libp2p's default of 15 is for helpers). */
export const DEFAULT_RELAY_MAX_RESERVATIONS = 1_000
/** Bytes one relayed connection may carry (both directions together) before the relay cuts it. */
export const DEFAULT_RELAY_DATA_LIMIT_BYTES = 64 * 1024 * 1024
/** How long one relayed connection may stay open; chat re-dials when it is cut (nothing is lost). */
export const DEFAULT_RELAY_DURATION_LIMIT_MS = 30 * 60_000

export interface RelayInit {
  /** @default DEFAULT_RELAY_MAX_RESERVATIONS (1,000) */
  maxReservations?: number
  /** @default DEFAULT_RELAY_DATA_LIMIT_BYTES (64 MiB) */
  dataLimitBytes?: number
  /** @default DEFAULT_RELAY_DURATION_LIMIT_MS (30 min) */
  durationLimitMs?: number
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

/** What the relay's gater let through or refused since start. */
export interface RelayCounters {
  /** Slot requests from PeerIds not logged in, refused. */
  reservationsRefused: number
  /** Relayed connections set up between two logged-in users. */
  relayedConnections: number
  /** Relayed connections refused: one end not logged in. */
  relayedRefused: number
}

/** Gater checks: a slot only for a logged-in PeerId, a relayed connection only between two of them. */
export function relayGater(presence: { byPeer(peerKey: string): unknown }): {
  gater: Pick<ConnectionGater, 'denyInboundRelayReservation' | 'denyOutboundRelayedConnection'>
  counters: RelayCounters
} {
  const counters: RelayCounters = { reservationsRefused: 0, relayedConnections: 0, relayedRefused: 0 }
  const loggedIn = (peer: PeerId): boolean => presence.byPeer(peer.toString()) !== undefined
  return {
    counters,
    gater: {
      denyInboundRelayReservation: peer => {
        const deny = !loggedIn(peer)
        if (deny) counters.reservationsRefused++
        return deny
      },
      denyOutboundRelayedConnection: (source, destination) => {
        const deny = !loggedIn(source) || !loggedIn(destination)
        if (deny) counters.relayedRefused++
        else counters.relayedConnections++
        return deny
      }
    }
  }
}
