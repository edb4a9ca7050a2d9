/**
 * A UPnP IGD and NAT-PMP gateway on a lab router: miniupnpd (Debian's `miniupnpd-nftables`, 2.3.x) in
 * the router's namespace, in the foreground, writing its port mappings into nftables chains that the
 * router's ruleset jumps to, so a mapping really forwards traffic from the internet to the LAN host.
 *
 * miniupnpd 2.3.1 creates no tables or chains itself: it only adds and deletes rules, always in the
 * `inet` family, in `upnp_table_name` (filter rules, chain `upnp_forward_chain`) and
 * `upnp_nat_table_name` (DNAT in `upnp_nat_chain`, PCP peer SNAT in `upnp_nat_postrouting_chain`).
 * `upnpRuleset` adds those chains next to the lab's own rules (topology.ts `routerRuleset`):
 *
 * ```
 * table inet filter {                      # the router's filter table, extended
 *   chain miniupnpd { }                    # miniupnpd: "iif wan ip daddr H tcp dport P accept"
 *   chain forward { iifname "wan" oifname "lan" jump miniupnpd }   (inserted at the top)
 * }
 * table inet miniupnpd {                   # miniupnpd's NAT: inet family, so its own table
 *   chain prerouting_miniupnpd { }         # "iif wan tcp dport E dnat to H:P"
 *   chain postrouting_miniupnpd { }
 *   chain prerouting  { type nat hook prerouting priority dstnat; iifname "wan" jump prerouting_miniupnpd }
 *   chain postrouting { type nat hook postrouting priority srcnat; jump postrouting_miniupnpd }
 * }
 * ```
 *
 * (The lab's forward chain already accepts `ct status dnat`, so the filter jump only matters if that rule
 * goes; it is there because a real router's firewall works that way.) `runPortMapper` runs p2pchat's
 * `PortMapper` in a namespace: this file is also that script (`node upnp.ts map '<json>'`).
 */
import type { ChildProcess } from 'node:child_process'
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Lab } from './netns.ts'
import { labUnavailableReason } from './netns.ts'
import type { HomeLan, LabNode, LabRouter } from './topology.ts'
import { HOME_LANS, IFACE, LAN_PREFIX } from './topology.ts'

/** miniupnpd's filter chain, in the router's `inet filter` table (a jump must stay inside one table). */
export const UPNP_FILTER_CHAIN = 'miniupnpd'
/** The `inet` table for miniupnpd's NAT chains: the lab's own `ip nat` table is the wrong family. */
export const UPNP_NAT_TABLE = 'miniupnpd'
export const UPNP_NAT_CHAIN = 'prerouting_miniupnpd'
export const UPNP_NAT_POSTROUTING_CHAIN = 'postrouting_miniupnpd'
/** Where miniupnpd answers NAT-PMP on the LAN side (RFC 6886). */
const NAT_PMP_PORT = 5351
/** miniupnpd opens its sockets and reads nftables in milliseconds; this only bounds a broken start. */
const START_TIMEOUT_MS = 5_000
/** How long miniupnpd gets to remove its rules and exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 2_000
/** miniupnpd's HTTP (UPnP) and NAT-PMP sockets are open once it prints these. */
const HTTP_READY = /HTTP listening on port (\d+)/
const PMP_READY = /Listening for NAT-PMP\/PCP traffic on port/
/** This file, run as a script in a namespace to drive a PortMapper there (see `runPortMapper`). */
const SELF = fileURLToPath(import.meta.url)
/** A mapper process starts Node and libp2p's modules (about a second) and may wait out discovery (5 s). */
const MAPPER_TIMEOUT_MS = 20_000

export interface UpnpGatewayOptions {
  /** Answer NAT-PMP (UDP 5351 on the LAN side). @default true */
  natpmp?: boolean
  /** Answer UPnP IGD (SSDP on 239.255.255.250:1900, SOAP over HTTP). @default true */
  upnp?: boolean
}

export interface UpnpGateway {
  router: LabRouter
  /** The port of miniupnpd's HTTP server (device description, SOAP control); 0 without UPnP. */
  httpPort: number
  child: ChildProcess
  /** Everything miniupnpd logged so far (`-d` logs to stderr): for failure messages. */
  log(): string
  /** SIGTERM miniupnpd and wait for it to exit; idempotent. Lab teardown also kills it. */
  stop(): Promise<void>
}

/** Why the UPnP lab tests cannot run here (no lab, no miniupnpd), or undefined when they can. */
export function upnpUnavailableReason(): string | undefined {
  const lab = labUnavailableReason()
  if (lab !== undefined) return lab
  const r = spawnSync('miniupnpd', ['--version'], { encoding: 'utf8', timeout: START_TIMEOUT_MS })
  if (r.error !== undefined)
    return `miniupnpd is missing (${r.error.message}): apt-get install miniupnpd-nftables`
  if (!/nftables/.test(r.stdout + r.stderr))
    return 'miniupnpd is not the nftables build: apt-get install miniupnpd-nftables'
  return undefined
}

/** The nft script that adds miniupnpd's chains and the jumps to them to a router (see the header). */
export function upnpRuleset(): string {
  return `
table inet filter {
  chain ${UPNP_FILTER_CHAIN} {
  }
}
insert rule inet filter forward iifname "${IFACE.wan}" oifname "${IFACE.lan}" jump ${UPNP_FILTER_CHAIN}
table inet ${UPNP_NAT_TABLE} {
  chain ${UPNP_NAT_CHAIN} {
  }
  chain ${UPNP_NAT_POSTROUTING_CHAIN} {
  }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "${IFACE.wan}" jump ${UPNP_NAT_CHAIN}
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    jump ${UPNP_NAT_POSTROUTING_CHAIN}
  }
}
`
}

/**
 * miniupnpd.conf for `lan`'s router: WAN `wan`, LAN `lan`, secure mode (a host maps only to itself),
 * mappings only for the home subnet and unprivileged ports, IPv4 only.
 */
export function miniupnpdConfig(lan: HomeLan, opts: UpnpGatewayOptions = {}): string {
  const yes = (on: boolean | undefined) => ((on ?? true) ? 'yes' : 'no')
  return `${[
    `ext_ifname=${IFACE.wan}`,
    `listening_ip=${IFACE.lan}`,
    'http_port=0',
    `enable_natpmp=${yes(opts.natpmp)}`,
    `enable_upnp=${yes(opts.upnp)}`,
    'ipv6_disable=yes',
    'secure_mode=yes',
    'system_uptime=no',
    'notify_interval=60',
    `uuid=${randomUUID()}`,
    `upnp_table_name=filter`,
    `upnp_nat_table_name=${UPNP_NAT_TABLE}`,
    `upnp_forward_chain=${UPNP_FILTER_CHAIN}`,
    `upnp_nat_chain=${UPNP_NAT_CHAIN}`,
    `upnp_nat_postrouting_chain=${UPNP_NAT_POSTROUTING_CHAIN}`,
    `allow 1024-65535 ${lan.subnet} 1024-65535`,
    'deny 0-65535 0.0.0.0/0 0-65535'
  ].join('\n')}\n`
}

/**
 * Start miniupnpd on `router` (once per router and lab): add its chains to the router's ruleset, write
 * its config to a temporary directory and run it in the foreground until `stop()` or lab teardown.
 */
export async function startUpnpGateway(
  lab: Lab,
  router: LabRouter,
  opts: UpnpGatewayOptions = {}
): Promise<UpnpGateway> {
  const lan = HOME_LANS[router]
  await lab.exec(router, ['nft', '-f', '-'], { input: upnpRuleset() })
  const dir = await mkdtemp(join(tmpdir(), `${upnpTempPrefix(lab)}${router}-`))
  const conf = join(dir, 'miniupnpd.conf')
  await writeFile(conf, miniupnpdConfig(lan, opts))
  // -P: the default pid file is global, and miniupnpd refuses to start while it names a live process.
  const child = lab.spawn(router, ['miniupnpd', '-d', '-f', conf, '-P', join(dir, 'miniupnpd.pid')], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  // The config goes once miniupnpd has exited, however that happens (stop(), lab teardown).
  const removed = new Promise<void>(resolve => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve())
  }).then(() => rm(dir, { recursive: true, force: true }))
  const stop = async () => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await removed
    clearTimeout(timer)
  }
  const httpPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail('did not start'), START_TIMEOUT_MS)
    const fail = (why: string) => {
      clearTimeout(timer)
      reject(new Error(`miniupnpd on ${router} ${why}:\n${output}`))
    }
    const onData = (chunk: Buffer) => {
      output += chunk
      const http = HTTP_READY.exec(output)
      if ((http !== null || opts.upnp === false) && (PMP_READY.test(output) || opts.natpmp === false)) {
        clearTimeout(timer)
        resolve(Number(http?.[1] ?? 0))
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', code => fail(`exited (${code})`))
    child.once('error', err => fail(`could not be started (${err.message})`))
  }).catch(async err => {
    await stop()
    throw err
  })
  return { router, httpPort, child, log: () => output, stop }
}

/** The start of the temporary directories (and so of miniupnpd's command line) of `lab`'s gateways. */
export function upnpTempPrefix(lab: Lab): string {
  return `p2pchat-upnp-${lab.name}-`
}

/** A NAT-PMP request for TCP `port` (internal = suggested external), run by `node -e` from `from`. */
const PMP_MAP_SCRIPT = `
const [gateway, from, port] = process.argv.slice(1)
const socket = require('node:dgram').createSocket('udp4')
const req = Buffer.alloc(12)
req[1] = 2
req.writeUInt16BE(Number(port), 4)
req.writeUInt16BE(Number(port), 6)
req.writeUInt32BE(3600, 8)
socket.on('message', m => { console.log(JSON.stringify({ result: m.readUInt16BE(2), externalPort: m.readUInt16BE(10) })); process.exit(0) })
socket.bind(0, from, () => socket.send(req, ${NAT_PMP_PORT}, gateway))
setTimeout(() => process.exit(1), ${START_TIMEOUT_MS})
`

/**
 * Have another machine on `router`'s LAN take external `port`: a second address on its host (x.x.x.3)
 * asks for the port over NAT-PMP, so the gateway must give the next asker another external port.
 */
export async function takeExternalPort(lab: Lab, router: LabRouter, port: number): Promise<string> {
  const lan = HOME_LANS[router]
  const other = lan.hostAddr.replace(/\.\d+$/, '.3')
  await lab.exec(lan.host, ['ip', 'addr', 'replace', `${other}/${LAN_PREFIX}`, 'dev', IFACE.host])
  const { stdout } = await lab.exec(lan.host, [
    process.execPath,
    '-e',
    PMP_MAP_SCRIPT,
    lan.gateway,
    other,
    `${port}`
  ])
  const answer = JSON.parse(stdout) as { result: number; externalPort: number }
  if (answer.result !== 0 || answer.externalPort !== port)
    throw new Error(`NAT-PMP from ${other} did not get external port ${port}: ${stdout}`)
  return other
}

/** The mappings miniupnpd holds on `router` right now, as nft prints its DNAT chain (for assertions). */
export async function upnpRedirects(lab: Lab, router: LabRouter): Promise<string> {
  const { stdout } = await lab.exec(router, ['nft', 'list', 'chain', 'inet', UPNP_NAT_TABLE, UPNP_NAT_CHAIN])
  return stdout
}

/** What a mapper process printed for its `start()`: the mappings, or the error's code (`NO_GATEWAY`…). */
export type MapperOutcome = { ms: number } & (
  | {
      ok: true
      mappings: Array<{ multiaddr: string; externalHost: string; externalPort: number; protocol: string }>
    }
  | { ok: false; code: string; message: string }
)

export interface MapperRun {
  outcome: MapperOutcome
  /** `stop()` the mapper (which unmaps) and wait for its process to exit. */
  stop(): Promise<void>
}

/** What the mapper process is asked to map: `PortMapperInit` as JSON. */
export interface MapperSpec {
  ports: Array<{ port: number; host?: string }>
  protocols?: Array<'upnp' | 'nat-pmp'>
  gateway?: string
}

/**
 * Run a `PortMapper` (peer/nat/) inside `node`'s namespace, in its own process (this
 * file as a script), and report what its `start()` did. The process keeps the mappings until `stop()`.
 */
export async function runPortMapper(lab: Lab, node: LabNode, spec: MapperSpec): Promise<MapperRun> {
  const child = lab.spawn(node, [process.execPath, SELF, 'map', JSON.stringify(spec)], {
    stdio: ['pipe', 'pipe', 'pipe']
  })
  child.stdin!.on('error', () => {}) // EPIPE if it already exited
  let stderr = ''
  child.stderr!.on('data', c => {
    stderr += c
  })
  // Lines in order: {event: 'mapped' | 'error'}, then {event: 'stopped'} once stdin closes.
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const nextLine = async (what: string) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), MAPPER_TIMEOUT_MS)
    try {
      const { value, done } = await lines.next()
      if (done) throw new Error(`the mapper in ${node} ended before ${what} (${child.signalCode}): ${stderr}`)
      return JSON.parse(value) as Record<string, unknown>
    } finally {
      clearTimeout(timer)
    }
  }
  const exited = new Promise<void>(resolve => child.once('close', () => resolve()))
  const { event, ...rest } = await nextLine('its outcome')
  const outcome = { ok: event === 'mapped', ...rest } as MapperOutcome
  return {
    outcome,
    async stop() {
      // After an error the mapper exits by itself; otherwise closing its stdin makes it unmap and exit.
      if (outcome.ok && child.exitCode === null && child.signalCode === null) {
        child.stdin!.end()
        await nextLine('stopping')
      }
      await exited
    }
  }
}

/** The script side of `runPortMapper`: map, print the outcome, unmap when stdin closes. */
async function mapperMain(spec: MapperSpec): Promise<void> {
  const print = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`)
  const { PortMapper } = await import('../../peer/nat/index.ts')
  const mapper = new PortMapper(spec)
  const t0 = performance.now()
  const ms = () => Math.round(performance.now() - t0)
  try {
    const mappings = await mapper.start()
    print({ event: 'mapped', ms: ms(), mappings: mappings.map(m => ({ ...m, multiaddr: `${m.multiaddr}` })) })
  } catch (err) {
    const { code, message } = err as { code?: string; message: string }
    print({ event: 'error', ms: ms(), code: code ?? 'UNEXPECTED', message })
    return
  }
  process.stdin.resume()
  await new Promise(resolve => process.stdin.once('end', resolve))
  await mapper.stop()
  print({ event: 'stopped' })
}

if (process.argv[1] === SELF && process.argv[2] === 'map') {
  mapperMain(JSON.parse(process.argv[3]) as MapperSpec).then(
    () => process.exit(0),
    err => {
      process.stderr.write(`${(err as Error).stack}\n`)
      process.exit(1)
    }
  )
}
