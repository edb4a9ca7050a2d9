/**
 * One bench:tracker run: K tracker processes (one on lowdb, or several sharing a Redis store) and N
 * logged-in simulated peers in several processes (each peer a real libp2p identity and connection),
 * spread over the trackers. Measures login time, each tracker's memory, the bytes one join costs against
 * rebroadcasting the full list (measured in the same run), the time until the last subscriber sees a
 * join, the trackers' CPU while they only handle heartbeats, and Redis's commands per second.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { Redis } from 'ioredis'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import { createNode } from '../../src/node.ts'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'
import { usernameKey } from '../../src/usernames.ts'
import type { Account, AccountsFile } from '../../tracker/accounts-file.ts'
import {
  ACCOUNTS_FILE_NAME,
  ACCOUNTS_JOURNAL_FILE_NAME,
  ACCOUNTS_SCHEMA_VERSION,
  parseAccountRecord,
  validateAccountsFile
} from '../../tracker/accounts-file.ts'
import {
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_PENDING_PER_KNOWN_HOST
} from '../../tracker/handshake-guard.ts'
import { PasswordHasher } from '../../tracker/password-hash.ts'
import type { Child } from './bench-utils.ts'
import { cpuSeconds, percentile, round, rssMb, sleep, spawnChild, trackerAddress } from './bench-utils.ts'
import { splitProfileIn } from './profile-split.ts'

export interface ScenarioInit {
  peers: number
  /** Tracker processes; more than one needs `store`. */
  trackers: number
  /** "lowdb", or the Redis URL the trackers share. */
  store: string
  procs: number
  heartbeatS: number
  probes: number
  scryptLogN: number
  /** After the measurements, kill the tracker and time every peer's return (one tracker only). */
  storm?: {
    scryptLogN: number
    passwordOnly: boolean
    profile: boolean
    presenceGraceS: number
    /** Then a second storm whose tracker starts an empty list (--presence-grace 0): the baseline. */
    baseline: boolean
  }
  log(msg: string): void
}

export interface ScenarioResult {
  store: string
  trackers: number
  peers: number
  failedLogins: number
  loginRetries: number
  procs: number
  loginSeconds: number
  loginsPerSecond: number
  /** Each tracker's VmRSS after the logins, and their peaks. */
  trackerRssMb: number[]
  trackerPeakRssMb: number[]
  deltaBytesPerEvent: number
  fullListBytes: number
  deltaToFullListPct: number
  subscribers: number
  deltaP50Ms: number
  deltaP99Ms: number
  deltaMissing: number
  /** All trackers' CPU together over two heartbeat intervals, % of one core. */
  heartbeatCpuPct: number
  /** Redis commands per second during the login storm and while only heartbeats happen (0 on lowdb). */
  redisOpsPerSec: number
  redisIdleOpsPerSec: number
  /** The trackers' CPU time over the first logins, per peer (registration and login at `scryptLogN`). */
  trackerCpuMsPerLogin: number
}

/** sim-peers' default password (every simulated account has it). */
const SIM_PASSWORD = 'sim-password-123'

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url))
const SIM = fileURLToPath(new URL('./sim-peers.js', import.meta.url))

/** Commands Redis has processed since it started (INFO stats). */
async function redisCommands(redis: Redis | undefined): Promise<number> {
  if (redis === undefined) return 0
  const info = await redis.info('stats')
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0)
}

/** What the storm measures. */
export interface StormResult {
  /** From the restart (the new process spawned) until every peer is online again. */
  stormSeconds: number
  /** The new tracker process's CPU time until then (start-up included), per peer that came back. */
  trackerCpuMsPerReconnect: number
  /** Of that, what the process spent starting (until it printed Ready.), and the rest per peer. */
  trackerStartupCpuMs: number
  trackerCpuMsPerReconnectAfterStart: number
  /** The simulators' CPU over the storm, as a share of the machine's cores (they share it with the tracker). */
  simulatorCpuShare: number
  stormScryptLogN: number
  /** How the peers logged in again: with their resumption credential, or (refused, or --storm-password-only) the password. */
  stormResumedLogins: number
  stormPasswordLogins: number
  /** The list the restarted tracker kept (0 with --storm-presence-grace 0), peers that took their places unseen, logins that got only the changes since their version. */
  stormRestoredMembers: number
  stormReclaimed: number
  stormListResumes: number
  /** With `profile`: the restarted tracker's CPU profile (start to every peer back), split by what it did. */
  stormProfile?: { busyShare: number; split: Record<string, number> }
  /**
   * With `baseline`: the same storm once more, right after, with a tracker that starts an empty list
   * (--presence-grace 0): every peer gets a snapshot and everyone's joins, as before the list was kept.
   */
  baselineStormSeconds?: number
  baselineTrackerCpuMsPerReconnect?: number
}

export async function runScenario(init: ScenarioInit): Promise<ScenarioResult> {
  const { peers, procs, heartbeatS, probes, scryptLogN, log } = init
  const redis = init.store === 'lowdb' ? undefined : new Redis(init.store, { lazyConnect: true })
  await redis?.connect()
  const dirs: string[] = []
  const children: Child[] = []
  try {
    if (redis !== undefined && (await redis.hlen('p2pchat:accounts')) > 0) {
      throw new Error(`${init.store} already holds p2pchat accounts: give bench:tracker an empty database`)
    }
    const trackerArgs = (dataDir: string, listen: string, logN: number): string[] => [
      'tracker',
      '--listen',
      listen,
      '--data',
      dataDir,
      '--store',
      init.store,
      '--http',
      '127.0.0.1:0',
      '--heartbeat',
      String(heartbeatS),
      '--scrypt-log-n',
      String(logN),
      // N simulated peers sign up from one address (127.0.0.1): lift the per-host registration limit
      // (a registration told BUSY and retried takes a token again, so the refill is lifted too).
      '--registration-burst',
      String(peers + probes + 10),
      '--registrations-per-minute',
      '1000000',
      // Each simulator has up to 32 handshakes in flight (--concurrency below), all from 127.0.0.1 and
      // the first before that host has logged in: lift the per-host handshake limits to that
      // (bench:handshake measures those limits).
      '--pending-handshakes-per-host',
      String(Math.max(DEFAULT_PENDING_PER_KNOWN_HOST, 32 * procs)),
      '--pending-handshakes-per-known-host',
      String(Math.max(DEFAULT_PENDING_PER_KNOWN_HOST, 32 * procs)),
      '--max-pending-handshakes',
      String(Math.max(DEFAULT_MAX_PENDING_HANDSHAKES, 2 * 32 * procs))
    ]
    const trackers: Array<{ child: Child; addr: string; stats: () => Promise<Record<string, number>> }> = []
    for (let i = 0; i < init.trackers; i++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-'))
      dirs.push(dataDir)
      const child = spawnChild(CLI, trackerArgs(dataDir, '/ip4/127.0.0.1/tcp/0', scryptLogN), `tracker${i}`)
      children.push(child)
      const addr = await trackerAddress(child)
      const statsUrl = (await child.waitLine(l => l.startsWith('Stats: '), 10_000)).split(/\s+/)[1]
      trackers.push({
        child,
        addr,
        stats: async () => (await (await fetch(statsUrl)).json()) as Record<string, number>
      })
      log(`tracker ${i}: ${addr}`)
    }
    const pids = trackers.map(t => t.child.proc.pid!)
    const sumStats = async (key: string): Promise<number> =>
      (await Promise.all(trackers.map(t => t.stats()))).reduce((a, s) => a + s[key], 0)

    // 1. Log in N peers from several processes at once, each process on one tracker (round robin).
    const commands0 = await redisCommands(redis)
    const loginCpu0 = pids.map(cpuSeconds)
    const began = performance.now()
    const per = Math.ceil(peers / procs)
    const sims: Child[] = []
    for (let p = 0; p < procs; p++) {
      const count = Math.min(per, peers - p * per)
      if (count <= 0) break
      const sim = spawnChild(
        SIM,
        [
          '--tracker',
          trackers[p % trackers.length].addr,
          '--count',
          String(count),
          '--start',
          String(p * per),
          '--prefix',
          'sim',
          '--register',
          '--listen',
          '--concurrency',
          '32',
          '--watch',
          'probe',
          ...(init.storm === undefined ? [] : ['--reconnect']),
          ...(init.storm?.passwordOnly === true ? ['--password-only'] : [])
        ],
        `sim${p}`
      )
      sim.proc.stdout.on('data', () => {})
      sims.push(sim)
      children.push(sim)
    }
    let lastProgress = 0
    const progress = setInterval(async () => {
      const online = await trackers[0]
        .stats()
        .then(s => s.online)
        .catch(() => undefined)
      if (online !== undefined && online !== lastProgress) {
        lastProgress = online
        log(`${online}/${peers} online after ${round((performance.now() - began) / 1000, 1)} s`)
      }
    }, 5_000)
    const readies = await Promise.all(
      sims.map(s => s.waitLine(l => l.includes('"event":"ready"'), 3_600_000))
    )
    clearInterval(progress)
    const readyInfo = readies.map(
      l => JSON.parse(l) as { failed: number; retries: number; errors: Record<string, number> }
    )
    const failed = readyInfo.reduce((a, r) => a + r.failed, 0)
    const loginRetries = readyInfo.reduce((a, r) => a + r.retries, 0)
    const errorCounts: Record<string, number> = {}
    for (const r of readyInfo)
      for (const [k, v] of Object.entries(r.errors)) errorCounts[k] = (errorCounts[k] ?? 0) + v
    for (const [k, v] of Object.entries(errorCounts)) log(`  ${v} × ${k}`)
    const loginSeconds = (performance.now() - began) / 1000
    const loginCpuSeconds = pids.map((pid, i) => cpuSeconds(pid) - loginCpu0[i]).reduce((a, b) => a + b, 0)
    const loginCommands = (await redisCommands(redis)) - commands0
    log(`${peers - failed} peers logged in in ${round(loginSeconds, 1)} s (${failed} failed)`)

    // Let the last deltas and snapshots drain before measuring: every tracker holds everyone, at one version.
    let settled = await trackers[0].stats()
    for (let i = 0; i < 60; i++) {
      await sleep(1_000)
      const all = await Promise.all(trackers.map(t => t.stats()))
      const s = all[0]
      if (
        s.presenceVersion === settled.presenceVersion &&
        all.every(x => x.online === peers - failed && x.presenceVersion === s.presenceVersion)
      )
        break
      settled = s
    }

    // 2. Heartbeat-only CPU of the trackers over two intervals.
    const windowMs = Math.min(30_000, Math.max(5_000, heartbeatS * 2_000))
    const cpu0 = pids.map(cpuSeconds)
    const idle0 = await redisCommands(redis)
    const t0 = performance.now()
    await sleep(windowMs)
    const seconds = (performance.now() - t0) / 1000
    const heartbeatCpuPct =
      (pids.map((pid, i) => cpuSeconds(pid) - cpu0[i]).reduce((a, b) => a + b, 0) / seconds) * 100
    const redisIdleOpsPerSec = ((await redisCommands(redis)) - idle0) / seconds
    const mem = pids.map(rssMb)
    log(
      `heartbeats: ${round(heartbeatCpuPct)} % of a core (all trackers); tracker RSS ${mem.map(m => round(m.rss)).join(', ')} MB`
    )

    // 3. Probes: each join is one event; time until every subscriber saw it, and what it cost in bytes.
    const probeNode = await createNode({
      privateKey: await generateKeyPair('Ed25519'),
      listen: ['/ip4/127.0.0.1/tcp/0']
    })
    await probeNode.start()
    const latencies: number[] = []
    let reportNonce = 0
    const perEventBytes: number[] = []
    let fullListBytes = 0
    let subscribers = 0
    let missingTotal = 0
    for (let k = 0; k < probes; k++) {
      const name = `probe${k}`
      // Probes log in on each tracker in turn: with several, most subscribers are on another one.
      const client = await TrackerClient.connect(probeNode, trackers[k % trackers.length].addr)
      await client.register(name, 'probe-password')
      const before = await sumStats('deltaBytesSent')
      const sentAt = performance.timeOrigin + performance.now()
      await client.login(name, 'probe-password', probeNode.getMultiaddrs())
      const joinedAt = performance.timeOrigin + performance.now()
      // Wait for every subscriber to report, then read what the trackers sent for this one join.
      const reports = await Promise.all(
        sims.map(async sim => {
          for (let attempt = 0; attempt < 100; attempt++) {
            const nonce = ++reportNonce
            sim.send({ cmd: 'report', user: name, nonce })
            const line = await sim.waitLine(l => l.includes(`"nonce":${nonce},`), 120_000)
            const report = JSON.parse(line) as { seen: number[]; missing: number }
            if (report.missing === 0 || attempt === 99) return report
            await sleep(100)
          }
          throw new Error('unreachable')
        })
      )
      const after = await sumStats('deltaBytesSent')
      const seen = reports.flatMap(r => r.seen)
      missingTotal += reports.reduce((a, r) => a + r.missing, 0)
      // t0 is halfway between sending the login and its reply: the join is recorded in between.
      const t = (sentAt + joinedAt) / 2
      const worst = Math.max(...seen.map(s => s - t))
      latencies.push(worst)
      perEventBytes.push(after - before)
      subscribers = (await trackers[0].stats()).online
      // The classic design: every change rebroadcasts the whole list to everyone. One list's size, measured:
      const snapBefore = client.received.snapshotBytes
      await client.resync()
      const listBytes = client.received.snapshotBytes - snapBefore
      fullListBytes = listBytes * subscribers
      log(
        `probe ${k}: last of ${seen.length} subscribers saw the join after ${round(worst)} ms; delta ${perEventBytes.at(-1)} B vs full list ${fullListBytes} B`
      )
      client.close()
      await sleep(1_100)
    }
    await probeNode.stop()

    // 4. The storm: the tracker killed and started again on its data directory and port; every peer
    // logs in again by itself. Passwords cost what they cost in production (storm.scryptLogN).
    let storm: StormResult | undefined
    if (init.storm !== undefined) {
      const withGrace = (graceS: number) => (dataDir: string, listen: string, logN: number) => [
        ...trackerArgs(dataDir, listen, logN),
        '--presence-grace',
        String(graceS)
      ]
      const common = {
        dataDir: dirs[0],
        listen: trackers[0].addr.split('/p2p/')[0],
        scryptLogN: init.storm.scryptLogN,
        peers: peers - failed,
        sims,
        children,
        log
      }
      const first = await runStorm({
        ...common,
        tracker: trackers[0].child,
        args: withGrace(init.storm.presenceGraceS),
        profile: init.storm.profile
      })
      storm = first.result
      if (init.storm.baseline) {
        log('baseline: the same storm with a tracker that starts an empty list (--presence-grace 0)')
        const base = await runStorm({
          ...common,
          tracker: first.restarted,
          args: withGrace(0),
          profile: false
        })
        storm.baselineStormSeconds = base.result.stormSeconds
        storm.baselineTrackerCpuMsPerReconnect = base.result.trackerCpuMsPerReconnect
      }
    }

    latencies.sort((a, b) => a - b)
    const meanDelta = perEventBytes.reduce((a, b) => a + b, 0) / perEventBytes.length
    return {
      store: init.store === 'lowdb' ? 'lowdb' : 'redis',
      trackers: init.trackers,
      peers: peers - failed,
      failedLogins: failed,
      loginRetries,
      procs,
      loginSeconds: round(loginSeconds),
      loginsPerSecond: round((peers - failed) / loginSeconds),
      trackerRssMb: mem.map(m => round(m.rss)),
      trackerPeakRssMb: mem.map(m => round(m.peak)),
      deltaBytesPerEvent: Math.round(meanDelta),
      fullListBytes,
      deltaToFullListPct: round((meanDelta / fullListBytes) * 100, 4),
      subscribers,
      deltaP50Ms: round(percentile(latencies, 50)),
      deltaP99Ms: round(percentile(latencies, 99)),
      deltaMissing: missingTotal,
      heartbeatCpuPct: round(heartbeatCpuPct),
      redisOpsPerSec: round(loginCommands / loginSeconds),
      redisIdleOpsPerSec: round(redisIdleOpsPerSec),
      trackerCpuMsPerLogin: round((loginCpuSeconds * 1000) / Math.max(1, peers - failed)),
      ...(storm === undefined ? {} : storm)
    }
  } finally {
    for (const c of children) c.kill()
    await redis?.quit().catch(() => {})
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Kill the tracker, give every sim account a password hash at `scryptLogN` (one hash of the shared
 * password, written into accounts.json while the tracker is down: hashing N of them would take as long
 * as the storm), start it again on the same port and time until all `peers` are online.
 */
async function runStorm(o: {
  tracker: Child
  dataDir: string
  listen: string
  args: (dataDir: string, listen: string, logN: number) => string[]
  scryptLogN: number
  profile: boolean
  peers: number
  sims: Child[]
  children: Child[]
  log(msg: string): void
}): Promise<{ result: StormResult; restarted: Child }> {
  if (o.tracker.proc.exitCode === null && o.tracker.proc.signalCode === null) {
    const exited = new Promise<void>(resolve => o.tracker.proc.once('exit', () => resolve()))
    o.tracker.kill()
    await exited
  }
  const hash = await new PasswordHasher(o.scryptLogN).hash(SIM_PASSWORD)
  const file = new DurableJSONFile<AccountsFile>(join(o.dataDir, ACCOUNTS_FILE_NAME), {
    validate: validateAccountsFile
  })
  const accounts: Record<string, Account> = { ...((await file.read())?.accounts ?? {}) }
  const journal = await readFile(join(o.dataDir, ACCOUNTS_JOURNAL_FILE_NAME), 'utf8').catch(() => '')
  for (const line of journal.split('\n')) {
    const account = line === '' ? '' : parseAccountRecord(line)
    if (typeof account !== 'string') accounts[usernameKey(account.username)] = account
  }
  for (const account of Object.values(accounts)) {
    if (account.username.startsWith('sim')) account.password = hash
  }
  await file.write({ version: ACCOUNTS_SCHEMA_VERSION, accounts })
  await rm(join(o.dataDir, ACCOUNTS_JOURNAL_FILE_NAME), { force: true })

  const simCpu0 = o.sims.map(s => cpuSeconds(s.proc.pid!)).reduce((a, b) => a + b, 0)
  const began = performance.now()
  const profileDir = o.profile ? await mkdtemp(join(tmpdir(), 'p2pchat-storm-profile-')) : undefined
  const child = spawnChild(
    CLI,
    o.args(o.dataDir, o.listen, o.scryptLogN),
    'tracker-restarted',
    {},
    profileDir === undefined
      ? undefined
      : ['--max-old-space-size=8192', '--cpu-prof', '--cpu-prof-dir', profileDir]
  )
  o.children.push(child)
  const statsUrl = (await child.waitLine(l => l.startsWith('Stats: '), 60_000)).split(/\s+/)[1]
  // What starting costs (loading the modules, the accounts and the kept list) before any peer is served.
  await child.waitLine(l => l.startsWith('Ready.'), 60_000)
  const startupCpu = cpuSeconds(child.proc.pid!)
  let online = 0
  let last = 0
  let stats = {
    online: 0,
    logins: 0,
    resumedLogins: 0,
    presence: { restored: 0, held: 0, reclaimed: 0, listResumes: 0 }
  }
  while (online < o.peers) {
    await sleep(250)
    stats = (await (await fetch(statsUrl)).json()) as typeof stats
    // Members the restarted tracker kept are listed while their peers are not back yet: not counted.
    online = stats.online - stats.presence.held
    if (performance.now() - last > 5_000) {
      last = performance.now()
      o.log(`storm: ${online}/${o.peers} back after ${round((performance.now() - began) / 1000, 1)} s`)
    }
    if (performance.now() - began > 3_600_000)
      throw new Error(`storm: only ${online} of ${o.peers} back after an hour`)
  }
  const seconds = (performance.now() - began) / 1000
  const trackerCpu = cpuSeconds(child.proc.pid!)
  const simCpu = o.sims.map(s => cpuSeconds(s.proc.pid!)).reduce((a, b) => a + b, 0) - simCpu0
  o.log(`storm: all ${o.peers} back after ${round(seconds, 1)} s; tracker CPU ${round(trackerCpu, 1)} s`)
  let stormProfile: StormResult['stormProfile']
  if (profileDir !== undefined) {
    // The profile is written when the process exits on its own: stop it as an operator would.
    const exited = new Promise<void>(resolve => child.proc.once('exit', () => resolve()))
    child.proc.kill('SIGTERM')
    await exited
    stormProfile = await splitProfileIn(profileDir)
    // Kept for a closer look (Chrome DevTools, speedscope): it is the bench's only output on disk.
    o.log(`storm profile: ${JSON.stringify(stormProfile)}; the profile is in ${profileDir}`)
  }
  const result: StormResult = {
    stormSeconds: round(seconds),
    trackerCpuMsPerReconnect: round((trackerCpu * 1000) / o.peers),
    trackerStartupCpuMs: round(startupCpu * 1000),
    trackerCpuMsPerReconnectAfterStart: round(((trackerCpu - startupCpu) * 1000) / o.peers),
    simulatorCpuShare: round(simCpu / seconds / availableParallelism(), 3),
    stormScryptLogN: o.scryptLogN,
    stormResumedLogins: stats.resumedLogins,
    stormPasswordLogins: stats.logins - stats.resumedLogins,
    stormRestoredMembers: stats.presence.restored,
    stormReclaimed: stats.presence.reclaimed,
    stormListResumes: stats.presence.listResumes,
    ...(stormProfile === undefined ? {} : { stormProfile })
  }
  return { result, restarted: child }
}
