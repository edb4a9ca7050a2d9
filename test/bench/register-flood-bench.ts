/**
 * bench:register-flood — a tracker process at the real password cost (scrypt 2^17) and a client that
 * sends N registrations within one second, pipelined on sessions from S source hosts (127.0.0.2…).
 * Measures how many are answered and how (registered, RATE_LIMITED, BUSY, TIMEOUT, none), how long a
 * legitimate login takes while the flood lasts against the same login with no flood (measured in the
 * same run), the tracker's peak memory, and the bytes written to the accounts files per registration.
 *
 *   npm run bench:register-flood -- [--count 500] [--sources 1,8] [--json]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { TCPSocketOptions } from '@libp2p/tcp'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { createLibp2p } from 'libp2p'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import { createNode } from '../../src/node.ts'
import { TRACKER_PROTOCOL } from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ClientMessage, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import type { Child } from './bench-utils.ts'
import {
  benchOptions,
  percentile,
  printResult,
  round,
  rssMb,
  spawnChild,
  trackerAddress
} from './bench-utils.ts'

const HELP = `Usage: npm run bench:register-flood -- [options]
  --count N        registrations per flood, all sent within 1 s (default 500)
  --sources LIST   floods to run, by number of source hosts sharing the N (default 1,8)
  --logins K       legitimate logins timed before and during each flood (default 5)
  --json           print one JSON object instead of the table
`
const values = benchOptions(HELP, {
  count: { type: 'string', default: '500' },
  sources: { type: 'string', default: '1,8' },
  logins: { type: 'string', default: '5' }
})
const count = Number(values.count)
const sourceCounts = String(values.sources).split(',').map(Number)
const logins = Number(values.logins)
if (
  !(count >= 1 && count <= 100_000 && logins >= 1 && logins <= 100) ||
  sourceCounts.some(s => !(Number.isInteger(s) && s >= 1 && s <= 200))
) {
  process.stderr.write(`bench:register-flood: bad arguments\n${HELP}`)
  process.exit(2)
}
const log = (msg: string): void => {
  process.stderr.write(`[bench:register-flood] ${msg}\n`)
}
const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url))
const PASSWORD = 'bench password 1'
/** How long a flood's replies are waited for; what has not come by then counts as never answered. */
const ANSWER_WAIT_MS = 60_000

/** A libp2p node whose connections come from `localAddress` (a host of its own, to the tracker). */
async function nodeFrom(localAddress: string): Promise<Libp2p> {
  const node = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    transports: [tcp({ dialOpts: { localAddress } as TCPSocketOptions })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
  await node.start()
  return node
}

/** Registrations from one host on one session, spread over 1 s; resolves with the reply codes. */
async function floodFrom(
  node: Libp2p,
  tracker: string,
  names: string[],
  codes: Map<string, number>
): Promise<number> {
  const stream = await node.dialProtocol(multiaddr(tracker), TRACKER_PROTOCOL)
  const lp = lpStream(stream, { maxDataLength: 64 * 1024 })
  const sending = (async () => {
    for (let i = 0; i < names.length; i++) {
      stream.send(
        lengthPrefixed(
          ClientMessage.encode({ id: i + 1, register: { username: names[i], password: PASSWORD } })
        )
      )
      // All N within one second, evenly.
      if (i % 10 === 9) await new Promise(r => setTimeout(r, Math.floor(10_000 / names.length)))
    }
  })()
  let answered = 0
  const until = AbortSignal.timeout(ANSWER_WAIT_MS)
  while (answered < names.length) {
    let reply: TrackerMessage
    try {
      reply = TrackerMessage.decode(await lp.read({ signal: until }))
    } catch {
      break
    }
    if (reply.id === 0) continue
    answered++
    const code = reply.registered !== undefined ? 'registered' : (reply.error?.code ?? 'other')
    codes.set(code, (codes.get(code) ?? 0) + 1)
  }
  await sending
  stream.abort(new Error('done'))
  return answered
}

/** `k` logins one after another, each on a fresh session: connect + login, in ms. */
async function timeLogins(tracker: string, k: number): Promise<number[]> {
  const node = await createNode({ privateKey: await generateKeyPair('Ed25519') })
  await node.start()
  const times: number[] = []
  try {
    for (let i = 0; i < k; i++) {
      const began = performance.now()
      const client = await TrackerClient.connect(node, multiaddr(tracker))
      try {
        await client.login('owner', PASSWORD)
        times.push(performance.now() - began)
        await client.logout()
      } finally {
        await client.close()
      }
    }
  } finally {
    await node.stop()
  }
  return times.sort((a, b) => a - b)
}

const dataDir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-'))
let tracker: Child | undefined
const result: Record<string, unknown> = { count }
try {
  // The real password cost (no --scrypt-log-n): the flood's weight is in the hashes.
  tracker = spawnChild(CLI, ['tracker', '--listen', '/ip4/127.0.0.1/tcp/0', '--data', dataDir], 'tracker')
  const addr = await trackerAddress(tracker)
  const pid = tracker.proc.pid!
  log(`tracker ${addr}`)
  const owner = await createNode({ privateKey: await generateKeyPair('Ed25519') })
  await owner.start()
  const first = await TrackerClient.connect(owner, multiaddr(addr))
  await first.register('owner', PASSWORD)
  await first.close()
  await owner.stop()

  result.tracker_rss_before_mb = round(rssMb(pid).rss)
  const baseline = await timeLogins(addr, logins)
  result.baseline_login_p50_ms = round(percentile(baseline, 50))
  result.baseline_login_max_ms = round(baseline.at(-1)!)
  log(`baseline login p50 ${result.baseline_login_p50_ms} ms`)

  let round_ = 0
  for (const sources of sourceCounts) {
    round_++
    const nodes = await Promise.all(
      Array.from({ length: sources }, (_, i) => nodeFrom(`127.0.${round_}.${i + 2}`))
    )
    const accountsBefore = await filesSize(dataDir)
    const codes = new Map<string, number>()
    const began = performance.now()
    const per = Math.ceil(count / sources)
    const floods = nodes.map((node, i) =>
      floodFrom(
        node,
        addr,
        Array.from({ length: Math.min(per, count - i * per) }, (_, j) => `f${round_}x${i}x${j}`),
        codes
      )
    )
    const during = await timeLogins(addr, logins)
    const answered = (await Promise.all(floods)).reduce((a, b) => a + b, 0)
    const floodMs = performance.now() - began
    await Promise.all(nodes.map(n => n.stop()))
    const registered = codes.get('registered') ?? 0
    const written = (await filesSize(dataDir)) - accountsBefore
    const key = `sources_${sources}`
    result[`${key}_answered`] = answered
    result[`${key}_unanswered`] = count - answered
    result[`${key}_codes`] = [...codes.entries()]
      .sort()
      .map(([code, n]) => `${code} ${n}`)
      .join(', ')
    result[`${key}_registered`] = registered
    result[`${key}_all_answered_s`] = round(floodMs / 1000)
    result[`${key}_login_p50_ms`] = round(percentile(during, 50))
    result[`${key}_login_max_ms`] = round(during.at(-1)!)
    result[`${key}_accounts_bytes_per_registration`] = registered > 0 ? Math.round(written / registered) : 0
    log(`${sources} source(s): ${answered}/${count} answered (${result[`${key}_codes`]})`)
  }
  result.tracker_peak_rss_mb = round(rssMb(pid).peak)
  const accountsJson = await stat(join(dataDir, 'accounts.json')).catch(() => undefined)
  result.accounts_json_bytes = accountsJson?.size ?? 0
} finally {
  tracker?.kill()
  await rm(dataDir, { recursive: true, force: true })
}
printResult('bench:register-flood', result, values.json === true)

/**
 * Bytes the accounts files grew by (the journal's appends; a fold rewrites the snapshot and empties the
 * journal, so its size counts then).
 */
async function filesSize(dir: string): Promise<number> {
  let total = 0
  for (const name of ['accounts.json', 'accounts.journal']) {
    total += (await stat(join(dir, name)).catch(() => undefined))?.size ?? 0
  }
  return total
}
