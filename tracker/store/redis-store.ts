import { createHash, randomBytes } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import type { Logger } from '@libp2p/interface'
import { Redis } from 'ioredis'
import { BusyError, InvalidOptionError, P2PChatError } from '../../src/errors.ts'
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

/**
 * A random id the first tracker writes into a new store (SET NX). Every tracker remembers it; a store
 * that no longer has it (Redis restarted without persistence, or emptied) lost p2pchat's data, and a
 * tracker that finds that refuses to serve rather than go on from its own copy or from nothing.
 */
export const EPOCH_KEY = `${REDIS_KEY_PREFIX}epoch`

/** ioredis's words for a connection that is gone, said plainly in /stats and the logs. */
function plainRedisError(err: Error): string {
  const m = err.message
  if (/max retries per request|Stream isn't writeable|Connection is closed|enableOfflineQueue/i.test(m)) {
    return 'the connection to Redis closed'
  }
  if (/WRONGPASS|NOAUTH|invalid username-password/i.test(m)) {
    return 'Redis refused the credentials in the URL (a wrong or missing password, or an unknown user)'
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(m)) return `the host name does not resolve (${m})`
  if (/timed out/i.test(m)) return `Redis did not answer within ${REDIS_COMMAND_TIMEOUT_MS / 1000} s (${m})`
  return m
}

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
  /** The store lost p2pchat's data while this tracker ran (its EPOCH_KEY changed): down for good. */
  #dataLost = false
  /** The store's EPOCH_KEY as found at connect. */
  #epoch = ''
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

  /**
   * Connect (each connection) and check the database: throws `BusyError` naming the URL when Redis
   * cannot be reached or refuses the credentials, `InvalidOptionError` for a database it does not have.
   */
  async connect(): Promise<void> {
    try {
      const connected = await Promise.allSettled([
        this.client.connect(),
        this.#reader.connect(),
        this.#subscriber.connect()
      ])
      const failures = connected.flatMap(r => (r.status === 'rejected' ? [r.reason as Error] : []))
      if (failures.length > 0) {
        // One connection may only say "Connection is closed" while another says why (credentials, DNS).
        throw failures.find(f => plainRedisError(f) !== 'the connection to Redis closed') ?? failures[0]
      }
      // A database number the server does not have: ioredis reports it as an event and goes on in
      // database 0, another deployment's. Selected here so that it is an error at start.
      const db = this.location.db
      await Promise.all([this.client.select(db), this.#reader.select(db)])
      await this.client.set(EPOCH_KEY, randomBytes(12).toString('base64url'), 'NX')
      this.#epoch = (await this.client.get(EPOCH_KEY)) ?? ''
    } catch (err) {
      this.client.disconnect()
      this.#reader.disconnect()
      this.#subscriber.disconnect()
      const message = (err as Error).message
      if (/DB index is out of range/i.test(message)) {
        throw new InvalidOptionError(
          `Redis at ${this.location.display} has no database ${this.location.db} (its "databases" setting): choose a lower number`,
          { cause: err }
        )
      }
      // An error ioredis reported on the way may say why (credentials, DNS) better than the rejection.
      let why = plainRedisError(err as Error)
      if (why === 'the connection to Redis closed') why = plainRedisError(new Error(await this.#diagnose()))
      throw new BusyError(`cannot reach Redis at ${this.location.display}: ${why}`, { cause: err })
    }
    this.#up = true
    this.#since = Date.now()
    this.#loop = this.#readLoop()
  }

  /**
   * Why a connection failed, asked plainly: one connection with no retries that authenticates and pings
   * step by step (ioredis reports a refused password or an unknown host as "Connection is closed").
   */
  async #diagnose(): Promise<string> {
    const { host, port, username, password, tls } = this.location
    const probe = new Redis({
      host,
      port,
      tls: tls ? {} : undefined,
      lazyConnect: true,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null
    })
    // ioredis rejects connect() with "Connection is closed" and says why (ENOTFOUND…) in an event.
    let reported: Error | undefined
    probe.on('error', err => {
      reported ??= err
    })
    try {
      await probe.connect()
      if (password !== undefined)
        await (username === undefined ? probe.auth(password) : probe.auth(username, password))
      await probe.ping()
      return this.#lastError ?? 'Connection is closed'
    } catch (err) {
      return (reported ?? (err as Error)).message
    } finally {
      probe.disconnect()
    }
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

  /**
   * A change a peer asked for, as a script: refused with BUSY while the store is lost, and a failure is
   * BUSY to the peer (the cause kept for logs).
   */
  async change(lua: string, keys: string[], args: Array<string | number | Buffer>): Promise<unknown> {
    this.ensureUp()
    try {
      return await this.script(lua, keys, args)
    } catch (err) {
      throw storeDown(err)
    }
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
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw this.#failed(err)
      return await this.client
        .eval(lua, keys.length, ...keys, ...args)
        .catch(e => Promise.reject(this.#failed(e)))
    }
  }

  /** A command that got no answer in time means Redis hangs: say so (down) as for a lost connection. */
  #failed(err: unknown): unknown {
    if (/timed out/i.test((err as Error)?.message ?? '')) this.#down(err as Error)
    return err
  }

  /**
   * Redis's pub/sub channels are the same in every database: a channel is named with the database, so
   * two deployments on one server (databases 0 and 1) never hear each other.
   */
  #scoped(channel: string): string {
    return `${channel}@${this.location.db}`
  }

  /** Receive what is published on `channel` (resubscribed after a reconnection). */
  async subscribe(channel: string, onMessage: (message: Buffer) => void): Promise<void> {
    this.#channels.set(this.#scoped(channel), onMessage)
    await this.#subscriber.subscribe(this.#scoped(channel))
  }

  async publish(channel: string, message: Buffer): Promise<void> {
    await this.client.publish(this.#scoped(channel), message)
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
    if (!this.#dataLost) this.#lastError = plainRedisError(err)
    this.#resync = true
    if (!this.#up) return
    this.#up = false
    this.#since = Date.now()
    this.#outages++
    this.#log.error(
      'lost Redis at %s: %s; refusing logins until it is back',
      this.location.display,
      this.#lastError
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
          const epoch = await this.client.get(EPOCH_KEY)
          if (epoch !== this.#epoch) {
            // Reloading from an empty store would drop every account here; going on from memory would let
            // another tracker give the same names out again. Neither: refuse until an operator acts.
            if (!this.#dataLost) {
              this.#dataLost = true
              this.#lastError =
                "Redis came back without p2pchat's data (restarted without persistence, or emptied): restore it (docs/deploy.md) and restart this tracker"
              this.#log.error('%s at %s', this.#lastError, this.location.display)
              if (this.#up) {
                this.#up = false
                this.#since = Date.now()
                this.#outages++
              }
              this.onChange?.(false)
            }
            await delay(FEED_BLOCK_MS * 5)
            continue
          }
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
            this.#log('feed %s jumped from %d to %s: reloading', key, feed.cursor.seq, fields.n)
            if (!(seq > feed.cursor.seq)) {
              // The counter went back: Redis lost data (emptied, restarted without persistence). The
              // resync checks the epoch before reloading anything.
              this.#resync = true
              break
            }
            // Trimmed past us: what happened in between is unknown, so this feed reloads.
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
 * Where a feed stands — its last entry and its counter, read in one transaction (MULTI) so they agree.
 * Read before the state itself: entries after it are applied again, which converges.
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
