import type { FileHandle } from 'node:fs/promises'
import { appendFile, mkdir, open, readFile, rmdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { AccountStoreInit, JournalHandle } from '../../tracker/accounts.ts'
import { ACCOUNTS_FILE_NAME, ACCOUNTS_JOURNAL_FILE_NAME, AccountStore } from '../../tracker/accounts.ts'
import { PasswordHasher } from '../../tracker/password-hash.ts'
import { onCleanup, PASSWORD, TEST_SCRYPT_LOG_N, tempDir } from '../fixtures/nodes.ts'

const hasher = new PasswordHasher(TEST_SCRYPT_LOG_N)
const FROM = { source: '127.0.0.1', peer: 'test-peer' }

let dir: string
beforeEach(async () => {
  dir = await tempDir('p2pchat-accounts-')
})

const snapshotPath = () => join(dir, ACCOUNTS_FILE_NAME)
const journalPath = () => join(dir, ACCOUNTS_JOURNAL_FILE_NAME)

/**
 * A store on `dir`. Not flushed by the test unless it says so (leaving it open is a kill -9); flushed
 * after the test, before the directory goes, so its journal file is closed.
 */
async function opened(init: Partial<AccountStoreInit> = {}): Promise<AccountStore> {
  const store = new AccountStore({
    dataDir: dir,
    hasher,
    log: logger('p2pchat:test:accounts'),
    foldJournalRecords: 1_000_000,
    ...init
  })
  await store.open()
  onCleanup(() => store.flush())
  return store
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/** The usernames in the journal, one per whole line. */
async function journalNames(): Promise<string[]> {
  const text = (await readText(journalPath())) ?? ''
  return text
    .split('\n')
    .filter(l => l !== '')
    .map(l => JSON.parse(l).username)
}

async function snapshotNames(): Promise<string[]> {
  const text = await readText(snapshotPath())
  return text === undefined
    ? []
    : Object.values(JSON.parse(text).accounts).map(a => (a as { username: string }).username)
}

/** A snapshot of `count` accounts written by hand (hashes that log no one in, for size only). */
async function writeSnapshot(count: number): Promise<void> {
  const accounts: Record<string, unknown> = {}
  for (let i = 0; i < count; i++) {
    accounts[`old${i}`] = {
      username: `old${i}`,
      password: { logN: 10, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'A'.repeat(44) },
      createdAt: 1_700_000_000_000 + i
    }
  }
  await writeFile(snapshotPath(), `${JSON.stringify({ version: 1, accounts })}\n`)
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code })
}

/** The real journal file on a disk with `room` bytes left: a longer write is cut short, the next fails. */
class FillingDisk implements JournalHandle {
  room = Number.POSITIVE_INFINITY
  readonly #fh: FileHandle

  constructor(fh: FileHandle) {
    this.#fh = fh
  }

  async write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }> {
    if (this.room === 0) throw errno('ENOSPC')
    const { bytesWritten } = await this.#fh.write(buffer, offset, Math.min(length, this.room))
    this.room -= bytesWritten
    return { bytesWritten }
  }

  /** While set, fsyncs wait for it: a registration is written but not yet acknowledged. */
  syncGate?: Promise<void>

  async datasync(): Promise<void> {
    await this.syncGate
    await this.#fh.datasync()
  }

  sync(): Promise<void> {
    return this.#fh.sync()
  }

  truncate(length: number): Promise<void> {
    return this.#fh.truncate(length)
  }

  stat(): Promise<{ size: number }> {
    return this.#fh.stat()
  }

  close(): Promise<void> {
    return this.#fh.close()
  }
}

describe('AccountStore journal', () => {
  it('appends one line per registration, whatever the number of accounts, and leaves accounts.json alone', async () => {
    // The bytes a registration writes, with 0 and with 3,000 accounts in accounts.json.
    const growth: number[] = []
    for (const existing of [0, 3_000]) {
      dir = await tempDir('p2pchat-accounts-')
      if (existing > 0) await writeSnapshot(existing)
      const store = await opened()
      const snapshotBefore = await readText(snapshotPath())
      for (const name of ['alice', 'bobby']) {
        const before = (await stat(journalPath())).size
        const account = await store.register(name, PASSWORD)
        const after = (await stat(journalPath())).size
        expect(after - before).toBe(Buffer.byteLength(`${JSON.stringify(account)}\n`))
        growth.push(after - before)
      }
      expect(await readText(snapshotPath())).toBe(snapshotBefore)
      expect(await journalNames()).toEqual(['alice', 'bobby'])
      expect(store.size).toBe(existing + 2)
    }
    // One small line each time: not a rewrite of 3,000 accounts (~570 KB).
    expect(Math.max(...growth)).toBeLessThan(300)
    expect(Math.max(...growth) - Math.min(...growth)).toBeLessThanOrEqual(2)
  })

  it('loads accounts.json plus the journal after a crash, then folds the journal in', async () => {
    await writeSnapshot(3)
    const first = await opened()
    await first.register('alice', PASSWORD)
    await first.register('bob', PASSWORD)
    // No flush: as if the process was killed here.
    const again = await opened()
    expect(again.size).toBe(5)
    expect(again.find('ALICE')?.username).toBe('alice')
    await expect(again.authenticate('bob', PASSWORD, FROM)).resolves.toMatchObject({ username: 'bob' })
    await expect(again.register('Bob', PASSWORD)).rejects.toMatchObject({ code: 'USERNAME_TAKEN' })
    // Replaying folded the journal into accounts.json.
    expect((await stat(journalPath())).size).toBe(0)
    expect((await snapshotNames()).sort()).toEqual(['alice', 'bob', 'old0', 'old1', 'old2'])
  })

  it('loads an accounts.json without a journal as it is, without rewriting it', async () => {
    await writeSnapshot(2)
    const before = await readText(snapshotPath())
    const store = await opened()
    expect(store.size).toBe(2)
    expect(store.find('old1')?.createdAt).toBe(1_700_000_000_001)
    expect(await readText(snapshotPath())).toBe(before)
  })

  it('cuts a torn last line (a write cut short by a crash) and appends after the good ones', async () => {
    const first = await opened()
    await first.register('alice', PASSWORD)
    await first.register('bob', PASSWORD)
    await appendFile(journalPath(), '{"username":"carol","password":{"lo')
    const again = await opened({ foldJournalRecords: 1_000_000 })
    expect(again.size).toBe(2)
    expect(again.find('carol')).toBeUndefined()
    await again.register('carol', PASSWORD)
    const third = await opened()
    expect([...['alice', 'bob', 'carol'].map(n => third.find(n)?.username)]).toEqual([
      'alice',
      'bob',
      'carol'
    ])
  })

  it('refuses a damaged line in the middle with DATA_CORRUPT naming the file and line, and leaves it', async () => {
    const first = await opened()
    await first.register('alice', PASSWORD)
    await first.register('bob', PASSWORD)
    const [alice, bob] = (await readFile(journalPath(), 'utf8')).split('\n')
    const damaged = `${alice}\n{"username": 42}\n${bob}\n`
    await writeFile(journalPath(), damaged)
    const store = new AccountStore({ dataDir: dir, hasher, log: logger('p2pchat:test:accounts') })
    const err = await store.open().then(
      () => undefined,
      (e: unknown) => e
    )
    expect(err).toMatchObject({ code: 'DATA_CORRUPT' })
    expect((err as Error).message).toContain(`${journalPath()} line 2`)
    expect(await readFile(journalPath(), 'utf8')).toBe(damaged)
  })

  it('replays a line whose account accounts.json has already (a crash between the two steps of a fold)', async () => {
    const first = await opened()
    await first.register('alice', PASSWORD)
    await first.register('bob', PASSWORD)
    // The fold wrote accounts.json, then the process died before it emptied the journal.
    const accounts = Object.fromEntries(
      (await readFile(journalPath(), 'utf8'))
        .split('\n')
        .filter(l => l !== '')
        .map(l => [JSON.parse(l).username, JSON.parse(l)])
    )
    await writeFile(snapshotPath(), JSON.stringify({ version: 1, accounts }))
    const again = await opened()
    expect(again.size).toBe(2)
    await expect(again.authenticate('alice', PASSWORD, FROM)).resolves.toMatchObject({ username: 'alice' })
    expect(await journalNames()).toEqual([])
    expect((await snapshotNames()).sort()).toEqual(['alice', 'bob'])
  })

  it('refuses a line that registers a name accounts.json holds with other data', async () => {
    const first = await opened()
    await first.register('alice', PASSWORD)
    await first.flush()
    const stored = JSON.parse(await readFile(snapshotPath(), 'utf8')).accounts.alice
    // Not something register() writes: an edit that would replace alice's password.
    await writeFile(
      journalPath(),
      `${JSON.stringify({ ...stored, password: { ...stored.password, hash: 'B'.repeat(44) } })}\n`
    )
    const store = new AccountStore({ dataDir: dir, hasher, log: logger('p2pchat:test:accounts') })
    await expect(store.open()).rejects.toMatchObject({
      code: 'DATA_CORRUPT',
      message: expect.stringContaining(`${ACCOUNTS_JOURNAL_FILE_NAME} line 1`)
    })
  })

  it('folds into accounts.json at the threshold without waiting for a flush, and keeps everything', async () => {
    const store = await opened({ foldJournalRecords: 5 })
    for (const name of ['u1', 'u2', 'u3', 'u4']) await store.register(name, PASSWORD)
    expect(await snapshotNames()).toEqual([])
    await store.register('u5', PASSWORD)
    await vi.waitFor(async () =>
      expect((await snapshotNames()).sort()).toEqual(['u1', 'u2', 'u3', 'u4', 'u5'])
    )
    expect(await journalNames()).toEqual([])
    await store.register('u6', PASSWORD)
    expect(await journalNames()).toEqual(['u6'])
    // Crash: no flush.
    const again = await opened()
    expect(again.size).toBe(6)
  })

  it('keeps a registration written while a fold writes accounts.json, in the journal', async () => {
    const quick = {
      hash: async () => ({ logN: 10, r: 8, p: 1, salt: 'c2FsdA==', hash: 'A'.repeat(44) }),
      verify: async () => false
    } as unknown as PasswordHasher
    let disk: FillingDisk | undefined
    const store = await opened({
      foldJournalRecords: 2,
      hasher: quick,
      openJournal: async path => {
        disk = new FillingDisk(await open(path, 'a', 0o600))
        return disk
      }
    })
    await store.register('alice', PASSWORD)
    const gate = Promise.withResolvers<void>()
    onCleanup(() => gate.resolve()) // before the store's flush, should the test fail while it is held
    await store.register('bob', PASSWORD) // the second line: a fold of alice and bob starts
    disk!.syncGate = gate.promise
    // Written at once, acknowledged only once the fold has written accounts.json without it.
    const carol = store.register('carol', PASSWORD)
    await vi.waitFor(async () => expect((await snapshotNames()).sort()).toEqual(['alice', 'bob']))
    disk!.syncGate = undefined
    gate.resolve()
    await carol
    // The fold then drops alice and bob from the journal, and only them.
    await vi.waitFor(async () => expect(await journalNames()).toEqual(['carol']))
    expect((await snapshotNames()).sort()).toEqual(['alice', 'bob'])
    // Crash: no flush.
    const again = await opened()
    expect(again.find('carol')?.username).toBe('carol')
    expect(again.size).toBe(3)
  })

  it('keeps registrations that arrive while a fold is writing', async () => {
    // Hashing as fast as it goes and as many at once as asked, so registrations pile up behind folds.
    const quick = {
      hash: async () => ({ logN: 10, r: 8, p: 1, salt: 'c2FsdA==', hash: 'A'.repeat(44) }),
      verify: async () => false
    } as unknown as PasswordHasher
    const store = await opened({ foldJournalRecords: 3, hasher: quick })
    const names = Array.from({ length: 30 }, (_, i) => `user${i}`)
    await Promise.all(names.map(n => store.register(n, PASSWORD)))
    expect(store.size).toBe(30)
    // Once the folds are over (fewer lines than the threshold left), disk holds every account exactly once.
    let onDisk: string[] = []
    await vi.waitFor(async () => {
      const journal = await journalNames()
      onDisk = [...journal, ...(await snapshotNames())]
      expect(journal.length).toBeLessThan(3)
      expect(new Set(onDisk).size).toBe(30)
    })
    expect(onDisk.length).toBe(30)
    // Crash: no flush.
    const again = await opened()
    expect(again.size).toBe(30)
  })

  it('answers NO_SPACE when the journal cannot be written, keeps nothing, and frees the name', async () => {
    let disk: FillingDisk | undefined
    const store = await opened({
      openJournal: async path => {
        disk = new FillingDisk(await open(path, 'a', 0o600))
        return disk
      }
    })
    await store.register('alice', PASSWORD)
    const good = (await stat(journalPath())).size
    disk!.room = 20 // part of the line fits, then the disk is full
    const err = await store.register('bob', PASSWORD).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'NO_SPACE' })
    // The client is not told where the tracker keeps its files.
    expect((err as Error).message).not.toContain(dir)
    expect(store.find('bob')).toBeUndefined()
    expect(store.size).toBe(1)
    await expect(store.authenticate('bob', PASSWORD, FROM)).rejects.toMatchObject({ code: 'AUTH_FAILED' })
    expect((await stat(journalPath())).size).toBe(good)

    disk!.room = Number.POSITIVE_INFINITY
    await expect(store.register('bob', PASSWORD)).resolves.toMatchObject({ username: 'bob' })
    expect(await journalNames()).toEqual(['alice', 'bob'])
    expect((await opened()).size).toBe(2)
  })

  it('keeps the journal when a fold cannot write accounts.json', async () => {
    const store = await opened()
    await store.register('alice', PASSWORD)
    await store.register('bob', PASSWORD)
    // The temp file accounts.json is written through cannot be created: the snapshot write fails.
    const tmp = join(dir, `.${ACCOUNTS_FILE_NAME}.${process.pid}.tmp`)
    await mkdir(tmp)
    await store.flush()
    expect(await readText(snapshotPath())).toBeUndefined()
    expect(await journalNames()).toEqual(['alice', 'bob'])
    await rmdir(tmp)
    const again = await opened()
    expect(again.size).toBe(2)
    expect(await snapshotNames()).toEqual(['alice', 'bob'])
  })

  it('flush folds and closes the journal; a later registration opens it again', async () => {
    const store = await opened()
    await store.register('alice', PASSWORD)
    await store.flush()
    expect(await snapshotNames()).toEqual(['alice'])
    expect(await journalNames()).toEqual([])
    await store.register('bob', PASSWORD)
    expect(await journalNames()).toEqual(['bob'])
    await store.flush()
    expect((await snapshotNames()).sort()).toEqual(['alice', 'bob'])
    expect(await journalNames()).toEqual([])
  })
})
