import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it, vi } from 'vitest'
import { AccountStore } from '../../tracker/accounts.ts'
import { PasswordHasher } from '../../tracker/password-hash.ts'
import { RelayAccounting } from '../../tracker/relay.ts'
import type { GroupRecord } from '../../tracker/social/social-file.ts'
import { SocialStore } from '../../tracker/social/store.ts'
import type { TrackerBackend } from '../../tracker/store/index.ts'
import { openBackend, parseStore } from '../../tracker/store/index.ts'
import { RedisRelayQuota } from '../../tracker/store/redis-relay.ts'
import { SOCIAL_SEQ_KEY } from '../../tracker/store/redis-social.ts'
import { onCleanup, PASSWORD, TEST_SCRYPT_LOG_N, tempDir } from '../fixtures/nodes.ts'
import type { TestRedis } from '../fixtures/redis.ts'
import { startRedis } from '../fixtures/redis.ts'

const hasher = new PasswordHasher(TEST_SCRYPT_LOG_N)
const FROM = { source: '127.0.0.1', peer: 'test-peer' }
const log = logger('p2pchat:test:store')
const peers = await Promise.all(
  [1, 2].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
)

/** One tracker's view of a store: its backend, accounts and social state, opened on `where`. */
interface Opened {
  backend: TrackerBackend
  accounts: AccountStore
  social: SocialStore
  close(): Promise<void>
}

async function openOn(where: { store: string; dataDir: string }): Promise<Opened> {
  const backend = await openBackend(parseStore(where.store), where.dataDir, log)
  const accounts = new AccountStore({ dataDir: where.dataDir, backend: backend.accounts, hasher, log })
  await accounts.open()
  const social = new SocialStore({
    dataDir: where.dataDir,
    backend: backend.social,
    log,
    userFlushMs: 60_000
  })
  await social.open()
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await Promise.all([accounts.flush(), social.close()])
    await backend.close()
  }
  onCleanup(close)
  return { backend, accounts, social, close }
}

const group = (id: string, extra: Partial<GroupRecord> = {}): GroupRecord => ({
  id,
  name: `group ${id}`,
  owner: 'alice',
  open: false,
  members: [{ name: 'alice', since: 1 }],
  invited: [],
  version: 1,
  createdAt: 1,
  ...extra
})

/** Both backends pass the same suite: what one tracker stores, the next one to open the store has. */
describe.each([
  { kind: 'lowdb', where: async () => ({ store: 'lowdb', dataDir: await tempDir('p2pchat-store-') }) },
  {
    kind: 'redis',
    where: async () => ({ store: (await startRedis()).url, dataDir: await tempDir('p2pchat-store-') })
  }
])('tracker state on $kind', ({ where }) => {
  it('keeps accounts: a registration survives a restart and logs in; a taken name and a look-alike are refused', async () => {
    const at = await where()
    const first = await openOn(at)
    await first.accounts.register('alice', PASSWORD)
    await expect(first.accounts.register('ALICE', PASSWORD)).rejects.toMatchObject({ code: 'USERNAME_TAKEN' })
    await first.close()
    const again = await openOn(at)
    expect(again.accounts.size).toBe(1)
    expect((await again.accounts.authenticate('Alice', PASSWORD, FROM)).username).toBe('alice')
    await expect(again.accounts.authenticate('alice', 'wrong password!', FROM)).rejects.toMatchObject({
      code: 'AUTH_FAILED'
    })
    // Cyrillic а: a look-alike of a stored name, refused after a restart as well.
    await expect(again.accounts.register('\u0430lice', PASSWORD)).rejects.toMatchObject({
      code: 'USERNAME_TAKEN'
    })
    expect(again.accounts.usernames()).toEqual(['alice'])
  })

  it('keeps friends, groups, last-seen times and devices, deletions included, across a restart', async () => {
    const at = await where()
    const first = await openOn(at)
    await first.social.putPair({ a: 'alice', b: 'bob', since: 5 })
    await first.social.putPair({ a: 'alice', b: 'carol', req: { from: 'carol', at: 6 } })
    await first.social.putPair({ a: 'bob', b: 'carol', since: 7 })
    await first.social.deletePair({ a: 'bob', b: 'carol' })
    await first.social.putGroup(group('g1'))
    await first.social.putGroup(group('g2'))
    await first.social.deleteGroup(group('g2'))
    first.social.recordLeave('alice', 1234)
    await first.close()
    const again = await openOn(at)
    expect(again.social.counts).toEqual({ friendships: 1, pendingRequests: 1, groups: 1 })
    expect(again.social.pair('alice', 'bob')?.since).toBe(5)
    expect(again.social.pair('bob', 'carol')).toBeUndefined()
    expect(again.social.group('g1')?.name).toBe('group g1')
    expect(again.social.group('g2')).toBeUndefined()
    expect(again.social.lastSeen('alice')).toBe(1234)
  })
})

describe('tracker state shared on Redis', () => {
  async function two(): Promise<{ redis: TestRedis; a: Opened; b: Opened }> {
    const redis = await startRedis()
    const a = await openOn({ store: redis.url, dataDir: await tempDir('p2pchat-store-a-') })
    const b = await openOn({ store: redis.url, dataDir: await tempDir('p2pchat-store-b-') })
    return { redis, a, b }
  }

  it('brings each tracker the accounts, friends and groups another one makes, while both run', async () => {
    const { a, b } = await two()
    await a.accounts.register('dave', PASSWORD)
    await vi.waitFor(() => expect(b.accounts.find('DAVE')?.username).toBe('dave'))
    expect((await b.accounts.authenticate('dave', PASSWORD, FROM)).username).toBe('dave')
    await b.social.putPair({ a: 'alice', b: 'dave', since: 9 })
    await a.social.putGroup(
      group('g9', {
        members: [
          { name: 'alice', since: 1 },
          { name: 'dave', since: 2 }
        ]
      })
    )
    await vi.waitFor(() => {
      expect(a.social.pair('dave', 'alice')?.since).toBe(9)
      expect([...b.social.groupsOf('dave')].map(g => g.id)).toEqual(['g9'])
    })
    await a.social.deleteGroup(group('g9'))
    await vi.waitFor(() => expect(b.social.group('g9')).toBeUndefined())
    expect([...b.social.groupsOf('dave')]).toEqual([])
  })

  it('lets exactly one of two trackers register a name both are asked for at once', async () => {
    const { a, b } = await two()
    const results = await Promise.allSettled([
      a.accounts.register('erin', PASSWORD),
      b.accounts.register('Erin', PASSWORD),
      a.accounts.register('ace', PASSWORD),
      // All Cyrillic: a look-alike of "ace", not a mix of scripts.
      b.accounts.register('\u0430\u0441\u0435', PASSWORD)
    ])
    const codes = results.map(r => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code))
    expect(codes.slice(0, 2).sort()).toEqual(['USERNAME_TAKEN', 'ok'])
    expect(codes.slice(2).sort()).toEqual(['USERNAME_TAKEN', 'ok'])
    await vi.waitFor(() => {
      expect(a.accounts.size).toBe(2)
      expect(b.accounts.size).toBe(2)
    })
  })

  it('reloads when its feed skips entries, and ends where the others are', async () => {
    const { redis, a, b } = await two()
    await a.social.putPair({ a: 'alice', b: 'bob', since: 1 })
    await vi.waitFor(() => expect(b.social.pair('alice', 'bob')).toBeDefined())
    // A change whose feed entry is lost (as if trimmed away): the counter moves on without it.
    const raw = redis.client()
    await raw.hset(
      'p2pchat:social:pairs',
      'alice\ncarol',
      JSON.stringify({ a: 'alice', b: 'carol', since: 2 })
    )
    await raw.incr(SOCIAL_SEQ_KEY)
    await a.social.putPair({ a: 'bob', b: 'carol', since: 3 })
    // b sees a jump in the counter and reloads: it has the change it never saw an entry for.
    await vi.waitFor(() => {
      expect(b.social.pair('carol', 'alice')?.since).toBe(2)
      expect(b.social.pair('carol', 'bob')?.since).toBe(3)
    })
  })

  it('shares the hourly relay allowance: bytes relayed through one tracker count on the other', async () => {
    const { a, b } = await two()
    const quotaA = new RedisRelayQuota(a.backend.redis!, log)
    const quotaB = new RedisRelayQuota(b.backend.redis!, log)
    quotaA.add('alice', 700)
    expect(quotaA.used('alice')).toBe(700)
    await quotaA.sync()
    quotaB.add('alice', 400)
    await quotaB.sync()
    await quotaA.sync()
    expect(quotaA.used('alice')).toBe(1_100)
    expect(quotaB.used('alice')).toBe(1_100)
    expect(quotaB.used('bob')).toBe(0)
    // The relay refuses a new relayed connection for a user over the shared allowance, though this
    // tracker alone counted less.
    const relay = new RelayAccounting(
      { byPeer: key => ({ key: key === peers[0].toString() ? 'alice' : 'bob' }) },
      { userBytesPerHour: 1_000 }
    )
    relay.shareQuota(quotaB)
    expect(relay.gater.denyOutboundRelayedConnection?.(peers[0], peers[1])).toBe(true)
    expect(relay.counters.refusedQuota).toBe(1)
    expect(relay.gater.denyOutboundRelayedConnection?.(peers[1], peers[1])).toBe(false)
  })

  it('says what is wrong when Redis cannot be used: a database it does not have, wrong credentials', async () => {
    const redis = await startRedis()
    await expect(openBackend(parseStore(redis.url.replace(/\/0$/, '/20')), '.', log)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/has no database 20/)
    })
    const raw = redis.client()
    await raw.config('SET', 'requirepass', 'the right one')
    await expect(
      openBackend(parseStore(redis.url.replace('redis://', 'redis://:wrong@')), '.', log)
    ).rejects.toMatchObject({
      code: 'BUSY',
      message: expect.stringMatching(
        /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: Redis refused the credentials/
      )
    })
  })

  it('keeps two deployments on one server (databases 0 and 1) apart, pub/sub included', async () => {
    const redis = await startRedis()
    const zero = await openBackend(parseStore(redis.url), '.', log)
    const one = await openBackend(parseStore(redis.url.replace(/\/0$/, '/1')), '.', log)
    onCleanup(() => zero.close())
    onCleanup(() => one.close())
    const heard: string[] = []
    await zero.redis!.subscribe('p2pchat:test', m => heard.push(m.toString()))
    await one.redis!.publish('p2pchat:test', Buffer.from('from database 1'))
    await zero.redis!.publish('p2pchat:test', Buffer.from('from database 0'))
    await expect.poll(() => heard).toEqual(['from database 0'])
  })

  it('refuses to serve when Redis comes back without its data, instead of serving from memory', async () => {
    const { redis, a } = await two()
    await a.accounts.register('ivan', PASSWORD)
    await redis.kill()
    // Restarted with nothing on disk: as a Redis without persistence comes back.
    await rm(join(redis.dir, 'appendonlydir'), { recursive: true, force: true })
    await redis.start()
    await vi.waitFor(() => expect(a.backend.health().lastError).toMatch(/came back without p2pchat's data/), {
      timeout: 10_000
    })
    // Not up again: no name can be given out twice while it holds accounts Redis has forgotten.
    await new Promise(resolve => setTimeout(resolve, 1_500))
    expect(a.backend.health().up).toBe(false)
    await expect(a.accounts.register('judy', PASSWORD)).rejects.toMatchObject({ code: 'BUSY' })
  })

  it('notices a store emptied under it (FLUSHDB) at the next change, and refuses to serve', async () => {
    const { redis, a, b } = await two()
    await a.social.putPair({ a: 'alice', b: 'bob', since: 1 })
    await vi.waitFor(() => expect(b.social.pair('alice', 'bob')).toBeDefined())
    const raw = redis.client()
    await raw.flushdb()
    await b.social.putPair({ a: 'carol', b: 'dave', since: 2 })
    await vi.waitFor(() => expect(a.backend.health().lastError).toMatch(/without p2pchat's data/), {
      timeout: 10_000
    })
    expect(a.backend.health().up).toBe(false)
    // What it held is not dropped meanwhile (no reload from the empty store).
    expect(a.social.pair('alice', 'bob')).toBeDefined()
  })

  it('refuses changes with BUSY while Redis is gone, then reloads and serves again with nothing lost', async () => {
    const { redis, a, b } = await two()
    await a.accounts.register('gina', PASSWORD)
    await a.social.putPair({ a: 'bob', b: 'gina', since: 4 })
    await redis.stop()
    await vi.waitFor(() => expect(a.backend.health().up).toBe(false))
    expect(a.backend.health()).toMatchObject({ backend: 'redis', up: false, outages: 1 })
    await expect(a.accounts.register('hank', PASSWORD)).rejects.toMatchObject({ code: 'BUSY' })
    await expect(b.social.putPair({ a: 'bob', b: 'hank', since: 5 })).rejects.toMatchObject({ code: 'BUSY' })
    await redis.start()
    await vi.waitFor(() => expect(a.backend.health().up).toBe(true), { timeout: 10_000 })
    await vi.waitFor(() => expect(b.backend.health().up).toBe(true), { timeout: 10_000 })
    // What was acknowledged before is there; the change refused with BUSY is not (b reloaded).
    expect(b.accounts.find('gina')?.username).toBe('gina')
    expect(b.social.pair('gina', 'bob')?.since).toBe(4)
    expect(b.social.pair('hank', 'bob')).toBeUndefined()
    await a.accounts.register('hank', PASSWORD)
    await vi.waitFor(() => expect(b.accounts.find('hank')).toBeDefined())
  })
})
