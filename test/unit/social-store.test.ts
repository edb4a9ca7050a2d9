import type { FileHandle } from 'node:fs/promises'
import { open, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { JournalHandle } from '../../src/storage/journal.ts'
import type { GroupRecord, PairRecord } from '../../tracker/social/social-file.ts'
import { SOCIAL_FILE_NAME, SOCIAL_JOURNAL_FILE_NAME } from '../../tracker/social/social-file.ts'
import type { SocialStoreInit } from '../../tracker/social/store.ts'
import { SocialStore } from '../../tracker/social/store.ts'
import { onCleanup, tempDir } from '../fixtures/nodes.ts'

let dir: string
beforeEach(async () => {
  dir = await tempDir('p2pchat-social-store-')
})

/** A store on `dir`; left open unless the test closes it (open is a kill -9), closed after the test. */
async function opened(init: Partial<SocialStoreInit> = {}): Promise<SocialStore> {
  const store = new SocialStore({ dataDir: dir, log: logger('p2pchat:test:social'), ...init })
  await store.open()
  onCleanup(() => store.close())
  return store
}

const pair = (extra: Partial<PairRecord> = {}): PairRecord => ({ a: 'alice', b: 'Bob', ...extra })
const group = (id: string, extra: Partial<GroupRecord> = {}): GroupRecord => ({
  id,
  name: `group ${id}`,
  owner: 'alice',
  open: false,
  members: [{ name: 'alice', since: 1 }],
  invited: [{ name: 'Bob', by: 'alice', at: 2 }],
  version: 2,
  createdAt: 1,
  ...extra
})

async function peerKey(): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

async function journalLines(): Promise<unknown[]> {
  const text = await readFile(join(dir, SOCIAL_JOURNAL_FILE_NAME), 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter(l => l !== '')
    .map(l => JSON.parse(l))
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code })
}

/** The real journal file, on a disk that can be full. */
class FullDisk implements JournalHandle {
  full = false
  readonly #fh: FileHandle
  constructor(fh: FileHandle) {
    this.#fh = fh
  }
  async write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }> {
    if (this.full) throw errno('ENOSPC')
    return this.#fh.write(buffer, offset, length)
  }
  datasync = (): Promise<void> => this.#fh.datasync()
  sync = (): Promise<void> => this.#fh.sync()
  truncate = (length: number): Promise<void> => this.#fh.truncate(length)
  stat = (): Promise<{ size: number }> => this.#fh.stat()
  close = (): Promise<void> => this.#fh.close()
}

describe('SocialStore', () => {
  it('keeps pairs, groups, last-seen times and devices across close and open', async () => {
    const store = await opened()
    const [laptop, phone] = [await peerKey(), await peerKey()]
    await store.putPair(pair({ since: 5, aliasA: 'B' }))
    await store.putPair({ a: 'carol', b: 'dave', req: { from: 'dave', at: 7 } })
    await store.putGroup(group('g1'))
    expect(store.recordLogin('alice', laptop)).toBe(true)
    expect(store.recordLogin('Alice', phone)).toBe(true)
    expect(store.recordLogin('alice', phone)).toBe(false)
    expect(store.recordLogin('alice', laptop)).toBe(false) // known: moved to the front, not new
    store.recordLeave('alice', 1234)
    expect(store.counts).toEqual({ friendships: 1, pendingRequests: 1, groups: 1 })
    await store.close()

    const again = await opened()
    expect(again.pair('bob', 'alice')).toEqual(pair({ since: 5, aliasA: 'B' }))
    expect(again.group('g1')).toEqual(group('g1'))
    expect([...again.groupsOf('bob')].map(g => g.id)).toEqual(['g1'])
    expect(again.lastSeen('alice')).toBe(1234)
    expect(again.deviceBytes('alice').map(b => Buffer.from(b).toString('base64'))).toHaveLength(2)
    expect(again.counts).toEqual({ friendships: 1, pendingRequests: 1, groups: 1 })
    // Folded at close: the journal is empty and social.json holds everything.
    expect(await journalLines()).toEqual([])
    const file = JSON.parse(await readFile(join(dir, SOCIAL_FILE_NAME), 'utf8'))
    expect(file.users[0]).toMatchObject({ name: 'alice', lastSeen: 1234, devices: [laptop, phone] })
  })

  it('replays the journal after a crash, the last record of each thing winning', async () => {
    const store = await opened()
    await store.putPair(pair({ req: { from: 'alice', at: 1 } }))
    await store.putPair(pair({ since: 2 }))
    await store.putGroup(group('g1'))
    await store.putGroup(group('g2'))
    await store.deleteGroup(group('g2'))
    await store.putPair({ a: 'carol', b: 'dave', since: 3 })
    await store.deletePair({ a: 'carol', b: 'dave' })
    expect(await journalLines()).toHaveLength(7)
    // No close: the process died. Batched last-seen times since the last batch are lost by design.
    const again = await opened()
    expect(again.pair('alice', 'bob')).toEqual(pair({ since: 2 }))
    expect(again.pair('carol', 'dave')).toBeUndefined()
    expect(again.group('g1')).toEqual(group('g1'))
    expect(again.group('g2')).toBeUndefined()
    expect(again.counts).toEqual({ friendships: 1, pendingRequests: 0, groups: 1 })
  })

  it('writes batched last-seen times and devices at the next tick', async () => {
    const store = await opened({ userFlushMs: 20 })
    store.recordLeave('alice', 99)
    await vi.waitFor(async () =>
      expect(await journalLines()).toEqual([
        { t: 'user', user: { name: 'alice', lastSeen: 99, devices: [] } }
      ])
    )
  })

  it('folds the journal into social.json once it holds enough records', async () => {
    const store = await opened({ foldRecords: 3 })
    for (const id of ['g1', 'g2', 'g3']) await store.putGroup(group(id))
    await vi.waitFor(async () => {
      const file = JSON.parse(await readFile(join(dir, SOCIAL_FILE_NAME), 'utf8'))
      expect(file.groups.map((g: GroupRecord) => g.id)).toEqual(['g1', 'g2', 'g3'])
    })
    await store.putGroup(group('g4'))
    expect(await journalLines()).toHaveLength(1)
    const again = await opened()
    expect(again.counts.groups).toBe(4)
  })

  it('keeps a change it could not write in effect, rejects with NO_SPACE, and stores it at the next fold', async () => {
    let disk: FullDisk | undefined
    const store = await opened({
      openJournal: async path => {
        disk = new FullDisk(await open(path, 'a', 0o600))
        return disk
      }
    })
    disk!.full = true
    const failed = await store.putPair(pair({ since: 1 })).catch(err => err)
    expect(failed.code).toBe('NO_SPACE')
    expect(failed.message).not.toContain(dir)
    expect(store.pair('alice', 'bob')?.since).toBe(1)
    // The failed record makes the store fold after that batch: social.json (on a disk with room here)
    // holds what the journal could not.
    await vi.waitFor(async () => {
      const file = JSON.parse(await readFile(join(dir, SOCIAL_FILE_NAME), 'utf8'))
      expect(file.pairs).toEqual([pair({ since: 1 })])
    })
    disk!.full = false
    await store.putGroup(group('g1'))
    const again = await opened()
    expect(again.pair('alice', 'bob')?.since).toBe(1)
    expect(again.group('g1')).toEqual(group('g1'))
  })

  it('refuses a damaged social.json or journal with DATA_CORRUPT, leaving them as they are', async () => {
    await writeFile(
      join(dir, SOCIAL_FILE_NAME),
      '{"version": 1, "users": [], "pairs": [{"a": "b", "b": "a"}]}'
    )
    await expect(opened()).rejects.toMatchObject({ code: 'DATA_CORRUPT' })
    await writeFile(join(dir, SOCIAL_FILE_NAME), '{"version": 1, "users": [], "pairs": [], "groups": []}')
    await writeFile(join(dir, SOCIAL_JOURNAL_FILE_NAME), '{"t":"nope"}\n{"t":"ungroup","id":"x"}\n')
    await expect(opened()).rejects.toMatchObject({ code: 'DATA_CORRUPT' })
    expect(await readFile(join(dir, SOCIAL_JOURNAL_FILE_NAME), 'utf8')).toContain('nope')
    // A torn last line (a crash mid-write, never acknowledged) is cut off instead.
    await writeFile(join(dir, SOCIAL_JOURNAL_FILE_NAME), '{"t":"ungroup","id":"x"}\n{"t":"gro')
    const store = await opened()
    expect(store.counts.groups).toBe(0)
  })
})
