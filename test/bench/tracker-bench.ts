/**
 * bench:tracker — a tracker process and N logged-in simulated peers (several processes, each peer a real
 * libp2p identity and connection). Measures login time, tracker memory, the bytes one join costs against
 * rebroadcasting the full list (measured in the same run), the time until the last subscriber sees a
 * join, and the tracker's CPU while it only handles heartbeats.
 *
 *   npm run bench:tracker -- --peers 1000 [--procs 2] [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import { createNode } from '../../src/node.ts'
import {
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_PENDING_PER_KNOWN_HOST
} from '../../tracker/handshake-guard.ts'
import type { Child } from './bench-utils.ts'
import {
  benchOptions,
  cpuSeconds,
  percentile,
  round,
  rssMb,
  sleep,
  spawnChild,
  trackerAddress
} from './bench-utils.ts'

const HELP = `Usage: npm run bench:tracker -- [options]
  --peers N          simulated peers to log in (default 1000)
  --procs P          processes to run them in (default: one per 2,500 peers, at least 2)
  --heartbeat S      heartbeat interval the tracker announces (default 10)
  --probes K         joins to time for the delta latency (default 5)
  --scrypt-log-n L   tracker's password hash cost (default 10: logins of N peers at OWASP's 17
                     would take N × 0.3 s of CPU; the hash cost is reported separately)
  --json             print one JSON object instead of the table
`

const values = benchOptions(HELP, {
  peers: { type: 'string', default: '1000' },
  procs: { type: 'string' },
  heartbeat: { type: 'string', default: '10' },
  probes: { type: 'string', default: '5' },
  'scrypt-log-n': { type: 'string', default: '10' }
})
const peers = Number(values.peers)
const procs = Number(values.procs ?? Math.max(2, Math.ceil(peers / 2500)))
const heartbeatS = Number(values.heartbeat)
const probes = Number(values.probes)
const scryptLogN = Number(values['scrypt-log-n'])
if (!(peers >= 1 && procs >= 1 && procs <= peers && heartbeatS >= 0.1 && probes >= 1)) {
  process.stderr.write(`bench:tracker: bad arguments\n${HELP}`)
  process.exit(2)
}
const log = (msg: string): void => {
  process.stderr.write(`[bench:tracker] ${msg}\n`)
}
const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url))
const SIM = fileURLToPath(new URL('./sim-peers.js', import.meta.url))

const dataDir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-'))
const children: Child[] = []
const cleanup = async (): Promise<void> => {
  for (const c of children) c.kill()
  await rm(dataDir, { recursive: true, force: true })
}
process.on('SIGINT', () => {
  cleanup().finally(() => process.exit(130))
})

try {
  const tracker = spawnChild(
    CLI,
    [
      'tracker',
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--data',
      dataDir,
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
    'tracker'
  )
  children.push(tracker)
  const addr = await trackerAddress(tracker)
  const statsUrl = (await tracker.waitLine(l => l.startsWith('Stats: '), 10_000)).split(/\s+/)[1]
  const stats = async (): Promise<Record<string, number>> =>
    (await (await fetch(statsUrl)).json()) as Record<string, number>
  const trackerPid = tracker.proc.pid!
  log(`tracker ${addr}`)

  // 1. Log in N peers from several processes at once.
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
        addr,
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
    const s = await stats().catch(() => undefined)
    if (s !== undefined && s.online !== lastProgress) {
      lastProgress = s.online
      log(`${s.online}/${peers} online after ${round((performance.now() - began) / 1000, 1)} s`)
    }
  }, 5_000)
  const readies = await Promise.all(sims.map(s => s.waitLine(l => l.includes('"event":"ready"'), 3_600_000)))
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
  log(`${peers - failed} peers logged in in ${round(loginSeconds, 1)} s (${failed} failed)`)

  // Let the last deltas and snapshots drain before measuring.
  let settled = await stats()
  for (let i = 0; i < 60; i++) {
    await sleep(1_000)
    const s = await stats()
    if (s.presenceVersion === settled.presenceVersion && s.online === peers - failed) break
    settled = s
  }

  // 2. Heartbeat-only CPU of the tracker over two intervals.
  const windowMs = Math.min(30_000, Math.max(5_000, heartbeatS * 2_000))
  const cpu0 = cpuSeconds(trackerPid)
  const t0 = performance.now()
  await sleep(windowMs)
  const heartbeatCpuPct = ((cpuSeconds(trackerPid) - cpu0) / ((performance.now() - t0) / 1000)) * 100
  const mem = rssMb(trackerPid)
  log(
    `heartbeats: ${round(heartbeatCpuPct)} % of a core; tracker RSS ${round(mem.rss)} MB (peak ${round(mem.peak)} MB)`
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
    const client = await TrackerClient.connect(probeNode, addr)
    await client.register(name, 'probe-password')
    const before = await stats()
    const sentAt = performance.timeOrigin + performance.now()
    await client.login(name, 'probe-password', probeNode.getMultiaddrs())
    const joinedAt = performance.timeOrigin + performance.now()
    // Wait for every subscriber to report, then read what the tracker sent for this one join.
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
    const after = await stats()
    const seen = reports.flatMap(r => r.seen)
    missingTotal += reports.reduce((a, r) => a + r.missing, 0)
    // t0 is halfway between sending the login and its reply: the join is recorded in between.
    const t = (sentAt + joinedAt) / 2
    const worst = Math.max(...seen.map(s => s - t))
    latencies.push(worst)
    perEventBytes.push(after.deltaBytesSent - before.deltaBytesSent)
    subscribers = after.online
    // The classic design: every change rebroadcasts the whole list to everyone. One list's size, measured:
    const snapBefore = client.received.snapshotBytes
    await client.resync()
    const listBytes = client.received.snapshotBytes - snapBefore
    fullListBytes = listBytes * after.online
    log(
      `probe ${k}: last of ${seen.length} subscribers saw the join after ${round(worst)} ms; delta ${perEventBytes.at(-1)} B vs full list ${fullListBytes} B`
    )
    client.close()
    await sleep(1_100)
  }
  await probeNode.stop()

  latencies.sort((a, b) => a - b)
  // Every subscriber's own delay, over all probes, for the distribution.
  const result = {
    peers: peers - failed,
    failedLogins: failed,
    loginRetries,
    procs,
    scryptLogN,
    heartbeatSeconds: heartbeatS,
    loginSeconds: round(loginSeconds),
    loginsPerSecond: round((peers - failed) / loginSeconds),
    trackerRssMb: round(mem.rss),
    trackerPeakRssMb: round(mem.peak),
    deltaBytesPerEvent: Math.round(perEventBytes.reduce((a, b) => a + b, 0) / perEventBytes.length),
    fullListBytes,
    deltaToFullListPct: round(
      (perEventBytes.reduce((a, b) => a + b, 0) / perEventBytes.length / fullListBytes) * 100,
      4
    ),
    subscribers,
    deltaP50Ms: round(percentile(latencies, 50)),
    deltaP99Ms: round(percentile(latencies, 99)),
    deltaMissing: missingTotal,
    heartbeatCpuPct: round(heartbeatCpuPct)
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } else {
    const rows = Object.entries(result).map(([k, v]) => `  ${k.padEnd(22)} ${v}`)
    process.stdout.write(`bench:tracker\n${rows.join('\n')}\n`)
  }
} finally {
  await cleanup()
}
process.exit(0)
