import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Journal } from '../../src/storage/journal.ts'
import { tempDir } from '../fixtures/nodes.ts'

interface Rec {
  n: number
}

let dir: string
let journals: Array<Journal<Rec>> = []
beforeEach(async () => {
  dir = await tempDir('p2pchat-journal-')
})
afterEach(async () => {
  await Promise.allSettled(journals.map(j => j.close()))
  journals = []
})

const path = () => join(dir, 'test.journal')

async function opened(): Promise<{ journal: Journal<Rec>; replayed: number[] }> {
  const journal = new Journal<Rec>(path(), {
    parse: line => {
      const r = JSON.parse(line) as Rec
      return Number.isInteger(r?.n) ? r : 'not a record'
    },
    log: logger('p2pchat:test:journal')
  })
  journals.push(journal)
  const replayed: number[] = []
  await journal.open(r => replayed.push(r.n))
  return { journal, replayed }
}

describe('Journal.records and dropPrefix', () => {
  it('drops only the records it was given and keeps those appended since', async () => {
    const { journal } = await opened()
    await Promise.all([1, 2, 3].map(n => journal.append({ n }, () => {})))
    const { records, bytes } = await journal.records()
    expect(records.map(r => r.n)).toEqual([1, 2, 3])
    // Appended while the owner writes its snapshot.
    await Promise.all([4, 5].map(n => journal.append({ n }, () => {})))
    await journal.dropPrefix(bytes)
    expect(await readFile(path(), 'utf8')).toBe('{"n":4}\n{"n":5}\n')
    expect(journal.bytes).toBe(16)
    expect((await readdir(dir)).sort()).toEqual(['test.journal']) // no temp file left
    // Appends go on in the new file.
    await journal.append({ n: 6 }, () => {})
    expect((await opened()).replayed).toEqual([4, 5, 6])
  })

  it('empties the file when nothing was appended since', async () => {
    const { journal } = await opened()
    await journal.append({ n: 1 }, () => {})
    const { bytes } = await journal.records()
    await journal.dropPrefix(bytes)
    expect(await readFile(path(), 'utf8')).toBe('')
    await journal.append({ n: 2 }, () => {})
    expect((await opened()).replayed).toEqual([2])
  })

  it('names the line an owner refuses at replay', async () => {
    const { journal } = await opened()
    await journal.append({ n: 1 }, () => {})
    await journal.append({ n: 1 }, () => {})
    const again = new Journal<Rec>(path(), {
      parse: line => JSON.parse(line),
      log: logger('p2pchat:test:journal')
    })
    journals.push(again)
    const seen = new Set<number>()
    await expect(
      again.open(r => {
        if (seen.has(r.n)) throw new Error(`${r.n} twice`)
        seen.add(r.n)
      })
    ).rejects.toMatchObject({
      code: 'DATA_CORRUPT',
      message: expect.stringContaining('line 2 is refused (1 twice)')
    })
  })
})
