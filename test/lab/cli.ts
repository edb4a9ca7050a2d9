/**
 * `npm run lab -- up|down|status|forward`: build the NAT lab for running p2pchat by hand, show it, and
 * remove it. Everything it does is in docs/lab.md.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { run } from './cleanup.ts'
import type { Lab } from './index.ts'
import {
  attachLab,
  buildLab,
  cleanupLabs,
  DEFAULT_LAB_NAME,
  HOME_LANS,
  LAB_ADDRESSES,
  LAB_NODES,
  listLabs,
  namespaceName,
  ROUTERS
} from './index.ts'
import type { LabNode, LabRouter } from './topology.ts'
import { PORT_FORWARD_CHAIN } from './topology.ts'
import { startUpnpGateway } from './upnp.ts'

const HELP = `Usage: npm run lab -- <command> [options]      (needs root and nftables)

Build a network-namespace lab: a tracker and a public peer on an "internet" (11.0.0.0/24), and two
home routers with NAT, each with a peer behind it. docs/lab.md describes the topology and rules.

Commands:
  up                 build the lab and print how to run a tracker and peers in it
    --forward ROUTER:PORT[:HOSTPORT]
                     forward TCP PORT on the router's public address to its LAN host (HOSTPORT,
                     default PORT); ROUTER is routerA or routerB; repeat for several
    --hold           stay in the foreground and remove the lab on Ctrl-C, SIGTERM or when killed
  down               kill every process in the lab and remove its namespaces (also removes labs
                     left behind by crashed test runs)
    --all            remove every p2pchat lab on this machine, whatever its name
  status             show the labs present: namespaces, addresses, port forwards, processes
  forward ROUTER PORT [HOSTPORT]
                     add a port forward to a lab that is up
  upnp ROUTER        run a UPnP IGD / NAT-PMP gateway (miniupnpd) on the router of a lab that is
                     up, in the foreground until Ctrl-C; peers behind it may use --upnp

Options:
  --name NAME        the lab to act on; namespaces are p2pchat-NAME-<node>  (default: ${DEFAULT_LAB_NAME})
  -h, --help         show this help

Exit status: 0 on success, 1 when the lab cannot be built or changed, 2 for a bad command or option.`

class UsageError extends Error {}

const ROLES: Record<LabNode, string> = {
  inet: 'the internet: a switch (bridge br0) for 11.0.0.0/24',
  tracker: 'public host for a tracker',
  public: 'public host for a peer',
  routerA: 'home router A: masquerade; inbound dropped unless forwarded',
  hostA: 'a home machine behind router A',
  routerB: 'home router B: masquerade; inbound dropped unless forwarded',
  hostB: 'a home machine behind router B'
}

function addressOf(node: LabNode): string {
  if (node === 'inet') return '-'
  if (node === 'routerA' || node === 'routerB') return `${HOME_LANS[node].wan} / ${HOME_LANS[node].gateway}`
  return LAB_ADDRESSES[node]
}

function router(name: string): LabRouter {
  if (!(ROUTERS as readonly string[]).includes(name)) {
    throw new UsageError(`the router is routerA or routerB, got "${name}"`)
  }
  return name as LabRouter
}

function port(text: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < 1 || n > 65_535) throw new UsageError(`a port is 1-65535, got "${text}"`)
  return n
}

function parseForward(spec: string): { router: LabRouter; port: number; toPort: number } {
  const [r, p, to] = spec.split(':')
  if (p === undefined) throw new UsageError(`--forward is ROUTER:PORT[:HOSTPORT], got "${spec}"`)
  return { router: router(r), port: port(p), toPort: port(to ?? p) }
}

async function forwards(lab: Lab): Promise<string[]> {
  const lines: string[] = []
  for (const r of ROUTERS) {
    const { stdout } = await lab.exec(r, ['nft', 'list', 'chain', 'ip', 'nat', PORT_FORWARD_CHAIN], {
      check: false
    })
    for (const m of stdout.matchAll(/tcp dport (\d+) dnat to ([\d.]+:\d+)/g)) {
      lines.push(`${HOME_LANS[r].wan}:${m[1]} -> ${m[2]} (${r})`)
    }
  }
  return lines
}

function table(lab: Lab): string {
  const rows = LAB_NODES.map(n => [lab.ns[n], addressOf(n), ROLES[n]])
  const w0 = Math.max(...rows.map(r => r[0].length))
  const w1 = Math.max(...rows.map(r => r[1].length))
  return rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`).join('\n')
}

function howTo(lab: Lab): string {
  const ns = (n: LabNode) => lab.ns[n]
  const tracker = `/ip4/${LAB_ADDRESSES.tracker}/tcp/4001/p2p/<tracker PeerId>`
  const dir = `/tmp/p2pchat-${lab.name}`
  const peer = (n: LabNode, user: string) =>
    `  ip netns exec ${ns(n)} ./p2pchat peer --tracker ${tracker} \\\n` +
    `      --user ${user} --register --data ${dir}/${user}`
  return [
    'Run p2pchat in it (as root, from the checkout; one terminal each):',
    `  ip netns exec ${ns('tracker')} ./p2pchat tracker --listen /ip4/${LAB_ADDRESSES.tracker}/tcp/4001 \\`,
    `      --data ${dir}/tracker --scrypt-log-n 10`,
    '  (it prints /ip4/11.0.0.1/tcp/4001/p2p/12D3KooW…: put its PeerId in <tracker PeerId> below)',
    peer('hostA', 'alice'),
    peer('hostB', 'bob'),
    peer('public', 'carol'),
    `A shell inside a namespace: ip netns exec ${ns('hostA')} bash`,
    `Remove it: npm run lab -- down${lab.name === DEFAULT_LAB_NAME ? '' : ` --name ${lab.name}`}`
  ].join('\n')
}

async function up(name: string, forwardSpecs: string[], hold: boolean): Promise<number> {
  const portForwards = forwardSpecs.map(parseForward)
  const lab = await buildLab({ name, portForwards, owned: hold })
  const fw = await forwards(lab)
  console.log(`Lab "${lab.name}" is up: ${LAB_NODES.length} network namespaces, IPv4 only.\n`)
  console.log(`${table(lab)}\n`)
  console.log(`Port forwards: ${fw.length === 0 ? 'none' : fw.join(', ')}\n`)
  console.log(howTo(lab))
  if (!hold) return 0
  // Signal listeners do not keep Node running; this timer does, until one of them fires. They are in
  // place before "Holding" is printed: whoever reads that line may signal at once.
  const keepAlive = setInterval(() => {}, 2 ** 30)
  const signalled = new Promise<void>(resolve => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
    process.once('SIGHUP', resolve)
  })
  console.log('\nHolding: Ctrl-C (or SIGTERM) removes the lab.')
  await signalled
  clearInterval(keepAlive)
  await lab.teardown()
  console.log(`Lab "${lab.name}" removed.`)
  return 0
}

async function status(name: string | undefined): Promise<number> {
  const labs = await listLabs()
  const names = name === undefined ? [...labs.keys()] : labs.has(name) ? [name] : []
  if (names.length === 0) {
    console.log(name === undefined ? 'No lab is up. Build one: npm run lab -- up' : `No lab "${name}" is up.`)
    return 0
  }
  for (const n of names) {
    const lab = await attachLab(n)
    const present = new Set(labs.get(n))
    console.log(`Lab "${n}":`)
    const width = Math.max(...LAB_NODES.map(node => namespaceName(n, node).length))
    for (const node of LAB_NODES) {
      const nsName = namespaceName(n, node)
      if (!present.has(nsName)) {
        console.log(`  ${nsName.padEnd(width)}  MISSING`)
        continue
      }
      const addrs = (await lab.exec(node, ['ip', '-4', '-br', 'addr'])).stdout
        .split('\n')
        .flatMap(l => l.split(/\s+/).slice(2))
        .filter(a => a !== '' && !a.startsWith('127.'))
      const procs = await processesIn(nsName)
      const where = (addrs.join(' ') || '-').padEnd(30)
      console.log(`  ${nsName.padEnd(width)}  ${where}${procs === '' ? '' : `  running: ${procs}`}`.trimEnd())
    }
    const fw = await forwards(lab)
    console.log(`  port forwards: ${fw.length === 0 ? 'none' : fw.join(', ')}`)
  }
  return 0
}

/** "node (1234), bash (1240)": what runs in a namespace. */
async function processesIn(ns: string): Promise<string> {
  const pids = (await run('ip', ['netns', 'pids', ns], { check: false })).stdout.split('\n').filter(Boolean)
  return pids
    .map(pid => {
      try {
        return `${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()} (${pid})`
      } catch {
        return ''
      }
    })
    .filter(Boolean)
    .join(', ')
}

async function down(name: string, all: boolean): Promise<number> {
  const removed = await cleanupLabs({ name, all })
  console.log(
    removed.length === 0 ? 'Nothing to remove.' : `Removed: ${removed.map(n => `lab "${n}"`).join(', ')}.`
  )
  return 0
}

/** miniupnpd on `r` until Ctrl-C or SIGTERM; its chains go with it (and with the lab). */
async function upnp(lab: Lab, r: LabRouter): Promise<number> {
  const gateway = await startUpnpGateway(lab, r)
  const lan = HOME_LANS[r]
  console.log(
    `UPnP IGD and NAT-PMP on ${r} (${lan.gateway}) for ${lan.subnet}: run a peer on ${lan.host} with --upnp.\nCtrl-C to stop it.`
  )
  await new Promise<void>(resolve => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await gateway.stop()
  console.log(`Stopped the gateway on ${r}.`)
  return 0
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      forward: { type: 'string', multiple: true, default: [] },
      hold: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  const [command, ...rest] = positionals
  if (values.help || command === 'help') {
    console.log(HELP)
    return 0
  }
  const name = values.name ?? DEFAULT_LAB_NAME
  switch (command) {
    case 'up':
      return up(name, values.forward, values.hold)
    case 'down':
      return down(name, values.all)
    case 'status':
      return status(values.name)
    case 'forward': {
      const [r, p, to] = rest
      if (r === undefined || p === undefined) throw new UsageError('forward needs ROUTER PORT [HOSTPORT]')
      const lab = await attachLab(name)
      await lab.forwardPort(router(r), port(p), to === undefined ? undefined : port(to))
      console.log(
        `Forwarding ${HOME_LANS[router(r)].wan}:${p} -> ${HOME_LANS[router(r)].hostAddr}:${to ?? p}.`
      )
      return 0
    }
    case 'upnp': {
      const [r] = rest
      if (r === undefined) throw new UsageError('upnp needs ROUTER (routerA or routerB)')
      return upnp(await attachLab(name), router(r))
    }
    case undefined:
      throw new UsageError('which command? up, down, status, forward or upnp (--help lists them)')
    default:
      throw new UsageError(`unknown command "${command}" (--help lists them)`)
  }
}

// `npm run lab -- status | head` closes stdout early: not an error worth a stack trace.
process.stdout.on('error', err => {
  if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err
})

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code
  },
  (err: Error) => {
    const usage =
      err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')
    console.error(`p2pchat lab: ${err.message}`)
    process.exitCode = usage ? 2 : 1
  }
)
