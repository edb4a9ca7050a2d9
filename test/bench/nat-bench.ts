/**
 * bench:nat — p2pchat across the network-namespace NAT lab (docs/lab.md): a tracker relaying on the
 * "internet", alice behind routerA, bob behind routerB, carol on a public address. In one run:
 * - message round trips (`msg` → `delivered`, one at a time) alice → bob, both behind NATs, so relayed
 *   through the tracker; baseline: the same alice → carol, a direct connection (carol is reachable);
 * - the first message from a fresh peer in `public` to a fresh peer behind routerB: connection reversal
 *   (asked through the tracker, bob's side dials); baselines: the first direct and relayed messages;
 * - a file alice → bob through the relay, and the same file alice → carol directly; the tracker's CPU
 *   while it relays, per megabit per second relayed.
 *
 *   npm run bench:nat -- [--messages 200] [--mb 64] [--reversals 3] [--json]
 *
 * Needs Linux, root and nftables (the lab); builds its own lab and removes it, also on Ctrl-C.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeRandomFile } from '../fixtures/files.ts'
import type { Lab } from '../lab/index.ts'
import { buildLab } from '../lab/index.ts'
import { benchOptions, cpuSeconds, percentile, round } from './bench-utils.ts'
import type { Json, LabPeer, LabTracker } from './nat-bench-helpers.ts'
import {
  checkReceivedVia,
  command,
  joined,
  ProductError,
  START_TIMEOUT_MS,
  StallError,
  startPeer,
  startTracker,
  timedMessage,
  trackerStats
} from './nat-bench-helpers.ts'

const HELP = `Usage: npm run bench:nat -- [options]   (as root: it builds a network-namespace lab)
  --messages N    round trips timed per path, one message at a time (default 200)
  --mb N          file size in MiB for the transfers (default 64)
  --reversals K   fresh pairs timed for the first message by connection reversal (default 3)
  --json          print one JSON object
Rates are MB/s (10^6 bytes per second); Mbps is 10^6 bits per second.
`
const values = benchOptions(HELP, {
  messages: { type: 'string', default: '200' },
  mb: { type: 'string', default: '64' },
  reversals: { type: 'string', default: '3' }
})
const messages = Number(values.messages)
const mb = Number(values.mb)
const reversals = Number(values.reversals)
const whole = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max
if (!(whole(messages, 10, 10_000) && whole(mb, 1, 4096) && whole(reversals, 1, 20))) {
  process.stderr.write(`bench:nat: --messages 10–10000, --mb 1–4096, --reversals 1–20\n${HELP}`)
  process.exit(2)
}
const size = mb * 1024 * 1024
const log = (m: string): void => {
  process.stderr.write(`[bench:nat] ${m}\n`)
}

const TRACKER_PORT = 4001
/** The tracker's /stats, on the loopback of its own namespace. */
const HTTP_PORT = 8080
/**
 * The relay cuts a relayed connection after this much (both directions): the file, the messages before
 * it and their framing must fit, with room to spare.
 */
const relayLimitMiB = Math.max(64, 2 * mb + 16)
/** The first message of a pair: a dial (through the relay, or asked through the tracker) and an ack. */
const FIRST_MESSAGE_TIMEOUT_MS = 30_000
/** A transfer slower than 1 MB/s (plus a start-up allowance) counts as stalled. */
const transferTimeoutMs = 15_000 + Math.ceil(size / 1e6) * 1000

const dir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-nat-'))
let lab: Lab | undefined
let cleaning: Promise<void> | undefined
const cleanup = (): Promise<void> => {
  cleaning ??= (async () => {
    await lab?.teardown().catch(err => log(`teardown: ${(err as Error).message}`))
    await rm(dir, { recursive: true, force: true })
  })()
  return cleaning
}
let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true
    log(`${signal}: removing the lab`)
    cleanup().finally(() => process.exit(130))
  })
}

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b)
  return { p50: round(percentile(s, 50), 2), p99: round(percentile(s, 99), 2), max: round(s.at(-1)!, 2) }
}

/** `count` messages one at a time; each must be delivered `via`. */
async function roundTrips(from: LabPeer, to: LabPeer, via: string, count: number): Promise<number[]> {
  const rtts: number[] = []
  for (let i = 0; i < count; i++) {
    const step = `message ${i + 1}/${count} ${from.user}@${from.node} → ${to.user}@${to.node}`
    rtts.push((await timedMessage(from, to.user, `rtt ${i}`, via, step)).ms)
  }
  checkReceivedVia(to, from.user, via, `messages ${from.user} → ${to.user}`)
  return rtts
}

/**
 * Send the file `from` → `to` (which accepts it) and time it on the receiver, from `file-accepted` to
 * `file-done`; the tracker's CPU seconds over the same span. ProductError if the transfer fails, the
 * file does not match, or an event's `via` (when it has one) is not `via`.
 */
async function transfer(from: LabPeer, to: LabPeer, file: string, via: string, tracker: LabTracker) {
  const step = `file ${from.user}@${from.node} → ${to.user}@${to.node} (${via})`
  const [mark, senderMark] = [to.proc.lines.length, from.proc.lines.length]
  const sent = await command(from, `${step}: send-file`, { cmd: 'send-file', to: to.user, path: file })
  const id = sent.transferId as string
  const ofThis = (o: Json): boolean => o.transferId === id
  // The sender's side can end the transfer before the receiver hears of it (the offer never arrives).
  const senderFailed = from.proc
    .wait(step, o => o.event === 'file-failed' && ofThis(o), {
      from: senderMark,
      timeoutMs: START_TIMEOUT_MS + transferTimeoutMs
    })
    .then(e => {
      throw new ProductError(`${step}: the sender says ${JSON.stringify(e)}`)
    })
  /** The receiver's next event passing `match`, unless the sender reports a failure first. */
  const atReceiver = async (what: string, match: (o: Json) => boolean, timeoutMs?: number) => {
    try {
      return await Promise.race([
        to.proc.wait(`${step}: ${what}`, o => ofThis(o) && match(o), { from: mark, timeoutMs }),
        senderFailed
      ])
    } catch (err) {
      if (err instanceof StallError) err.message += `\n  meanwhile at ${from.proc.label}: ${from.proc.tail()}`
      throw err
    }
  }
  const offer = await atReceiver('waiting for the offer', o => o.event === 'file-offer', START_TIMEOUT_MS)
  await command(to, `${step}: accept-file`, { cmd: 'accept-file', transferId: id })
  const started = (o: Json): boolean => o.event === 'file-accepted' || o.event === 'file-failed'
  const accepted = await atReceiver('waiting for file-accepted', started)
  const t0 = performance.now()
  const cpu0 = cpuSeconds(tracker.pid)
  if (accepted.event !== 'file-accepted') throw new ProductError(`${step}: ${JSON.stringify(accepted)}`)
  const end = await atReceiver(
    `waiting for file-done (${mb} MiB, at most ${transferTimeoutMs / 1000} s)`,
    o => o.event === 'file-done' || o.event === 'file-failed',
    transferTimeoutMs
  )
  const ms = performance.now() - t0
  const cpu = cpuSeconds(tracker.pid) - cpu0
  if (end.event !== 'file-done') throw new ProductError(`${step}: ${JSON.stringify(end)}`)
  if (end.size !== size || end.bytesTransferred !== size || end.sha256 !== offer.sha256)
    throw new ProductError(`${step}: the file does not match the offer: ${JSON.stringify(end)}`)
  const senderAccepted = await from.proc.wait(
    `${step}: sender's file-accepted`,
    o => o.event === 'file-accepted' && ofThis(o),
    { from: senderMark }
  )
  for (const e of [accepted, senderAccepted]) {
    if (e.via !== undefined && e.via !== via)
      throw new ProductError(`${step}: expected via "${via}", got ${JSON.stringify(e)}`)
  }
  const seconds = ms / 1000
  return {
    mbPerSec: round(size / 1e6 / seconds, 1),
    mbps: (size * 8) / 1e6 / seconds,
    cpuPct: (cpu / seconds) * 100,
    viaReported: accepted.via !== undefined
  }
}

let exitCode = 0
try {
  lab = await buildLab()
  log(`lab ${lab.name} built; writing a ${mb} MiB file`)
  const file = join(dir, 'payload.bin')
  await writeRandomFile(file, size)

  const tracker = await startTracker(lab, join(dir, 'tracker'), TRACKER_PORT, [
    '--scrypt-log-n',
    '10',
    '--relay',
    'on',
    '--relay-data-limit',
    String(relayLimitMiB),
    '--http',
    `127.0.0.1:${HTTP_PORT}`
  ])
  log(`tracker at ${tracker.addr} (PID ${tracker.pid}), relay limit ${relayLimitMiB} MiB per connection`)
  const start = (node: 'hostA' | 'hostB' | 'public', user: string) =>
    startPeer(lab!, node, tracker.addr, dir, user)
  const [alice, bob, carol] = await Promise.all([
    start('hostA', 'alice'),
    start('hostB', 'bob'),
    start('public', 'carol')
  ])
  // The premise: alice and bob cannot be dialled, carol can.
  for (const [p, want] of [
    [alice, false],
    [bob, false],
    [carol, true]
  ] as const) {
    if (p.ready.reachable !== want)
      throw new ProductError(`${p.user}@${p.node} should be reachable: ${want}: ${JSON.stringify(p.ready)}`)
  }
  const bobEntry = await joined(alice, 'bob')
  await joined(alice, 'carol')
  if (!(bobEntry.addrs as string[]).some(a => a.includes('/p2p-circuit')))
    throw new ProductError(`bob has no relay address: ${JSON.stringify(bobEntry)}`)

  // 1. Round trips: relayed (both behind NATs), then direct (alice dials carol's public address).
  const firstRelayed = await timedMessage(
    alice,
    'bob',
    'first',
    'relayed',
    'first message alice@hostA → bob@hostB',
    FIRST_MESSAGE_TIMEOUT_MS
  )
  const relayed = stats(await roundTrips(alice, bob, 'relayed', messages))
  log(
    `relayed round trip: p50 ${relayed.p50} ms, p99 ${relayed.p99} ms (first message ${round(firstRelayed.ms, 1)} ms)`
  )
  const firstDirect = await timedMessage(
    alice,
    'carol',
    'first',
    'direct',
    'first message alice@hostA → carol@public',
    FIRST_MESSAGE_TIMEOUT_MS
  )
  const direct = stats(await roundTrips(alice, carol, 'direct', messages))
  log(
    `direct round trip: p50 ${direct.p50} ms, p99 ${direct.p99} ms (first message ${round(firstDirect.ms, 1)} ms)`
  )

  // 2. Connection reversal: fresh pairs, public → hostB, the first message of each.
  const pairs = await Promise.all(
    Array.from({ length: reversals }, (_, i) =>
      Promise.all([start('public', `pub${i}`), start('hostB', `rev${i}`)])
    )
  )
  const reversalMs: number[] = []
  for (const [i, [pub, rev]] of pairs.entries()) {
    await joined(pub, rev.user)
    const step = `reversal ${i + 1}/${reversals}: first message ${pub.user}@public → ${rev.user}@hostB`
    reversalMs.push(
      (await timedMessage(pub, rev.user, 'hello', 'reversed', step, FIRST_MESSAGE_TIMEOUT_MS)).ms
    )
    await rev.proc.wait(
      `${step}: the message at ${rev.user}`,
      o => o.event === 'message' && o.from === pub.user
    )
    checkReceivedVia(rev, pub.user, 'reversed', step)
    for (const p of [pub, rev]) p.proc.send({ cmd: 'quit' })
  }
  const reversal = stats(reversalMs)
  log(`reversal, first message: ${reversalMs.map(m => round(m, 1)).join(', ')} ms`)

  // 3. The file: directly (baseline, and the tracker's CPU when it carries nothing), then relayed. The
  // tracker's own count of relayed bytes tells which of the two went through it.
  const relayStats = async (): Promise<Json> => ((await trackerStats(lab!, HTTP_PORT)).relay ?? {}) as Json
  const before = await relayStats()
  const directFile = await transfer(alice, carol, file, 'direct', tracker)
  log(`direct file: ${directFile.mbPerSec} MB/s; tracker CPU meanwhile ${round(directFile.cpuPct, 1)} %`)
  const between = await relayStats()
  const relayedFile = await transfer(alice, bob, file, 'relayed', tracker)
  log(`relayed file: ${relayedFile.mbPerSec} MB/s; tracker CPU ${round(relayedFile.cpuPct, 1)} % of a core`)
  const relay = await relayStats()
  if (!relayedFile.viaReported) log('note: file-accepted carries no "via"; the path was not checked there')
  if (typeof relay.relayedBytes === 'number') {
    const [viaDirect, viaRelay] = [
      between.relayedBytes - before.relayedBytes,
      relay.relayedBytes - between.relayedBytes
    ]
    if (viaDirect >= size / 100)
      throw new ProductError(
        `the direct transfer went through the relay: its relayedBytes grew by ${viaDirect}`
      )
    if (viaRelay < size)
      throw new ProductError(`the relayed transfer of ${size} bytes added only ${viaRelay} to relayedBytes`)
  } else log("note: the tracker's /stats has no relay.relayedBytes; the path was not checked there")

  const result = {
    messages,
    mb,
    relayedRttP50Ms: relayed.p50,
    relayedRttP99Ms: relayed.p99,
    directRttP50Ms: direct.p50,
    directRttP99Ms: direct.p99,
    directPath: 'hostA -> public (public is reachable: dialled directly)',
    reversalMs: reversal.p50,
    reversalMaxMs: reversal.max,
    reversalRuns: reversalMs.length,
    firstDirectMessageMs: round(firstDirect.ms, 2),
    firstRelayedMessageMs: round(firstRelayed.ms, 2),
    relayedMbPerSec: relayedFile.mbPerSec,
    directMbPerSec: directFile.mbPerSec,
    relayedToDirect: round(relayedFile.mbPerSec / directFile.mbPerSec, 3),
    trackerRelayCpuPct: round(relayedFile.cpuPct, 1),
    trackerRelayCpuPctPerMbps: round(relayedFile.cpuPct / relayedFile.mbps, 4),
    trackerCpuPctDuringDirect: round(directFile.cpuPct, 1),
    relayDataLimitMiB: relayLimitMiB,
    relayedConnections: relay.relayedConnections ?? null
  }
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } else {
    const rows: Array<[string, string, string]> = [
      ['', 'measured', 'baseline, same run'],
      [
        'message round trip p50 / p99',
        `relayed hostA→hostB ${relayed.p50} / ${relayed.p99} ms`,
        `direct hostA→public ${direct.p50} / ${direct.p99} ms`
      ],
      [
        'first message, fresh pair',
        `reversed public→hostB p50 ${reversal.p50} ms (${reversalMs.length} run${reversalMs.length === 1 ? '' : 's'}, max ${reversal.max})`,
        `direct ${round(firstDirect.ms, 1)} ms, relayed ${round(firstRelayed.ms, 1)} ms (hostA→)`
      ],
      [
        `file, ${mb} MiB`,
        `relayed hostA→hostB ${relayedFile.mbPerSec} MB/s`,
        `direct hostA→public ${directFile.mbPerSec} MB/s`
      ],
      [
        'tracker CPU while relaying',
        `${result.trackerRelayCpuPct} % of a core = ${result.trackerRelayCpuPctPerMbps} %/Mbps`,
        `${result.trackerCpuPctDuringDirect} % during the direct transfer`
      ]
    ]
    const w = [0, 1].map(c => Math.max(...rows.map(r => r[c].length)) + 2)
    process.stdout.write(
      `bench:nat — ${messages} messages per path, ${mb} MiB file, relay limit ${relayLimitMiB} MiB\n${rows
        .map(r => `  ${r[0].padEnd(w[0])}${r[1].padEnd(w[1])}${r[2]}`)
        .join('\n')}\n`
    )
  }
} catch (err) {
  exitCode = 1
  const kind =
    err instanceof ProductError ? 'product problem' : err instanceof StallError ? 'stalled' : 'failed'
  // Interrupted, the steps fail as the lab goes away under them: that is no finding.
  if (!interrupted) process.stderr.write(`bench:nat: ${kind}: ${(err as Error).message}\n`)
} finally {
  await cleanup()
}
process.exit(interrupted ? 130 : exitCode)
