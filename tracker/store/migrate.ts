import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { InvalidOptionError } from '../../src/errors.ts'
import { lockDataDir } from '../../src/storage/dir-lock.ts'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'
import { usernameKey, usernameSkeleton } from '../../src/usernames.ts'
import { AccountStore } from '../accounts.ts'
import type { Account, AccountsFile } from '../accounts-file.ts'
import { ACCOUNTS_FILE_NAME, ACCOUNTS_JOURNAL_FILE_NAME, ACCOUNTS_SCHEMA_VERSION } from '../accounts-file.ts'
import { PasswordHasher } from '../password-hash.ts'
import { RESUME_SECRET_KEY, readFileSecret, writeFileSecret } from '../resume.ts'
import type { SocialFile } from '../social/social-file.ts'
import {
  pairKey,
  SOCIAL_FILE_NAME,
  SOCIAL_JOURNAL_FILE_NAME,
  SOCIAL_SCHEMA_VERSION
} from '../social/social-file.ts'
import { SocialStore } from '../social/store.ts'
import type { StoreSpec } from './index.ts'
import { openBackend, parseStore } from './index.ts'
import { ACCOUNTS_KEY, SKELETONS_KEY } from './redis-accounts.ts'
import { ONLINE_KEY, trackerLeases } from './redis-presence.ts'
import { SOCIAL_GROUPS_KEY, SOCIAL_PAIRS_KEY, SOCIAL_USERS_KEY } from './redis-social.ts'
import { RedisStore } from './redis-store.ts'

/** Commands per pipeline when writing into Redis. */
const WRITE_BATCH = 1_000

/** What a store holds, counted: the migration copies it all and checks the copy holds as much. */
export interface StoreCounts {
  accounts: number
  users: number
  pairs: number
  friendships: number
  pendingRequests: number
  groups: number
}

interface Contents {
  accounts: Account[]
  /** The key of the resumption credentials: copied, so that peers' credentials work on the new store. */
  resumeSecret?: Buffer
  social: Omit<SocialFile, 'version'>
  counts: StoreCounts
}

const log = logger('p2pchat:tracker:migrate')

/** `lowdb:DIR` / a directory, or a Redis URL, as a store; a directory must be named explicitly. */
function storeOf(value: string, option: string): { spec: StoreSpec; dir: string } {
  if (value.includes('://')) return { spec: parseStore(value, option), dir: '.' }
  if (value === '') throw new InvalidOptionError(`${option} needs a data directory or a redis:// URL`)
  return { spec: { kind: 'lowdb' }, dir: value }
}

const describe = (s: { spec: StoreSpec; dir: string }): string =>
  s.spec.kind === 'redis' ? s.spec.location.display : s.dir

/** Open a store the way a tracker does and read everything in it. */
async function read(spec: StoreSpec, dir: string): Promise<Contents> {
  const backend = await openBackend(spec, dir, log)
  try {
    const accounts = new AccountStore({
      dataDir: dir,
      backend: backend.accounts,
      hasher: new PasswordHasher(),
      log
    })
    await accounts.open()
    // Batched users are written by close(): a long interval, nothing changes here anyway.
    const social = new SocialStore({ dataDir: dir, backend: backend.social, log, userFlushMs: 3_600_000 })
    await social.open()
    const snapshot = social.snapshot()
    const list = accounts.usernames().map(name => accounts.find(name)!)
    const counts = {
      accounts: accounts.size,
      users: snapshot.users.length,
      pairs: snapshot.pairs.length,
      ...social.counts
    }
    await Promise.all([accounts.flush(), social.close()])
    const resumeSecret =
      backend.redis === undefined
        ? await readFileSecret(dir)
        : await backend.redis.client
            .get(RESUME_SECRET_KEY)
            .then(b64 => (b64 === null ? undefined : Buffer.from(b64, 'base64')))
    return { accounts: list, social: snapshot, counts, resumeSecret }
  } finally {
    await backend.close()
  }
}

/**
 * Refuse while trackers run on the store: a copy taken while they change things is not a snapshot, and
 * trackers on a destination would not see what is written under them (they follow the change feeds).
 */
async function noTrackersOn(spec: Extract<StoreSpec, { kind: 'redis' }>): Promise<void> {
  const redis = new RedisStore(spec.location, log)
  await redis.connect()
  try {
    const running = (await trackerLeases(redis.client)).alive.length
    if (running > 0) {
      throw new InvalidOptionError(
        `${running} tracker(s) run on ${spec.location.display}: stop them first, then migrate`
      )
    }
  } finally {
    await redis.close()
  }
}

async function emptyRedis(redis: RedisStore): Promise<void> {
  const c = redis.client
  const [accounts, users, pairs, groups, online] = await Promise.all([
    c.hlen(ACCOUNTS_KEY),
    c.hlen(SOCIAL_USERS_KEY),
    c.hlen(SOCIAL_PAIRS_KEY),
    c.hlen(SOCIAL_GROUPS_KEY),
    c.hlen(ONLINE_KEY)
  ])
  if (accounts + users + pairs + groups + online > 0) {
    throw new InvalidOptionError(
      `${redis.location.display} already holds p2pchat data (${accounts} accounts, ${groups} groups, ${online} online): migrate into an empty database (another /db number), or empty this one first`
    )
  }
}

async function writeRedis(spec: Extract<StoreSpec, { kind: 'redis' }>, contents: Contents): Promise<void> {
  const redis = new RedisStore(spec.location, log)
  await redis.connect()
  try {
    await emptyRedis(redis)
    const commands: Array<[string, ...Array<string>]> = []
    for (const account of contents.accounts) {
      const key = usernameKey(account.username)
      commands.push(['hset', ACCOUNTS_KEY, key, JSON.stringify(account)])
      // Look-alikes registered before they were refused both stay; the first keeps the skeleton.
      commands.push(['hsetnx', SKELETONS_KEY, usernameSkeleton(account.username), key])
    }
    for (const user of contents.social.users) {
      commands.push(['hset', SOCIAL_USERS_KEY, usernameKey(user.name), JSON.stringify(user)])
    }
    for (const pair of contents.social.pairs) {
      commands.push([
        'hset',
        SOCIAL_PAIRS_KEY,
        pairKey(usernameKey(pair.a), usernameKey(pair.b)),
        JSON.stringify(pair)
      ])
    }
    for (const group of contents.social.groups) {
      commands.push(['hset', SOCIAL_GROUPS_KEY, group.id, JSON.stringify(group)])
    }
    if (contents.resumeSecret !== undefined) {
      commands.push(['set', RESUME_SECRET_KEY, contents.resumeSecret.toString('base64')])
    }
    for (let i = 0; i < commands.length; i += WRITE_BATCH) {
      const replies = await redis.client.pipeline(commands.slice(i, i + WRITE_BATCH)).exec()
      for (const [err] of replies ?? []) if (err) throw err
    }
  } finally {
    await redis.close()
  }
}

async function writeLowdb(dir: string, contents: Contents): Promise<void> {
  const taken = [
    ACCOUNTS_FILE_NAME,
    ACCOUNTS_JOURNAL_FILE_NAME,
    SOCIAL_FILE_NAME,
    SOCIAL_JOURNAL_FILE_NAME
  ].filter(f => existsSync(join(dir, f)))
  if (taken.length > 0) {
    throw new InvalidOptionError(
      `${dir} already holds tracker data (${taken.join(', ')}): migrate into an empty directory`
    )
  }
  const accounts: Record<string, Account> = {}
  for (const account of contents.accounts) accounts[usernameKey(account.username)] = account
  await new DurableJSONFile<AccountsFile>(join(dir, ACCOUNTS_FILE_NAME)).write({
    version: ACCOUNTS_SCHEMA_VERSION,
    accounts
  })
  await new DurableJSONFile<SocialFile>(join(dir, SOCIAL_FILE_NAME)).write({
    version: SOCIAL_SCHEMA_VERSION,
    ...contents.social
  })
  if (contents.resumeSecret !== undefined) await writeFileSecret(dir, contents.resumeSecret)
}

/**
 * Copy a tracker's state from one store to another — lowdb files to Redis or back — and check the copy
 * by reading it back as a tracker would: the same number of accounts, users, pairs, friendships,
 * pending requests and groups. The destination must be empty; a lowdb directory is locked meanwhile
 * (no tracker may run on it). Identity keys stay where they are: each tracker keeps its own.
 */
export async function migrateStore(
  fromValue: string,
  toValue: string,
  progress: (line: string) => void = () => {}
): Promise<{ copied: StoreCounts }> {
  const from = storeOf(fromValue, '--from')
  const to = storeOf(toValue, '--to')
  if (from.spec.kind === to.spec.kind) {
    throw new InvalidOptionError('--from and --to must be one lowdb data directory and one redis:// URL')
  }
  if (
    from.spec.kind === 'lowdb' &&
    !existsSync(join(from.dir, ACCOUNTS_FILE_NAME)) &&
    !existsSync(join(from.dir, ACCOUNTS_JOURNAL_FILE_NAME))
  ) {
    throw new InvalidOptionError(`${from.dir} holds no tracker data (no ${ACCOUNTS_FILE_NAME}): check --from`)
  }
  const lock = lockDataDir(from.spec.kind === 'lowdb' ? from.dir : to.dir)
  try {
    if (from.spec.kind === 'redis') await noTrackersOn(from.spec)
    if (to.spec.kind === 'redis') await noTrackersOn(to.spec)
    progress(`reading ${describe(from)}…`)
    const contents = await read(from.spec, from.dir)
    const c = contents.counts
    progress(
      `read ${c.accounts} accounts, ${c.users} users, ${c.pairs} pairs, ${c.groups} groups; writing ${describe(to)}…`
    )
    if (to.spec.kind === 'redis') await writeRedis(to.spec, contents)
    else await writeLowdb(to.dir, contents)
    progress('checking the copy…')
    const copy = await read(to.spec, to.dir)
    const differ = (Object.keys(c) as Array<keyof StoreCounts>).filter(k => copy.counts[k] !== c[k])
    if (differ.length > 0) {
      throw new Error(
        `the copy does not hold what was read: ${differ.map(k => `${k} ${c[k]} → ${copy.counts[k]}`).join(', ')}`
      )
    }
    return { copied: c }
  } finally {
    lock.release()
  }
}
