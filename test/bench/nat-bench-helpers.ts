/**
 * bench:nat's plumbing: `p2pchat` processes spawned in the lab's namespaces and read as JSON lines, with
 * every wait bounded and named after the step it belongs to, so a stall says where it happened.
 */
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Lab, LabNode } from '../lab/index.ts'

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON lines, read field by field
export type Json = Record<string, any>

export const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url))
/** A peer's password (the lab's accounts exist only for one run). */
const PASSWORD = 'nat bench password'
/** Start-up of a tracker or a peer: Node start, libp2p, login with scrypt 2^10, the dial-back. */
export const START_TIMEOUT_MS = 30_000
/** One command's reply, or one event that follows at once (a message's ack, a presence push). */
export const STEP_TIMEOUT_MS = 15_000
/** Lines kept in an error message: enough to see what the process was doing. */
const TAIL_LINES = 8

/** The product did not do what the benchmark measures (wrong `via`, a cut transfer): not a stall. */
export class ProductError extends Error {}

/** A step that got no answer in time. */
export class StallError extends Error {}

export interface LabProc {
  readonly label: string
  readonly child: ChildProcess
  /** Every stdout line so far, and the same lines parsed (undefined: not JSON). */
  readonly lines: string[]
  readonly parsed: Array<Json | undefined>
  send(obj: object): void
  /** The first JSON line from index `from` (default 0) passing `match`; rejects after `timeoutMs`. */
  wait(step: string, match: (o: Json) => boolean, opts?: { from?: number; timeoutMs?: number }): Promise<Json>
  /** The first plain line passing `match`. */
  waitLine(step: string, match: (l: string) => boolean, timeoutMs?: number): Promise<string>
  /** Its last stdout and stderr lines, for an error message. */
  tail(): string
}

/** `node dist/src/cli.js …args` in `node`'s namespace, killed at the lab's teardown at the latest. */
export function spawnCli(lab: Lab, node: LabNode, args: string[], label: string): LabProc {
  const child = lab.spawn(node, [process.execPath, CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  const lines: string[] = []
  const parsed: Array<Json | undefined> = []
  const waiters = new Set<() => void>()
  let stderr = ''
  let exit: string | undefined
  createInterface({ input: child.stdout! }).on('line', line => {
    lines.push(line)
    let o: Json | undefined
    try {
      const v = JSON.parse(line)
      o = typeof v === 'object' && v !== null ? v : undefined
    } catch {
      o = undefined
    }
    parsed.push(o)
    for (const w of [...waiters]) w()
  })
  child.stderr!.on('data', chunk => {
    stderr = (stderr + chunk).slice(-4000)
  })
  child.on('exit', (code, signal) => {
    exit = `exited (${signal ?? `code ${code}`})`
    for (const w of [...waiters]) w()
  })
  child.on('error', err => {
    exit = `could not start: ${err.message}`
    for (const w of [...waiters]) w()
  })
  const describe = (): string =>
    `last stdout lines:\n    ${lines.slice(-TAIL_LINES).join('\n    ') || '(none)'}\n  stderr:\n    ${
      stderr.trim().split('\n').slice(-TAIL_LINES).join('\n    ') || '(none)'
    }`
  const find = (from: number, ok: (i: number) => boolean): number => {
    for (let i = from; i < lines.length; i++) if (ok(i)) return i
    return -1
  }
  const waitIndex = (step: string, from: number, ok: (i: number) => boolean, timeoutMs: number) =>
    new Promise<number>((resolve, reject) => {
      let scanned = from
      const check = (): boolean => {
        const i = find(scanned, ok)
        scanned = Math.max(scanned, lines.length)
        if (i >= 0) {
          resolve(i)
          return true
        }
        if (exit !== undefined) {
          reject(new Error(`${step}: ${label} ${exit} before answering\n  ${describe()}`))
          return true
        }
        return false
      }
      if (check()) return
      const w = (): void => {
        if (check()) done()
      }
      const timer = setTimeout(() => {
        done()
        reject(new StallError(`${step}: no answer from ${label} within ${timeoutMs} ms\n  ${describe()}`))
      }, timeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        waiters.delete(w)
      }
      waiters.add(w)
    })
  return {
    label,
    child,
    lines,
    parsed,
    send: obj => child.stdin!.write(`${JSON.stringify(obj)}\n`),
    async wait(step, match, opts = {}) {
      const i = await waitIndex(
        step,
        opts.from ?? 0,
        k => parsed[k] !== undefined && match(parsed[k]!),
        opts.timeoutMs ?? STEP_TIMEOUT_MS
      )
      return parsed[i]!
    },
    async waitLine(step, match, timeoutMs = START_TIMEOUT_MS) {
      return lines[await waitIndex(step, 0, k => match(lines[k]), timeoutMs)]
    },
    tail: describe
  }
}

/**
 * The PID of the Node process behind a spawned `ip netns exec … node …`: `ip` execs the command (the
 * same PID) unless it had to fork, in which case the Node process is its only child.
 */
export function nodePid(child: ChildProcess): number {
  const pid = child.pid
  if (pid === undefined) throw new Error('the tracker process has no PID: it did not start')
  const isNode = (p: number): boolean => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(CLI)
  if (isNode(pid)) return pid
  const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number)
  const found = kids.find(k => k > 0 && isNode(k))
  if (found === undefined) throw new Error(`cannot find the tracker's Node process under PID ${pid}`)
  return found
}

export interface LabTracker {
  proc: LabProc
  /** The address peers dial, `/ip4/11.0.0.1/tcp/<port>/p2p/<PeerId>`. */
  addr: string
  /** The Node process's PID, for its CPU time. */
  pid: number
}

/** A `p2pchat tracker` in the lab's `tracker` namespace, ready once it prints its public address. */
export async function startTracker(
  lab: Lab,
  dir: string,
  port: number,
  extra: string[]
): Promise<LabTracker> {
  const args = ['tracker', '--listen', `/ip4/${lab.addr.tracker}/tcp/${port}`, '--data', dir, ...extra]
  const proc = spawnCli(lab, 'tracker', args, 'tracker')
  const line = await proc.waitLine('starting the tracker', l =>
    l.trim().startsWith(`/ip4/${lab.addr.tracker}/tcp/${port}/p2p/`)
  )
  return { proc, addr: line.trim(), pid: nodePid(proc.child) }
}

export interface LabPeer {
  proc: LabProc
  user: string
  node: LabNode
  ready: Json
}

/** A `p2pchat peer --json` in `node`, registered as `user`, its data and password under `dir`/`user`. */
export async function startPeer(
  lab: Lab,
  node: LabNode,
  trackerAddr: string,
  dir: string,
  user: string
): Promise<LabPeer> {
  const home = join(dir, user)
  await mkdir(home, { recursive: true })
  const passwordFile = join(home, 'password')
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 })
  const proc = spawnCli(
    lab,
    node,
    [
      'peer',
      '--tracker',
      trackerAddr,
      '--user',
      user,
      '--register',
      '--password-file',
      passwordFile,
      '--data',
      join(home, 'data'),
      '--listen',
      '/ip4/0.0.0.0/tcp/0',
      '--json'
    ],
    `${user}@${node}`
  )
  const ready = await proc.wait(`starting peer ${user} in ${node}`, o => o.event === 'ready', {
    timeoutMs: START_TIMEOUT_MS
  })
  if (ready.tracker !== 'connected')
    throw new Error(`starting peer ${user} in ${node}: not logged in: ${JSON.stringify(ready)}`)
  return { proc, user, node, ready }
}

/** Wait until `peer` has seen `user` come online, and return the `joined` event. */
export function joined(peer: LabPeer, user: string): Promise<Json> {
  return peer.proc.wait(
    `${peer.user} waiting for ${user} to come online`,
    o => o.event === 'joined' && o.user === user
  )
}

let nextId = 0

/** Send one command with a fresh id; its `ok` reply, or a ProductError with the reply. */
export async function command(peer: LabPeer, step: string, cmd: Json, timeoutMs?: number): Promise<Json> {
  const id = `b${++nextId}`
  const from = peer.proc.lines.length
  peer.proc.send({ id, ...cmd })
  const reply = await peer.proc.wait(step, o => o.id === id, { from, timeoutMs })
  if (reply.ok !== true) throw new ProductError(`${step}: ${cmd.cmd} refused: ${JSON.stringify(reply)}`)
  return reply
}

/**
 * Send `to` a message and wait for its `delivered` event; milliseconds from writing the command to
 * reading the event, and the event. ProductError if `via` is not `expectVia`, or delivery fails.
 */
export async function timedMessage(
  from: LabPeer,
  to: string,
  text: string,
  expectVia: string,
  step: string,
  timeoutMs = STEP_TIMEOUT_MS
): Promise<{ ms: number; delivered: Json }> {
  const mark = from.proc.lines.length
  const t0 = performance.now()
  const reply = await command(from, step, { cmd: 'msg', to, text }, timeoutMs)
  const delivered = await from.proc.wait(
    step,
    o =>
      (o.event === 'delivered' && o.messageId === reply.messageId) ||
      (o.event === 'error' && o.messageId === reply.messageId),
    { from: mark, timeoutMs }
  )
  const ms = performance.now() - t0
  if (delivered.event !== 'delivered')
    throw new ProductError(`${step}: not delivered: ${JSON.stringify(delivered)}`)
  if (delivered.via !== expectVia)
    throw new ProductError(`${step}: expected via "${expectVia}", got ${JSON.stringify(delivered)}`)
  return { ms, delivered }
}

/** Every `message` event `receiver` got from `sender`: ProductError if one's `via` is not `expectVia`. */
export function checkReceivedVia(receiver: LabPeer, sender: string, expectVia: string, step: string): number {
  const got = receiver.proc.parsed.filter(o => o?.event === 'message' && o.from === sender) as Json[]
  const wrong = got.find(o => o.via !== expectVia)
  if (wrong !== undefined)
    throw new ProductError(
      `${step}: ${receiver.user} got a message via "${wrong.via}": ${JSON.stringify(wrong)}`
    )
  return got.length
}

/** The tracker's GET /stats, fetched from inside its namespace (it listens on that namespace's loopback). */
export async function trackerStats(lab: Lab, port: number): Promise<Json> {
  const script = `fetch('http://127.0.0.1:${port}/stats').then(r => r.text()).then(t => process.stdout.write(t))`
  const { stdout } = await lab.exec('tracker', [process.execPath, '-e', script], {
    timeoutMs: STEP_TIMEOUT_MS
  })
  return JSON.parse(stdout) as Json
}
