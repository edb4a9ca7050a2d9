/**
 * Tracker discovery over real multicast. Loopback has none, so this builds its own network namespaces:
 * A (192.168.77.1) and B (192.168.77.2) joined by a veth pair with a 224.0.0.0/4 route, and C
 * (192.168.78.1, a veth to itself, no multicast route). The announcers and discoverers are
 * test/fixtures/mdns-probe.ts processes inside them. Without root or `ip netns` it skips (fails in CI).
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn, spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import { extname } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { defaultInstanceName } from '../../src/discovery/mdns-records.ts'
import { listNamespaces, removeNamespaces, run, startReaper } from '../lab/cleanup.ts'

/** mdns-probe.ts from source (Node 24 strips the types), mdns-probe.js in dist/. */
const PROBE = fileURLToPath(
  new URL(`../fixtures/mdns-probe${extname(fileURLToPath(import.meta.url))}`, import.meta.url)
)
/** Every namespace of this file is `p2pchat-mdns-<pid>-<x>`: a leftover names the run that left it. */
const NS_PREFIX = 'p2pchat-mdns-'
const NS = {
  a: `${NS_PREFIX}${process.pid}-a`,
  b: `${NS_PREFIX}${process.pid}-b`,
  c: `${NS_PREFIX}${process.pid}-c`
}
const IP = { a: '192.168.77.1', b: '192.168.77.2', c: '192.168.78.1' }
/** A probe's start (Node, imports) and an answer take well under this; a hang fails in bounded time. */
const EVENT_TIMEOUT_MS = 15_000

type Json = Record<string, unknown>

/** Why namespaces cannot be built here, or undefined. Synchronous, to skip at collection time. */
function unavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux; this is ${process.platform}`
  if (process.getuid?.() !== 0) return 'network namespaces need root'
  for (const [cmd, args] of [
    ['ip', ['netns', 'list']],
    ['unshare', ['--net', 'true']]
  ] as const) {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 })
    if (r.error !== undefined || r.status !== 0)
      return `"${cmd} ${args.join(' ')}" fails: ${r.error?.message ?? r.stderr.trim()}`
  }
  return undefined
}

const unavailable = unavailableReason()
const inCI = process.env.CI === 'true' || process.env.CI === '1'
if (unavailable !== undefined && !inCI) {
  console.warn(`Skipping the mDNS namespace tests: ${unavailable}. (With CI=true they fail instead.)`)
}

function nsTest(name: string, fn: () => Promise<void>): void {
  it(name, async () => {
    if (unavailable !== undefined) throw new Error(`the mDNS namespace tests cannot run here: ${unavailable}`)
    await fn()
  })
}

/** Namespaces of runs whose process is gone (killed before its afterAll and its reaper). */
async function staleNamespaces(): Promise<string[]> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0)
      return true
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM'
    }
  }
  return (await listNamespaces()).filter(ns => {
    const m = new RegExp(`^${NS_PREFIX}(\\d+)-[abc]$`).exec(ns)
    return m !== null && !alive(Number(m[1]))
  })
}

async function buildNamespaces(): Promise<void> {
  const ip = (...args: string[]) => run('ip', args)
  for (const ns of Object.values(NS)) {
    await ip('netns', 'add', ns)
    await ip('-n', ns, 'link', 'set', 'lo', 'up')
  }
  await ip('link', 'add', 'mdns0', 'netns', NS.a, 'type', 'veth', 'peer', 'name', 'mdns0', 'netns', NS.b)
  for (const x of ['a', 'b'] as const) {
    await ip('-n', NS[x], 'addr', 'add', `${IP[x]}/24`, 'dev', 'mdns0')
    await ip('-n', NS[x], 'link', 'set', 'mdns0', 'up')
    await ip('-n', NS[x], 'route', 'add', '224.0.0.0/4', 'dev', 'mdns0')
  }
  // C has a network but no route for multicast: sending to 224.0.0.251 fails with ENETUNREACH.
  await ip('-n', NS.c, 'link', 'add', 'mdns0', 'type', 'veth', 'peer', 'name', 'mdns1')
  await ip('-n', NS.c, 'addr', 'add', `${IP.c}/24`, 'dev', 'mdns0')
  await ip('-n', NS.c, 'link', 'set', 'mdns0', 'up')
  await ip('-n', NS.c, 'link', 'set', 'mdns1', 'up')
}

interface Probe {
  events: Json[]
  /** The first event (old or new) that passes `match`. */
  wait(match: (e: Json) => boolean): Promise<Json>
  /** Say "stop" and wait for the process to exit. */
  stop(): Promise<void>
}

const children = new Set<ChildProcessWithoutNullStreams>()

function probe(ns: string, args: string[]): Probe {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, PROBE, ...args], { stdio: 'pipe' })
  children.add(child)
  const events: Json[] = []
  const waiters = new Set<() => void>()
  let stderr = ''
  child.stderr.on('data', chunk => {
    stderr += chunk
  })
  createInterface({ input: child.stdout }).on('line', line => {
    events.push(JSON.parse(line) as Json)
    for (const w of waiters) w()
  })
  const exited = new Promise<void>(resolve => child.on('close', () => resolve()))
  exited.then(() => {
    children.delete(child)
    for (const w of waiters) w()
  })
  const why = () => `${args[0]} in ${ns}: events ${JSON.stringify(events)}, stderr ${stderr}`
  return {
    events,
    wait: match =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`no such event in ${EVENT_TIMEOUT_MS} ms: ${why()}`)),
          EVENT_TIMEOUT_MS
        )
        const check = () => {
          const found = events.find(match)
          if (found !== undefined) done(undefined, found)
          else if (child.exitCode !== null || child.signalCode !== null) done(new Error(`exited: ${why()}`))
        }
        const done = (err?: Error, found?: Json) => {
          clearTimeout(timer)
          waiters.delete(check)
          if (err) reject(err)
          else resolve(found!)
        }
        waiters.add(check)
        check()
      }),
    async stop() {
      child.stdin.end('stop\n')
      await exited
    }
  }
}

const newPeerId = async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
const addr = (host: string, peerId: string, port = 4001) => `/ip4/${host}/tcp/${port}/p2p/${peerId}`

/** Announce in `ns` and wait until the announcement is out. */
async function tracker(ns: string, name: string, addrs: string[]): Promise<Probe> {
  const p = probe(ns, ['announce', name, ...addrs])
  const announced = await p.wait(e => e.event === 'announced')
  expect(announced.error).toBeUndefined()
  return p
}

async function discover(ns: string, timeoutMs: number): Promise<Json> {
  return probe(ns, ['discover', String(timeoutMs)]).wait(e => e.event === 'result' || e.event === 'error')
}

describe.runIf(unavailable === undefined || inCI)('mDNS tracker discovery in network namespaces', () => {
  let reaper: ReturnType<typeof startReaper> | undefined

  beforeAll(async () => {
    if (unavailable !== undefined) return
    await removeNamespaces(await staleNamespaces())
    // Deletes the namespaces if this process dies before afterAll.
    reaper = startReaper(Object.values(NS))
    await buildNamespaces()
  })

  afterAll(async () => {
    if (unavailable !== undefined) return
    await removeNamespaces(Object.values(NS))
    reaper?.stdin?.end()
    expect((await listNamespaces()).filter(ns => Object.values(NS).includes(ns))).toEqual([])
  })

  afterEach(() => {
    for (const child of children) child.kill('SIGKILL')
  })

  nsTest('a tracker on host A is discovered from host B, 0.0.0.0 as its LAN address', async () => {
    const id = await newPeerId()
    const a = await tracker(NS.a, 'Tracker A', [addr('0.0.0.0', id), addr('127.0.0.1', id)])
    const result = await discover(NS.b, 2_000)
    expect(result.trackers).toEqual([{ name: 'Tracker A', peerId: id, addrs: [addr(IP.a, id)] }])
    await a.stop()
  })

  nsTest('two trackers with the same default name, on either host, are both discovered', async () => {
    const [one, two] = await Promise.all([newPeerId(), newPeerId()])
    const a = await tracker(NS.a, '-', [addr('0.0.0.0', one)])
    const b = await tracker(NS.b, '-', [addr('0.0.0.0', two)])
    const name = defaultInstanceName(hostname())
    const expected = [
      { name, peerId: one, addrs: [addr(IP.a, one)] },
      { name, peerId: two, addrs: [addr(IP.b, two)] }
    ].sort((x, y) => (x.peerId < y.peerId ? -1 : 1))
    expect((await discover(NS.b, 2_000)).trackers).toEqual(expected)
    await Promise.all([a.stop(), b.stop()])
  })

  nsTest('a stopping tracker says goodbye, and a discovery under way drops it', async () => {
    const listener = probe(NS.b, ['listen'])
    await listener.wait(e => e.event === 'listening')
    const discovery = probe(NS.b, ['discover', '5000'])
    await listener.wait(e => e.event === 'query')
    const id = await newPeerId()
    const a = await tracker(NS.a, 'Leaving', [addr(IP.a, id)])
    const ptrFromA = (ttl: number) => (e: Json) =>
      e.event === 'response' &&
      e.from === IP.a &&
      (e.records as Json[]).some(r => r.type === 'PTR' && r.name === '_p2pchat._tcp.local' && r.ttl === ttl)
    await listener.wait(ptrFromA(120))
    await a.stop()
    await listener.wait(ptrFromA(0))
    const result = await discovery.wait(e => e.event === 'result')
    expect(result.trackers).toEqual([])
    await listener.stop()
  })

  nsTest('with nothing announced, a discovery returns [] after its timeout', async () => {
    const result = await discover(NS.b, 1_000)
    expect(result.trackers).toEqual([])
    expect(result.elapsedMs).toBeGreaterThanOrEqual(1_000)
  })

  nsTest('garbage and lies on the LAN are dropped, names cleaned, the real tracker kept', async () => {
    const [real, evil, other] = await Promise.all([newPeerId(), newPeerId(), newPeerId()])
    const a = await tracker(NS.a, 'Tracker A', [addr(IP.a, real)])
    const liar = probe(NS.a, ['hostile', IP.a, evil, other])
    await liar.wait(e => e.event === 'listening')
    const result = await discover(NS.b, 2_000)
    await liar.wait(e => e.event === 'answered')
    expect(result.trackers).toEqual([
      { name: 'Tracker A', peerId: real, addrs: [addr(IP.a, real)] },
      { name: 'evil[31mname', peerId: evil, addrs: [addr(IP.a, evil, 4002)] }
    ])
    await Promise.all([a.stop(), liar.stop()])
  })

  nsTest('port 5353 held by another program: a one-line error, the tracker runs on', async () => {
    const hog = probe(NS.c, ['hog'])
    await hog.wait(e => e.event === 'listening')
    const a = probe(NS.c, ['announce', '-', addr('0.0.0.0', await newPeerId())])
    const announced = await a.wait(e => e.event === 'announced')
    expect(announced.error).toEqual({
      code: 'LISTEN_FAILED',
      message: 'mDNS is not available: UDP port 5353 is taken by a program that does not share it'
    })
    expect(a.events.filter(e => e.event === 'onError')).toHaveLength(1)
    await a.stop()
    expect(a.events.at(-1)).toEqual({ event: 'stopped' })
    expect(await discover(NS.c, 500)).toMatchObject({ event: 'error', code: 'LISTEN_FAILED' })
    await hog.stop()
  })

  nsTest('no multicast route: announce reports it, discover rejects with the reason', async () => {
    const a = probe(NS.c, ['announce', '-', addr('0.0.0.0', await newPeerId())])
    const announced = await a.wait(e => e.event === 'announced')
    expect(announced.error).toMatchObject({ code: 'LISTEN_FAILED' })
    expect((announced.error as Json).message).toMatch(
      /^mDNS is not available: no route for multicast \(ENETUNREACH\)/
    )
    await a.stop()
    const failed = await discover(NS.c, 500)
    expect(failed).toMatchObject({ event: 'error', code: 'LISTEN_FAILED' })
    expect(failed.message).toMatch(/no route for multicast/)
  })
})
