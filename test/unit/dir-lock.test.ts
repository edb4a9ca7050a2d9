import { spawn } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LOCK_FILE_NAME, lockDataDir } from '../../src/storage/dir-lock.ts'

describe('the data directory lock', () => {
  it('takes over a lock whose owner is a zombie (killed a moment ago, not reaped yet)', async () => {
    // `sleep 0.1` ends first; its parent (sh, now exec'd into `sleep 5`) never reaps it: a zombie.
    const sh = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'ignore']
    })
    try {
      const pid = Number((await new Promise<Buffer>(r => sh.stdout.once('data', r))).toString().trim())
      await new Promise(r => setTimeout(r, 400))
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      expect(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)).toBe('Z')
      const dir = await mkdtemp(join(tmpdir(), 'p2pchat-lock-'))
      await writeFile(join(dir, LOCK_FILE_NAME), `${pid}\n`)
      const lock = lockDataDir(dir)
      expect((await readFile(lock.path, 'utf8')).trim()).toBe(String(process.pid))
      lock.release()
    } finally {
      sh.kill()
    }
  })

  it('still refuses a directory a live process holds', async () => {
    const live = spawn('sleep', ['5'], { stdio: 'ignore' })
    try {
      const dir = await mkdtemp(join(tmpdir(), 'p2pchat-lock-'))
      await writeFile(join(dir, LOCK_FILE_NAME), `${live.pid}\n`)
      expect(() => lockDataDir(dir)).toThrow(expect.objectContaining({ code: 'DATA_LOCKED' }))
    } finally {
      live.kill()
    }
  })

  it('says an impossible data directory is one, without spinning', () => {
    expect(() => lockDataDir('/proc/p2pchat-nope')).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' })
    )
  })
})
