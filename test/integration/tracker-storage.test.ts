import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ACCOUNTS_FILE_NAME, ACCOUNTS_JOURNAL_FILE_NAME } from '../../tracker/accounts.ts'
import { Tracker } from '../../tracker/tracker.ts'
import { connectPeer, PASSWORD, startTracker, TEST_SCRYPT_LOG_N, tempDir } from '../fixtures/nodes.ts'

const trackerIn = (dataDir: string) =>
  new Tracker({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], scryptLogN: TEST_SCRYPT_LOG_N })

describe('tracker storage', () => {
  it('keeps accounts and its PeerId across a restart', async () => {
    const dataDir = await tempDir()
    const first = await startTracker({ dataDir })
    const firstId = first.peerId.toString()
    await connectPeer(first, 'alice', { login: false })
    await first.stop()

    const second = await startTracker({ dataDir })
    expect(second.peerId.toString()).toBe(firstId)
    expect(second.accountCount).toBe(1)
    const { client } = await connectPeer(second, 'alice', { register: false })
    expect(client.username).toBe('alice')
    // The stored record holds a scrypt hash, never the password.
    const text = await readFile(join(dataDir, ACCOUNTS_FILE_NAME), 'utf8')
    expect(text).not.toContain(PASSWORD)
    expect(JSON.parse(text).accounts.alice.password).toMatchObject({ logN: TEST_SCRYPT_LOG_N, r: 8, p: 1 })
  })

  it('appends a registration to accounts.journal and folds it into accounts.json at stop', async () => {
    const dataDir = await tempDir()
    const tracker = await startTracker({ dataDir })
    await connectPeer(tracker, 'alice', { login: false })
    // Acknowledged means fsynced in the journal; accounts.json is not rewritten for it.
    const journal = await readFile(join(dataDir, ACCOUNTS_JOURNAL_FILE_NAME), 'utf8')
    expect(journal.split('\n').map(l => (l === '' ? '' : JSON.parse(l).username))).toEqual(['alice', ''])
    expect(journal).not.toContain(PASSWORD)
    await expect(stat(join(dataDir, ACCOUNTS_FILE_NAME))).rejects.toMatchObject({ code: 'ENOENT' })
    await tracker.stop()
    expect((await stat(join(dataDir, ACCOUNTS_JOURNAL_FILE_NAME))).size).toBe(0)
    const file = JSON.parse(await readFile(join(dataDir, ACCOUNTS_FILE_NAME), 'utf8'))
    expect(Object.keys(file.accounts)).toEqual(['alice'])
  })

  it('stores names that are Object.prototype members as ordinary accounts', async () => {
    const dataDir = await tempDir()
    const first = await startTracker({ dataDir })
    await connectPeer(first, '__proto__', { login: false })
    await connectPeer(first, 'constructor', { login: false })
    await first.stop()

    const second = await startTracker({ dataDir })
    expect(second.accountCount).toBe(2)
    const { client } = await connectPeer(second, '__proto__', { register: false })
    expect(client.username).toBe('__proto__')
    await expect(client.accountExists('Constructor')).resolves.toBe('constructor')
    await expect(client.accountExists('hasOwnProperty')).resolves.toBeUndefined()
  })

  it('refuses to start on a corrupt accounts file and leaves it untouched', async () => {
    const dataDir = await tempDir()
    const path = join(dataDir, ACCOUNTS_FILE_NAME)
    await writeFile(path, '{"version": 1, "accounts": {"ali')
    const tracker = trackerIn(dataDir)
    await expect(tracker.start()).rejects.toMatchObject({ code: 'DATA_CORRUPT' })
    expect(await readFile(path, 'utf8')).toBe('{"version": 1, "accounts": {"ali')
    // The failed start released the directory: a fixed file starts fine.
    await writeFile(path, '{"version": 1, "accounts": {}}')
    const fixed = trackerIn(dataDir)
    await fixed.start()
    await fixed.stop()
  })

  it('refuses to start on an empty (truncated) accounts file', async () => {
    const dataDir = await tempDir()
    await writeFile(join(dataDir, ACCOUNTS_FILE_NAME), '')
    await expect(trackerIn(dataDir).start()).rejects.toMatchObject({ code: 'DATA_CORRUPT' })
  })

  it('refuses an accounts file of the wrong shape', async () => {
    const dataDir = await tempDir()
    await writeFile(
      join(dataDir, ACCOUNTS_FILE_NAME),
      '{"version": 1, "accounts": {"bob": {"username": "alice"}}}'
    )
    await expect(trackerIn(dataDir).start()).rejects.toMatchObject({ code: 'DATA_CORRUPT' })
  })

  it('refuses a second tracker on the same directory', async () => {
    const dataDir = await tempDir()
    await startTracker({ dataDir })
    await expect(trackerIn(dataDir).start()).rejects.toMatchObject({ code: 'DATA_LOCKED' })
  })

  it('takes over a stale lock left by a process that is gone', async () => {
    const dataDir = await tempDir()
    // pid 2^22+1 is above Linux's pid_max default, so no process has it.
    await writeFile(join(dataDir, 'LOCK'), `${2 ** 22 + 1}\n`)
    const tracker = await startTracker({ dataDir })
    expect(tracker.accountCount).toBe(0)
  })
})
