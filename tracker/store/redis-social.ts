import type { Logger } from '@libp2p/interface'
import { usernameKey } from '../../src/usernames.ts'
import type { SocialRecord } from '../social/social-file.ts'
import { checkSocialRecord, pairKey, parseSocialRecord } from '../social/social-file.ts'
import type { FeedCursor } from './redis-store.ts'
import { FEED_MAX_LEN, REDIS_KEY_PREFIX, type RedisStore, readWithCursor, scanHash } from './redis-store.ts'
import type { SocialLog, SocialReplica } from './types.ts'

/** Users (last seen, devices) by usernameKey, pairs by pairKey, groups by id: each the record's JSON. */
export const SOCIAL_USERS_KEY = `${REDIS_KEY_PREFIX}social:users`
export const SOCIAL_PAIRS_KEY = `${REDIS_KEY_PREFIX}social:pairs`
export const SOCIAL_GROUPS_KEY = `${REDIS_KEY_PREFIX}social:groups`
/** Every change, in order (field `r`: the record), and their counter. */
export const SOCIAL_FEED_KEY = `${REDIS_KEY_PREFIX}social:feed`
export const SOCIAL_SEQ_KEY = `${REDIS_KEY_PREFIX}social:seq`

/** Set (or, with an empty value, delete) one thing and add the change to the feed, atomically. */
const PUT_RECORD = `
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
local n = redis.call('INCR', KEYS[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'n', n, 'r', ARGV[3])
return n
`

/** The hash, the field and the stored value (empty: delete) of a record. */
function placeOf(record: SocialRecord): [string, string, string] {
  switch (record.t) {
    case 'user':
      return [SOCIAL_USERS_KEY, usernameKey(record.user.name), JSON.stringify(record.user)]
    case 'pair':
      return [
        SOCIAL_PAIRS_KEY,
        pairKey(usernameKey(record.pair.a), usernameKey(record.pair.b)),
        JSON.stringify(record.pair)
      ]
    case 'unpair':
      return [SOCIAL_PAIRS_KEY, pairKey(usernameKey(record.a), usernameKey(record.b)), '']
    case 'group':
      return [SOCIAL_GROUPS_KEY, record.group.id, JSON.stringify(record.group)]
    case 'ungroup':
      return [SOCIAL_GROUPS_KEY, record.id, '']
  }
}

/**
 * Friends, groups, last-seen times and devices on Redis, shared by every tracker: one hash per kind of
 * thing holding its newest state, and a feed of every change that keeps each tracker's replica current.
 * Two trackers changing one thing at the same moment: the later write (in Redis's order) wins on every
 * tracker, as both changes are whole states applied in the feed's order.
 */
export class RedisSocialLog implements SocialLog {
  readonly #store: RedisStore
  readonly #log: Logger
  #replica?: SocialReplica

  constructor(store: RedisStore, log: Logger) {
    this.#store = store
    this.#log = log
  }

  async open(replica: SocialReplica): Promise<void> {
    this.#replica = replica
    await this.#store.follow({
      key: SOCIAL_FEED_KEY,
      load: () => this.#load(),
      entry: fields => this.#apply(fields.r)
    })
  }

  async append(record: SocialRecord): Promise<void> {
    const [hash, field, value] = placeOf(record)
    await this.#store.change(
      PUT_RECORD,
      [hash, SOCIAL_FEED_KEY, SOCIAL_SEQ_KEY],
      [field, value, JSON.stringify(record), FEED_MAX_LEN]
    )
  }

  async close(): Promise<void> {
    this.#store.unfollow(SOCIAL_FEED_KEY)
  }

  /** Read everything first, then replace the replica in one go: requests never see it half loaded. */
  async #load(): Promise<FeedCursor> {
    const client = this.#store.client
    const cursor = await readWithCursor(client, SOCIAL_FEED_KEY, SOCIAL_SEQ_KEY)
    const [users, pairs, groups] = await Promise.all(
      [SOCIAL_USERS_KEY, SOCIAL_PAIRS_KEY, SOCIAL_GROUPS_KEY].map(key => scanHash(client, key))
    )
    const records: SocialRecord[] = []
    const add = (json: string, wrap: (value: never) => SocialRecord): void => {
      try {
        records.push(checkSocialRecord(wrap(JSON.parse(json) as never)))
      } catch (err) {
        this.#log.error('Redis holds a malformed record (%s): skipped', (err as Error).message)
      }
    }
    for (const [, json] of users) add(json, user => ({ t: 'user', user }))
    for (const [, json] of pairs) add(json, pair => ({ t: 'pair', pair }))
    for (const [, json] of groups) add(json, group => ({ t: 'group', group }))
    const replica = this.#replica
    if (replica !== undefined) {
      replica.clear()
      for (const record of records) replica.apply(record)
    }
    return cursor
  }

  #apply(json: string | undefined): void {
    const record = parseSocialRecord(json ?? '')
    if (typeof record === 'string') {
      this.#log.error('the social feed holds a malformed record (%s): skipped', record)
      return
    }
    this.#replica?.apply(record)
  }
}
