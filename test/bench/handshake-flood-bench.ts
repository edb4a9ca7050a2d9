/**
 * bench:handshake — a half-open flood against the tracker: TCP connections that send nothing (they stall
 * before the first byte of the handshake), from 1 or 64 source hosts (127.1.0.1…), left alone or
 * reconnecting as soon as they are dropped. While each flood lasts it times a login (new connection,
 * Noise, muxer, login) of a returning user from a known host (127.0.0.1) and of a user on a host the
 * tracker has never seen (127.0.1.x, a fresh one each time), retrying like the peer does (0.5 s
 * doubling, ±50 %) up to a cap. The same floods run against a tracker with the handshake guard and,
 * as the baseline in the same run, one without (libp2p's flat 512 pending, 30 s).
 *
 * Three processes on the two cores: this one (the users), the tracker, the attacker.
 *
 *   npm run bench:handshake -- [--floods 0,64,512,2000] [--sources 1,64] [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { TCPSocketOptions } from '@libp2p/tcp'
import { tcp } from '@libp2p/tcp'
import type { Multiaddr } from '@multiformats/multiaddr'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import type { P2PChatNode } from '../../src/node.ts'
import { RECONNECT_BASE_MS } from '../../src/protocol/constants.ts'
import type { HandshakeGuardInit, HandshakeStats } from '../../tracker/handshake-guard.ts'
import { Tracker } from '../../tracker/tracker.ts'
import type { Child } from './bench-utils.ts'
import { benchOptions, cpuSeconds, printResult, round, sleep, spawnChild } from './bench-utils.ts'

const HELP = `Usage: npm run bench:handshake -- [options]
  --floods LIST    stalled connections per flood (default 0,64,512,2000)
  --sources LIST   source hosts a flood comes from (default 1,64)
  --modes LIST     stall (left alone) and/or reconnect (opened again at once) (default stall,reconnect)
  --repeat K       logins timed per user per flood when they succeed (default 3)
  --cap S          a user gives up after S seconds of retrying (default 10)
  --no-baseline    skip the same floods against a tracker without the guard
  --json           print one JSON object instead of the table
`
const values = benchOptions(HELP, {
  floods: { type: 'string', default: '0,64,512,2000' },
  sources: { type: 'string', default: '1,64' },
  modes: { type: 'string', default: 'stall,reconnect' },
  repeat: { type: 'string', default: '3' },
  cap: { type: 'string', default: '10' },
  'no-baseline': { type: 'boolean', default: false },
  // Internal: this script is also the tracker and the attacker process.
  role: { type: 'string' },
  init: { type: 'string' }
})

const SELF = fileURLToPath(import.meta.url)
const PASSWORD = 'bench password 1'
/** Connections the attacker opens at once: the listen backlog is Node's 511; SYNs beyond it wait 1 s+. */
const OPEN_BATCH = 256

/** Child: a tracker on loopback with these handshake limits; answers {"cmd":"stats"} on stdin. */
async function runTracker(handshakes: HandshakeGuardInit): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-'))
  const tracker = new Tracker({
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    scryptLogN: 10,
    registrationBurst: 1_000_000,
    handshakes
  })
  await tracker.start()
  // libp2p's own count of handshakes in progress (not in its public types): the baseline has no guard.
  const libp2pPending = (): number =>
    (tracker.node as unknown as { components: { connectionManager: { incomingPendingConnections: number } } })
      .components.connectionManager.incomingPendingConnections
  const emit = (o: object): void => {
    process.stdout.write(`${JSON.stringify(o)}\n`)
  }
  emit({ event: 'ready', addr: tracker.getMultiaddrs()[0].toString() })
  createInterface({ input: process.stdin }).on('line', line => {
    const cmd = JSON.parse(line) as { cmd: string; id: number }
    if (cmd.cmd === 'stats') emit({ id: cmd.id, pending: libp2pPending(), guard: tracker.handshakes.stats })
  })
  process.stdin.on('end', () => {
    tracker
      .stop()
      .finally(() => rm(dataDir, { recursive: true, force: true }))
      .finally(() => process.exit(0))
  })
}

/** Child: opens stalling connections on {"cmd":"flood"}, closes them all on {"cmd":"stop"}. */
function runAttacker(): void {
  const sockets = new Set<net.Socket>()
  let stopped = true
  let opened = 0
  let dropped = 0
  const open = (port: number, localAddress: string, reconnect: boolean): Promise<void> => {
    if (stopped) return Promise.resolve()
    opened++
    const socket = net.connect({ host: '127.0.0.1', port, localAddress })
    sockets.add(socket)
    socket.on('error', () => {})
    return new Promise(resolve => {
      socket.once('connect', resolve)
      socket.on('close', () => {
        resolve()
        sockets.delete(socket)
        if (stopped) return
        dropped++
        if (reconnect) setImmediate(() => open(port, localAddress, reconnect))
      })
    })
  }
  const emit = (o: object): void => {
    process.stdout.write(`${JSON.stringify(o)}\n`)
  }
  createInterface({ input: process.stdin }).on('line', async line => {
    const cmd = JSON.parse(line) as {
      cmd: string
      id: number
      port: number
      hosts: string[]
      count: number
      reconnect: boolean
    }
    if (cmd.cmd === 'flood') {
      stopped = false
      opened = 0
      dropped = 0
      const from = Array.from({ length: cmd.count }, (_, i) => cmd.hosts[i % cmd.hosts.length])
      for (let i = 0; i < from.length; i += OPEN_BATCH) {
        await Promise.all(from.slice(i, i + OPEN_BATCH).map(h => open(cmd.port, h, cmd.reconnect)))
      }
      emit({ id: cmd.id, opened, open: sockets.size })
    } else if (cmd.cmd === 'count') {
      emit({ id: cmd.id, opened, dropped, open: sockets.size })
    } else if (cmd.cmd === 'stop') {
      stopped = true
      for (const socket of sockets) socket.destroy()
      emit({ id: cmd.id })
    }
  })
  process.stdin.on('end', () => process.exit(0))
}

let nextId = 0
/** Send a command with a fresh id and wait for the child's answer carrying it. */
async function ask(child: Child, cmd: object, ms = 60_000): Promise<Record<string, unknown>> {
  const id = ++nextId
  child.send({ ...cmd, id })
  const answer = new RegExp(`^\\{"id":${id}[,}]`)
  return JSON.parse(await child.waitLine(l => answer.test(l), ms))
}

/** A libp2p node whose connections come from `localAddress`: a host of its own, to the tracker. */
async function nodeFrom(localAddress: string): Promise<P2PChatNode> {
  const node = (await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    transports: [tcp({ dialOpts: { localAddress } as TCPSocketOptions })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })) as unknown as P2PChatNode
  await node.start()
  return node
}

interface Timing {
  /** Until the login succeeded, or undefined if it had not within the cap. */
  ms?: number
  attempts: number
  /** Why the last failed attempt failed. */
  lastError?: string
}

/** Connect and log in, retrying like the peer (0.5 s doubling, ±50 %) until `capMs`; on a new connection. */
async function timeLogin(
  node: P2PChatNode,
  tracker: Multiaddr,
  user: string,
  capMs: number
): Promise<Timing> {
  const began = performance.now()
  let attempts = 0
  let lastError: string | undefined
  for (let wait = RECONNECT_BASE_MS; ; wait *= 2) {
    const left = capMs - (performance.now() - began)
    if (left <= 0) return { attempts, lastError }
    attempts++
    try {
      const signal = AbortSignal.timeout(Math.ceil(left))
      const client = await TrackerClient.connect(node, tracker, { signal })
      try {
        await client.login(user, PASSWORD, [], { signal })
      } finally {
        client.close()
        await node.hangUp(tracker).catch(() => {})
      }
      return { ms: performance.now() - began, attempts }
    } catch (err) {
      lastError = (err as Error).message.split('\n')[0].slice(0, 120)
      await node.hangUp(tracker).catch(() => {})
      const pause = wait * (0.5 + Math.random())
      if (pause >= capMs - (performance.now() - began)) return { attempts, lastError }
      await sleep(pause)
    }
  }
}

/** `repeat` timings, stopping at the first that fails (it already waited the cap). */
async function timeLogins(next: () => Promise<Timing>, repeat: number): Promise<Timing[]> {
  const timings: Timing[] = []
  for (let i = 0; i < repeat; i++) {
    const t = await next()
    timings.push(t)
    if (t.ms === undefined) break
  }
  return timings
}

/** The attackers' hosts: 127.1.0.1, 127.1.0.2, … (all of 127/8 reaches lo on Linux). */
const attackHost = (i: number): string => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`

/** Connections the guard has decided on: let through or refused. */
const seen = (g: HandshakeStats): number => g.admitted + g.refusedFull + g.refusedPerHost

/** The worst of a user's timings, as the table shows it. */
function worst(
  timings: Timing[],
  capMs: number
): { ms: number | null; text: string; attempts: number; lastError?: string } {
  const attempts = Math.max(...timings.map(t => t.attempts))
  const lastError = timings.findLast(t => t.lastError !== undefined)?.lastError
  if (timings.some(t => t.ms === undefined)) {
    return { ms: null, text: `> ${capMs / 1000} s`, attempts, lastError }
  }
  const ms = Math.max(...timings.map(t => t.ms ?? 0))
  return {
    ms: round(ms, 0),
    text: ms < 1_000 ? `${round(ms, 0)} ms` : `${round(ms / 1000, 1)} s`,
    attempts,
    lastError
  }
}

async function main(): Promise<void> {
  const floods = String(values.floods).split(',').map(Number)
  const sources = String(values.sources).split(',').map(Number)
  const modes = String(values.modes).split(',')
  const repeat = Number(values.repeat)
  const capMs = Number(values.cap) * 1000
  if (
    floods.some(n => !(Number.isInteger(n) && n >= 0 && n <= 15_000)) ||
    sources.some(s => !(Number.isInteger(s) && s >= 1 && s <= 10_000)) ||
    modes.some(m => m !== 'stall' && m !== 'reconnect') ||
    !(repeat >= 1 && repeat <= 20 && capMs >= 1_000)
  ) {
    process.stderr.write(`bench:handshake: bad arguments\n${HELP}`)
    process.exit(2)
  }
  const log = (msg: string): void => {
    process.stderr.write(`[bench:handshake] ${msg}\n`)
  }
  const trackers: Array<[string, HandshakeGuardInit]> = [['guard', {}]]
  if (values['no-baseline'] !== true) trackers.push(['baseline', { enabled: false }])
  const scenarios: Array<{ count: number; sources: number; mode: string }> = []
  if (floods.includes(0)) scenarios.push({ count: 0, sources: 0, mode: '-' })
  for (const count of floods.filter(n => n > 0))
    for (const s of sources) for (const mode of modes) scenarios.push({ count, sources: s, mode })

  const attacker = spawnChild(SELF, ['--role', 'attacker'], 'attacker')
  const rows: Array<Record<string, unknown>> = []
  /** Each new-user timing comes from a host never seen before: 127.0.1.1, 127.0.1.2, … */
  let freshHost = 0
  try {
    for (const [name, init] of trackers) {
      const tracker = spawnChild(SELF, ['--role', 'tracker', '--init', JSON.stringify(init)], name)
      try {
        const addr = multiaddr(
          (JSON.parse(await tracker.waitLine(l => l.includes('"ready"'), 30_000)) as { addr: string }).addr
        )
        const port = Number(addr.toString().split('/')[4])
        const pid = tracker.proc.pid!
        // Accounts, made from 127.0.0.1: alice's host becomes known; the new users' hosts stay strangers.
        const known = await nodeFrom('127.0.0.1')
        const setup = await TrackerClient.connect(known, addr)
        const users = scenarios.length * repeat
        for (const user of ['alice', ...Array.from({ length: users }, (_, i) => `new${i}`)]) {
          await setup.register(user, PASSWORD)
        }
        await setup.login('alice', PASSWORD)
        setup.close()
        await known.hangUp(addr)
        let newUser = 0
        for (const scenario of scenarios) {
          const { count, mode } = scenario
          const hosts = Array.from({ length: scenario.sources }, (_, i) => attackHost(i))
          const before = (await ask(tracker, { cmd: 'stats' })).guard as HandshakeStats
          if (count > 0) {
            await ask(attacker, { cmd: 'flood', port, hosts, count, reconnect: mode === 'reconnect' })
            // Let the tracker take in what the kernel has queued.
            for (let i = 0; i < 50; i++) {
              const s = await ask(tracker, { cmd: 'stats' })
              const g = s.guard as HandshakeStats
              if (seen(g) - seen(before) >= count) break
              if (name === 'baseline' && (s.pending as number) >= Math.min(count, 512)) break
              await sleep(20)
            }
          }
          const pendingAtStart = (await ask(tracker, { cmd: 'stats' })).pending as number
          const cpu0 = cpuSeconds(pid)
          const t0 = performance.now()
          const [knownTimings, newTimings] = await Promise.all([
            timeLogins(() => timeLogin(known, addr, 'alice', capMs), repeat),
            timeLogins(async () => {
              const node = await nodeFrom(
                `127.0.${1 + Math.floor(freshHost / 250)}.${(freshHost++ % 250) + 1}`
              )
              try {
                return await timeLogin(node, addr, `new${newUser++}`, capMs)
              } finally {
                await node.stop()
              }
            }, repeat)
          ])
          // The tracker's CPU over at least one second of the flood (the logins' own share is a few ms).
          await sleep(1_000 - (performance.now() - t0))
          const wallS = (performance.now() - t0) / 1000
          const cpuPct = ((cpuSeconds(pid) - cpu0) / wallS) * 100
          const flood = count > 0 ? await ask(attacker, { cmd: 'count' }) : { opened: 0 }
          const after = (await ask(tracker, { cmd: 'stats' })).guard as HandshakeStats
          if (count > 0) await ask(attacker, { cmd: 'stop' })
          // Wait for the tracker to let go of the flood before the next one.
          for (let i = 0; i < 200 && ((await ask(tracker, { cmd: 'stats' })).pending as number) > 0; i++) {
            await sleep(50)
          }
          const k = worst(knownTimings, capMs)
          const n = worst(newTimings, capMs)
          const row = {
            tracker: name,
            flood: count,
            sources: scenario.sources,
            mode,
            pendingAtStart,
            knownMs: k.ms,
            knownAttempts: k.attempts,
            knownLastError: k.lastError,
            newMs: n.ms,
            newAttempts: n.attempts,
            newLastError: n.lastError,
            trackerCpuPct: round(cpuPct, 0),
            connectionsOpened: flood.opened as number,
            refused: after.refusedFull + after.refusedPerHost - before.refusedFull - before.refusedPerHost,
            evicted: after.evicted - before.evicted,
            timedOut: after.timedOut - before.timedOut
          }
          rows.push(row)
          log(
            `${name}: ${count} stalled from ${scenario.sources} host(s), ${mode}: known ${k.text} (${k.attempts} tries), new ${n.text} (${n.attempts} tries); ${pendingAtStart} pending, tracker CPU ${row.trackerCpuPct} %`
          )
        }
        await known.stop()
      } finally {
        tracker.proc.stdin.end()
        await new Promise(resolve => tracker.proc.once('exit', resolve))
      }
    }
  } finally {
    attacker.kill()
  }

  if (values.json === true) {
    printResult('bench:handshake', { capMs, repeat, rows }, true)
    return
  }
  const cell = (ms: unknown, attempts: unknown): string =>
    ms === null ? `> ${capMs / 1000} s` : `${ms} ms${(attempts as number) > 1 ? ` (${attempts} tries)` : ''}`
  const lines = rows.map(r =>
    [
      r.tracker,
      r.flood,
      r.sources,
      r.mode,
      r.pendingAtStart,
      cell(r.knownMs, r.knownAttempts),
      cell(r.newMs, r.newAttempts),
      `${r.trackerCpuPct} %`,
      r.connectionsOpened
    ]
      .map(String)
      .join(' | ')
  )
  process.stdout.write(
    `bench:handshake (worst of ${repeat} logins per user; cap ${capMs / 1000} s)\n` +
      'tracker | stalled | hosts | mode | pending | known user | new user | tracker CPU | connections opened\n' +
      `${lines.join('\n')}\n`
  )
}

if (values.role === 'tracker') await runTracker(JSON.parse(String(values.init)) as HandshakeGuardInit)
else if (values.role === 'attacker') runAttacker()
else await main()
