/**
 * One bench:tracker run: K tracker processes (one on lowdb, or several sharing a Redis store) and N
 * logged-in simulated peers in several processes (each peer a real libp2p identity and connection),
 * spread over the trackers. Measures login time, each tracker's memory, the bytes one join costs against
 * rebroadcasting the full list (measured in the same run), the time until the last subscriber sees a
 * join, the trackers' CPU while they only handle heartbeats, and Redis's commands per second.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { Redis } from 'ioredis'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import { createNode } from '../../src/node.ts'
import {
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_PENDING_PER_KNOWN_HOST
} from '../../tracker/handshake-guard.ts'
import type { Child } from './bench-utils.ts'
import { cpuSeconds, percentile, round, rssMb, sleep, spawnChild, trackerAddress } from './bench-utils.ts'

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
}

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url))
const SIM = fileURLToPath(new URL('./sim-peers.js', import.meta.url))

/** Commands Redis has processed since it started (INFO stats). */
async function redisCommands(redis: Redis | undefined): Promise<number> {
  if (redis === undefined) return 0
  const info = await redis.info('stats')
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0)
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
    const trackers: Array<{ child: Child; addr: string; stats: () => Promise<Record<string, number>> }> = []
    for (let i = 0; i < init.trackers; i++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-'))
      dirs.push(dataDir)
      const child = spawnChild(
        CLI,
        [
          'tracker',
          '--listen',
          '/ip4/127.0.0.1/tcp/0',
          '--data',
          dataDir,
          '--store',
          init.store,
          '--http',
          '127.0.0.1:0',
          '--heartbeat',
          String(heartbeatS),
          '--scrypt-log-n',
          String(scryptLogN),
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
        ],
        `tracker${i}`
      )
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
          'probe'
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
      redisIdleOpsPerSec: round(redisIdleOpsPerSec)
    }
  } finally {
    for (const c of children) c.kill()
    await redis?.quit().catch(() => {})
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  }
}
