/**
 * Where the tracker keeps its state (docs/deploy.md). Two backends behind one interface: lowdb files in
 * the data directory (the default: one tracker, nothing else to run) and Redis (`--store redis://…`),
 * which several trackers share to serve one user base. Each tracker holds a replica of accounts,
 * friends and groups in memory; the backend makes changes durable and, on Redis, brings every tracker
 * the changes the others make (tracker/store/redis-store.ts). Presence across trackers is in
 * tracker/store/redis-presence.ts.
 */
import type { Logger } from '@libp2p/interface'
import { InvalidOptionError } from '../../src/errors.ts'
import { RedisAccountLog } from './redis-accounts.ts'
import { RedisSocialLog } from './redis-social.ts'
import type { StoreHealth } from './redis-store.ts'
import { RedisStore } from './redis-store.ts'
import type { RedisLocation } from './redis-url.ts'
import { parseRedisUrl } from './redis-url.ts'
import type { AccountLog, SocialLog } from './types.ts'

export type { AccountLog, AccountReplica, SocialLog, SocialReplica } from './types.ts'
export type { RedisLocation, StoreHealth }
export { parseRedisUrl, RedisStore }

/** What `--store` says when it is not given: lowdb files in the data directory. */
export const DEFAULT_STORE = 'lowdb'

/** A store choice, parsed: lowdb files, or a Redis server. */
export type StoreSpec = { kind: 'lowdb' } | { kind: 'redis'; location: RedisLocation }

/** Parse `--store`: "lowdb" or a redis:// URL; throws `InvalidOptionError` for anything else. */
export function parseStore(value: string | undefined, option = '--store'): StoreSpec {
  if (value === undefined || value === '' || value === 'lowdb') return { kind: 'lowdb' }
  if (!value.includes('://')) {
    throw new InvalidOptionError(
      `${option} must be "lowdb" or a URL like redis://127.0.0.1:6379/0, got "${value}"`
    )
  }
  return { kind: 'redis', location: parseRedisUrl(value, option) }
}

/** The backend of one tracker: its account and social logs, and how the store is doing. */
export interface TrackerBackend {
  readonly kind: 'lowdb' | 'redis'
  /** The Redis link, when the store is Redis (presence across trackers uses it). */
  readonly redis?: RedisStore
  /** Account and social logs on Redis; undefined for lowdb (the stores open their files). */
  accounts?: AccountLog
  social?: SocialLog
  health(): StoreHealth
  close(): Promise<void>
}

/** Connect the backend a spec names; lowdb needs nothing here (its files are opened by the stores). */
export async function openBackend(spec: StoreSpec, dataDir: string, log: Logger): Promise<TrackerBackend> {
  if (spec.kind === 'lowdb') {
    const since = Date.now()
    return {
      kind: 'lowdb',
      health: () => ({ backend: 'lowdb', location: dataDir, up: true, since, outages: 0 }),
      close: async () => {}
    }
  }
  const redis = new RedisStore(spec.location, log.newScope('redis'))
  await redis.connect()
  return {
    kind: 'redis',
    redis,
    accounts: new RedisAccountLog(redis, log.newScope('accounts')),
    social: new RedisSocialLog(redis, log.newScope('social')),
    health: () => redis.health(),
    close: () => redis.close()
  }
}
