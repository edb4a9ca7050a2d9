import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import {
  BusyError,
  InvalidMessageError,
  RateLimitedError,
  UnknownPeerError,
  UnreachableError
} from '../src/errors.ts'
import { trackerFrame } from '../src/protocol/frame.ts'
import type { OnlinePeer } from '../src/protocol/pb/tracker.ts'
import type { PresenceMember } from './presence.ts'
import { KeyedTokenBuckets } from './token-bucket.ts'

/**
 * Connection reversal: a peer the tracker can reach asks, through its session, that an online peer nobody
 * can dial connect to it. The tracker passes the request on as a push naming the asker and the addresses
 * it verified by dialling back — so the request can only ever make a peer dial a logged-in user's
 * verified addresses, never an address of the asker's choosing.
 */

/** Reversal requests a session may send at once… */
export const REVERSAL_BURST = 10
/** …and then per second: each makes another peer open a connection, so a loop of them is a nuisance. */
export const REVERSAL_REFILL_PER_SECOND = 2

/** Requests for one peer to dial, from all askers together, at once… */
export const REVERSAL_TARGET_BURST = 10
/** …and then per second: many accounts together must not make one peer dial without limit. */
export const REVERSAL_TARGET_REFILL_PER_SECOND = 2
/** Targets whose request rate is tracked; the one asked longest ago is forgotten first. */
const MAX_TRACKED_TARGETS = 50_000

/** What reversal needs from the tracker. */
export interface ReversalHost {
  byPeer(peerKey: string): PresenceMember | undefined
}

/** The tracker's reversal state: counters and the per-target request budget. */
export class ReversalLimits {
  readonly counters: ReversalCounters = { reversalsRequested: 0, reversalsRefused: 0 }
  readonly perTarget = new KeyedTokenBuckets({
    capacity: REVERSAL_TARGET_BURST,
    refillPerSecond: REVERSAL_TARGET_REFILL_PER_SECOND,
    maxKeys: MAX_TRACKED_TARGETS
  })
}

/** Counts, for /stats and /metrics. */
export interface ReversalCounters {
  /** Requests passed on to the peer asked to dial. */
  reversalsRequested: number
  /** Requests refused: the asker unreachable, the target unknown or not reading. */
  reversalsRefused: number
}

/** Decode a PeerId sent as multihash bytes, or throw INVALID_MESSAGE. */
export function peerKeyOf(bytes: Uint8Array): string {
  try {
    return peerIdFromMultihash(Digest.decode(bytes)).toString()
  } catch (err) {
    throw new InvalidMessageError(`not a PeerId: ${(err as Error).message}`)
  }
}

/**
 * Pass `asker`'s request on to the peer with PeerId `target` (multihash bytes). Throws UNREACHABLE when
 * the asker has no verified address (the other side could not dial it either), UNKNOWN_PEER when nobody
 * online has that PeerId, BUSY when the target is not reading its session (the push would be dropped).
 */
export function passOnReversal(
  host: ReversalHost,
  asker: { peerKey: string; entry: OnlinePeer },
  target: Uint8Array,
  limits: ReversalLimits
): void {
  const { counters } = limits
  try {
    const key = peerKeyOf(target)
    if (!asker.entry.reachable || asker.entry.addrs.length === 0) {
      throw new UnreachableError(
        'the tracker could not reach you by dialling back, so nobody else can: connect through the relay instead'
      )
    }
    if (key === asker.peerKey) throw new InvalidMessageError('you cannot ask yourself to dial you')
    const member = host.byPeer(key)
    if (member === undefined) throw new UnknownPeerError(`no logged-in account is bound to ${key}`)
    const wait = limits.perTarget.take(key)
    if (wait > 0) {
      throw new RateLimitedError(`${member.entry.username} is being asked to connect too often`, {
        retryAfterMs: wait
      })
    }
    if (!member.push(trackerFrame({ id: 0, dial: { from: asker.entry } }))) {
      throw new BusyError(`${member.entry.username} is not reading its tracker session right now`)
    }
    counters.reversalsRequested++
  } catch (err) {
    counters.reversalsRefused++
    throw err
  }
}
