import { appendFile, open, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Account, AccountStoreInit, JournalHandle } from '../../tracker/accounts.ts'
import {
  ACCOUNTS_FILE_NAME,
  ACCOUNTS_JOURNAL_FILE_NAME,
  AccountStore,
  MAX_REVOKED_DEVICES
} from '../../tracker/accounts.ts'
import { FREE_FAILURES } from '../../tracker/login-throttle.ts'
import { PasswordHasher } from '../../tracker/password-hash.ts'
import { LowdbAccountLog } from '../../tracker/store/lowdb-accounts.ts'
import type { AccountReplica } from '../../tracker/store/types.ts'
import { onCleanup, PASSWORD, TEST_SCRYPT_LOG_N, tempDir } from '../fixtures/nodes.ts'

const hasher = new PasswordHasher(TEST_SCRYPT_LOG_N)
const log = logger('p2pchat:test:account-updates')
const NEW_PASSWORD = 'staple tray lunch quartz'
const HOUR_MS = 60 * 60_000

/** A login origin of its own, so the throttle's per-PeerId memory of one test does not reach another. */
let origins = 0
const stranger = () => ({ source: '127.0.0.1', peer: `test-peer-${++origins}` })

let dir: string
beforeEach(async () => {
  dir = await tempDir('p2pchat-account-updates-')
})

const snapshotPath = () => join(dir, ACCOUNTS_FILE_NAME)
const journalPath = () => join(dir, ACCOUNTS_JOURNAL_FILE_NAME)

/**
 * A store on `dir`. Not flushed by the test unless it says so (leaving it open is a kill -9); flushed
 * after the test, before the directory goes, so its journal file is closed.
 */
async function opened(init: Partial<AccountStoreInit> = {}): Promise<AccountStore> {
  const store = new AccountStore({ dataDir: dir, hasher, log, foldJournalRecords: 1_000_000, ...init })
  await store.open()
  onCleanup(() => store.flush())
  return store
}

async function snapshotAccounts(): Promise<Record<string, Account>> {
  return JSON.parse(await readFile(snapshotPath(), 'utf8')).accounts
}

async function journalLines(): Promise<Account[]> {
  const text = await readFile(journalPath(), 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter(l => l !== '')
    .map(l => JSON.parse(l))
}

function codeOf(err: unknown): string | undefined {
  return (err as { code?: string }).code
}

describe('account changes on lowdb', () => {
  it('keeps a change across a restart, and accounts.json then holds the new fields', async () => {
    const first = await opened()
    await first.register('alice', PASSWORD)
    const changed = await first.revokeAll('alice')
    expect(changed).toMatchObject({ username: 'alice', rev: 1, sessionGen: 1 })
    expect(first.get('alice')).toBe(changed)
    await first.flush()
    expect((await snapshotAccounts()).alice).toMatchObject({ rev: 1, sessionGen: 1 })
    expect(await journalLines()).toEqual([])
    const again = await opened()
    expect(again.get('alice')).toMatchObject({ rev: 1, sessionGen: 1 })
    expect(again.size).toBe(1)
  })

  it('replays a change in the journal over the account accounts.json holds, and folds it in', async () => {
    const first = await opened()
    await first.register('alice', PASSWORD)
    await first.register('bob', PASSWORD)
    await first.flush()
    await first.revokeDevice('alice', 'peer-a', 1_000, HOUR_MS)
    await first.revokeAll('bob')
    expect((await journalLines()).map(a => [a.username, a.rev])).toEqual([
      ['alice', 1],
      ['bob', 1]
    ])
    // No flush: as if the process was killed here.
    const again = await opened()
    expect(again.get('alice')).toMatchObject({ rev: 1, revoked: { 'peer-a': 1_000 } })
    expect(again.get('bob')).toMatchObject({ rev: 1, sessionGen: 1 })
    expect(again.size).toBe(2)
    // Replaying folded the journal into accounts.json, newest copies included.
    expect((await stat(journalPath())).size).toBe(0)
    const folded = await snapshotAccounts()
    expect(folded.alice.rev).toBe(1)
    expect(folded.bob.sessionGen).toBe(1)
  })

  it('folds at the threshold keeping the newest copy of each account, changes counted as records', async () => {
    const store = await opened({ foldJournalRecords: 4 })
    await store.register('alice', PASSWORD)
    await store.register('bob', PASSWORD)
    for (let i = 1; i <= 2; i++) await store.revokeDevice('alice', `peer-${i}`, 1_000 + i, HOUR_MS)
    // The fourth record (a change, not a registration) brings the fold.
    await expect.poll(async () => (await snapshotAccounts().catch(() => undefined))?.alice?.rev).toBe(2)
    await expect.poll(journalLines).toEqual([])
    const folded = await snapshotAccounts()
    expect(folded.alice.revoked).toEqual({ 'peer-1': 1_001, 'peer-2': 1_002 })
    expect(folded.bob.rev).toBeUndefined()
    // Crash: no flush.
    const again = await opened()
    expect(again.get('alice')?.rev).toBe(2)
  })

  it('folds a change the journal has fsynced before the replica holds it: the higher rev wins', async () => {
    const first = await opened()
    const registered = await first.register('alice', PASSWORD)
    await first.flush()
    // A replica that still holds rev 0, as one whose update() has not come back yet.
    const held: Account[] = [registered]
    const replica: AccountReplica = {
      apply: () => {},
      get size() {
        return held.length
      },
      accounts: () => held
    }
    const backend = new LowdbAccountLog({ dataDir: dir, log, foldJournalRecords: 1_000_000 })
    await backend.open(replica)
    await backend.update({ ...registered, rev: 1, sessionGen: 1 }, 0)
    await backend.close()
    expect((await snapshotAccounts()).alice).toMatchObject({ rev: 1, sessionGen: 1 })
    // And a replica ahead of a journal line (an interrupted fold replayed) keeps its own copy.
    const newer = { ...registered, rev: 3, sessionGen: 2 }
    held[0] = newer
    const second = new LowdbAccountLog({ dataDir: dir, log, foldJournalRecords: 1_000_000 })
    await second.open(replica)
    await second.update({ ...registered, rev: 2, sessionGen: 2 }, 1)
    await second.close()
    expect((await snapshotAccounts()).alice).toMatchObject({ rev: 3 })
  })

  it('skips a stale journal line (a lower rev than accounts.json holds)', async () => {
    const first = await opened()
    await first.register('alice', PASSWORD)
    await first.revokeAll('alice')
    const [, stale] = await journalLines()
    await first.revokeAll('alice')
    await first.flush()
    expect((await snapshotAccounts()).alice.rev).toBe(2)
    await writeFile(journalPath(), `${JSON.stringify(stale)}\n`)
    const again = await opened()
    expect(again.get('alice')).toMatchObject({ rev: 2, sessionGen: 2 })
    expect((await snapshotAccounts()).alice.rev).toBe(2)
  })

  it('refuses, with DATA_CORRUPT naming the line, a journal line of the rev held but with other data', async () => {
    const first = await opened()
    await first.register('alice', PASSWORD)
    await first.revokeAll('alice')
    await first.flush()
    const stored = (await snapshotAccounts()).alice
    // Not something a change writes: a second rev 1 that would hand out another password.
    await appendFile(
      journalPath(),
      `${JSON.stringify({ ...stored, password: { ...stored.password, hash: 'B'.repeat(44) } })}\n`
    )
    const store = new AccountStore({ dataDir: dir, hasher, log })
    await expect(store.open()).rejects.toMatchObject({
      code: 'DATA_CORRUPT',
      message: expect.stringContaining(`${ACCOUNTS_JOURNAL_FILE_NAME} line 1`)
    })
  })

  it('refuses malformed new fields with DATA_CORRUPT', async () => {
    const first = await opened()
    await first.register('alice', PASSWORD)
    await first.flush()
    const stored = (await snapshotAccounts()).alice
    for (const bad of [{ rev: -1 }, { sessionGen: 1.5 }, { revoked: { peer: 'x' } }, { revoked: [1] }]) {
      await writeFile(
        snapshotPath(),
        JSON.stringify({ version: 1, accounts: { alice: { ...stored, ...bad } } })
      )
      const store = new AccountStore({ dataDir: dir, hasher, log })
      await expect(store.open()).rejects.toMatchObject({ code: 'DATA_CORRUPT' })
    }
  })

  it('loads an accounts.json written before accounts could change, and changes its accounts', async () => {
    const old = {
      username: 'old0',
      password: { logN: 10, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'A'.repeat(44) },
      createdAt: 1_700_000_000_000
    }
    await writeFile(snapshotPath(), `${JSON.stringify({ version: 1, accounts: { old0: old } })}\n`)
    const store = await opened()
    expect(store.get('old0')).toEqual(old)
    expect(await store.revokeAll('old0')).toEqual({ ...old, rev: 1, sessionGen: 1 })
  })

  it('changes a password: the old one checked as a login, then only the new one logs in', async () => {
    const store = await opened()
    await store.register('alice', PASSWORD)
    await store.revokeDevice('alice', 'peer-a', 1_000, HOUR_MS)
    const before = store.get('alice')
    const linesBefore = (await journalLines()).length
    await expect(
      store.changePassword('alice', 'not the password', NEW_PASSWORD, stranger())
    ).rejects.toMatchObject({ code: 'AUTH_FAILED' })
    await expect(store.changePassword('Alice', PASSWORD, 'short', stranger())).rejects.toMatchObject({
      code: 'INVALID_PASSWORD'
    })
    await expect(store.changePassword('alice', PASSWORD, PASSWORD, stranger())).rejects.toMatchObject({
      code: 'INVALID_PASSWORD'
    })
    // Nothing changed, nothing written.
    expect(store.get('alice')).toBe(before)
    expect((await journalLines()).length).toBe(linesBefore)
    await expect(store.authenticate('alice', PASSWORD, stranger())).resolves.toMatchObject({ rev: 1 })

    const changed = await store.changePassword('ALICE', PASSWORD, NEW_PASSWORD, stranger())
    // Every resumable session ends: a new generation, the device revocations moot.
    expect(changed).toMatchObject({ username: 'alice', rev: 2, sessionGen: 1 })
    expect(changed.revoked).toBeUndefined()
    expect(changed.createdAt).toBe(before?.createdAt)
    await expect(store.authenticate('alice', NEW_PASSWORD, stranger())).resolves.toBe(changed)
    await expect(store.authenticate('alice', PASSWORD, stranger())).rejects.toMatchObject({
      code: 'AUTH_FAILED'
    })
    // And after a restart.
    const again = await opened()
    await expect(again.authenticate('alice', NEW_PASSWORD, stranger())).resolves.toMatchObject({ rev: 2 })
    await expect(again.authenticate('alice', PASSWORD, stranger())).rejects.toMatchObject({
      code: 'AUTH_FAILED'
    })
  })

  it('holds back password guesses through a password change as it holds back logins', async () => {
    const store = await opened()
    await store.register('alice', PASSWORD)
    // The free failures, then one that starts the back-off.
    for (let i = 0; i <= FREE_FAILURES; i++) {
      await expect(
        store.changePassword('alice', `wrong guess ${i}!`, NEW_PASSWORD, stranger())
      ).rejects.toMatchObject({ code: 'AUTH_FAILED' })
    }
    // One budget for both: the right password waits too, by either way in.
    await expect(store.changePassword('alice', PASSWORD, NEW_PASSWORD, stranger())).rejects.toMatchObject({
      code: 'RATE_LIMITED'
    })
    await expect(store.authenticate('alice', PASSWORD, stranger())).rejects.toMatchObject({
      code: 'RATE_LIMITED'
    })
    expect(store.get('alice')?.rev).toBeUndefined()
  })

  it('revokes one device at a time, drops revocations older than the credentials live, and stays bounded', async () => {
    const store = await opened()
    await store.register('alice', PASSWORD)
    const t0 = 1_700_000_000_000
    await store.revokeDevice('alice', 'old-peer', t0, HOUR_MS)
    let account = await store.revokeDevice('alice', 'peer-0', t0 + HOUR_MS, HOUR_MS)
    // old-peer's revocation is exactly maxAge old: kept.
    expect(account.revoked).toEqual({ 'old-peer': t0, 'peer-0': t0 + HOUR_MS })
    account = await store.revokeDevice('alice', 'peer-1', t0 + HOUR_MS + 1, HOUR_MS)
    expect(account.revoked).toEqual({ 'peer-0': t0 + HOUR_MS, 'peer-1': t0 + HOUR_MS + 1 })
    // Revoking a device again never moves its time back.
    account = await store.revokeDevice('alice', 'peer-1', t0 + HOUR_MS, HOUR_MS)
    expect(account.revoked?.['peer-1']).toBe(t0 + HOUR_MS + 1)
    expect(account.sessionGen).toBeUndefined()
    for (let i = 2; i < MAX_REVOKED_DEVICES; i++) {
      account = await store.revokeDevice('alice', `peer-${i}`, t0 + HOUR_MS + i, HOUR_MS)
    }
    expect(Object.keys(account.revoked ?? {}).length).toBe(MAX_REVOKED_DEVICES)
    expect(account.sessionGen).toBeUndefined()
    // One more would be over the bound: every device is revoked instead.
    const rev = account.rev ?? 0
    account = await store.revokeDevice('alice', 'one-too-many', t0 + 2 * HOUR_MS, 2 * HOUR_MS)
    expect(account).toMatchObject({ rev: rev + 1, sessionGen: 1 })
    expect(account.revoked).toBeUndefined()
    expect((await opened()).get('alice')).toEqual(account)
  })

  it('logs out everywhere: a new session generation each time, device revocations dropped', async () => {
    const store = await opened()
    await store.register('alice', PASSWORD)
    await store.revokeDevice('alice', 'peer-a', 1_000, HOUR_MS)
    expect(await store.revokeAll('alice')).toMatchObject({ rev: 2, sessionGen: 1 })
    const account = await store.revokeAll('alice')
    expect(account).toMatchObject({ rev: 3, sessionGen: 2 })
    expect(account.revoked).toBeUndefined()
  })

  it('writes concurrent changes of one account one after the other, each on the newest copy', async () => {
    const store = await opened()
    await store.register('alice', PASSWORD)
    const updated: Account[] = []
    store.onUpdated = account => updated.push(account)
    const [a, b, c] = await Promise.all([
      store.revokeDevice('alice', 'peer-a', 1_000, HOUR_MS),
      store.revokeDevice('alice', 'peer-b', 1_001, HOUR_MS),
      store.revokeAll('alice')
    ])
    expect([a.rev, b.rev, c.rev]).toEqual([1, 2, 3])
    expect(b.revoked).toEqual({ 'peer-a': 1_000, 'peer-b': 1_001 })
    expect(c).toMatchObject({ sessionGen: 1 })
    expect(updated.map(u => u.rev)).toEqual([1, 2, 3])
    // Two password changes at once: the second checks its old password against the first one's new.
    const third = 'a third password, longer'
    const [first, second] = await Promise.all([
      store.changePassword('alice', PASSWORD, NEW_PASSWORD, stranger()),
      store.changePassword('alice', NEW_PASSWORD, third, stranger())
    ])
    expect([first.rev, second.rev]).toEqual([4, 5])
    expect(second.sessionGen).toBe(3)
    await expect(store.authenticate('alice', third, stranger())).resolves.toBe(second)
    expect((await opened()).get('alice')?.rev).toBe(5)
  })

  it('refuses changes of an account that does not exist with UNKNOWN_USER', async () => {
    const store = await opened()
    await store.register('alice', PASSWORD)
    const errors = await Promise.all([
      store.revokeAll('nobody').catch(codeOf),
      store.revokeDevice('nobody', 'peer', 1, HOUR_MS).catch(codeOf),
      store.changePassword('nobody', PASSWORD, NEW_PASSWORD, stranger()).catch(codeOf)
    ])
    expect(errors).toEqual(['UNKNOWN_USER', 'UNKNOWN_USER', 'UNKNOWN_USER'])
    expect(store.get('nobody')).toBeUndefined()
  })

  it('answers NO_SPACE when a change cannot be written, and keeps the account as it was', async () => {
    let failing = false
    const store = await opened({
      openJournal: async path => {
        const fh = await open(path, 'a', 0o600)
        const handle: JournalHandle = {
          write: (buffer, offset, length) => {
            if (failing) {
              const err = Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' })
              return Promise.reject(err)
            }
            return fh.write(buffer, offset, length)
          },
          datasync: () => fh.datasync(),
          sync: () => fh.sync(),
          truncate: length => fh.truncate(length),
          stat: () => fh.stat(),
          close: () => fh.close()
        }
        return handle
      }
    })
    await store.register('alice', PASSWORD)
    const before = store.get('alice')
    failing = true
    const err = await store.changePassword('alice', PASSWORD, NEW_PASSWORD, stranger()).catch(e => e)
    expect(err).toMatchObject({ code: 'NO_SPACE' })
    expect((err as Error).message).not.toContain(dir)
    expect(store.get('alice')).toBe(before)
    await expect(store.authenticate('alice', PASSWORD, stranger())).resolves.toBe(before)
    failing = false
    await expect(store.revokeAll('alice')).resolves.toMatchObject({ rev: 1 })
  })
})
