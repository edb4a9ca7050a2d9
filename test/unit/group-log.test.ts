import { appendFile, mkdir, mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { liveJournalName, toRecord } from '../../peer/groups/group-files.ts'
import type { GroupLogInit } from '../../peer/groups/group-log.ts'
import { GroupLog } from '../../peer/groups/group-log.ts'
import type { StoredPost } from '../../peer/groups/group-post.ts'
import { GroupStore } from '../../peer/groups/group-store.ts'
import type { JournalHandle } from '../../src/storage/journal.ts'

const GROUP = 'grp_0123456789ab'
const log = logger('p2pchat:test:group-log')
let dir: string
let logs: GroupLog[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'p2pchat-group-log-'))
})
afterEach(async () => {
  await Promise.allSettled(logs.map(l => l.close()))
  logs = []
  await rm(dir, { recursive: true, force: true })
})

async function openLog(init: Partial<GroupLogInit> = {}): Promise<GroupLog> {
  const l = new GroupLog(dir, GROUP, { log, ...init })
  await l.open()
  logs.push(l)
  return l
}

function p(author: string, seq: number, text = `${author}${seq}`): StoredPost {
  return {
    group: GROUP,
    author,
    peerId: '12D3KooWtest',
    seq,
    messageId: `${author}-${seq}-${'x'.repeat(10)}`,
    sentAt: 1000 + seq,
    text,
    signature: new Uint8Array(64).fill(seq)
  }
}

async function stored(l: GroupLog, post: StoredPost): Promise<void> {
  const r = l.add(post)
  if (r.status !== 'stored') throw new Error(`expected stored, got ${r.status}`)
  await r.durable
}

const texts = (posts: StoredPost[]) => posts.map(x => x.text)

describe('group log', () => {
  it('stores each author in seq order, holds early posts, and drops duplicates', async () => {
    const l = await openLog()
    await stored(l, p('bob', 1))
    expect(l.add(p('bob', 3))).toMatchObject({ status: 'held', after: 1 })
    expect(l.add(p('bob', 4))).toMatchObject({ status: 'held', after: 1 })
    expect(l.gaps()).toEqual([{ author: 'bob', after: 1 }])
    const r = l.add(p('bob', 2))
    expect(r.status).toBe('stored')
    if (r.status === 'stored') expect(r.released.map(x => x.post.seq)).toEqual([3, 4])
    expect(l.gaps()).toEqual([])
    expect(l.add(p('bob', 2)).status).toBe('duplicate')
    expect(l.add({ ...p('carol', 1), messageId: p('bob', 1).messageId })).toMatchObject({ status: 'dropped' })
    expect(l.contiguous('BOB')).toBe(4)
    expect(l.cursors()).toEqual([{ author: 'bob', seq: 4 }])
  })

  it('replays after a restart, cutting a torn tail and skipping records out of order', async () => {
    const l = await openLog()
    for (const seq of [1, 2, 3]) await stored(l, p('bob', seq))
    await stored(l, p('carol', 1))
    await l.close()
    logs = []
    const path = join(dir, liveJournalName(GROUP))
    // An orphan (bob 5 without 4, as a failed write leaves one), then a line cut short by a crash.
    await appendFile(path, `${JSON.stringify(toRecord(p('bob', 5)))}\n{"author":"bob","seq":4,"te`)
    const again = await openLog()
    expect(again.contiguous('bob')).toBe(3)
    expect(texts(again.history(10))).toEqual(['bob1', 'carol1', 'bob2', 'bob3'])
    expect((await readFile(path, 'utf8')).endsWith('}\n')).toBe(true)
    await stored(again, p('bob', 4))
    await stored(again, p('bob', 5))
    expect(again.contiguous('bob')).toBe(5)
  })

  it('keeps the newest posts in memory and answers older cursors from the files', async () => {
    const l = await openLog({ maxInMemory: 5, segmentBytes: 600 })
    for (let seq = 1; seq <= 6; seq++) {
      await stored(l, p('bob', seq))
      await stored(l, p('carol', seq))
    }
    expect(l.size).toBe(5)
    expect(texts(l.history(100))).toEqual(['carol4', 'bob5', 'carol5', 'bob6', 'carol6'])
    expect((await readdir(dir)).filter(n => /\.\d{6}\.jsonl$/.test(n)).length).toBeGreaterThan(0)
    const size = (x: StoredPost) => x.text.length + 100
    // One author's older posts per call: bob's from the files and memory, then carol's next time.
    const first = await l.postsAfter(new Map([['bob', 1]]), false, 100, 1e6, size)
    expect(texts(first.posts)).toEqual(['bob2', 'bob3', 'bob4', 'bob5', 'bob6'])
    expect(first.more).toBe(true)
    const second = await l.postsAfter(new Map([['bob', 6]]), false, 100, 1e6, size)
    expect(texts(second.posts)).toEqual(['carol1', 'carol2', 'carol3', 'carol4', 'carol5', 'carol6'])
    expect(second.more).toBe(false)
    // Limits cut the answer short and say so.
    const capped = await l.postsAfter(new Map([['bob', 6]]), false, 2, 1e6, size)
    expect(texts(capped.posts)).toEqual(['carol1', 'carol2'])
    expect(capped.more).toBe(true)
    const listed = await l.postsAfter(new Map([['carol', 5]]), true, 100, 1e6, size)
    expect(texts(listed.posts)).toEqual(['carol6'])

    // Sealed segments and the live journal replay into the same state.
    await l.close()
    logs = []
    const again = new GroupLog(dir, GROUP, {
      log,
      maxInMemory: 5,
      segments: (await readdir(dir))
        .map(n => /\.(\d{6})\.jsonl$/.exec(n)?.[1])
        .filter(x => x !== undefined)
        .map(Number)
        .sort((a, b) => a - b)
    })
    await again.open()
    logs.push(again)
    expect(again.cursors()).toEqual([
      { author: 'bob', seq: 6 },
      { author: 'carol', seq: 6 }
    ])
    expect(texts(again.history(100))).toEqual(['carol4', 'bob5', 'carol5', 'bob6', 'carol6'])
  })

  it('takes a post that could not be written back out, with the later ones of its author', async () => {
    let failing = false
    const openJournal = async (path: string): Promise<JournalHandle> => {
      const fh = await open(path, 'a', 0o600)
      return {
        write: (b, o, n) => {
          if (failing)
            return Promise.reject(Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' }))
          return fh.write(b, o, n)
        },
        datasync: () => fh.datasync(),
        sync: () => fh.sync(),
        truncate: n => fh.truncate(n),
        stat: () => fh.stat(),
        close: () => fh.close()
      }
    }
    const l = await openLog({ openJournal })
    await stored(l, p('bob', 1))
    failing = true
    const second = l.add(p('bob', 2))
    const third = l.add(p('bob', 3))
    expect(l.contiguous('bob')).toBe(3)
    if (second.status !== 'stored' || third.status !== 'stored') throw new Error('expected stored')
    await expect(second.durable).rejects.toMatchObject({ code: 'NO_SPACE' })
    await expect(third.durable).rejects.toBeDefined()
    expect(l.contiguous('bob')).toBe(1)
    expect(texts(l.history())).toEqual(['bob1'])
    failing = false
    await stored(l, p('bob', 2, 'again'))
    expect(texts(l.history())).toEqual(['bob1', 'again'])
  })

  it('opens every group found in the data directory and refuses unsafe ids', async () => {
    const store = new GroupStore(dir, { log })
    await store.open()
    const l = await store.log(GROUP)
    await stored(l, p('bob', 1))
    await mkdir(join(dir, 'groups', 'ignored'), { recursive: true })
    await store.close()
    const again = new GroupStore(dir, { log })
    await again.open()
    expect(again.get(GROUP)?.contiguous('bob')).toBe(1)
    await expect(again.log('../../../etc/x')).rejects.toMatchObject({ code: 'INVALID_COMMAND' })
    await again.close()
  })
})
