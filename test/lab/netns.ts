import type { ChildProcess, SpawnOptions } from 'node:child_process'
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import type { ExecOptions, ExecResult } from './cleanup.ts'
import {
  COMMAND_TIMEOUT_MS,
  cleanupLabs,
  DEFAULT_LAB_NAME,
  LAB_NAME_PATTERN,
  listLabs,
  namespaceName,
  removeNamespaces,
  run,
  startReaper
} from './cleanup.ts'
import type { HomeLan, LabAddresses, LabNode, LabRouter } from './topology.ts'
import {
  HOME_LANS,
  IFACE,
  INTERNET_PREFIX,
  INTERNET_SIDE,
  LAB_ADDRESSES,
  LAB_NODES,
  LAN_PREFIX,
  portForwardRule,
  routerRuleset
} from './topology.ts'

export interface PortForward {
  router: LabRouter
  /** The port on the router's WAN address. */
  port: number
  /** The port on the LAN host. @default port */
  toPort?: number
}

export interface BuildLabOptions {
  /**
   * The lab's name, [a-z0-9]{1,24}: namespaces are `p2pchat-<name>-<node>`.
   * @default `t<pid>r<random>`, unique per call and recognisable as stale once this process is gone
   */
  name?: string
  /** Forward these ports from a router's WAN address to its LAN host from the start. */
  portForwards?: PortForward[]
  /**
   * Tear the lab down when this process exits, however it exits (a reaper process waits on a pipe from
   * this one). Off for a lab meant to outlive its builder (`npm run lab -- up`). @default true
   */
  owned?: boolean
}

export interface Lab {
  readonly name: string
  /** Namespace name of each node, for `ip netns exec <ns> …`. */
  readonly ns: Readonly<Record<LabNode, string>>
  readonly addr: LabAddresses
  /** Run a command in a node's namespace and wait for it. */
  exec(node: LabNode, cmd: string[], opts?: ExecOptions): Promise<ExecResult>
  /** Start a command in a node's namespace; it is killed at teardown if still running. */
  spawn(node: LabNode, cmd: string[], opts?: SpawnOptions): ChildProcess
  /** `['ip', 'netns', 'exec', <ns>, ...cmd]`: for spawning through other helpers. */
  argv(node: LabNode, cmd: string[]): string[]
  /** Forward TCP `port` on the router's WAN address to its LAN host's `toPort` (default the same). */
  forwardPort(router: LabRouter, port: number, toPort?: number): Promise<void>
  /** Kill every process in the lab and delete its namespaces (and so its veths and nft tables). */
  teardown(): Promise<void>
}

/** The lab cannot run here: not root, no network namespaces, no nftables. */
export class LabUnavailableError extends Error {
  readonly code = 'LAB_UNAVAILABLE'
}

/**
 * Why a lab cannot be built on this machine, or undefined when it can. Synchronous, so a test file can
 * decide to skip at collection time.
 */
export function labUnavailableReason(): string | undefined {
  if (process.platform !== 'linux')
    return `the lab needs Linux network namespaces; this is ${process.platform}`
  if (process.getuid?.() !== 0) return 'the lab needs root (network namespaces, nftables): run it as root'
  const missing = (cmd: string, args: string[]): string | undefined => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS })
    if (r.error !== undefined) return r.error.message
    if (r.status !== 0) return r.stderr.trim() || `exit status ${r.status}`
    return undefined
  }
  const ip = missing('ip', ['netns', 'list'])
  if (ip !== undefined) return `"ip netns" does not work (${ip}): install iproute2`
  const nft = missing('nft', ['--version'])
  if (nft !== undefined) return `nftables is missing (${nft}): apt-get install nftables`
  const unshare = missing('unshare', ['--net', 'true'])
  if (unshare !== undefined) return `cannot create a network namespace here (${unshare})`
  return undefined
}

function labHandle(name: string, reaper?: ChildProcess): Lab {
  const ns = Object.fromEntries(LAB_NODES.map(n => [n, namespaceName(name, n)])) as Record<LabNode, string>
  const children = new Set<ChildProcess>()
  const argv = (node: LabNode, cmd: string[]) => ['ip', 'netns', 'exec', ns[node], ...cmd]
  let tearingDown: Promise<void> | undefined
  return {
    name,
    ns,
    addr: LAB_ADDRESSES,
    argv,
    exec: (node, cmd, opts) => run('ip', argv(node, cmd).slice(1), opts),
    spawn(node, cmd, opts = {}) {
      const child = spawn('ip', argv(node, cmd).slice(1), opts)
      children.add(child)
      child.on('exit', () => children.delete(child))
      return child
    },
    async forwardPort(router, port, toPort) {
      await run('ip', argv(router, ['nft', ...portForwardRule(HOME_LANS[router], port, toPort)]).slice(1))
    },
    teardown() {
      tearingDown ??= (async () => {
        // Every process in the namespaces gets one SIGTERM there (`ip netns exec` execs, so the children
        // are among them; a second SIGTERM would make a tracker skip its clean shutdown).
        await removeNamespaces([...LAB_NODES].reverse().map(n => ns[n]))
        for (const child of children)
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
        reaper?.stdin?.end()
      })()
      return tearingDown
    }
  }
}

async function setUpLan(lab: Lab, lan: HomeLan): Promise<void> {
  const { ns } = lab
  const [router, host] = [ns[lan.router], ns[lan.host]]
  await run('ip', [
    'link',
    'add',
    IFACE.lan,
    'netns',
    router,
    'type',
    'veth',
    'peer',
    'name',
    IFACE.host,
    'netns',
    host
  ])
  await run('ip', ['-n', router, 'addr', 'add', `${lan.gateway}/${LAN_PREFIX}`, 'dev', IFACE.lan])
  await run('ip', ['-n', router, 'link', 'set', IFACE.lan, 'up'])
  await run('ip', ['-n', host, 'addr', 'add', `${lan.hostAddr}/${LAN_PREFIX}`, 'dev', IFACE.host])
  await run('ip', ['-n', host, 'link', 'set', IFACE.host, 'up'])
  await run('ip', ['-n', host, 'route', 'add', 'default', 'via', lan.gateway])
  await lab.exec(lan.router, ['sysctl', '-qw', 'net.ipv4.ip_forward=1'])
  await lab.exec(lan.router, ['nft', '-f', '-'], { input: routerRuleset(lan) })
}

/**
 * Build the lab: an internet switch with the tracker, a public peer and two home routers on 11.0.0.0/24,
 * and behind each router a LAN host (docs/lab.md has the picture). Namespaces are new and uniquely named;
 * on any failure everything built so far is removed before the error is thrown.
 */
export async function buildLab(opts: BuildLabOptions = {}): Promise<Lab> {
  const reason = labUnavailableReason()
  if (reason !== undefined) throw new LabUnavailableError(reason)
  const name = opts.name ?? `t${process.pid}r${randomBytes(3).toString('hex')}`
  if (!LAB_NAME_PATTERN.test(name)) throw new Error(`a lab name is 1–24 of a-z and 0-9, got "${name}"`)
  await cleanupLabs()
  if ((await listLabs()).has(name)) {
    const flag = name === DEFAULT_LAB_NAME ? '' : ` --name ${name}`
    throw new Error(`lab "${name}" already exists: remove it first (npm run lab -- down${flag})`)
  }
  const namespaces = LAB_NODES.map(n => namespaceName(name, n))
  const reaper = opts.owned === false ? undefined : startReaper(namespaces)
  const lab = labHandle(name, reaper)
  try {
    for (const node of LAB_NODES) {
      await run('ip', ['netns', 'add', lab.ns[node]])
      await run('ip', ['-n', lab.ns[node], 'link', 'set', 'lo', 'up'])
      // IPv4 only: no link-local IPv6 addresses for libp2p to announce or for neighbours to reach.
      await lab.exec(node, [
        'sysctl',
        '-qw',
        'net.ipv6.conf.all.disable_ipv6=1',
        'net.ipv6.conf.default.disable_ipv6=1'
      ])
    }
    const inet = lab.ns.inet
    await run('ip', ['-n', inet, 'link', 'add', IFACE.bridge, 'type', 'bridge'])
    await run('ip', ['-n', inet, 'link', 'set', IFACE.bridge, 'up'])
    for (const { node, iface, addr } of INTERNET_SIDE) {
      const nsName = lab.ns[node]
      await run('ip', [
        'link',
        'add',
        node,
        'netns',
        inet,
        'type',
        'veth',
        'peer',
        'name',
        iface,
        'netns',
        nsName
      ])
      await run('ip', ['-n', inet, 'link', 'set', node, 'master', IFACE.bridge, 'up'])
      await run('ip', ['-n', nsName, 'addr', 'add', `${addr}/${INTERNET_PREFIX}`, 'dev', iface])
      await run('ip', ['-n', nsName, 'link', 'set', iface, 'up'])
    }
    for (const lan of Object.values(HOME_LANS)) await setUpLan(lab, lan)
    for (const f of opts.portForwards ?? []) await lab.forwardPort(f.router, f.port, f.toPort)
  } catch (err) {
    await lab.teardown().catch(() => {})
    throw err
  }
  return lab
}

/** A handle on a lab built earlier (by `npm run lab -- up`): same API, it tears down what exists. */
export async function attachLab(name: string): Promise<Lab> {
  if (!(await listLabs()).has(name)) {
    const flag = name === DEFAULT_LAB_NAME ? '' : ` --name ${name}`
    throw new Error(`no lab "${name}" here: build it with npm run lab -- up${flag}`)
  }
  return labHandle(name)
}

/** Build a lab, run `fn` with it, and tear it down whatever `fn` does (returns, throws). */
export async function withLab<T>(fn: (lab: Lab) => Promise<T>, opts: BuildLabOptions = {}): Promise<T> {
  const lab = await buildLab(opts)
  try {
    return await fn(lab)
  } finally {
    await lab.teardown()
  }
}
