import type { MuxerName } from '../src/node.ts'
import { DEFAULT_TRACKER_PORT } from '../src/protocol/constants.ts'
import type { DialBackInit } from './dial-back.ts'
import type { HandshakeGuardInit } from './handshake-guard.ts'
import type { RelayInit } from './relay.ts'
import type { SocialInit } from './social/index.ts'

/** The tracker's options and their defaults (`Tracker`, `p2pchat tracker --help` and docs print these). */
export const DEFAULT_LISTEN = [`/ip4/0.0.0.0/tcp/${DEFAULT_TRACKER_PORT}`]
export const DEFAULT_DATA_DIR = './data'
/**
 * Registrations one source host (IPv4 address, IPv6 /64) may make at once: a class or an office behind
 * one NAT signing up together; more wait for the refill (`RATE_LIMITED` with `retryAfterMs`).
 */
export const DEFAULT_REGISTRATION_BURST = 20
/** Refill of that budget: one account every 3 s per host, 28,800 a day — a flood is a trickle. */
export const DEFAULT_REGISTRATIONS_PER_MINUTE = 20
/** Source hosts whose registration budget is tracked at once (~100 B each); the least recent is dropped. */
export const MAX_REGISTRATION_SOURCES = 100_000
export interface TrackerInit {
  /**
   * Directory for the identity key, the accounts and social (friends, groups) files, and the lock.
   * @default './data'
   */
  dataDir?: string
  /**
   * Where accounts, friends, groups and (shared) presence are kept: "lowdb" (files in `dataDir`) or a
   * Redis URL (`redis://host:port/db`), which several trackers share to serve one user base
   * (docs/deploy.md). The identity key and the lock stay in `dataDir` either way.
   * @default DEFAULT_STORE ("lowdb")
   */
  store?: string
  /**
   * Multiaddrs to listen on.
   * @default ['/ip4/0.0.0.0/tcp/4001']
   */
  listen?: string[]
  /**
   * Heartbeat interval announced to peers, in ms; a peer silent for 3 intervals is evicted.
   * @default 10_000
   */
  heartbeatMs?: number
  /**
   * Presence events within this window go out as one delta.
   * @default 100
   */
  coalesceMs?: number
  /**
   * log2 of scrypt's N for new password hashes. 17 is OWASP's recommendation; lower only for labs.
   * @default 17
   */
  scryptLogN?: number
  /**
   * Days a resumption credential is good for after the password login that got it (a peer reconnects
   * with it instead of its password: no password hash); 0 issues none and refuses those presented.
   * @default 30
   */
  resumeDays?: number
  /**
   * A tracker started again within this long keeps the online list it had (tracker/presence-journal.ts):
   * its members stay listed until their peers log in again, and leave (timeout) if they have not by the
   * end of it. 0: every start begins an empty list. Not used on a shared store (several trackers).
   * @default DEFAULT_PRESENCE_GRACE_MS (60 s)
   */
  presenceGraceMs?: number
  /**
   * Stream muxers offered.
   * @default ['yamux', 'mplex']
   */
  muxers?: MuxerName[]
  /**
   * A connection must log in within this long after opening its session stream.
   * @default 30_000
   */
  loginTimeoutMs?: number
  /**
   * Registrations per source host at once, before the per-minute refill applies.
   * @default 20
   */
  registrationBurst?: number
  /**
   * Registrations per source host per minute after the burst.
   * @default 20
   */
  registrationsPerMinute?: number
  /**
   * Relay for logged-in users nobody can dial (circuit relay v2), or `false` for none.
   * @default {} (on, with RelayInit's defaults)
   */
  relay?: RelayInit | false
  /**
   * How published addresses are verified by dialling back (timeout, concurrency, how long a verified
   * address is trusted).
   * @default {} (DialBackVerifier's defaults)
   */
  dialBack?: DialBackInit
  /**
   * Limits on handshakes in progress (per host, a share kept for hosts that logged in before, deadlines
   * that shrink under load), against half-open floods.
   * @default {} (HandshakeGuard's defaults)
   */
  handshakes?: HandshakeGuardInit
  /**
   * Friends and groups: the group member cap (`--group-member-cap`), and for tests the other limits,
   * the clock and the store's batching.
   * @default {} (SocialInit's defaults: 100 members a group)
   */
  social?: SocialInit
}
