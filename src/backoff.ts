/**
 * Exponential back-off with jitter, one implementation for every retry loop (tracker reconnects, chat
 * redelivery, presence resyncs). Jitter spreads the retries of many clients that failed together (a
 * tracker restart) so they do not come back in one burst.
 */
export interface BackoffInit {
  /** First wait, in ms. */
  baseMs: number
  /** Longest wait, in ms. */
  maxMs: number
  /**
   * Growth per attempt.
   * @default 2
   */
  factor?: number
  /**
   * Each wait is scaled by a random factor in [1 - jitter, 1 + jitter].
   * @default 0.5
   */
  jitter?: number
}

export class Backoff {
  readonly #baseMs: number
  readonly #maxMs: number
  readonly #factor: number
  readonly #jitter: number
  #attempt = 0

  constructor(init: BackoffInit) {
    this.#baseMs = init.baseMs
    this.#maxMs = init.maxMs
    this.#factor = init.factor ?? 2
    this.#jitter = init.jitter ?? 0.5
  }

  /** Attempts since the last reset. */
  get attempts(): number {
    return this.#attempt
  }

  /** The wait before the next attempt (never less than `atLeastMs`, e.g. a server's retry-after). */
  next(atLeastMs = 0): number {
    const base = Math.min(this.#maxMs, this.#baseMs * this.#factor ** this.#attempt++)
    const jittered = base * (1 - this.#jitter + 2 * this.#jitter * Math.random())
    return Math.max(atLeastMs, Math.round(jittered))
  }

  /** After a success: the next failure waits the base time again. */
  reset(): void {
    this.#attempt = 0
  }
}
