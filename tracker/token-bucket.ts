export interface TokenBucketInit {
  /** Tokens when full: how many requests may come at once after a quiet spell. */
  capacity: number
  /** Tokens added per second, up to `capacity`. */
  refillPerSecond: number
  /**
   * Clock in ms, for tests.
   * @default performance.now
   */
  now?: () => number
}

/**
 * A token bucket: a burst of up to `capacity` requests, then `refillPerSecond` on average. Refilled
 * lazily from the time elapsed, so an idle session costs no timer.
 */
export class TokenBucket {
  readonly #capacity: number
  readonly #refillPerMs: number
  readonly #now: () => number
  #tokens: number
  #updated: number

  constructor(init: TokenBucketInit) {
    if (!(init.capacity >= 1) || !(init.refillPerSecond > 0)) {
      throw new RangeError('a token bucket needs capacity >= 1 and refillPerSecond > 0')
    }
    this.#capacity = init.capacity
    this.#refillPerMs = init.refillPerSecond / 1000
    this.#now = init.now ?? (() => performance.now())
    this.#tokens = init.capacity
    this.#updated = this.#now()
  }

  /** Tokens available now (fractional while refilling). */
  get tokens(): number {
    this.#refill()
    return this.#tokens
  }

  /**
   * Take one token. Returns 0 when it was taken, otherwise how many ms until one is available (nothing is
   * taken then, so a refused request costs the client nothing but the wait).
   */
  take(): number {
    this.#refill()
    if (this.#tokens >= 1) {
      this.#tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#refillPerMs))
  }

  #refill(): void {
    const now = this.#now()
    const elapsed = now - this.#updated
    this.#updated = now
    if (elapsed > 0) this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#refillPerMs)
  }
}

export interface KeyedTokenBucketsInit extends TokenBucketInit {
  /** Keys tracked at once; past this the one used longest ago is forgotten (its next request starts full). */
  maxKeys: number
}

/**
 * One token bucket per key (a source host, say), with bounded memory: the least recently used key is
 * dropped first, so an attacker cycling through keys only ever gets the buckets' first bursts.
 */
export class KeyedTokenBuckets {
  readonly #init: KeyedTokenBucketsInit
  /** Map order is recency order: a key is moved to the end on every use. */
  readonly #buckets = new Map<string, TokenBucket>()

  constructor(init: KeyedTokenBucketsInit) {
    if (!(init.maxKeys >= 1)) throw new RangeError('maxKeys must be >= 1')
    this.#init = init
  }

  get size(): number {
    return this.#buckets.size
  }

  /** Take one token from `key`'s bucket: 0 when taken, else ms until one is available. */
  take(key: string): number {
    let bucket = this.#buckets.get(key)
    if (bucket === undefined) {
      bucket = new TokenBucket(this.#init)
      if (this.#buckets.size >= this.#init.maxKeys) {
        const oldest = this.#buckets.keys().next().value
        if (oldest !== undefined) this.#buckets.delete(oldest)
      }
    } else {
      this.#buckets.delete(key)
    }
    this.#buckets.set(key, bucket)
    return bucket.take()
  }
}
