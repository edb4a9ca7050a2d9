import { mkdtemp, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeDirectories, makeDirectoriesSync } from '../../src/storage/make-dirs.ts'

describe('makeDirectories (data and download directories, created as needed)', () => {
  it('creates every missing level, and is fine with what exists', async () => {
    const root = await mkdtemp(join(tmpdir(), 'p2pchat-mkdirs-'))
    const deep = join(root, 'a', 'b', 'c')
    await makeDirectories(deep)
    expect((await stat(deep)).isDirectory()).toBe(true)
    await makeDirectories(deep)
    await makeDirectories(root)
  })

  it('refuses a path through a file, and one the file system will not create — without spinning', async () => {
    const root = await mkdtemp(join(tmpdir(), 'p2pchat-mkdirs-'))
    await writeFile(join(root, 'f'), 'x')
    await expect(makeDirectories(join(root, 'f'))).rejects.toThrow('is not a directory')
    await expect(makeDirectories(join(root, 'f', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' })
    // Node's own recursive mkdir loops forever here.
    await expect(makeDirectories('/proc/p2pchat-nope/sub')).rejects.toMatchObject({ code: 'ENOENT' })
    expect(() => makeDirectoriesSync('/proc/p2pchat-nope/sub')).toThrow(
      expect.objectContaining({ code: 'ENOENT' })
    )
    expect(() => makeDirectoriesSync(join(root, 'f', 'sub'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' })
    )
    makeDirectoriesSync(join(root, 'x', 'y'))
    expect((await stat(join(root, 'x', 'y'))).isDirectory()).toBe(true)
  })
})
