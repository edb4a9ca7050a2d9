import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { ParseArgsOptionsConfig } from 'node:util'
import { parseArgs } from 'node:util'

/** A child process speaking JSON lines on stdout, as the CLI and sim-peers do. */
export interface Child {
  proc: ChildProcessWithoutNullStreams
  lines: string[]
  waitLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>
  send(obj: object): void
  kill(): void
}

export function spawnChild(
  script: string,
  args: string[],
  label: string,
  env: NodeJS.ProcessEnv = {},
  nodeArgs: string[] = ['--max-old-space-size=8192']
): Child {
  const proc = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { P2PCHAT_MDNS: 'off', ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  const lines: string[] = []
  const waiters = new Set<(line: string) => void>()
  createInterface({ input: proc.stdout }).on('line', line => {
    lines.push(line)
    for (const w of waiters) w(line)
  })
  let stderrTail = ''
  proc.stderr.on('data', chunk => {
    stderrTail = (stderrTail + chunk).slice(-4000)
  })
  proc.on('exit', code => {
    if (code !== 0 && code !== null) process.stderr.write(`[${label}] exited ${code}\n${stderrTail}\n`)
  })
  return {
    proc,
    lines,
    send: obj => proc.stdin.write(`${JSON.stringify(obj)}\n`),
    kill: () => proc.kill('SIGKILL'),
    waitLine(match, timeoutMs) {
      const found = lines.find(match)
      if (found !== undefined) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(w)
          reject(new Error(`[${label}] no expected output within ${timeoutMs} ms; stderr: ${stderrTail}`))
        }, timeoutMs)
        const onExit = (): void => {
          clearTimeout(timer)
          waiters.delete(w)
          reject(new Error(`[${label}] exited before the expected output; stderr: ${stderrTail}`))
        }
        const w = (line: string): void => {
          if (match(line)) {
            clearTimeout(timer)
            waiters.delete(w)
            proc.off('exit', onExit)
            resolve(line)
          }
        }
        waiters.add(w)
        proc.once('exit', onExit)
      })
    }
  }
}

/** Resident set size now and at its peak, in MB, from /proc (Linux). */
export function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

/** Start `pid`'s peak RSS (VmHWM) over from its current RSS, to measure the peak of one phase. */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
}

/**
 * CPU seconds by kind of thread, from /proc/<pid>/task/<tid>/stat: `main` (the event loop: JS, TLS, socket
 * reads), `gc` (V8's helper threads: concurrent marking and sweeping), `io` (libuv's pool: file reads
 * and writes), `worker` (worker threads: the bulk receiver's). Threads that have exited are not counted.
 */
export function threadCpuSeconds(pid: number): { main: number; gc: number; io: number; worker: number } {
  const out = { main: 0, gc: 0, io: 0, worker: 0 }
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    } catch {
      continue // exited meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const seconds = (Number(fields[11]) + Number(fields[12])) / 100
    if (tid === String(pid)) out.main += seconds
    else if (comm === 'V8Worker') out.gc += seconds
    else if (comm === 'libuv-worker') out.io += seconds
    else if (comm === 'WorkerThread') out.worker += seconds
  }
  return out
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return ticks / 100 // USER_HZ is 100 on Linux
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** The first JSON line of `child` (from its start) that passes `match`. */
export async function jsonLine(
  child: Child,
  match: (o: Record<string, unknown>) => boolean,
  ms = 600_000
): Promise<Record<string, unknown>> {
  const line = await child.waitLine(l => {
    try {
      return match(JSON.parse(l))
    } catch {
      return false
    }
  }, ms)
  return JSON.parse(line) as Record<string, unknown>
}

/**
 * Arguments for a lab tracker process on loopback: any free port, a cheap password hash (scrypt 2^10,
 * for benchmarks and tests only) and the given extra options.
 */
export function labTrackerArgs(dataDir: string, extra: string[] = []): string[] {
  return ['tracker', '--listen', '/ip4/127.0.0.1/tcp/0', '--data', dataDir, '--scrypt-log-n', '10', ...extra]
}

/** The tracker's 127.0.0.1 address as a `p2pchat tracker` process prints it at start-up. */
export async function trackerAddress(tracker: Child): Promise<string> {
  return (await tracker.waitLine(l => /^\s+\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//.test(l), 30_000)).trim()
}

/**
 * A benchmark's options plus `--json` and `--help` (which prints `help` and exits 0). Every option is a
 * string or a boolean with the default given.
 */
export function benchOptions(
  help: string,
  options: ParseArgsOptionsConfig
): Record<string, string | boolean | undefined> {
  let values: Record<string, unknown>
  try {
    ;({ values } = parseArgs({
      options: {
        ...options,
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false }
      }
    }))
  } catch (err) {
    // A mistyped option: say which, show the usage, exit 2 (no stack trace).
    process.stderr.write(`${(err as Error).message}\n\n${help}`)
    process.exit(2)
  }
  if (values.help === true) {
    process.stdout.write(help)
    process.exit(0)
  }
  return values as Record<string, string | boolean | undefined>
}

/** Print a benchmark's result: one JSON object with `--json`, else one aligned line per figure. */
export function printResult(name: string, result: Record<string, unknown>, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    return
  }
  const width = Math.max(...Object.keys(result).map(k => k.length)) + 2
  const lines = Object.entries(result).map(([k, v]) => `  ${k.padEnd(width)} ${v}`)
  process.stdout.write(`${name}\n${lines.join('\n')}\n`)
}
