/**
 * Members for bench:group: one process runs the PeerClients named by --users (each with its own data
 * directory <dir>/<user>, registered and logged in), records every `group-message` and `message` event
 * with its arrival time, and takes JSON-line commands on stdin. Commands run concurrently; each reply
 * carries the command's `tag`. Times are Unix ms with sub-ms precision (performance.timeOrigin + now()),
 * so the bench can compare them across processes on one machine.
 *   {"cmd":"api","user":u,"req":{…}}                       → {"event":"reply","ok":…,"reply"|"error"}
 *   {"cmd":"group-send","user":u,"group":g,"count":M,"size":B,"inFlight":K}
 *                                                           → {"event":"group-sent","sends":[[id,t]…]}
 *   {"cmd":"chat-fanout","user":u,"to":[…],"count":M,"size":B,"inFlight":K,"timeoutMs":T}
 *                                                           → {"event":"chat-done","sends":[[i,t]…],"deliveries":[[i,t]…],"missing":n}
 *   {"cmd":"await-group","users":[…],"group":g,"count":M,"timeoutMs":T} → {"event":"awaited","counts":{user:n}}
 *   {"cmd":"report","users":[…],"group":g}                  → {"event":"report","users":{u:{ids,times,dups}}}
 *   {"cmd":"chat-report","users":[…],"from":u}              → {"event":"chat-report","users":{u:{distinct,dups}}}
 *   {"cmd":"views","users":[…],"group":g,"member":m}       → {"event":"views","users":{u:{members,has}}}
 *   {"cmd":"settled","user":u}                              → {"event":"settled"} (its pushes acked or given up)
 *   {"cmd":"stop-user","user":u}                            → {"event":"stopped"} (data directory kept)
 *   {"cmd":"start-user","user":u,"group":g,"count":M,"timeoutMs":T,"graceMs":G}
 *                                                           → {"event":"caught-up","ms":…,"distinct":…,"dups":…}
 *   {"cmd":"now"}                                           → {"event":"now","offset":ms,"drift":ms}
 *   {"cmd":"quit"}                                          → stops every peer, exits 0
 */
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { dispatch } from '../../peer/api/dispatch.ts'
import type { Command, EventDetails, PeerCommandName } from '../../peer/api/schema.ts'
import { PeerClient } from '../../peer/core/peer-client.ts'

const { values } = parseArgs({
  options: {
    tracker: { type: 'string' },
    dir: { type: 'string' },
    users: { type: 'string' },
    concurrency: { type: 'string', default: '8' }
  }
})
if (values.tracker === undefined || values.dir === undefined || values.users === undefined) {
  process.stderr.write('group-bench-node: --tracker, --dir and --users are required\n')
  process.exit(2)
}
const trackerAddr = values.tracker
const baseDir = values.dir
const PASSWORD = 'bench-password'

/**
 * This process's high-resolution clock against the system clock all processes share: a process started
 * on a loaded machine can have its timeOrigin a few ms off. Date.now() is read first and truncates to
 * whole ms, so hiRes − Date.now() is never below the offset, and its minimum over a few ms of samples
 * is the offset to within a few µs.
 */
function clockOffset(): number {
  let offset = Infinity
  const until = performance.now() + 5
  while (performance.now() < until) {
    const wall = Date.now()
    offset = Math.min(offset, performance.timeOrigin + performance.now() - wall)
  }
  return offset
}
const offset = clockOffset()
/** Unix ms with µs precision, on the system clock: comparable across processes on one machine. */
const now = (): number => performance.timeOrigin + performance.now() - offset
const emit = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`)
}

/** What one user has seen: first arrival per messageId (group and chat apart) and repeats. */
interface Seen {
  group: Map<string, Map<string, number>>
  groupDups: Map<string, number>
  chat: Map<string, Set<string>>
  chatDups: Map<string, number>
}
const peers = new Map<string, PeerClient>()
const seen = new Map<string, Seen>()
/** Called after every group-message, so waits can check their condition without polling. */
const onGroupMessage = new Set<() => void>()

function record(user: string, peer: PeerClient): void {
  const s: Seen = seen.get(user) ?? {
    group: new Map(),
    groupDups: new Map(),
    chat: new Map(),
    chatDups: new Map()
  }
  seen.set(user, s)
  peer.addEventListener('group-message', e => {
    const t = now()
    const { group, messageId } = e.detail
    let ids = s.group.get(group)
    if (ids === undefined) {
      ids = new Map()
      s.group.set(group, ids)
    }
    if (ids.has(messageId)) s.groupDups.set(group, (s.groupDups.get(group) ?? 0) + 1)
    else ids.set(messageId, t)
    for (const f of onGroupMessage) f()
  })
  peer.addEventListener('message', e => {
    const { from, messageId } = e.detail
    let ids = s.chat.get(from)
    if (ids === undefined) {
      ids = new Set()
      s.chat.set(from, ids)
    }
    if (ids.has(messageId)) s.chatDups.set(from, (s.chatDups.get(from) ?? 0) + 1)
    else ids.add(messageId)
  })
}

async function startUser(user: string, register: boolean): Promise<PeerClient> {
  const peer = new PeerClient({
    tracker: trackerAddr,
    user,
    password: PASSWORD,
    register,
    dataDir: join(baseDir, user),
    listen: ['/ip4/127.0.0.1/tcp/0']
  })
  record(user, peer)
  await peer.start()
  peers.set(user, peer)
  return peer
}

function peerOf(user: string): PeerClient {
  const p = peers.get(user)
  if (p === undefined) throw new Error(`${user} is not running in this process`)
  return p
}

/** Run `count` jobs, at most `inFlight` at once, in order of start. */
async function bounded(count: number, inFlight: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) await job(next++)
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker))
}

const text = (i: number, size: number): string => `${i} `.padEnd(size, 'x')

type Cmd = Record<string, unknown> & { cmd: string; tag?: string }

const handlers: Record<string, (c: Cmd) => Promise<object>> = {
  api: async c => {
    try {
      const reply = await dispatch(peerOf(c.user as string), c.req as Command<PeerCommandName>)
      return { event: 'reply', ok: true, reply }
    } catch (err) {
      const e = err as { code?: string; message: string; retryAfterMs?: number }
      return {
        event: 'reply',
        ok: false,
        error: { code: e.code, message: e.message, retryAfterMs: e.retryAfterMs }
      }
    }
  },
  'group-send': async c => {
    const peer = peerOf(c.user as string)
    const sends: Array<[string, number]> = new Array(c.count as number)
    await bounded(c.count as number, c.inFlight as number, async i => {
      const t = now()
      const r = await dispatch(peer, {
        cmd: 'group-msg',
        group: c.group as string,
        text: text(i, c.size as number)
      })
      sends[i] = [r.messageId, t]
    })
    return { event: 'group-sent', sends, doneAt: now() }
  },
  'chat-fanout': async c => {
    // The naive design: the sender sends message i to each member itself, one `msg` per member.
    const peer = peerOf(c.user as string)
    const to = c.to as string[]
    const count = c.count as number
    const expected = count * to.length
    const index = new Map<string, number>()
    const early = new Map<string, number>()
    const deliveries: Array<[number, number]> = []
    let allDelivered: () => void = () => {}
    const done = new Promise<void>(resolve => {
      allDelivered = resolve
    })
    const onDelivered = (e: CustomEvent<EventDetails['delivered']>): void => {
      const t = now()
      const i = index.get(e.detail.messageId)
      // `delivered` can come before `msg`'s reply reaches us: match it once the id is known.
      if (i === undefined) early.set(e.detail.messageId, t)
      else {
        index.delete(e.detail.messageId)
        deliveries.push([i, t])
      }
      if (deliveries.length === expected) allDelivered()
    }
    peer.addEventListener('delivered', onDelivered)
    const sends: Array<[number, number]> = []
    await bounded(count, c.inFlight as number, async i => {
      const t = now()
      sends.push([i, t])
      const replies = await Promise.all(
        to.map(user => dispatch(peer, { cmd: 'msg', to: user, text: text(i, c.size as number) }))
      )
      for (const r of replies) {
        const at = early.get(r.messageId)
        if (at === undefined) index.set(r.messageId, i)
        else {
          early.delete(r.messageId)
          deliveries.push([i, at])
        }
      }
      if (deliveries.length === expected) allDelivered()
    })
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([done, new Promise(resolve => (timer = setTimeout(resolve, c.timeoutMs as number)))])
    clearTimeout(timer)
    peer.removeEventListener('delivered', onDelivered)
    return { event: 'chat-done', sends, deliveries, missing: expected - deliveries.length }
  },
  'await-group': async c => {
    const group = c.group as string
    const count = c.count as number
    const counts = (): Record<string, number> =>
      Object.fromEntries((c.users as string[]).map(u => [u, seen.get(u)?.group.get(group)?.size ?? 0]))
    const complete = (): boolean => Object.values(counts()).every(n => n >= count)
    if (!complete()) {
      await new Promise<void>(resolve => {
        const timer = setTimeout(finish, c.timeoutMs as number)
        // Checking every user on every event is O(users); counting down is not worth the bookkeeping here.
        let pending = false
        const check = (): void => {
          if (pending) return
          pending = true
          setImmediate(() => {
            pending = false
            if (complete()) finish()
          })
        }
        function finish(): void {
          clearTimeout(timer)
          onGroupMessage.delete(check)
          resolve()
        }
        onGroupMessage.add(check)
      })
    }
    return { event: 'awaited', counts: counts() }
  },
  report: async c => {
    const group = c.group as string
    const users: Record<string, { ids: string[]; times: number[]; dups: number }> = {}
    for (const user of c.users as string[]) {
      const s = seen.get(user)
      const ids = s?.group.get(group) ?? new Map<string, number>()
      users[user] = { ids: [...ids.keys()], times: [...ids.values()], dups: s?.groupDups.get(group) ?? 0 }
    }
    return { event: 'report', users }
  },
  'chat-report': async c => {
    const from = c.from as string
    const users: Record<string, { distinct: number; dups: number }> = {}
    for (const user of c.users as string[]) {
      const s = seen.get(user)
      users[user] = { distinct: s?.chat.get(from)?.size ?? 0, dups: s?.chatDups.get(from) ?? 0 }
    }
    return { event: 'chat-report', users }
  },
  views: async c => {
    // Each member's own idea of who is in the group (what it checks posts and sync requests against),
    // read directly: the `groups` command would refresh it from the tracker.
    const users: Record<string, { members: number; has: boolean }> = {}
    for (const user of c.users as string[]) {
      const list = peerOf(user).social.groups.members(c.group as string) ?? []
      users[user] = { members: list.length, has: list.some(m => m.user === c.member) }
    }
    return { event: 'views', users }
  },
  settled: async c => {
    await peerOf(c.user as string).social.groupService.settled()
    return { event: 'settled' }
  },
  'stop-user': async c => {
    await peerOf(c.user as string).stop()
    peers.delete(c.user as string)
    return { event: 'stopped' }
  },
  'start-user': async c => {
    // The member comes back on its old data directory and catches up from whoever is online.
    const user = c.user as string
    const group = c.group as string
    const count = c.count as number
    const s = seen.get(user)
    s?.group.delete(group)
    s?.groupDups.delete(group)
    const t0 = now()
    let completeAt: number | undefined
    const have = (): number => seen.get(user)?.group.get(group)?.size ?? 0
    const reached = new Promise<void>(resolve => {
      const check = (): void => {
        if (have() >= count) {
          completeAt ??= now()
          onGroupMessage.delete(check)
          resolve()
        }
      }
      onGroupMessage.add(check)
      setTimeout(() => {
        onGroupMessage.delete(check)
        resolve()
      }, c.timeoutMs as number)
    })
    await startUser(user, false)
    const startMs = now() - t0
    await reached
    // Late repeats would show up here.
    await new Promise(resolve => setTimeout(resolve, c.graceMs as number))
    return {
      event: 'caught-up',
      ms: completeAt === undefined ? null : completeAt - t0,
      startMs,
      distinct: have(),
      dups: seen.get(user)?.groupDups.get(group) ?? 0
    }
  },
  now: async () => ({ event: 'now', offset, drift: clockOffset() - offset })
}

const users = values.users.split(',').filter(u => u !== '')
const began = now()
await bounded(users.length, Number(values.concurrency), async i => {
  await startUser(users[i], true)
})
emit({ event: 'ready', count: peers.size, ms: Math.round(now() - began), pid: process.pid })

createInterface({ input: process.stdin }).on('line', line => {
  let c: Cmd
  try {
    c = JSON.parse(line)
  } catch {
    emit({ event: 'error', message: `not JSON: ${line.slice(0, 80)}` })
    return
  }
  if (c.cmd === 'quit') {
    Promise.allSettled([...peers.values()].map(p => p.stop())).finally(() => process.exit(0))
    return
  }
  const handler = handlers[c.cmd]
  if (handler === undefined) {
    emit({ event: 'error', tag: c.tag, message: `unknown command ${c.cmd}` })
    return
  }
  handler(c).then(
    out => emit({ ...out, tag: c.tag }),
    err => emit({ event: 'error', tag: c.tag, message: (err as Error).message })
  )
})
