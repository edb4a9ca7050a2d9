import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'p2pchat-durable-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('DurableJSONFile', () => {
  it('reads null for a missing file and round-trips data', async () => {
    const f = new DurableJSONFile<{ n: number }>(join(dir, 'a.json'))
    expect(await f.read()).toBeNull()
    await f.write({ n: 1 })
    expect(await f.read()).toEqual({ n: 1 })
    expect(await readdir(dir)).toEqual(['a.json']) // no temp file left behind
  })

  it('coalesces concurrent writes and ends with the newest data', async () => {
    const f = new DurableJSONFile<{ n: number }>(join(dir, 'a.json'))
    await Promise.all(Array.from({ length: 50 }, (_, n) => f.write({ n })))
    expect(JSON.parse(await readFile(join(dir, 'a.json'), 'utf8'))).toEqual({ n: 49 })
  })

  it('refuses corrupt, empty or invalid files with DATA_CORRUPT', async () => {
    const path = join(dir, 'a.json')
    const f = new DurableJSONFile<{ n: number }>(path, {
      validate: d => {
        if (typeof (d as { n?: unknown }).n !== 'number') throw new Error('n must be a number')
        return d as { n: number }
      }
    })
    for (const bad of ['{"n": 1', '', '  \n', '{"n": "one"}', 'null']) {
      await writeFile(path, bad)
      await expect(f.read()).rejects.toMatchObject({ code: 'DATA_CORRUPT' })
    }
  })

  it('ignores a temp file left by a crash mid-write', async () => {
    const path = join(dir, 'a.json')
    await writeFile(path, '{"n": 1}')
    await writeFile(join(dir, '.a.json.99999.tmp'), '{"n": 2, "half')
    const f = new DurableJSONFile<{ n: number }>(path)
    expect(await f.read()).toEqual({ n: 1 })
  })
})
