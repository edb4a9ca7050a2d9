import type { Logger } from '@libp2p/interface'
import { BusyError, UnknownUserError, UsernameTakenError } from '../../src/errors.ts'
import { usernameKey } from '../../src/usernames.ts'
import type { Account } from '../accounts-file.ts'
import { parseAccountRecord } from '../accounts-file.ts'
import type { FeedCursor } from './redis-store.ts'
import { FEED_MAX_LEN, REDIS_KEY_PREFIX, type RedisStore, readWithCursor, scanHash } from './redis-store.ts'
import type { AccountLog, AccountReplica } from './types.ts'

/** Accounts by usernameKey (JSON, as accounts.json holds them). */
export const ACCOUNTS_KEY = `${REDIS_KEY_PREFIX}accounts`
/** usernameKey by usernameSkeleton: a look-alike of a taken name is refused on every tracker. */
export const SKELETONS_KEY = `${REDIS_KEY_PREFIX}accounts:skeletons`
/** New and changed accounts, in order (field `r`: the whole account), and their counter. */
export const ACCOUNTS_FEED_KEY = `${REDIS_KEY_PREFIX}accounts:feed`
export const ACCOUNTS_SEQ_KEY = `${REDIS_KEY_PREFIX}accounts:seq`

/**
 * Create an account unless its name or a look-alike is taken, atomically on Redis: two trackers
 * registering one name at once cannot both win. Returns {1} or {0, the taken account's JSON}.
 */
const CREATE_ACCOUNT = `
local taken = redis.call('HGET', KEYS[1], ARGV[1])
if taken then return {0, taken} end
local other = redis.call('HGET', KEYS[2], ARGV[2])
if other then return {0, redis.call('HGET', KEYS[1], other) or ''} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
local n = redis.call('INCR', KEYS[4])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'n', n, 'r', ARGV[3])
return {1}
`

/**
 * Replace an account if the stored one is still at the `rev` the change was made on (compare-and-set,
 * so two trackers changing one account at once cannot both win, nor one undo the other's change), and
 * add it to the same feed as new accounts. Returns {1}, {0, the stored account's JSON} when another
 * change came first, or {0} when there is no such account.
 */
const UPDATE_ACCOUNT = `
local held = redis.call('HGET', KEYS[1], ARGV[1])
if not held then return {0} end
local rev = cjson.decode(held).rev
if type(rev) ~= 'number' then rev = 0 end
if rev ~= tonumber(ARGV[2]) then return {0, held} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
local n = redis.call('INCR', KEYS[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'n', n, 'r', ARGV[3])
return {1}
`

/**
 * Accounts on Redis, shared by every tracker of a deployment: a hash of accounts, one of skeletons, and
 * a feed of new and changed ones that keeps each tracker's replica current. A registration is one
 * script (check and create), a change another (compare `rev` and set); Redis's own persistence (AOF)
 * makes them durable.
 */
export class RedisAccountLog implements AccountLog {
  readonly #store: RedisStore
  readonly #log: Logger
  #replica?: AccountReplica

  constructor(store: RedisStore, log: Logger) {
    this.#store = store
    this.#log = log
  }

  async open(replica: AccountReplica): Promise<void> {
    this.#replica = replica
    await this.#store.follow({
      key: ACCOUNTS_FEED_KEY,
      load: () => this.#load(),
      entry: fields => this.#apply(fields.r)
    })
  }

  async create(account: Account, skeleton: string): Promise<void> {
    const reply = await this.#store.change(
      CREATE_ACCOUNT,
      [ACCOUNTS_KEY, SKELETONS_KEY, ACCOUNTS_FEED_KEY, ACCOUNTS_SEQ_KEY],
      [usernameKey(account.username), skeleton, JSON.stringify(account), FEED_MAX_LEN]
    )
    const [created, taken] = reply as [number, string?]
    if (created === 1) return
    // Another tracker won the race: take its account now, so this one agrees at once.
    if (taken) this.#apply(taken)
    const name = parseAccountRecord(taken ?? '')
    const existing = typeof name === 'string' ? '' : name.username
    if (existing !== '' && usernameKey(existing) !== usernameKey(account.username)) {
      throw new UsernameTakenError(`username "${account.username}" looks like "${existing}", which is taken`)
    }
    throw new UsernameTakenError(`username "${account.username}" is taken`)
  }

  async update(account: Account, previousRev: number): Promise<void> {
    const reply = await this.#store.change(
      UPDATE_ACCOUNT,
      [ACCOUNTS_KEY, ACCOUNTS_FEED_KEY, ACCOUNTS_SEQ_KEY],
      [usernameKey(account.username), previousRev, JSON.stringify(account), FEED_MAX_LEN]
    )
    const [updated, stored] = reply as [number, string?]
    if (updated === 1) return
    if (stored === undefined) {
      // Accounts are never removed: only a store emptied under the tracker gets here.
      throw new UnknownUserError(`account "${account.username}" is not in the store`)
    }
    // Another tracker's change came first: take it now, so a retry starts from it.
    this.#apply(stored)
    throw new BusyError('the account was changed on another tracker at the same moment: try again')
  }

  async close(): Promise<void> {
    this.#store.unfollow(ACCOUNTS_FEED_KEY)
  }

  async #load(): Promise<FeedCursor> {
    const cursor = await readWithCursor(this.#store.client, ACCOUNTS_FEED_KEY, ACCOUNTS_SEQ_KEY)
    const all = await scanHash(this.#store.client, ACCOUNTS_KEY)
    // Accounts are never removed: adding the ones not held yet and taking newer `rev`s of the ones held
    // (the replica ignores older ones) is the whole reload.
    for (const [, json] of all) this.#apply(json)
    return cursor
  }

  #apply(json: string): void {
    const account = parseAccountRecord(json)
    if (typeof account === 'string') {
      this.#log.error('Redis holds an account that is not one (%s): skipped', account)
      return
    }
    try {
      this.#replica?.apply(account)
    } catch (err) {
      this.#log.error('account %s from Redis conflicts with the one held: %e', account.username, err)
    }
  }
}
