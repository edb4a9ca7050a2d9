import type { Logger } from '@libp2p/interface'
import type { RelayQuotaShare } from '../relay.ts'
import { RELAY_QUOTA_WINDOW_MS } from '../relay.ts'
import type { RedisStore } from './redis-store.ts'
import { REDIS_KEY_PREFIX } from './redis-store.ts'

/** + hour number (Unix ms / 1 h): bytes relayed per account in that hour, by every tracker. */
export const RELAY_BYTES_PREFIX = `${REDIS_KEY_PREFIX}relay:bytes:`
/**
 * Each tracker adds what it relayed and reads the totals this often: a user relaying through several
 * trackers at once can overshoot the allowance by about this long's worth of traffic.
 */
export const RELAY_SYNC_MS = 1_000

const hourOf = (now: number): number => Math.floor(now / RELAY_QUOTA_WINDOW_MS)

/**
 * The hourly relay allowance shared by the trackers of a Redis store: a hash per hour of bytes by
 * account (kept two hours). Each tracker counts locally, and every second adds its counts to Redis and
 * reads everyone's totals back in one round trip; checks read the last totals plus what it has not
 * sent yet, so they stay synchronous. Hours are whole clock hours here (one tracker alone counts an
 * hour from a user's first relayed byte).
 */
export class RedisRelayQuota implements RelayQuotaShare {
  readonly #store: RedisStore
  readonly #log: Logger
  #hour = hourOf(Date.now())
  /** Bytes relayed here and not yet added in Redis. */
  #pending = new Map<string, number>()
  /** Totals of the hour as Redis last returned them. */
  #totals = new Map<string, number>()
  #timer?: ReturnType<typeof setInterval>
  #syncing = false

  constructor(store: RedisStore, log: Logger) {
    this.#store = store
    this.#log = log
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.sync().catch(err => this.#log('relay counts not shared this time: %s', (err as Error).message))
    }, RELAY_SYNC_MS)
    this.#timer.unref?.()
  }

  /** Send what is pending and stop. */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.sync().catch(() => {})
  }

  used(account: string): number {
    this.#rollOver()
    return (this.#totals.get(account) ?? 0) + (this.#pending.get(account) ?? 0)
  }

  add(account: string, bytes: number): void {
    this.#rollOver()
    this.#pending.set(account, (this.#pending.get(account) ?? 0) + bytes)
  }

  /** Add the pending counts in Redis and read every account's total for the hour. */
  async sync(): Promise<void> {
    if (this.#syncing || !this.#store.up) return
    this.#syncing = true
    this.#rollOver()
    const hour = this.#hour
    const key = RELAY_BYTES_PREFIX + hour
    const sent = this.#pending
    this.#pending = new Map()
    try {
      const batch = this.#store.client.multi()
      for (const [account, bytes] of sent) batch.hincrby(key, account, bytes)
      batch.pexpire(key, 2 * RELAY_QUOTA_WINDOW_MS).hgetall(key)
      const replies = await batch.exec()
      if (replies === null) throw new Error('the transaction was aborted')
      for (const [err] of replies) if (err) throw err
      if (hour !== this.#hour) return
      const all = replies.at(-1)?.[1] as Record<string, string>
      this.#totals = new Map(Object.entries(all).map(([account, n]) => [account, Number(n)]))
    } catch (err) {
      // Not added: counted again next time (same hour only).
      if (hour === this.#hour) for (const [account, bytes] of sent) this.add(account, bytes)
      throw err
    } finally {
      this.#syncing = false
    }
  }

  #rollOver(): void {
    const hour = hourOf(Date.now())
    if (hour === this.#hour) return
    this.#hour = hour
    this.#pending = new Map()
    this.#totals = new Map()
  }
}
