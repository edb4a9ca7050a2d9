import { createHash } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import type { Logger } from '@libp2p/interface'
import { Redis } from 'ioredis'
import { BusyError, P2PChatError } from '../../src/errors.ts'
import type { RedisLocation } from './redis-url.ts'

/** Every key and channel p2pchat uses starts with this (the URL's database number separates deployments). */
export const REDIS_KEY_PREFIX = 'p2pchat:'
/**
 * Entries each change feed keeps (trimmed approximately). A tracker that falls further behind, or was
 * cut off from Redis, reloads the whole state instead of replaying: a feed is for staying current.
 */
export const FEED_MAX_LEN = 100_000
/** A feed read waits this long for entries; stopping the tracker waits at most this for the reader. */
export const FEED_BLOCK_MS = 1_000
/** Entries taken from the feeds per read. */
export const FEED_BATCH = 1_000
/** The first connection must be made within this long, or the tracker does not start. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000
/** A command that gets no answer within this long fails (BUSY to the peer) instead of hanging a request. */
export const REDIS_COMMAND_TIMEOUT_MS = 5_000
/** Reconnection attempts back off up to this interval. */
export const REDIS_RETRY_MAX_MS = 1_000

/** Where a feed stands: the last entry read and its sequence number (each feed counts its entries). */
export interface FeedCursor {
  id: string
  seq: number
}

/** One change feed (a Redis stream) and the replica it keeps current. */
export interface FeedHandler {
  /** The stream's key. */
  readonly key: string
  /**
   * Load the whole state into the replica and return where the feed stood when it was read (entries
   * after that are applied again: records hold whole states, so that converges).
   */
  load(): Promise<FeedCursor>
  /** One entry another tracker (or this one) added, fields by name. */
  entry(fields: Record<string, string>): void
}

/** What /stats and /metrics say about the store. */
export interface StoreHealth {
  backend: 'lowdb' | 'redis'
  /** The data directory, or the Redis URL without its password. */
  location: string
  /** Whether the tracker can use its store now (lowdb: always). */
  up: boolean
  /** Unix ms when `up` last changed (the start for lowdb). */
  since: number
  /** Times the store was lost since start. */
  outages: number
  /** Why it was last lost. */
  lastError?: string
}

interface Feed {
  handler: FeedHandler
  cursor: FeedCursor
}

/** Turn a failed command into what a peer is told: BUSY (try again), with the cause kept for logs. */
export function storeDown(err: unknown): Error {
  if (err instanceof P2PChatError) return err
  return new BusyError('the tracker cannot reach its store (Redis) right now: try again shortly', {
    cause: err,
    retryAfterMs: REDIS_RETRY_MAX_MS
  })
}

/**
 * A tracker's link to Redis: a command connection, a connection that reads the change feeds (streams)
 * and one for pub/sub. The feeds keep replicas current; when the link is lost the tracker is `down`
 * (requests that need the store get BUSY), and once Redis answers again every feed reloads the whole
 * state before the tracker is `up` again, so it never answers from state it may have missed changes to.
 */
export class RedisStore {
  readonly location: RedisLocation
  readonly client: Redis
  readonly #reader: Redis
  readonly #subscriber: Redis
  readonly #log: Logger
  readonly #feeds = new Map<string, Feed>()
  readonly #channels = new Map<string, (message: Buffer) => void>()
  readonly #shas = new Map<string, string>()
  #up = false
  #since = Date.now()
  #outages = 0
  #lastError?: string
  #resync = false
  #closed = false
  #loop?: Promise<void>
  /** Called when `up` changes. */
  onChange?: (up: boolean) => void

  constructor(location: RedisLocation, log: Logger) {
    this.location = location
    this.#log = log
    const options = {
      host: location.host,
      port: location.port,
      db: location.db,
      username: location.username,
      password: location.password,
      tls: location.tls ? {} : undefined,
      lazyConnect: true,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      // Fail at once while disconnected (BUSY to the peer) instead of queueing requests nobody waits for.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // A script cut off mid-flight may or may not have run: it is not sent twice.
      autoResendUnfulfilledCommands: false,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), REDIS_RETRY_MAX_MS)
    }
    this.client = new Redis(options)
    this.#reader = new Redis({ ...options, commandTimeout: undefined })
    this.#subscriber = new Redis({ ...options, commandTimeout: undefined, enableOfflineQueue: true })
    for (const connection of [this.client, this.#reader, this.#subscriber]) {
      // ioredis reconnects by itself; errors are reported through `down`, not thrown at the process.
      connection.on('error', err => this.#down(err))
    }
    this.client.on('close', () => this.#down(new Error('the connection to Redis closed')))
    this.client.on('ready', () => {
      // Changes may have been missed while cut off: reload before saying `up`.
      if (!this.#up && !this.#closed) this.#resync = true
    })
    this.#subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      this.#channels.get(channel.toString())?.(message)
    })
  }

  /** Connect (each connection); throws `BusyError` naming the URL when Redis cannot be reached. */
  async connect(): Promise<void> {
    try {
      await Promise.all([this.client.connect(), this.#reader.connect(), this.#subscriber.connect()])
    } catch (err) {
      this.client.disconnect()
      this.#reader.disconnect()
      this.#subscriber.disconnect()
      throw new BusyError(`cannot reach Redis at ${this.location.display}: ${(err as Error).message}`, {
        cause: err
      })
    }
    this.#up = true
    this.#since = Date.now()
    this.#loop = this.#readLoop()
  }

  get up(): boolean {
    return this.#up
  }

  health(): StoreHealth {
    return {
      backend: 'redis',
      location: this.location.display,
      up: this.#up,
      since: this.#since,
      outages: this.#outages,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError })
    }
  }

  /** Throws BUSY unless the store is up: a request that needs it is refused rather than answered from stale state. */
  ensureUp(): void {
    if (!this.#up) {
      throw new BusyError('the tracker has lost its store (Redis) and is reconnecting: try again shortly', {
        retryAfterMs: REDIS_RETRY_MAX_MS
      })
    }
  }

  /** Start following a feed: loads the whole state now, then applies entries as they come. */
  async follow(handler: FeedHandler): Promise<void> {
    const cursor = await handler.load()
    this.#feeds.set(handler.key, { handler, cursor })
  }

  unfollow(key: string): void {
    this.#feeds.delete(key)
  }

  /** Run a Lua script (EVALSHA, loading it on first use or after Redis restarted). */
  async script(lua: string, keys: string[], args: Array<string | number | Buffer>): Promise<unknown> {
    let sha = this.#shas.get(lua)
    if (sha === undefined) {
      sha = createHash('sha1').update(lua).digest('hex')
      this.#shas.set(lua, sha)
    }
    try {
      return await this.client.evalsha(sha, keys.length, ...keys, ...args)
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err
      return await this.client.eval(lua, keys.length, ...keys, ...args)
    }
  }

  /** Receive what is published on `channel` (resubscribed after a reconnection). */
  async subscribe(channel: string, onMessage: (message: Buffer) => void): Promise<void> {
    this.#channels.set(channel, onMessage)
    await this.#subscriber.subscribe(channel)
  }

  async publish(channel: string, message: Buffer): Promise<void> {
    await this.client.publish(channel, message)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#up = false
    // The reader may be blocked in XREAD: cut it off rather than wait for the block to end.
    this.#reader.disconnect()
    await this.#loop?.catch(() => {})
    await Promise.all([this.client, this.#subscriber].map(c => c.quit().catch(() => c.disconnect())))
  }

  #down(err: Error): void {
    if (this.#closed) return
    this.#lastError = err.message
    this.#resync = true
    if (!this.#up) return
    this.#up = false
    this.#since = Date.now()
    this.#outages++
    this.#log.error(
      'lost Redis at %s: %s; refusing logins until it is back',
      this.location.display,
      err.message
    )
    this.onChange?.(false)
  }

  #setUp(): void {
    if (this.#up || this.#closed) return
    this.#up = true
    this.#since = Date.now()
    this.#log('Redis at %s is back: state reloaded, serving again', this.location.display)
    this.onChange?.(true)
  }

  async #readLoop(): Promise<void> {
    while (!this.#closed) {
      if (this.#resync) {
        try {
          for (const feed of this.#feeds.values()) feed.cursor = await feed.handler.load()
          this.#resync = false
          this.#setUp()
        } catch (err) {
          this.#log('reloading from Redis failed (%s): retrying', (err as Error).message)
          await delay(REDIS_RETRY_MAX_MS / 2)
          continue
        }
      }
      if (this.#feeds.size === 0) {
        await delay(FEED_BLOCK_MS / 4)
        continue
      }
      const feeds = [...this.#feeds.values()]
      let result: Array<[string, Array<[string, string[]]>]> | null
      try {
        result = (await this.#reader.xread(
          'COUNT',
          FEED_BATCH,
          'BLOCK',
          FEED_BLOCK_MS,
          'STREAMS',
          ...feeds.map(f => f.handler.key),
          ...feeds.map(f => f.cursor.id)
        )) as Array<[string, Array<[string, string[]]>]> | null
      } catch (err) {
        if (this.#closed) return
        this.#down(err as Error)
        await delay(REDIS_RETRY_MAX_MS / 2)
        continue
      }
      for (const [key, entries] of result ?? []) {
        const feed = this.#feeds.get(key)
        if (feed === undefined) continue
        for (const [id, list] of entries) {
          const fields: Record<string, string> = {}
          for (let i = 0; i + 1 < list.length; i += 2) fields[list[i]] = list[i + 1]
          const seq = Number(fields.n)
          if (seq !== feed.cursor.seq + 1) {
            // Trimmed past us, or Redis lost data: what happened in between is unknown, so reload.
            this.#log('feed %s jumped from %d to %s: reloading', key, feed.cursor.seq, fields.n)
            try {
              feed.cursor = await feed.handler.load()
            } catch (err) {
              this.#down(err as Error)
            }
            break
          }
          feed.cursor = { id, seq }
          try {
            feed.handler.entry(fields)
          } catch (err) {
            this.#log.error('feed %s entry %s could not be applied: %e', key, id, err)
          }
        }
      }
    }
  }
}

/**
 * Read a feed's position and run `read` in one transaction (MULTI), so the state read and the cursor
 * agree: `cursorCommands` are XREVRANGE of the feed and GET of its counter.
 */
export async function readWithCursor(client: Redis, feedKey: string, seqKey: string): Promise<FeedCursor> {
  const replies = await client.multi().xrevrange(feedKey, '+', '-', 'COUNT', 1).get(seqKey).exec()
  if (replies === null) throw new Error('the transaction was aborted')
  for (const [err] of replies) if (err) throw err
  const last = replies[0][1] as Array<[string, string[]]>
  const seq = Number(replies[1][1] ?? 0)
  return { id: last.length > 0 ? last[0][0] : '0-0', seq }
}

/** HSCAN a whole hash into [field, value] pairs. */
export async function scanHash(client: Redis, key: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = []
  let cursor = '0'
  do {
    const [next, list] = await client.hscan(key, cursor, 'COUNT', 1_000)
    for (let i = 0; i + 1 < list.length; i += 2) out.push([list[i], list[i + 1]])
    cursor = next
  } while (cursor !== '0')
  return out
}
