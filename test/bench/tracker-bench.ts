/**
 * bench:tracker — N logged-in simulated peers on one tracker (lowdb), or on K trackers sharing a Redis
 * store, against one tracker on lowdb in the same run (tracker-scenario.ts measures each run).
 *
 *   npm run bench:tracker -- --peers 1000 [--procs 2] [--json]
 *   npm run bench:tracker -- --peers 3000 --trackers 3 [--store redis://…] [--json]
 *   npm run bench:tracker -- --peers 2000 --storm [--json]
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, REDIS_SERVER, spawnRedisServer } from '../fixtures/redis-server.ts'
import { benchOptions, round, rssMb } from './bench-utils.ts'
import type { ScenarioResult, StormResult } from './tracker-scenario.ts'
import { runScenario } from './tracker-scenario.ts'

const HELP = `Usage: npm run bench:tracker -- [options]
  --peers N          simulated peers to log in (default 1000)
  --trackers K       tracker processes sharing one Redis store (default 1: one tracker on lowdb).
                     With K > 1 the same run also measures one tracker on lowdb with N peers (the
                     login storm baseline) and with N/K peers (the delta latency baseline)
  --store URL        the Redis the K trackers share; it must hold no p2pchat accounts (default:
                     a redis-server of the bench's own, append-only file fsynced every second)
  --procs P          processes to run the peers in (default: one per 2,500 peers, at least 2, and
                     at least one per tracker)
  --heartbeat S      heartbeat interval the trackers announce (default 10)
  --probes K         joins to time for the delta latency (default 5)
  --scrypt-log-n L   trackers' password hash cost (default 10: logins of N peers at OWASP's 17
                     would take N × 0.3 s of CPU; the hash cost is reported separately)
  --storm            then kill the tracker (SIGKILL), start it again on its data directory and port,
                     and time until every peer, logging in again by itself, is back (one tracker)
  --storm-scrypt-log-n L
                     the password hash cost of the accounts for the storm (default 17, OWASP's:
                     the stored hashes are replaced while the tracker is down)
  --storm-profile    also take a CPU profile of the restarted tracker and print where its time went
                     (fan-out, Noise handshakes, snapshots, identify, scrypt, getConnections, …)
  --storm-presence-grace S
                     the restarted tracker's --presence-grace (default 60: it keeps its online
                     list and the peers take their places unseen; 0: it starts an empty list
                     and every peer is told about every other one again, the baseline)
  --storm-baseline   then the same storm again with a tracker that starts an empty list
                     (--presence-grace 0), in the same run: the baseline for the figures above
  --storm-password-only
                     the peers log in again with their password, not their resumption
                     credential (the storm as it was before credentials: the baseline)
  --json             print one JSON object instead of the table
`

const values = benchOptions(HELP, {
  peers: { type: 'string', default: '1000' },
  trackers: { type: 'string', default: '1' },
  store: { type: 'string' },
  procs: { type: 'string' },
  heartbeat: { type: 'string', default: '10' },
  probes: { type: 'string', default: '5' },
  'scrypt-log-n': { type: 'string', default: '10' },
  storm: { type: 'boolean', default: false },
  'storm-scrypt-log-n': { type: 'string', default: '17' },
  'storm-password-only': { type: 'boolean', default: false },
  'storm-profile': { type: 'boolean', default: false },
  'storm-presence-grace': { type: 'string', default: '60' },
  'storm-baseline': { type: 'boolean', default: false }
})
const peers = Number(values.peers)
const trackers = Number(values.trackers)
const procsFor = (n: number, k: number): number => Number(values.procs ?? Math.max(2, k, Math.ceil(n / 2500)))
const heartbeatS = Number(values.heartbeat)
const probes = Number(values.probes)
const scryptLogN = Number(values['scrypt-log-n'])
if (
  !(
    peers >= 1 &&
    trackers >= 1 &&
    trackers <= 16 &&
    procsFor(peers, trackers) <= peers &&
    heartbeatS >= 0.1 &&
    probes >= 1
  )
) {
  process.stderr.write(`bench:tracker: bad arguments\n${HELP}`)
  process.exit(2)
}
const log = (msg: string): void => {
  process.stderr.write(`[bench:tracker] ${msg}\n`)
}

/** A redis-server of the bench's own on a free port, as docs/deploy.md configures one. */
async function startRedis(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error('redis-server is not installed (apt-get install redis-server), or pass --store redis://…')
  }
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-redis-'))
  const child = await spawnRedisServer(port, dir, 'everysec')
  return {
    url: `redis://127.0.0.1:${port}/0`,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGKILL')
      await rm(dir, { recursive: true, force: true })
    }
  }
}

const storm =
  values.storm === true
    ? {
        scryptLogN: Number(values['storm-scrypt-log-n']),
        passwordOnly: values['storm-password-only'] === true,
        profile: values['storm-profile'] === true,
        presenceGraceS: Number(values['storm-presence-grace']),
        baseline: values['storm-baseline'] === true
      }
    : undefined
if (
  storm !== undefined &&
  (trackers !== 1 ||
    !(storm.scryptLogN >= 10 && storm.scryptLogN <= 20) ||
    !(storm.presenceGraceS >= 0 && storm.presenceGraceS <= 3600))
) {
  process.stderr.write(
    `bench:tracker: --storm runs on one tracker, with --storm-scrypt-log-n 10–20 and --storm-presence-grace 0–3600\n${HELP}`
  )
  process.exit(2)
}

const run = (n: number, k: number, store: string): Promise<ScenarioResult> => {
  log(`— ${n} peers on ${k} tracker(s), ${store === 'lowdb' ? 'lowdb' : 'Redis'}`)
  return runScenario({
    peers: n,
    trackers: k,
    store,
    procs: procsFor(n, k),
    heartbeatS,
    probes,
    scryptLogN,
    storm: k === 1 && store === 'lowdb' ? storm : undefined,
    log
  })
}

const table = (title: string, result: object): string =>
  `${title}\n${Object.entries(result)
    .map(
      ([k, v]) =>
        `  ${k.padEnd(22)} ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`
    )
    .join('\n')}\n`

/** Issue 15's storm targets (set for N = 2,000): CPU per reconnect and time until every peer is back. */
const STORM_TARGET_CPU_MS = 3
const STORM_TARGET_SECONDS = 30

if (trackers === 1 && values.store === undefined) {
  const result = await run(peers, 1, 'lowdb')
  const s = result as ScenarioResult & Partial<StormResult>
  const targets =
    s.stormSeconds === undefined
      ? undefined
      : {
          trackerCpuMsPerReconnect: {
            value: s.trackerCpuMsPerReconnect,
            target: STORM_TARGET_CPU_MS,
            met: (s.trackerCpuMsPerReconnect ?? Infinity) <= STORM_TARGET_CPU_MS
          },
          stormSeconds: {
            value: s.stormSeconds,
            target: STORM_TARGET_SECONDS,
            met: s.stormSeconds <= STORM_TARGET_SECONDS
          }
        }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(targets === undefined ? result : { ...result, targets })}\n`)
  } else {
    process.stdout.write(table('bench:tracker', result))
    if (targets !== undefined) {
      process.stdout.write(
        `targets (set for N = 2,000)\n  trackerCpuMsPerReconnect ${targets.trackerCpuMsPerReconnect.value} ≤ ${STORM_TARGET_CPU_MS}: ${targets.trackerCpuMsPerReconnect.met ? 'met' : 'NOT met'}\n  stormSeconds ${targets.stormSeconds.value} ≤ ${STORM_TARGET_SECONDS}: ${targets.stormSeconds.met ? 'met' : 'NOT met'}\n`
      )
    }
  }
  process.exit(0)
}

const own = values.store === undefined ? await startRedis() : undefined
let redisRssMb = 0
let shared: ScenarioResult
try {
  shared = await run(peers, trackers, values.store === undefined ? own!.url : String(values.store))
  if (own !== undefined) redisRssMb = round(rssMb(own.pid).rss)
} finally {
  await own?.stop()
}
const lowdb = await run(peers, 1, 'lowdb')
const share = Math.ceil(peers / trackers)
const lowdbShare = await run(share, 1, 'lowdb')
const result = {
  shared: { ...shared, redisRssMb },
  lowdb,
  lowdbShare,
  targets: {
    /** K trackers at N no worse than one tracker at N/K. */
    deltaP99: {
      shared: shared.deltaP99Ms,
      oneTrackerAtShare: lowdbShare.deltaP99Ms,
      met: shared.deltaP99Ms <= lowdbShare.deltaP99Ms
    },
    /** A login storm of N peers faster on K trackers than on one. */
    loginStorm: {
      shared: shared.loginSeconds,
      oneTracker: lowdb.loginSeconds,
      met: shared.loginSeconds < lowdb.loginSeconds
    }
  }
}
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`)
} else {
  process.stdout.write(table(`bench:tracker — ${trackers} trackers on Redis`, result.shared))
  process.stdout.write(table('one tracker on lowdb, same N (login storm baseline)', lowdb))
  process.stdout.write(
    table(`one tracker on lowdb, N/${trackers} = ${share} (delta latency baseline)`, lowdbShare)
  )
  process.stdout.write(
    `targets\n  deltaP99Ms ${shared.deltaP99Ms} vs ${lowdbShare.deltaP99Ms} at N/${trackers}: ${result.targets.deltaP99.met ? 'met' : 'NOT met'}\n  loginSeconds ${shared.loginSeconds} vs ${lowdb.loginSeconds} on one tracker: ${result.targets.loginStorm.met ? 'met' : 'NOT met'}\n`
  )
}
process.exit(0)
