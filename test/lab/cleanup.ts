/**
 * Lab housekeeping: naming, finding and removing lab namespaces, the reaper that removes a lab whose
 * builder died, and the bounded command runner everything else uses.
 */
import type { ChildProcess } from 'node:child_process'
import { execFile, spawn } from 'node:child_process'
import type { LabNode } from './topology.ts'
import { LAB_NODES } from './topology.ts'

/** Every lab namespace is `p2pchat-<lab name>-<node>`: a leftover is always recognisable as ours. */
export const NETNS_PREFIX = 'p2pchat-'
/** The lab the CLI builds unless told `--name`. */
export const DEFAULT_LAB_NAME = 'lab'
/** Lab names: short, so `ip netns exec p2pchat-<name>-routerA` stays typeable. */
export const LAB_NAME_PATTERN = /^[a-z0-9]{1,24}$/
/** Names `buildLab` makes up: `t<owner pid>r<random>`, so a lab whose owner died is known to be stale. */
const AUTO_NAME = /^t(\d+)r[0-9a-f]+$/
/** One `ip`, `nft` or `sysctl` call; they take milliseconds, a hung one must not hang a test. */
export const COMMAND_TIMEOUT_MS = 10_000
/** How long processes in a lab get to exit after SIGTERM at teardown before SIGKILL. */
export const TERM_GRACE_MS = 1_500

export interface ExecResult {
  stdout: string
  stderr: string
  code: number
}

export interface ExecOptions {
  /** @default COMMAND_TIMEOUT_MS */
  timeoutMs?: number
  /** Written to the command's stdin. */
  input?: string
  /** Reject when the command exits non-zero. @default true */
  check?: boolean
}

/** Run a command on the host (no namespace). */
export function run(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { timeout: opts.timeoutMs ?? COMMAND_TIMEOUT_MS, encoding: 'utf8', killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1
        if (err !== null && (opts.check ?? true)) {
          const why = err.killed
            ? `timed out after ${opts.timeoutMs ?? COMMAND_TIMEOUT_MS} ms`
            : stderr.trim()
          reject(new Error(`${cmd} ${args.join(' ')}: ${why || err.message}`))
          return
        }
        resolve({ stdout, stderr, code })
      }
    )
    child.stdin?.end(opts.input)
  })
}

export function namespaceName(lab: string, node: LabNode): string {
  return `${NETNS_PREFIX}${lab}-${node}`
}

/** Every namespace on this machine, by name. */
export async function listNamespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list'])
  // Lines look like "p2pchat-lab-hostA (id: 3)" or just the name.
  return stdout
    .split('\n')
    .map(l => l.split(' ')[0])
    .filter(n => n !== '')
}

/** The labs present on this machine: lab name → its namespaces. */
export async function listLabs(): Promise<Map<string, string[]>> {
  const labs = new Map<string, string[]>()
  const nodes = new Set<string>(LAB_NODES)
  for (const ns of await listNamespaces()) {
    if (!ns.startsWith(NETNS_PREFIX)) continue
    const rest = ns.slice(NETNS_PREFIX.length)
    const dash = rest.lastIndexOf('-')
    const [lab, node] = [rest.slice(0, dash), rest.slice(dash + 1)]
    if (!LAB_NAME_PATTERN.test(lab) || !nodes.has(node)) continue
    labs.set(lab, [...(labs.get(lab) ?? []), ns])
  }
  return labs
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Labs named by `buildLab` whose builder process is gone: a crashed or killed test run's leftovers. */
export function isStale(lab: string): boolean {
  const m = AUTO_NAME.exec(lab)
  return m !== null && !alive(Number(m[1]))
}

async function pidsIn(ns: string): Promise<number[]> {
  const { stdout } = await run('ip', ['netns', 'pids', ns], { check: false })
  return stdout
    .split('\n')
    .filter(l => /^\d+$/.test(l))
    .map(Number)
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig)
    } catch {
      // Already gone.
    }
  }
}

/**
 * Kill every process in `namespaces` (SIGTERM, then SIGKILL after `TERM_GRACE_MS`) and delete them.
 * A namespace only disappears once nothing runs in it, so the processes go first. Deleting a namespace
 * deletes its veths (both ends) and its nftables tables with it.
 */
export async function removeNamespaces(namespaces: string[]): Promise<void> {
  const pids = async () => (await Promise.all(namespaces.map(pidsIn))).flat()
  let left = await pids()
  signal(left, 'SIGTERM')
  const deadline = Date.now() + TERM_GRACE_MS
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 50))
    left = (await pids()).filter(alive)
  }
  signal(left, 'SIGKILL')
  const errors: string[] = []
  for (const ns of namespaces) {
    const r = await run('ip', ['netns', 'del', ns], { check: false })
    if (r.code !== 0 && !r.stderr.includes('No such file')) errors.push(`${ns}: ${r.stderr.trim()}`)
  }
  if (errors.length > 0) throw new Error(`could not delete namespaces: ${errors.join('; ')}`)
}

/**
 * Remove labs: the one named `name`, every p2pchat lab with `all`, and in any case the stale ones (built
 * by `buildLab` in a process that no longer runs). Returns the names of the labs removed.
 */
export async function cleanupLabs(opts: { name?: string; all?: boolean } = {}): Promise<string[]> {
  const removed: string[] = []
  for (const [lab, namespaces] of await listLabs()) {
    if (opts.all === true || lab === opts.name || isStale(lab)) {
      await removeNamespaces(namespaces)
      removed.push(lab)
    }
  }
  return removed
}

/**
 * A detached `sh` that blocks reading a pipe from this process and, when the pipe closes (this process
 * exited, crashed or was SIGKILLed), kills everything in the namespaces and deletes them. Detached, so a
 * Ctrl-C to this process's group does not take the reaper with it.
 */
export function startReaper(namespaces: string[]): ChildProcess {
  const script = [
    'cat >/dev/null',
    'for ns do for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done; done',
    'for ns do ip netns del "$ns" 2>/dev/null; done',
    'exit 0'
  ].join('\n')
  const reaper = spawn('sh', ['-c', script, 'p2pchat-lab-reaper', ...namespaces], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore']
  })
  reaper.unref()
  ;(reaper.stdin as unknown as { unref(): void }).unref()
  reaper.on('error', () => {})
  return reaper
}
