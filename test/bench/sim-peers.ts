/**
 * Simulated peers for benchmarks and end-to-end tests: one process runs --count libp2p nodes, each with
 * its own Ed25519 identity and its own connection and session to the tracker. It prints JSON lines on
 * stdout and takes JSON-line commands on stdin:
 *   {"cmd":"report","user":"probe"}  → {"event":"report","user":"probe","seen":[unix ms, …],"missing":n}
 *   {"cmd":"memory"}                 → {"event":"memory","rssMb":…,"heapMb":…}
 *   {"cmd":"quit"}                   → logs every peer out and exits
 * With --reconnect each peer logs in again by itself when its session is lost (the tracker restarted), as
 * real peers do: at once, then after 0.5 s doubling to 30 s, ±50 % jitter; each prints nothing. Like
 * TrackerSession they present the resumption credential of their password login (falling back to the
 * password when it is refused); --password-only makes every reconnect a password login (the baseline).
 */
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { KeptList } from '../../peer/core/tracker-client.ts'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import type { MuxerName, P2PChatNode } from '../../src/node.ts'
import { createNode } from '../../src/node.ts'

const { values } = parseArgs({
  options: {
    tracker: { type: 'string' },
    count: { type: 'string', default: '1' },
    prefix: { type: 'string', default: 'sim' },
    start: { type: 'string', default: '0' },
    password: { type: 'string', default: 'sim-password-123' },
    register: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '16' },
    muxer: { type: 'string', default: 'yamux' },
    listen: { type: 'boolean', default: false },
    'keep-list': { type: 'boolean', default: false },
    reconnect: { type: 'boolean', default: false },
    'password-only': { type: 'boolean', default: false },
    watch: { type: 'string', default: '' }
  }
})

if (values.tracker === undefined) {
  process.stderr.write('sim-peers: --tracker MULTIADDR is required\n')
  process.exit(2)
}
const trackerAddr = values.tracker
const count = Number(values.count)
const start = Number(values.start)
const concurrency = Number(values.concurrency)

const emit = (obj: object): void => {
  process.stdout.write(`${JSON.stringify(obj)}\n`)
}
const now = (): number => performance.timeOrigin + performance.now()

interface Sim {
  name: string
  node: P2PChatNode
  client: TrackerClient
  /** From the password login: what a reconnect presents instead of the password. */
  credential?: Uint8Array<ArrayBuffer>
  /** From the last login: the tracker need not dial back the same addresses. */
  addrProof?: Uint8Array<ArrayBuffer>
  /** The online list's id and version when the session was lost (TrackerSession presents it too). */
  list?: KeptList
}

const sims: Sim[] = []
/** When each of our peers first saw each user join, by username. */
const seen = new Map<string, number[]>()

async function startOne(i: number, retry: boolean): Promise<void> {
  const name = `${values.prefix}${start + i}`
  const node = await createNode({
    privateKey: await generateKeyPair('Ed25519'),
    listen: values.listen ? ['/ip4/127.0.0.1/tcp/0'] : [],
    muxers: [values.muxer as MuxerName]
  })
  await node.start()
  try {
    await session(name, node, retry)
  } catch (err) {
    await Promise.resolve(node.stop()).catch(() => {})
    throw err
  }
}

async function session(name: string, node: P2PChatNode, retry: boolean): Promise<void> {
  // 10,000 sessions each holding a 10,000-entry list would need N² entries in a handful of processes;
  // real peers are on their own machines. Events are still decoded and versions followed.
  const client = await TrackerClient.connect(node, trackerAddr, {
    requestTimeoutMs: 120_000,
    keepList: values['keep-list']
  })
  client.addEventListener('joined', evt => {
    // Only the users being timed: a timestamp per join per session would be N² numbers.
    if (!evt.detail.user.startsWith(values.watch)) return
    const t = now()
    const list = seen.get(evt.detail.user)
    if (list === undefined) seen.set(evt.detail.user, [t])
    else list.push(t)
  })
  if (values.register) {
    await client.register(name, values.password).catch(err => {
      // A retry after a lost reply finds the account already made.
      if (!(retry && (err as { code?: string }).code === 'USERNAME_TAKEN')) throw err
    })
  }
  await client.login(name, values.password, node.getMultiaddrs())
  const sim: Sim = { name, node, client, credential: client.credential?.token, addrProof: client.addrProof }
  sims.push(sim)
  if (values.reconnect) watchSession(sim)
}

/** Log in again when the session is lost, as TrackerSession does (first at once, then backing off). */
function watchSession(sim: Sim): void {
  sim.client.addEventListener(
    'closed',
    () => {
      sim.list = sim.client.keptList()
      void (async () => {
        for (let attempt = 0; ; attempt++) {
          if (attempt > 0) {
            await new Promise(resolve =>
              setTimeout(resolve, Math.min(30_000, 500 * 2 ** (attempt - 1)) * (0.5 + Math.random()))
            )
          }
          try {
            const client = await TrackerClient.connect(sim.node, trackerAddr, {
              requestTimeoutMs: 120_000,
              keepList: values['keep-list']
            })
            try {
              await login(sim, client)
            } catch (err) {
              client.close()
              throw err
            }
            sim.client = client
            watchSession(sim)
            return
          } catch {
            // Down, still starting, or busy (BUSY with its queue of password checks full): try again.
          }
        }
      })()
    },
    { once: true }
  )
}

/** A reconnect's login: the credential if there is one (the password if it is refused), as TrackerSession does. */
async function login(sim: Sim, client: TrackerClient): Promise<void> {
  if (sim.credential !== undefined && !values['password-only']) {
    try {
      await client.login(sim.name, '', sim.node.getMultiaddrs(), {
        resume: sim.credential,
        addrProof: sim.addrProof,
        list: sim.list
      })
      sim.addrProof = client.addrProof
      return
    } catch (err) {
      if ((err as { code?: string }).code !== 'RESUME_REFUSED') throw err
      sim.credential = undefined
    }
  }
  await client.login(sim.name, values.password, sim.node.getMultiaddrs(), {
    addrProof: sim.addrProof,
    list: sim.list
  })
  sim.credential = client.credential?.token
  sim.addrProof = client.addrProof
}

const began = now()
let next = 0
let failed = 0
let retries = 0
const errors: Record<string, number> = {}
/** Like a real client: a failed connect or login is retried with growing, jittered waits. */
const MAX_ATTEMPTS = 30
async function worker(): Promise<void> {
  while (next < count) {
    const i = next++
    for (let attempt = 1; ; attempt++) {
      try {
        await startOne(i, attempt > 1)
        break
      } catch (err) {
        const key = `${(err as { code?: string }).code ?? (err as Error).name}: ${(err as Error).message.slice(0, 80)}`
        errors[key] = (errors[key] ?? 0) + 1
        if (attempt >= MAX_ATTEMPTS) {
          failed++
          emit({ event: 'error', index: i, message: key })
          break
        }
        retries++
        await new Promise(resolve =>
          setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random()))
        )
      }
    }
    if (sims.length % 500 === 0 && sims.length > 0) emit({ event: 'progress', ready: sims.length })
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
emit({
  event: 'ready',
  count: sims.length,
  failed,
  retries,
  errors,
  ms: Math.round(now() - began),
  pid: process.pid
})

createInterface({ input: process.stdin }).on('line', line => {
  let cmd: { cmd?: string; user?: string; nonce?: number }
  try {
    cmd = JSON.parse(line)
  } catch {
    emit({ event: 'error', message: 'not JSON' })
    return
  }
  if (cmd.cmd === 'report' && typeof cmd.user === 'string') {
    const times = seen.get(cmd.user) ?? []
    emit({
      event: 'report',
      nonce: cmd.nonce,
      user: cmd.user,
      seen: times,
      missing: sims.length - times.length
    })
  } else if (cmd.cmd === 'memory') {
    const m = process.memoryUsage()
    emit({
      event: 'memory',
      sessions: sims.length,
      rssMb: m.rss / 2 ** 20,
      heapMb: m.heapUsed / 2 ** 20,
      externalMb: (m.external + m.arrayBuffers) / 2 ** 20
    })
  } else if (cmd.cmd === 'quit') {
    Promise.all(sims.map(s => s.node.stop()))
      .catch(() => {})
      .finally(() => process.exit(0))
  } else {
    emit({ event: 'error', message: `unknown command ${line}` })
  }
})
