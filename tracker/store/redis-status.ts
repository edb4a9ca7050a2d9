import type { Logger } from '@libp2p/interface'
import type { RedisStore } from './redis-store.ts'
import { REDIS_KEY_PREFIX } from './redis-store.ts'

/** Pub/sub channel on which trackers tell each other the statuses their sessions set. */
export const STATUS_CHANNEL = `${REDIS_KEY_PREFIX}status`

/** One status as it travels: tracker, account key, session, presence, text. */
interface StatusMessage {
  t: string
  k: string
  s: string
  p: number
  x: string
}

/**
 * Statuses (online, away, busy and a text) are per session and kept in memory; with several trackers
 * each one that sets one tells the others on a pub/sub channel, so a friend list read on any tracker
 * shows it. Not stored: a tracker started later learns a status when it is set again (peers set theirs
 * at every login).
 */
export class RedisStatusShare {
  readonly #store: RedisStore
  readonly #trackerId: string
  readonly #log: Logger

  constructor(store: RedisStore, trackerId: string, log: Logger) {
    this.#store = store
    this.#trackerId = trackerId
    this.#log = log
  }

  async start(
    onStatus: (key: string, sessionId: string, presence: number, text: string) => void
  ): Promise<void> {
    await this.#store.subscribe(STATUS_CHANNEL, message => {
      let m: StatusMessage
      try {
        m = JSON.parse(message.toString()) as StatusMessage
      } catch {
        return
      }
      if (m.t === this.#trackerId || typeof m.k !== 'string' || typeof m.s !== 'string') return
      if (!Number.isInteger(m.p) || typeof m.x !== 'string') return
      onStatus(m.k, m.s, m.p, m.x)
    })
  }

  publish(key: string, sessionId: string, presence: number, text: string): void {
    const message: StatusMessage = { t: this.#trackerId, k: key, s: sessionId, p: presence, x: text }
    this.#store
      .publish(STATUS_CHANNEL, Buffer.from(JSON.stringify(message)))
      .catch(err => this.#log('could not tell the other trackers a status: %s', (err as Error).message))
  }
}
