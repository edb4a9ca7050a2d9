import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { OnlineUser, TrackerClientEventDetails } from '../../peer/core/tracker-client.ts'
import { DEFAULT_HEARTBEAT_MS } from '../../src/protocol/constants.ts'
import { DEFAULT_SCRYPT_LOG_N } from '../../tracker/password-hash.ts'
import { DEFAULT_PRESENCE_GRACE_MS } from '../../tracker/presence-journal.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { labTrackerArgs } from '../bench/bench-utils.ts'
import type { Json } from '../fixtures/json-peer.ts'
import { startJsonPeer } from '../fixtures/json-peer.ts'
import { connectPeer, nextEvent, tempDir } from '../fixtures/nodes.ts'
import { CLI, SIM_PEERS, spawnScript } from '../fixtures/processes.ts'

/** Start `p2pchat tracker` as a process and return it with the address it printed. */
async function startTrackerProcess(extra: string[] = []) {
  const dataDir = await tempDir()
  const proc = spawnScript(CLI, labTrackerArgs(dataDir, ['--http', '127.0.0.1:0', ...extra]))
  const addrLine = await proc.waitLine(l => /^\s+\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//.test(l))
  const statsLine = await proc.waitLine(l => l.startsWith('Stats: '))
  await proc.waitLine(l => l.startsWith('Ready.'))
  const addr = addrLine.trim()
  const statsUrl = statsLine.split(/\s+/)[1]
  // The test fixtures speak to a Tracker object; a process is reached by its address only.
  const remote = { getMultiaddrs: () => [addr] } as unknown as Tracker
  return { proc, addr, statsUrl, dataDir, remote }
}

describe('p2pchat CLI', () => {
  it('prints its version and a help text whose defaults are the real ones', async () => {
    const version = spawnScript(CLI, ['--version'])
    expect((await version.exited).code).toBe(0)
    expect(version.lines[0]).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version)
    const help = spawnScript(CLI, ['tracker', '--help'])
    expect((await help.exited).code).toBe(0)
    const text = help.lines.join('\n')
    for (const flag of [
      '--listen',
      '--data',
      '--http',
      '--heartbeat',
      '--coalesce',
      '--scrypt-log-n',
      '--registration-burst',
      '--registrations-per-minute',
      '--relay',
      '--presence-grace'
    ]) {
      expect(text).toContain(flag)
    }
    expect(text).toMatch(new RegExp(`--presence-grace[^]*?default: ${DEFAULT_PRESENCE_GRACE_MS / 1000}\\n`))
    expect(text).toContain(`default: ${DEFAULT_HEARTBEAT_MS / 1000}`)
    expect(text).toContain(`default: ${DEFAULT_SCRYPT_LOG_N}`)
  })

  it('rejects bad options with exit code 2 and a clear message', async () => {
    for (const args of [
      ['tracker', '--heartbeat', 'soon'],
      ['tracker', '--listen', 'not-an-addr'],
      ['tracker', '--http', '8080'],
      ['tracker', '--nope'],
      // scrypt needs N = 2^n with a whole n; numbers are plain decimals.
      ['tracker', '--scrypt-log-n', '10.5'],
      ['tracker', '--heartbeat', '0x10'],
      ['tracker', '--coalesce', '1e3'],
      ['tracker', '--registration-burst', '0'],
      ['tracker', '--registrations-per-minute', 'lots'],
      ['tracker', '--relay', 'maybe'],
      ['tracker', '--presence-grace', '-1'],
      ['tracker', '--presence-grace', '3601'],
      // A data "directory" that is a file.
      ['tracker', '--listen', '/ip4/127.0.0.1/tcp/0', '--data', 'package.json'],
      ['bogus']
    ]) {
      const proc = spawnScript(CLI, args)
      expect((await proc.exited).code).toBe(2)
      expect(proc.stderr()).toMatch(/p2pchat: /)
    }
  })

  it('serves peers, reports stats, and on SIGTERM tells them and exits 0 with accounts on disk', async () => {
    const t = await startTrackerProcess()
    const a = await connectPeer(t.remote, 'alice')
    const stats = await (await fetch(t.statsUrl)).json()
    expect(stats).toMatchObject({ online: 1, accounts: 1, logins: 1 })
    const metrics = await (await fetch(t.statsUrl.replace('/stats', '/metrics'))).text()
    expect(metrics).toMatch(/^p2pchat_online_peers 1$/m)
    expect((await fetch(t.statsUrl.replace('/stats', '/nope'))).status).toBe(404)

    const notice = nextEvent<TrackerClientEventDetails['notice']>(a.client, 'notice')
    t.proc.child.kill('SIGTERM')
    expect((await notice).kind).toBe('shutdown')
    expect((await t.proc.exited).code).toBe(0)
    expect(existsSync(join(t.dataDir, 'LOCK'))).toBe(false)
    expect(JSON.parse(readFileSync(join(t.dataDir, 'accounts.json'), 'utf8')).accounts.alice.username).toBe(
      'alice'
    )
  })

  it('takes options from P2PCHAT_* variables when no flag is given, flags winning', async () => {
    const dataDir = await tempDir()
    const proc = spawnScript(CLI, ['tracker', '--heartbeat', '7'], {
      P2PCHAT_LISTEN: '/ip4/127.0.0.1/tcp/0',
      P2PCHAT_DATA: dataDir,
      P2PCHAT_HEARTBEAT: '3',
      P2PCHAT_SCRYPT_LOG_N: '10'
    })
    const line = await proc.waitLine(l => l.startsWith('Data: '))
    expect(line).toBe(`Data: ${dataDir} (0 accounts); heartbeat 7 s`)
    expect(proc.lines.some(l => /^\s+\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//.test(l))).toBe(true)
    // The identity key is private to its owner.
    expect(statSync(join(dataDir, 'identity.key')).mode & 0o777).toBe(0o600)
    // An error in a variable names the variable; one in a flag names the flag; both with the code.
    const bad = spawnScript(CLI, ['tracker'], { P2PCHAT_HEARTBEAT: 'often' })
    expect((await bad.exited).code).toBe(2)
    expect(bad.stderr()).toContain('p2pchat: INVALID_OPTION: P2PCHAT_HEARTBEAT must be a number')
    const badFlag = spawnScript(CLI, ['tracker', '--heartbeat', 'often'], { P2PCHAT_HEARTBEAT: '3' })
    expect((await badFlag.exited).code).toBe(2)
    expect(badFlag.stderr()).toContain('p2pchat: INVALID_OPTION: --heartbeat must be a number')
    const unknown = spawnScript(CLI, ['tracker', '--frobnicate'])
    expect((await unknown.exited).code).toBe(2)
    expect(unknown.stderr()).toMatch(
      /^p2pchat: INVALID_OPTION: unknown option --frobnicate for p2pchat tracker\n/
    )
    expect(unknown.stderr()).not.toMatch(/\n\s+at /)
  })

  it('says DATA_CORRUPT for an accounts file it cannot read, and leaves it alone', async () => {
    const dataDir = await tempDir()
    writeFileSync(join(dataDir, 'accounts.json'), '{"version": 1, "accounts": [oops')
    const proc = spawnScript(CLI, labTrackerArgs(dataDir))
    expect((await proc.exited).code).toBe(1)
    expect(proc.stderr()).toMatch(/^p2pchat: DATA_CORRUPT: /)
    expect(readFileSync(join(dataDir, 'accounts.json'), 'utf8')).toBe('{"version": 1, "accounts": [oops')
  })

  it('says LISTEN_FAILED when its port is taken', async () => {
    const t = await startTrackerProcess()
    const port = t.addr.split('/')[4]
    const second = spawnScript(CLI, [
      'tracker',
      '--listen',
      `/ip4/127.0.0.1/tcp/${port}`,
      '--data',
      await tempDir()
    ])
    expect((await second.exited).code).toBe(1)
    expect(second.stderr()).toMatch(
      /^p2pchat: LISTEN_FAILED: cannot listen: \/ip4\/127.0.0.1\/tcp\/\d+: .*the port is taken.*\n$/
    )
  })

  it('refuses a second tracker process on the same data directory', async () => {
    const t = await startTrackerProcess()
    const second = spawnScript(CLI, ['tracker', '--listen', '/ip4/127.0.0.1/tcp/0', '--data', t.dataDir])
    expect((await second.exited).code).toBe(1)
    expect(second.stderr()).toMatch(/in use by process \d+/)
  })

  it('evicts a peer whose process is paused, and everyone sees "timeout"', async () => {
    const heartbeatS = 0.5
    const t = await startTrackerProcess(['--heartbeat', String(heartbeatS), '--coalesce', '10'])
    const watcher = await connectPeer(t.remote, 'watcher')
    const joined = nextEvent<OnlineUser>(watcher.client, 'joined', u => u.user === 'sleepy0')
    const sim = spawnScript(SIM_PEERS, [
      '--tracker',
      t.addr,
      '--count',
      '1',
      '--prefix',
      'sleepy',
      '--register'
    ])
    await sim.waitLine(l => l.includes('"event":"ready"'))
    await joined
    const left = nextEvent<TrackerClientEventDetails['left']>(
      watcher.client,
      'left',
      l => l.user === 'sleepy0',
      10_000
    )
    const pausedAt = Date.now()
    sim.child.kill('SIGSTOP')
    expect(await left).toEqual({ user: 'sleepy0', reason: 'timeout' })
    const elapsed = Date.now() - pausedAt
    // Three missed intervals, measured from the last heartbeat (up to one interval before the pause).
    expect(elapsed).toBeGreaterThanOrEqual(heartbeatS * 2 * 1000 - 100)
    expect(elapsed).toBeLessThan(heartbeatS * 4 * 1000 + 1_000)
    // The watcher, heartbeating all along, is still online.
    const stats = await (await fetch(t.statsUrl)).json()
    expect(stats).toMatchObject({ online: 1, evictions: 1 })
  })

  it('killed with -9 and started again, keeps its online list: the peers come back and nobody sees them leave', async () => {
    const t = await startTrackerProcess(['--presence-grace', '30'])
    const port = t.addr.split('/')[4]
    const alice = await startJsonPeer(t.addr, 'alice')
    const bob = await startJsonPeer(t.addr, 'bob')
    await alice.wait(o => o.event === 'joined' && o.user === 'bob')
    await vi.waitFor(async () => expect(((await (await fetch(t.statsUrl)).json()) as Json).online).toBe(2))
    const before = (await (await fetch(t.statsUrl)).json()) as Json
    const seenBefore = { alice: alice.proc.lines.length, bob: bob.proc.lines.length }
    t.proc.child.kill('SIGKILL')
    await t.proc.exited

    const again = spawnScript(
      CLI,
      labTrackerArgs(t.dataDir, ['--http', '127.0.0.1:0', '--presence-grace', '30']).map(a =>
        a === '/ip4/127.0.0.1/tcp/0' ? `/ip4/127.0.0.1/tcp/${port}` : a
      )
    )
    await again.waitLine(l => l.startsWith("Online list: kept the last run's 2 members"))
    const statsUrl = (await again.waitLine(l => l.startsWith('Stats: '))).split(/\s+/)[1]
    // Both peers reconnect by themselves and take their places: no event, the same list version.
    const stats = await vi.waitFor(
      async () => {
        const s = (await (await fetch(statsUrl)).json()) as Json
        expect(s.presence).toMatchObject({ restored: 2, held: 0, reclaimed: 2, listResumes: 2 })
        return s
      },
      { timeout: 20_000, interval: 200 }
    )
    expect(stats.presenceVersion).toBe(before.presenceVersion)
    expect(stats.resumedLogins).toBe(2)
    expect(stats.online).toBe(2)
    // Each got back to the tracker, and saw nobody leave or join on the way.
    for (const [name, peer] of [
      ['alice', alice],
      ['bob', bob]
    ] as const) {
      const since = peer.proc.lines.slice(seenBefore[name]).map(l => JSON.parse(l))
      expect(since.some(o => o.event === 'tracker' && o.state === 'connected')).toBe(true)
      expect(since.filter(o => o.event === 'left' || o.event === 'joined')).toEqual([])
    }
  })
})
