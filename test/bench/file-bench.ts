/**
 * bench:file — two `p2pchat peer --json` processes send a file over /p2pchat/file/1.0.0, and in the
 * same run: raw TCP between two Node processes (the wire's limit) and ChaCha20-Poly1305 over 64 KiB
 * chunks on one core (Noise's limit), and TLS 1.2 with a pre-shared key between two processes (the
 * bulk path's candidate, issue 13), and that TLS carrying the file from disk to a new file that is
 * hashed, written and fsynced (the least any bulk path must do). Then p2pchat on the bulk path and on
 * the file stream; four 256 MiB transfers at once to one receiver while a fifth peer chats with it;
 * then the same file again to a receiver that is stopped and
 * continued (SIGSTOP/SIGCONT) so it runs a quarter of the time, watching the sender's memory; then a
 * sender killed half-way and started again, to measure how much of the file the resume saves.
 *
 *   npm run bench:file -- [--size MB] [--json]
 */

import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeRandomFile } from '../fixtures/files.ts'
import type { Child } from './bench-utils.ts'
import {
  benchOptions,
  cpuSeconds,
  jsonLine,
  labTrackerArgs,
  percentile,
  printResult,
  resetPeakRss,
  round,
  rssMb,
  sleep,
  spawnChild,
  threadCpuSeconds,
  trackerAddress
} from './bench-utils.ts'

const HELP = `Usage: npm run bench:file -- [options]
  --size MB       file size in MiB (default 1024)
  --skip-slow     leave out the slow-receiver run
  --skip-resume   leave out the resume run
  --skip-concurrent  leave out the four transfers at once (and the chat during them)
  --json          print one JSON object
Rates are MB/s (10^6 bytes per second).
`
const values = benchOptions(HELP, {
  size: { type: 'string', default: '1024' },
  'skip-slow': { type: 'boolean', default: false },
  'skip-resume': { type: 'boolean', default: false },
  'skip-concurrent': { type: 'boolean', default: false }
})
const sizeMiB = Number(values.size)
if (!(Number.isInteger(sizeMiB) && sizeMiB >= 1 && sizeMiB <= 64 * 1024)) {
  process.stderr.write(`bench:file: --size must be a whole number of MiB from 1 to 65536\n${HELP}`)
  process.exit(2)
}
const size = sizeMiB * 1024 * 1024
const log = (m: string): void => {
  process.stderr.write(`[bench:file] ${m}\n`)
}
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url))
const CLI = here('../../src/cli.js')
const BASE = here('./throughput-baselines.js')
const mbps = (bytes: number, ms: number): number => round(bytes / 1e6 / (ms / 1000), 1)

const dir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-file-'))
const children: Child[] = []
type Json = Record<string, unknown>
const json = jsonLine
const start = (script: string, args: string[], label: string, env: NodeJS.ProcessEnv = {}): Child => {
  // Peers run as users run them: Node's default heap settings.
  const c = spawnChild(
    script,
    args,
    label,
    env,
    (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
  )
  children.push(c)
  return c
}

try {
  // The limits, measured now on this machine.
  const sink = start(BASE, ['--mode', 'sink'], 'tcp-sink')
  const port = (await json(sink, o => 'port' in o)).port as number
  start(BASE, ['--mode', 'source', '--port', String(port), '--bytes', String(size)], 'tcp-source')
  const tcp = await json(sink, o => 'ms' in o)
  const rawTcpMbPerSec = mbps(tcp.bytes as number, tcp.ms as number)
  log(`raw TCP between two processes: ${rawTcpMbPerSec} MB/s`)
  const chachaRun = await json(
    start(BASE, ['--mode', 'chacha', '--bytes', String(size)], 'chacha'),
    o => 'ms' in o
  )
  const chachaMbPerSec = mbps(chachaRun.bytes as number, chachaRun.ms as number)
  log(`ChaCha20-Poly1305, 64 KiB chunks, one core: ${chachaMbPerSec} MB/s`)
  // The bulk path's candidate (issue 13): Node's TLS with a one-time pre-shared key, two processes.
  const psk = randomBytes(32).toString('hex')
  const pskSink = start(BASE, ['--mode', 'psk-sink', '--psk', psk], 'psk-sink')
  const pskPort = (await json(pskSink, o => 'port' in o)).port as number
  start(
    BASE,
    ['--mode', 'psk-source', '--port', String(pskPort), '--psk', psk, '--bytes', String(size)],
    'psk-source'
  )
  const pskRun = await json(pskSink, o => 'ms' in o)
  const tlsPskMbPerSec = mbps(pskRun.bytes as number, pskRun.ms as number)
  log(`TLS 1.2 PSK (AES-128-GCM) between two processes: ${tlsPskMbPerSec} MB/s`)

  const file = join(dir, 'payload.bin')
  await writeRandomFile(file, size)
  log(`wrote a ${sizeMiB} MiB file`)
  // Every measured run writes a new file of this size and deletes it when done, so each finds the
  // same page cache (fresh pages cost several times more here: docs/benchmarks.md).
  const pipeline = async (): Promise<number> => {
    const sinkP = start(
      BASE,
      ['--mode', 'psk-sink', '--psk', psk, '--out', join(dir, 'pipeline.bin')],
      'pipeline-sink'
    )
    const p = (await json(sinkP, o => 'port' in o)).port as number
    start(
      BASE,
      ['--mode', 'psk-source', '--port', String(p), '--psk', psk, '--file', file],
      'pipeline-source'
    )
    const run = await json(sinkP, o => 'ms' in o)
    return mbps(run.bytes as number, run.ms as number)
  }
  const pipelineRuns = [await pipeline(), await pipeline()]
  const pipelineMbPerSec = Math.max(...pipelineRuns)
  log(`TLS PSK from the file to a hashed, written, fsynced new file: ${pipelineRuns.join(', ')} MB/s`)

  const tracker = start(CLI, labTrackerArgs(join(dir, 'tracker'), ['--coalesce', '10']), 'tracker')
  const addr = await trackerAddress(tracker)
  const peer = (user: string, env: NodeJS.ProcessEnv = {}): Child =>
    start(
      CLI,
      [
        'peer',
        '--tracker',
        addr,
        '--user',
        user,
        '--register',
        '--data',
        join(dir, user),
        '--listen',
        '/ip4/127.0.0.1/tcp/0',
        '--json'
      ],
      user,
      { P2PCHAT_PASSWORD: 'bench-password', ...env }
    )
  const ready = async (c: Child, others: string[]): Promise<void> => {
    await json(c, o => o.event === 'ready')
    for (const u of others) await json(c, o => o.event === 'joined' && o.user === u)
  }
  const bob = peer('bob')
  await ready(bob, [])
  // What a logged-in peer takes before any transfer, for the peaks below.
  await sleep(1000)
  const idleRssMb = round(rssMb(bob.proc.pid!).rss, 0)
  // Bob accepts every offer.
  let offers = 0
  const acceptOffers = setInterval(() => {
    const all = bob.lines.filter(l => l.includes('"event":"file-offer"')).map(l => JSON.parse(l) as Json)
    for (const o of all.slice(offers)) {
      if (o.resumeFrom === undefined) bob.send({ cmd: 'accept-file', transferId: o.transferId })
    }
    offers = all.length
  }, 20)

  /** Send the file from `sender` to bob; returns timing and bytes from the sender's events. */
  const send = async (sender: Child, tag: string) => {
    sender.send({ id: tag, cmd: 'send-file', to: 'bob', path: file })
    const reply = await json(sender, o => o.id === tag)
    if (reply.ok !== true) throw new Error(`send-file failed: ${JSON.stringify(reply)}`)
    const id = reply.transferId as string
    const t0 = performance.now()
    const acceptedEvent = await json(sender, o => o.event === 'file-accepted' && o.transferId === id)
    const accepted = performance.now()
    return { id, t0, accepted, path: acceptedEvent.path as string }
  }
  const finished = async (sender: Child, id: string): Promise<Json> => {
    const end = await json(
      sender,
      o => (o.event === 'file-done' || o.event === 'file-failed') && o.transferId === id
    )
    if (end.event !== 'file-done') throw new Error(`transfer failed: ${JSON.stringify(end)}`)
    return end
  }
  /** Delete what bob received in transfer `id` (verified already), freeing its pages for the next run. */
  const discard = async (id: string): Promise<void> => {
    const got = await json(bob, o => o.event === 'file-done' && o.transferId === id)
    await unlink(got.path as string)
  }

  // 1. Full speed, on the path the peers pick (bulk between these two), CPU counted on both sides.
  const alice = peer('alice')
  await ready(alice, ['bob'])
  resetPeakRss(bob.proc.pid!)
  const cpu0 = { sender: cpuSeconds(alice.proc.pid!), receiver: cpuSeconds(bob.proc.pid!) }
  const fast = await send(alice, 'fast')
  const threads0 = { sender: threadCpuSeconds(alice.proc.pid!), receiver: threadCpuSeconds(bob.proc.pid!) }
  const fastDone = await finished(alice, fast.id)
  const split = (before: ReturnType<typeof threadCpuSeconds>, pid: number): string => {
    const now = threadCpuSeconds(pid)
    const per = (k: keyof typeof now): number => round((now[k] - before[k]) / (size / 1024 ** 3), 2)
    return `main ${per('main')}, worker ${per('worker')}, gc ${per('gc')}, io ${per('io')}`
  }
  const cpuSplitPerGiB = {
    sender: split(threads0.sender, alice.proc.pid!),
    receiver: split(threads0.receiver, bob.proc.pid!)
  }
  const fastMs = performance.now() - fast.accepted
  await discard(fast.id)
  const gib = size / 1024 ** 3
  const cpuSecondsPerGiB = {
    sender: round((cpuSeconds(alice.proc.pid!) - cpu0.sender) / gib, 2),
    receiver: round((cpuSeconds(bob.proc.pid!) - cpu0.receiver) / gib, 2)
  }
  const mbPerSec = mbps(size, fastMs)
  const hashMs = fast.accepted - fast.t0
  const senderPeakRssMb = round(rssMb(alice.proc.pid!).peak, 0)
  const receiverPeakRssMb = round(rssMb(bob.proc.pid!).peak, 0)
  const limit = Math.min(rawTcpMbPerSec, chachaMbPerSec)
  log(
    `p2pchat: ${mbPerSec} MB/s (${round(mbPerSec / limit, 2)} of the limit), hash + offer ${round(hashMs, 0)} ms, ` +
      `sha256 ${String(fastDone.sha256).slice(0, 16)}…, sender peak RSS ${senderPeakRssMb} MB, receiver ${receiverPeakRssMb} MB`
  )
  alice.send({ cmd: 'quit' })

  // 1b. Four transfers of a quarter of the file each, at once, to bob, while frank chats with bob:
  // one message at a time, each timed from the command to bob's message event (idle first).
  let concurrent: Json | undefined
  if (!values['skip-concurrent']) {
    const quarter = join(dir, 'quarter.bin')
    await writeRandomFile(quarter, size / 4)
    const frank = peer('frank')
    await ready(frank, ['bob'])
    let seq = 0
    const chatOnce = async (): Promise<number> => {
      const text = `c${seq++}`
      const t0 = performance.now()
      frank.send({ cmd: 'msg', to: 'bob', text })
      await json(bob, o => o.event === 'message' && o.text === text)
      return performance.now() - t0
    }
    const chatUntil = async (done: () => boolean, max: number): Promise<number[]> => {
      const out: number[] = []
      while (!done() && out.length < max) {
        out.push(await chatOnce())
        await sleep(20)
      }
      return out
    }
    await chatUntil(() => false, 20)
    const idle = (await chatUntil(() => false, 100)).sort((a, b) => a - b)
    const senders = ['gina', 'hank', 'ivan', 'judy'].map(u => peer(u))
    for (const c of senders) await ready(c, ['bob'])
    resetPeakRss(bob.proc.pid!)
    const cpuC0 = cpuSeconds(bob.proc.pid!)
    let allDone = false
    const t0 = performance.now()
    const runs = Promise.all(
      senders.map(async (c, i) => {
        c.send({ id: `q${i}`, cmd: 'send-file', to: 'bob', path: quarter })
        const reply = await json(c, o => o.id === `q${i}`)
        if (reply.ok !== true) throw new Error(`send-file failed: ${JSON.stringify(reply)}`)
        const id = reply.transferId as string
        const acc = await json(c, o => o.event === 'file-accepted' && o.transferId === id)
        const startedAt = performance.now()
        await finished(c, id)
        const ms = performance.now() - startedAt
        await discard(id)
        return { mbPerSec: mbps(size / 4, ms), path: acc.path as string, end: performance.now() }
      })
    ).finally(() => {
      allDone = true
    })
    const during = (await chatUntil(() => allDone, 100_000)).sort((a, b) => a - b)
    const each = await runs
    const wallMs = Math.max(...each.map(e => e.end)) - t0
    const rates = each.map(e => e.mbPerSec)
    concurrent = {
      concurrentMbPerSec: mbps(size, wallMs),
      eachMbPerSec: rates,
      fairness: round(Math.min(...rates) / Math.max(...rates), 2),
      paths: [...new Set(each.map(e => e.path))].join(','),
      receiverCpuSecondsPerGiB: round((cpuSeconds(bob.proc.pid!) - cpuC0) / (size / 1024 ** 3), 2),
      chatP99IdleMs: round(percentile(idle, 99), 1),
      chatP99DuringTransferMs: round(percentile(during, 99), 1),
      chatMessagesDuring: during.length,
      receiverPeakRssMb: round(rssMb(bob.proc.pid!).peak, 0)
    }
    log(
      `4 at once: ${concurrent.concurrentMbPerSec} MB/s together (each ${rates.join(', ')}; ${concurrent.paths}), ` +
        `chat p99 ${concurrent.chatP99DuringTransferMs} ms during (${during.length} messages) vs ${concurrent.chatP99IdleMs} ms idle`
    )
    for (const c of [...senders, frank]) c.send({ cmd: 'quit' })
    await unlink(quarter)
  }

  // 1c. The same file on the file stream (a sender with the bulk path switched off), same receiver
  // (after the others: the stream path leaves the receiver's heap larger).
  const erin = peer('erin', { P2PCHAT_FILE_BULK: '0' })
  await ready(erin, ['bob'])
  resetPeakRss(bob.proc.pid!)
  const cpuStream0 = { sender: cpuSeconds(erin.proc.pid!), receiver: cpuSeconds(bob.proc.pid!) }
  const onStream = await send(erin, 'stream')
  await finished(erin, onStream.id)
  const streamMbPerSec = mbps(size, performance.now() - onStream.accepted)
  const streamReceiverPeakRssMb = round(rssMb(bob.proc.pid!).peak, 0)
  await discard(onStream.id)
  const streamCpuSecondsPerGiB = {
    sender: round((cpuSeconds(erin.proc.pid!) - cpuStream0.sender) / gib, 2),
    receiver: round((cpuSeconds(bob.proc.pid!) - cpuStream0.receiver) / gib, 2)
  }
  log(`on the file stream (${onStream.path}): ${streamMbPerSec} MB/s`)
  erin.send({ cmd: 'quit' })

  // 2. A slow receiver: bob runs 50 ms out of every 200 ms.
  let slow: Json | undefined
  if (!values['skip-slow']) {
    const carol = peer('carol')
    await ready(carol, ['bob'])
    const s = await send(carol, 'slow')
    let peak = 0
    const watch = setInterval(() => {
      peak = Math.max(peak, rssMb(carol.proc.pid!).rss)
    }, 100)
    // Ticks of 50 ms: running for one, stopped for three.
    let tick = 0
    const throttle = setInterval(() => {
      tick = (tick + 1) % 4
      bob.proc.kill(tick === 0 ? 'SIGCONT' : 'SIGSTOP')
    }, 50)
    try {
      await finished(carol, s.id)
    } finally {
      clearInterval(throttle)
      clearInterval(watch)
      bob.proc.kill('SIGCONT')
    }
    const ms = performance.now() - s.accepted
    await discard(s.id)
    slow = {
      mbPerSec: mbps(size, ms),
      senderPeakRssMb: round(Math.max(peak, rssMb(carol.proc.pid!).peak), 0)
    }
    log(`slow receiver: ${slow.mbPerSec} MB/s, sender peak RSS ${slow.senderPeakRssMb} MB`)
    carol.send({ cmd: 'quit' })
  }

  // 3. Resume: dave is killed half-way, started again, and sends the same file.
  let resumeSavedPct: number | undefined
  if (!values['skip-resume']) {
    const dave = peer('dave')
    await ready(dave, ['bob'])
    const r = await send(dave, 'resume1')
    await json(
      bob,
      o => o.event === 'file-progress' && o.transferId === r.id && (o.bytes as number) >= size / 2
    )
    dave.kill()
    const broke = await json(bob, o => o.event === 'file-failed' && o.transferId === r.id)
    if (broke.code !== 'INTERRUPTED')
      throw new Error(`a killed sender should be INTERRUPTED: ${JSON.stringify(broke)}`)
    const dave2 = peer('dave')
    await ready(dave2, ['bob'])
    const r2 = await send(dave2, 'resume2')
    const done = await finished(dave2, r2.id)
    resumeSavedPct = round((1 - (done.bytesTransferred as number) / size) * 100, 1)
    log(`resume: ${done.bytesTransferred} of ${size} bytes sent again (${resumeSavedPct} % saved)`)
    dave2.send({ cmd: 'quit' })
  }
  clearInterval(acceptOffers)
  bob.send({ cmd: 'quit' })
  await Promise.race([new Promise(r => bob.proc.once('exit', r)), sleep(5_000)])

  const result = {
    sizeMb: round(size / 1e6, 1),
    mbPerSec,
    rawTcpMbPerSec,
    chachaMbPerSec,
    tlsPskMbPerSec,
    pipelineMbPerSec,
    path: fast.path,
    bulkMbPerSec: fast.path === 'bulk' ? mbPerSec : null,
    streamMbPerSec,
    ratioToRawTcp: round(mbPerSec / rawTcpMbPerSec, 3),
    ratioToPipeline: round(mbPerSec / pipelineMbPerSec, 3),
    cpuSecondsPerGiB: `sender ${cpuSecondsPerGiB.sender}, receiver ${cpuSecondsPerGiB.receiver}`,
    cpuSplitPerGiB: `sender ${cpuSplitPerGiB.sender}; receiver ${cpuSplitPerGiB.receiver}`,
    streamCpuSecondsPerGiB: `sender ${streamCpuSecondsPerGiB.sender}, receiver ${streamCpuSecondsPerGiB.receiver}`,
    ratioToLimit: round(mbPerSec / limit, 3),
    senderPeakRssMb: Math.max(senderPeakRssMb, (slow?.senderPeakRssMb as number | undefined) ?? 0),
    receiverPeakRssMb,
    idleRssMb,
    resumeSavedPct: resumeSavedPct ?? null,
    concurrentMbPerSec: concurrent?.concurrentMbPerSec ?? null,
    concurrentEachMbPerSec:
      concurrent === undefined ? null : (concurrent.eachMbPerSec as number[]).join(', '),
    concurrentFairness: concurrent?.fairness ?? null,
    concurrentPaths: concurrent?.paths ?? null,
    chatP99IdleMs: concurrent?.chatP99IdleMs ?? null,
    chatP99DuringTransferMs: concurrent?.chatP99DuringTransferMs ?? null,
    concurrentReceiverPeakRssMb: concurrent?.receiverPeakRssMb ?? null,
    streamReceiverPeakRssMb,
    fastSenderPeakRssMb: senderPeakRssMb,
    slowReceiverMbPerSec: slow?.mbPerSec ?? null,
    slowReceiverSenderPeakRssMb: slow?.senderPeakRssMb ?? null,
    hashAndOfferMs: round(hashMs, 0)
  }
  printResult('bench:file', result, values.json === true)
} finally {
  for (const c of children) {
    c.proc.kill('SIGCONT')
    c.kill()
  }
  await rm(dir, { recursive: true, force: true })
}
process.exit(0)
