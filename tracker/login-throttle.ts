/** Failed logins allowed per account before backing off: typos are free. */
export const FREE_FAILURES = 3
/** First back-off after the free failures; doubles with each further failure. */
export const BACKOFF_BASE_MS = 1_000
/** The longest an account is ever held back: an attacker is slowed, the owner is not locked out for long. */
export const BACKOFF_MAX_MS = 30_000
/** A failure record is forgotten after this long without failures. */
export const FAILURE_MEMORY_MS = 15 * 60_000
/** Accounts tracked at once; the oldest record is dropped beyond this so memory stays bounded. */
export const MAX_TRACKED_ACCOUNTS = 100_000

interface FailureRecord {
  failures: number
  lastFailure: number
  blockedUntil: number
}

/**
 * Per-account exponential back-off for failed logins. Keyed by the username key whether or not the
 * account exists, so the back-off itself does not reveal which accounts exist.
 */
export class LoginThrottle {
  readonly #records = new Map<string, FailureRecord>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  /** Milliseconds until this account may try again; 0 when it may try now. */
  retryAfter(key: string): number {
    const record = this.#fresh(key)
    return record === undefined ? 0 : Math.max(0, record.blockedUntil - this.#now())
  }

  /** Record a failure; returns the back-off now in force (0 while within the free failures). */
  fail(key: string): number {
    const now = this.#now()
    const record = this.#fresh(key) ?? { failures: 0, lastFailure: now, blockedUntil: 0 }
    record.failures++
    record.lastFailure = now
    const over = record.failures - FREE_FAILURES
    const backoff = over > 0 ? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (over - 1)) : 0
    record.blockedUntil = now + backoff
    // Re-insert so Map order is oldest-failure first, and trim from the front.
    this.#records.delete(key)
    this.#records.set(key, record)
    while (this.#records.size > MAX_TRACKED_ACCOUNTS) {
      const oldest = this.#records.keys().next().value
      if (oldest === undefined) break
      this.#records.delete(oldest)
    }
    return backoff
  }

  succeed(key: string): void {
    this.#records.delete(key)
  }

  failures(key: string): number {
    return this.#fresh(key)?.failures ?? 0
  }

  #fresh(key: string): FailureRecord | undefined {
    const record = this.#records.get(key)
    if (record !== undefined && this.#now() - record.lastFailure > FAILURE_MEMORY_MS) {
      this.#records.delete(key)
      return undefined
    }
    return record
  }
}
