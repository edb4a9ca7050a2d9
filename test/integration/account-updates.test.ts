import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { describe, expect, it, vi } from 'vitest'
import type { Account } from '../../tracker/accounts.ts'
import { ACCOUNTS_FILE_NAME, AccountStore } from '../../tracker/accounts.ts'
import { PasswordHasher } from '../../tracker/password-hash.ts'
import type { TrackerBackend } from '../../tracker/store/index.ts'
import { openBackend, parseStore } from '../../tracker/store/index.ts'
import { migrateStore } from '../../tracker/store/migrate.ts'
import { ACCOUNTS_KEY } from '../../tracker/store/redis-accounts.ts'
import { onCleanup, PASSWORD, TEST_SCRYPT_LOG_N, tempDir } from '../fixtures/nodes.ts'
import type { TestRedis } from '../fixtures/redis.ts'
import { startRedis } from '../fixtures/redis.ts'

const hasher = new PasswordHasher(TEST_SCRYPT_LOG_N)
const log = logger('p2pchat:test:account-updates')
const NEW_PASSWORD = 'staple tray lunch quartz'
const HOUR_MS = 60 * 60_000

let origins = 0
const stranger = () => ({ source: '127.0.0.1', peer: `test-peer-${++origins}` })

/** One tracker's accounts on a store, with the newer versions it was told of. */
interface Opened {
  backend: TrackerBackend
  accounts: AccountStore
  updated: Account[]
  close(): Promise<void>
}

async function openOn(where: { store: string; dataDir: string }): Promise<Opened> {
  const backend = await openBackend(parseStore(where.store), where.dataDir, log)
  const accounts = new AccountStore({ dataDir: where.dataDir, backend: backend.accounts, hasher, log })
  await accounts.open()
  const updated: Account[] = []
  accounts.onUpdated = account => updated.push(account)
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await accounts.flush()
    await backend.close()
  }
  onCleanup(close)
  return { backend, accounts, updated, close }
}

/** Both backends keep a change the way they keep a registration. */
describe.each([
  { kind: 'lowdb', where: async () => ({ store: 'lowdb', dataDir: await tempDir('p2pchat-store-') }) },
  {
    kind: 'redis',
    where: async () => ({ store: (await startRedis()).url, dataDir: await tempDir('p2pchat-store-') })
  }
])('account changes on $kind', ({ where }) => {
  it('keep a password change and revocations across a restart, and report them once', async () => {
    const at = await where()
    const first = await openOn(at)
    await first.accounts.register('alice', PASSWORD)
    await first.accounts.revokeDevice('alice', 'peer-a', 1_000, HOUR_MS)
    const changed = await first.accounts.changePassword('alice', PASSWORD, NEW_PASSWORD, stranger())
    expect(changed).toMatchObject({ rev: 2, sessionGen: 1 })
    // A Redis tracker also sees its own change come back on the feed: still one report per version.
    await first.accounts.revokeDevice('alice', 'peer-b', 2_000, HOUR_MS)
    expect(first.updated.map(a => a.rev)).toEqual([1, 2, 3])
    await first.close()
    const again = await openOn(at)
    expect(again.accounts.get('alice')).toMatchObject({ rev: 3, sessionGen: 1, revoked: { 'peer-b': 2_000 } })
    await expect(again.accounts.authenticate('alice', NEW_PASSWORD, stranger())).resolves.toMatchObject({
      rev: 3
    })
    await expect(again.accounts.authenticate('alice', PASSWORD, stranger())).rejects.toMatchObject({
      code: 'AUTH_FAILED'
    })
    // Versions loaded at open are not changes.
    expect(again.updated).toEqual([])
  })
})

describe('account changes shared on Redis', () => {
  async function two(): Promise<{ redis: TestRedis; a: Opened; b: Opened }> {
    const redis = await startRedis()
    const a = await openOn({ store: redis.url, dataDir: await tempDir('p2pchat-store-a-') })
    const b = await openOn({ store: redis.url, dataDir: await tempDir('p2pchat-store-b-') })
    return { redis, a, b }
  }

  /** What Redis holds for an account. */
  async function stored(redis: TestRedis, key: string): Promise<Account> {
    return JSON.parse((await redis.client().hget(ACCOUNTS_KEY, key)) ?? 'null')
  }

  it("brings a change made on one tracker to the other's replica, and tells it", async () => {
    const { a, b } = await two()
    await a.accounts.register('dave', PASSWORD)
    await vi.waitFor(() => expect(b.accounts.get('dave')).toBeDefined())
    await a.accounts.changePassword('dave', PASSWORD, NEW_PASSWORD, stranger())
    await vi.waitFor(() => expect(b.accounts.get('dave')?.rev).toBe(1))
    expect(b.updated).toEqual([b.accounts.get('dave')])
    expect(b.updated[0]).toMatchObject({ username: 'dave', rev: 1, sessionGen: 1 })
    await expect(b.accounts.authenticate('dave', NEW_PASSWORD, stranger())).resolves.toMatchObject({ rev: 1 })
    await expect(b.accounts.authenticate('dave', PASSWORD, stranger())).rejects.toMatchObject({
      code: 'AUTH_FAILED'
    })
    // And back: b changes on the copy it was brought.
    await b.accounts.revokeAll('dave')
    await vi.waitFor(() => expect(a.accounts.get('dave')).toMatchObject({ rev: 2, sessionGen: 2 }))
    expect(a.updated.map(u => u.rev)).toEqual([1, 2])
  })

  it('refuses with BUSY a change made on a stale copy, and leaves the stale tracker holding the newer one', async () => {
    const { redis, a, b } = await two()
    await a.accounts.register('erin', PASSWORD)
    await vi.waitFor(() => expect(b.accounts.get('erin')).toBeDefined())
    const registered = b.accounts.get('erin')!
    // Another tracker's change that b has not seen: written under it, with no feed entry.
    const elsewhere = { ...registered, rev: 1, sessionGen: 7 }
    await redis.client().hset(ACCOUNTS_KEY, 'erin', JSON.stringify(elsewhere))
    expect(b.accounts.get('erin')?.rev).toBeUndefined()
    await expect(b.accounts.revokeDevice('erin', 'peer-b', 1_000, HOUR_MS)).rejects.toMatchObject({
      code: 'BUSY'
    })
    // Nothing of b's change was stored, and b now holds what Redis has.
    expect(await stored(redis, 'erin')).toEqual(elsewhere)
    expect(b.accounts.get('erin')).toEqual(elsewhere)
    expect(b.updated).toEqual([elsewhere])
    // Trying again works on that copy.
    await expect(b.accounts.revokeDevice('erin', 'peer-b', 1_000, HOUR_MS)).resolves.toMatchObject({
      rev: 2,
      sessionGen: 7,
      revoked: { 'peer-b': 1_000 }
    })
    await vi.waitFor(() => expect(a.accounts.get('erin')?.rev).toBe(2))

    // The backend itself: a write on a rev Redis no longer holds is refused, the stored copy kept.
    const stale = { ...registered, rev: 2, sessionGen: 1 }
    await expect(a.backend.accounts!.update(stale, 1)).rejects.toMatchObject({ code: 'BUSY' })
    expect((await stored(redis, 'erin')).rev).toBe(2)
    expect(a.accounts.get('erin')).toMatchObject({ rev: 2, sessionGen: 7 })
  })

  it('takes higher revs when it reloads after Redis restarts', async () => {
    const { redis, a, b } = await two()
    await a.accounts.register('gina', PASSWORD)
    await a.accounts.register('hank', PASSWORD)
    await vi.waitFor(() => expect(b.accounts.size).toBe(2))
    // Changes b has no feed entry for: only a reload can bring them.
    const gina = { ...b.accounts.get('gina')!, rev: 4, sessionGen: 2 }
    await redis.client().hset(ACCOUNTS_KEY, 'gina', JSON.stringify(gina))
    await redis.stop()
    await vi.waitFor(() => expect(b.backend.health().up).toBe(false))
    await redis.start()
    await vi.waitFor(() => expect(b.backend.health().up).toBe(true), { timeout: 10_000 })
    expect(b.accounts.get('gina')).toEqual(gina)
    expect(b.updated).toEqual([gina])
    expect(b.accounts.get('hank')?.rev).toBeUndefined()
    await vi.waitFor(() => expect(a.backend.health().up).toBe(true), { timeout: 10_000 })
    expect(a.accounts.get('gina')?.rev).toBe(4)
  })

  it('migrates changed accounts with their new fields, to Redis and back', async () => {
    const source = await tempDir('p2pchat-migrate-src-')
    const first = await openOn({ store: 'lowdb', dataDir: source })
    await first.accounts.register('ivan', PASSWORD)
    await first.accounts.revokeDevice('ivan', 'peer-i', 5_000, HOUR_MS)
    await first.accounts.changePassword('ivan', PASSWORD, NEW_PASSWORD, stranger())
    const changed = await first.accounts.revokeDevice('ivan', 'peer-j', 6_000, HOUR_MS)
    await first.close()
    const redis = await startRedis()
    await migrateStore(source, redis.url)
    expect(await stored(redis, 'ivan')).toEqual(changed)
    const back = await tempDir('p2pchat-migrate-back-')
    await migrateStore(redis.url, back)
    const file = JSON.parse(await readFile(join(back, ACCOUNTS_FILE_NAME), 'utf8'))
    expect(file.accounts.ivan).toEqual(changed)
    const there = await openOn({ store: 'lowdb', dataDir: back })
    await expect(there.accounts.authenticate('ivan', NEW_PASSWORD, stranger())).resolves.toMatchObject({
      rev: 3,
      sessionGen: 1,
      revoked: { 'peer-j': 6_000 }
    })
  })
})
