import { MAX_RATE_LIMITED_PEERS, SYNC_REQUEST_BURST, SYNC_REQUESTS_PER_SECOND } from './constants.ts'

export interface PeerRatesInit {
  /** @default SYNC_REQUEST_BURST */
  burst?: number
  /** @default SYNC_REQUESTS_PER_SECOND */
  perSecond?: number
  /** @default MAX_RATE_LIMITED_PEERS */
  maxPeers?: number
  /** @default performance.now */
  now?: () => number
}

/**
 * One token bucket per remote PeerId for sync requests: a burst, then a steady rate; refilled lazily.
 * The longest-idle peer is forgotten past `maxPeers` — it comes back with a full bucket, which costs at
 * most one burst, while the map stays bounded whoever dials us.
 */
export class PeerRates {
  readonly #burst: number
  readonly #perMs: number
  readonly #maxPeers: number
  readonly #now: () => number
  readonly #buckets = new Map<string, { tokens: number; at: number }>()

  constructor(init: PeerRatesInit = {}) {
    this.#burst = init.burst ?? SYNC_REQUEST_BURST
    this.#perMs = (init.perSecond ?? SYNC_REQUESTS_PER_SECOND) / 1000
    this.#maxPeers = init.maxPeers ?? MAX_RATE_LIMITED_PEERS
    this.#now = init.now ?? (() => performance.now())
  }

  /** Take a token for `peer`: 0 when taken, otherwise ms until one is available (nothing taken). */
  take(peer: string): number {
    const now = this.#now()
    const bucket = this.#buckets.get(peer) ?? { tokens: this.#burst, at: now }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#perMs)
    bucket.at = now
    // Re-inserted, so the map's order is least recently used first.
    this.#buckets.delete(peer)
    this.#buckets.set(peer, bucket)
    if (this.#buckets.size > this.#maxPeers) this.#buckets.delete(this.#buckets.keys().next().value!)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs))
  }
}
