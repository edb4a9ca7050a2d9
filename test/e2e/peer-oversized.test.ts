import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { peerArgs } from '../fixtures/json-peer.ts'
import { startTracker, tempDir } from '../fixtures/nodes.ts'
import { CLI, spawnScript } from '../fixtures/processes.ts'

const MIB = 1024 * 1024

describe('p2pchat peer: a password file far too large', () => {
  it.each([
    ['interactive', []],
    ['--json', ['--json']]
  ])('exits 1 with INVALID_PASSWORD at once, never reaching the tracker (%s)', async (_mode, extra) => {
    const tracker = await startTracker()
    const dir = await tempDir()
    const passwordFile = join(dir, 'password')
    // A whole file picked by mistake: 1 MiB and a newline.
    await writeFile(passwordFile, `${'p'.repeat(MIB)}\n`, { mode: 0o600 })
    const started = Date.now()
    const proc = spawnScript(CLI, [
      ...peerArgs(tracker.getMultiaddrs()[0].toString(), 'alice', join(dir, 'data')),
      '--password-file',
      passwordFile,
      ...extra
    ])
    // Before the fix it reconnected forever (SESSION_CLOSED was retried): the exit is the proof.
    const exited = await Promise.race([
      proc.exited,
      new Promise<'still running'>(resolve => setTimeout(() => resolve('still running'), 10_000))
    ])
    expect(exited).toEqual({ code: 1, signal: null })
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(proc.stderr()).toMatch(/^p2pchat: INVALID_PASSWORD: .*at most 1024/m)
    expect(proc.stderr()).not.toMatch(/^\s+at /m)
    expect(tracker.counters).toMatchObject({ registrations: 0, logins: 0, failedLogins: 0 })
  })
})
