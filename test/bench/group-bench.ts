/**
 * bench:group — one member posts M messages to a group of N; every other online member times each
 * arrival. Baseline in the same run: the same sender sends messages to each member one to one (`msg`),
 * the fan-out done by the sender. Then a member that was offline the whole run comes back after the
 * sender has left for good and catches up from the others.
 *
 *   npm run bench:group -- [--members 50] [--messages 1000] [--json]
 *
 * Method. The tracker CLI (scrypt 2^10, mDNS off) and the members as real PeerClients driven through
 * the API's dispatch (test/bench/group-bench-node.ts): the sender in one process, the offline member in
 * another, the receivers spread over --procs processes (0: all members in one). The owner (the sender)
 * creates the group and invites everyone (waiting out the tracker's RATE_LIMITED), each member joins.
 * A warm-up (20 posts in a separate open group without the offline member; one `msg` to each member)
 * opens the connections and streams first. Then:
 * - group: the sender runs M `group-msg`, each sent when the previous one's reply came (stored), or
 *   with --in-flight K commands waiting. Each receiver records every `group-message` with its arrival
 *   time; delay = arrival − the moment `group-msg` was given. Times are each process's high-resolution
 *   clock put onto the system clock they share (`clockCorrectionMs`, `clockDriftMs`).
 *   `msgsPerSec` = M / (last arrival at the last member − first send). `lost` counts, after every
 *   member has all M or the phase's time limit passed, the posts a member never showed; `duplicates`
 *   the events for a messageId that member had already shown (after the sender's pushes settled).
 * - baseline: message i goes to each online member with one `msg` each, all N−2 given at once, the next
 *   message when their replies came; delay = `delivered` − the moment message i was given (one
 *   clock). Default B = M/4 messages (rounded up), to keep the run within ~3 minutes.
 * - catch-up: the sender stops; the member that was offline since before the warm-up starts again on
 *   its data directory; `catchUpMs` = from its start until it has shown all M posts, then 1 s more
 *   to count late repeats.
 * `senderCpuPct` and `receiversCpuPct` (utime+stime from /proc, % of one core) show who was busy.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Child } from './bench-utils.ts'
import {
  benchOptions,
  cpuSeconds,
  jsonLine,
  labTrackerArgs,
  percentile,
  printResult,
  round,
  sleep,
  spawnChild,
  trackerAddress
} from './bench-utils.ts'

const HELP = `Usage: npm run bench:group -- [options]
  --members N            group members, sender and offline member included (default 50, 3–1000)
  --messages M           group messages the sender posts (default 1000)
  --baseline-messages B  messages of the one-to-one baseline, each sent to every online member
                         (default: a quarter of --messages, rounded up)
  --in-flight K          messages the sender has waiting for their command's reply (default 1:
                         each \`group-msg\` is sent when the previous one is stored)
  --procs P              processes the receiving members are spread over (default 2); the sender
                         and the offline member have one process each. 0: every member in one
                         process
  --size B               message size in bytes (default 100)
  --json                 print one JSON object
`
const values = benchOptions(HELP, {
  members: { type: 'string', default: '50' },
  messages: { type: 'string', default: '1000' },
  'baseline-messages': { type: 'string' },
  'in-flight': { type: 'string', default: '1' },
  procs: { type: 'string', default: '2' },
  size: { type: 'string', default: '100' }
})
const members = Number(values.members)
const messages = Number(values.messages)
const baselineMessages = Number(values['baseline-messages'] ?? Math.ceil(messages / 4))
const inFlight = Number(values['in-flight'])
const procs = Number(values.procs)
const size = Number(values.size)
const int = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max
if (
  !(
    int(members, 3, 1000) &&
    int(messages, 1, 100_000) &&
    int(baselineMessages, 1, 100_000) &&
    int(inFlight, 1, 1024) &&
    int(procs, 0, 64) &&
    int(size, 8, 65_536)
  )
) {
  process.stderr.write(`bench:group: bad arguments\n${HELP}`)
  process.exit(2)
}
const log = (m: string): void => {
  process.stderr.write(`[bench:group] ${m}\n`)
}
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url))
const CLI = here('../../src/cli.js')
const NODE = here('./group-bench-node.js')

/** Warm-up posts (in a group of their own, so the offline member's catch-up is the M alone). */
const WARMUP_POSTS = 20
/** The tracker's default member cap; above it the bench raises `--group-member-cap`. */
const DEFAULT_MEMBER_CAP = 100
/** Time for setting-up steps (start-up, invitations, presence), generous for a loaded 2-core machine. */
const SETUP_TIMEOUT_MS = 120_000
/**
 * Longest a measured phase may take: 8 ms per (message, member) pair beyond a base, capped (a default
 * run has taken 2.8 ms a pair on a loaded 2-core machine).
 */
const phaseTimeoutMs = (pairs: number): number => Math.min(600_000, 30_000 + pairs * 8)
/** After the last catch-up event, how long to go on listening for repeats. */
const GRACE_MS = 1_000

const dir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-group-'))
const children: Child[] = []
let nextTag = 0
/** RATE_LIMITED answers waited out while setting up. */
let rateLimitedWaits = 0

/** Send a command to a member process and wait for its answer, naming the step if it does not come. */
async function call(
  child: Child,
  cmd: Record<string, unknown>,
  step: string,
  ms = SETUP_TIMEOUT_MS
): Promise<Record<string, unknown>> {
  const tag = `t${nextTag++}`
  child.send({ ...cmd, tag })
  let reply: Record<string, unknown>
  try {
    reply = await jsonLine(child, o => o.tag === tag, ms)
  } catch (err) {
    throw new Error(`${step}: no answer within ${ms} ms (${(err as Error).message.slice(0, 300)})`)
  }
  if (reply.event === 'error') throw new Error(`${step}: ${reply.message}`)
  return reply
}

/**
 * Run an API command as `user` in `child`; a refused command fails the step. RATE_LIMITED is waited out
 * and retried, as a client does (the tracker allows 30 friend and group requests a session, then 3 a
 * second: the owner's invitations meet it above ~30 members).
 */
async function api(child: Child, user: string, req: Record<string, unknown>, step: string) {
  const deadline = Date.now() + SETUP_TIMEOUT_MS
  for (;;) {
    const r = await call(child, { cmd: 'api', user, req }, step)
    if (r.ok === true) return r.reply as Record<string, unknown>
    const error = r.error as { code?: string; retryAfterMs?: number }
    if (error.code !== 'RATE_LIMITED' || Date.now() > deadline) {
      throw new Error(`${step}: ${JSON.stringify(r.error)}`)
    }
    rateLimitedWaits++
    await sleep(error.retryAfterMs ?? 1000)
  }
}

/** Poll `check` every 100 ms until it is true; fail naming `step` after `ms`. */
async function until(step: string, check: () => Promise<boolean>, ms = SETUP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${step}: not done within ${ms} ms`)
    await sleep(100)
  }
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return {
    p50: round(percentile(s, 50), 2),
    p99: round(percentile(s, 99), 2),
    max: round(s.at(-1) ?? NaN, 2)
  }
}

let exitCode = 0
try {
  const began = performance.now()
  const trackerExtra = [
    '--mdns',
    'off',
    '--coalesce',
    '10',
    // Every member signs up from 127.0.0.1 at once; the per-host limits have their own benches.
    '--registration-burst',
    String(members + 10),
    '--pending-handshakes-per-host',
    '256',
    ...(members > DEFAULT_MEMBER_CAP ? ['--group-member-cap', String(members)] : [])
  ]
  const tracker = spawnChild(CLI, labTrackerArgs(join(dir, 'tracker'), trackerExtra), 'tracker')
  children.push(tracker)
  const addr = await trackerAddress(tracker)

  // member0 sends, the last member is the one offline during the run, the rest receive.
  const names = Array.from({ length: members }, (_, i) => `member${i}`)
  const sender = names[0]
  const offline = names[members - 1]
  const receivers = names.slice(1, members - 1)
  const groupsOfProcs = Array.from({ length: Math.min(procs, receivers.length) }, (_, p) =>
    receivers.filter((_, i) => i % procs === p)
  )
  // --procs 0: every member in one process (one event loop for all the libp2p nodes).
  const layout =
    procs === 0
      ? [{ label: 'members', users: names }]
      : [
          { label: 'sender', users: [sender] },
          { label: 'offline', users: [offline] },
          ...groupsOfProcs.map((users, p) => ({ label: `members${p}`, users }))
        ]
  const all = layout.map(({ label, users }) => {
    const c = spawnChild(NODE, ['--tracker', addr, '--dir', dir, '--users', users.join(',')], label)
    // Every command waiting for its answer listens for the process's exit.
    c.proc.setMaxListeners(0)
    children.push(c)
    return c
  })
  const procOf = new Map<string, Child>()
  layout.forEach(({ users }, p) => {
    for (const u of users) procOf.set(u, all[p])
  })
  const senderProc = procOf.get(sender)!
  const offlineProc = procOf.get(offline)!
  /** The processes holding receivers, each with its receivers. */
  const hosts = layout
    .map(({ users }, p) => ({ child: all[p], users: users.filter(u => u !== sender && u !== offline) }))
    .filter(h => h.users.length > 0)
  const memberProcs =
    procs === 0
      ? `all ${members} in 1 process`
      : `sender 1, offline 1, ${receivers.length} receivers in ${hosts.length} (${hosts.map(h => h.users.length).join('+')})`
  const ready = await Promise.all(
    all.map(c =>
      jsonLine(c, o => o.event === 'ready', SETUP_TIMEOUT_MS).catch(err => {
        throw new Error(`starting and logging in the members: ${(err as Error).message.slice(0, 300)}`)
      })
    )
  )
  const loginSeconds = round((performance.now() - began) / 1000, 1)
  log(`${members} members logged in after ${loginSeconds} s (${memberProcs})`)
  if (ready.some((r, p) => r.count !== layout[p].users.length)) {
    throw new Error('starting the members: a process did not start all of its members')
  }
  const pids = ready.map(r => r.pid as number)
  const senderPid = pids[all.indexOf(senderProc)]
  const hostPids = hosts.filter(h => h.child !== senderProc).map(h => pids[all.indexOf(h.child)])
  /** CPU seconds of the sender's process and of the other receivers' processes, to tell who is busy. */
  const cpu = () => ({
    sender: cpuSeconds(senderPid),
    receivers: hostPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)
  })
  /** Since `from`: % of one core used by the sender's process and by the receivers' processes. */
  const cpuPct = (from: ReturnType<typeof cpu>, wallFrom: number) => {
    const to = cpu()
    const seconds = (performance.now() - wallFrom) / 1000
    return {
      sender: round(((to.sender - from.sender) / seconds) * 100, 0),
      receivers: round(((to.receivers - from.receivers) / seconds) * 100, 0)
    }
  }
  await until('waiting for the sender to see every member online', async () => {
    const who = await api(senderProc, sender, { cmd: 'who' }, 'who')
    return (who.users as unknown[]).length === members
  })

  // One group with everyone, invited by the owner; an open warm-up group without the offline member.
  const create = async (name: string, users: string[], open: boolean): Promise<string> => {
    const { group } = (await api(
      senderProc,
      sender,
      { cmd: 'group-create', name, open },
      `creating ${name}`
    )) as {
      group: { group: string }
    }
    const id = group.group
    // One at a time: the owner's session is rate limited anyway, and the order is the same every run.
    if (!open) {
      for (const u of users)
        await api(senderProc, sender, { cmd: 'group-invite', group: id, user: u }, `inviting ${u}`)
    }
    await Promise.all(
      users.map(u => api(procOf.get(u)!, u, { cmd: 'group-join', group: id }, `${u} joining ${name}`))
    )
    // The sender's own view (what it pushes to), kept by the tracker's pushes: read, not refreshed.
    await until(
      `waiting for the sender's view of ${name} to list all ${users.length + 1} members`,
      async () => {
        const r = await call(
          senderProc,
          { cmd: 'views', users: [sender], group: id, member: sender },
          'views'
        )
        return (r.users as Record<string, { members: number }>)[sender].members === users.length + 1
      }
    )
    return id
  }
  const group = await create('bench', [...receivers, offline], false)
  const warm = await create('warm-up', receivers, true)
  if (rateLimitedWaits > 0) log(`setting up waited out ${rateLimitedWaits} RATE_LIMITED answers`)

  // The offline member leaves now, data directory kept, and stays away until the sender is gone.
  await call(offlineProc, { cmd: 'stop-user', user: offline }, `stopping ${offline}`)
  await until(`waiting for the sender to see ${offline} offline`, async () => {
    const who = await api(senderProc, sender, { cmd: 'who' }, 'who')
    return !(who.users as Array<{ user: string }>).some(u => u.user === offline)
  })
  log(`set up in ${round((performance.now() - began) / 1000, 1)} s; ${offline} is offline`)

  // Send and arrival times come from different processes: each puts its high-resolution clock onto
  // the system clock they share (the correction is each one's `offset`; `drift` is how far it has
  // moved since, the error left in a cross-process delay).
  const clocks = await Promise.all(all.map(c => call(c, { cmd: 'now' }, 'clock check')))
  const offsets = clocks.map(c => c.offset as number)
  const clockCorrectionMs = Math.max(...offsets) - Math.min(...offsets)
  const clockDriftMs = Math.max(...clocks.map(c => Math.abs(c.drift as number)))

  // Warm-up: connections, streams and JIT, for both methods.
  const awaitAll = (g: string, count: number, ms: number, step: string) =>
    Promise.all(
      hosts.map(h =>
        call(
          h.child,
          { cmd: 'await-group', users: h.users, group: g, count, timeoutMs: ms },
          step,
          ms + 10_000
        )
      )
    )
  const warmed = awaitAll(warm, WARMUP_POSTS, SETUP_TIMEOUT_MS, 'warm-up posts')
  await call(
    senderProc,
    { cmd: 'group-send', user: sender, group: warm, count: WARMUP_POSTS, size, inFlight: 1 },
    'warm-up posts'
  )
  const warmCounts = (await warmed).flatMap(r => Object.values(r.counts as Record<string, number>))
  if (warmCounts.some(n => n < WARMUP_POSTS)) throw new Error('warm-up posts: not every member got them')
  const warmChat = await call(
    senderProc,
    { cmd: 'chat-fanout', user: sender, to: receivers, count: 1, size, inFlight: 1, timeoutMs: 60_000 },
    'warm-up messages',
    70_000
  )
  if (warmChat.missing !== 0) throw new Error(`warm-up messages: ${warmChat.missing} not delivered in 60 s`)
  await call(senderProc, { cmd: 'settled', user: sender }, 'warm-up pushes settling')

  // The group: the sender posts M messages; every online member records their arrival.
  const groupPairs = messages * receivers.length
  const groupLimit = phaseTimeoutMs(groupPairs)
  log(`group: ${messages} posts to ${receivers.length} online members (${inFlight} in flight)…`)
  const arrived = awaitAll(group, messages, groupLimit, 'group posts arriving')
  const groupCpu0 = cpu()
  const groupWall0 = performance.now()
  const sent = await call(
    senderProc,
    { cmd: 'group-send', user: sender, group, count: messages, size, inFlight },
    'sending the group posts',
    groupLimit
  )
  await arrived
  const groupCpu = cpuPct(groupCpu0, groupWall0)
  // Every push acked (or given up): nothing is still on its way that could arrive twice.
  await call(senderProc, { cmd: 'settled', user: sender }, 'group pushes settling', 60_000)
  const sendAt = new Map((sent.sends as Array<[string, number]>).map(([id, t]) => [id, t]))
  const firstSend = [...sendAt.values()].reduce((a, b) => Math.min(a, b))
  const lastReply = sent.doneAt as number
  const delays: number[] = []
  let lastArrival = firstSend
  let lost = 0
  let duplicates = 0
  let strays = 0
  /** Each member's median delay: a spread between members shows some are served before others. */
  const memberP50s: number[] = []
  for (const h of hosts) {
    const r = await call(h.child, { cmd: 'report', users: h.users, group }, 'collecting arrivals')
    for (const [user, u] of Object.entries(
      r.users as Record<string, { ids: string[]; times: number[]; dups: number }>
    )) {
      duplicates += u.dups
      let distinct = 0
      const mine: number[] = []
      u.ids.forEach((id, k) => {
        const t0 = sendAt.get(id)
        if (t0 === undefined) {
          strays++
          return
        }
        distinct++
        delays.push(u.times[k] - t0)
        mine.push(u.times[k] - t0)
        lastArrival = Math.max(lastArrival, u.times[k])
      })
      if (distinct < messages) log(`${user} has ${distinct} of ${messages} posts`)
      memberP50s.push(stats(mine).p50)
      lost += messages - distinct
    }
  }
  const groupSeconds = (lastArrival - firstSend) / 1000
  const delivery = stats(delays)
  const msgsPerSec = round(messages / groupSeconds, 1)
  log(
    `group: ${msgsPerSec} msg/s (stored at the sender in ${round((lastReply - firstSend) / 1000, 2)} s, last arrival at ${round(groupSeconds, 2)} s), delivery p50 ${delivery.p50} ms p99 ${delivery.p99} ms; lost ${lost}, duplicates ${duplicates}`
  )

  // Baseline: the same sender sends each message to every online member itself, one `msg` each.
  const basePairs = baselineMessages * receivers.length
  const baseLimit = phaseTimeoutMs(basePairs)
  log(`baseline: ${baselineMessages} messages × ${receivers.length} members one to one…`)
  const baseCpu0 = cpu()
  const baseWall0 = performance.now()
  const base = await call(
    senderProc,
    {
      cmd: 'chat-fanout',
      user: sender,
      to: receivers,
      count: baselineMessages,
      size,
      inFlight,
      timeoutMs: baseLimit
    },
    'baseline messages delivered',
    baseLimit + 30_000
  )
  const baseCpu = cpuPct(baseCpu0, baseWall0)
  const baseSendAt = new Map((base.sends as Array<[number, number]>).map(([i, t]) => [i, t]))
  const baseFirst = [...baseSendAt.values()].reduce((a, b) => Math.min(a, b))
  const baseDelays: number[] = []
  let baseLast = baseFirst
  for (const [i, t] of base.deliveries as Array<[number, number]>) {
    baseDelays.push(t - baseSendAt.get(i)!)
    baseLast = Math.max(baseLast, t)
  }
  let baseShown = 0
  let baseDuplicates = 0
  for (const h of hosts) {
    const r = await call(
      h.child,
      { cmd: 'chat-report', users: h.users, from: sender },
      'collecting baseline arrivals'
    )
    for (const u of Object.values(r.users as Record<string, { distinct: number; dups: number }>)) {
      // The warm-up message is one of each member's.
      baseShown += u.distinct - 1
      baseDuplicates += u.dups
    }
  }
  const baseLost = basePairs - (base.deliveries as unknown[]).length
  const baseStats = stats(baseDelays)
  const baselineMsgsPerSec = round(baselineMessages / ((baseLast - baseFirst) / 1000), 1)
  log(
    `baseline: ${baselineMsgsPerSec} msg/s, delivered p50 ${baseStats.p50} ms p99 ${baseStats.p99} ms; not delivered ${baseLost}, shown ${baseShown}/${basePairs}, duplicates ${baseDuplicates}`
  )

  // Who the online members think is in the group: a member that does not list the offline one
  // refuses its catch-up request (NOT_AUTHORIZED).
  let staleViews = 0
  for (const h of hosts) {
    const r = await call(
      h.child,
      { cmd: 'views', users: h.users, group, member: offline },
      'reading the members’ views of the group'
    )
    for (const v of Object.values(r.users as Record<string, { members: number; has: boolean }>)) {
      if (v.members !== members || !v.has) staleViews++
    }
  }
  if (staleViews > 0) {
    log(
      `${staleViews} of ${receivers.length} online members do not list all ${members} members (${offline} among them)`
    )
  }

  // The sender leaves for good; the offline member comes back and catches up from the others.
  await call(senderProc, { cmd: 'stop-user', user: sender }, `stopping ${sender}`)
  await until(`waiting for ${receivers[0]} to see ${sender} offline`, async () => {
    const who = await api(procOf.get(receivers[0])!, receivers[0], { cmd: 'who' }, 'who')
    return !(who.users as Array<{ user: string }>).some(u => u.user === sender)
  })
  const catchUpLimit = phaseTimeoutMs(messages)
  log(`catch-up: ${offline} starts again…`)
  const caught = await call(
    offlineProc,
    { cmd: 'start-user', user: offline, group, count: messages, timeoutMs: catchUpLimit, graceMs: GRACE_MS },
    `${offline} catching up`,
    catchUpLimit + 60_000
  )
  const catchUpLost = messages - (caught.distinct as number)
  const catchUpDuplicates = caught.dups as number
  log(
    `catch-up: ${caught.ms === null ? 'incomplete' : `${round(caught.ms as number, 0)} ms`} (start-up and login ${round(caught.startMs as number, 0)} ms), lost ${catchUpLost}, duplicates ${catchUpDuplicates}`
  )

  const result = {
    members,
    messages,
    inFlight,
    receivers: receivers.length,
    memberProcs,
    msgsPerSec,
    deliveryP50Ms: delivery.p50,
    deliveryP99Ms: delivery.p99,
    deliveryMaxMs: delivery.max,
    memberP50MinMs: round(Math.min(...memberP50s), 2),
    memberP50MaxMs: round(Math.max(...memberP50s), 2),
    senderStoredSeconds: round((lastReply - firstSend) / 1000, 2),
    senderCpuPct: groupCpu.sender,
    receiversCpuPct: groupCpu.receivers,
    duplicates,
    lost,
    catchUpMs: caught.ms === null ? null : round(caught.ms as number, 0),
    catchUpStartMs: round(caught.startMs as number, 0),
    catchUpLost,
    catchUpDuplicates,
    staleViews,
    baselineMessages,
    baselineMsgsPerSec,
    baselineP50Ms: baseStats.p50,
    baselineP99Ms: baseStats.p99,
    baselineMaxMs: baseStats.max,
    baselineLost: baseLost,
    baselineDuplicates: baseDuplicates,
    baselineSenderCpuPct: baseCpu.sender,
    baselineReceiversCpuPct: baseCpu.receivers,
    groupToBaseline: round(msgsPerSec / baselineMsgsPerSec, 2),
    clockCorrectionMs: round(clockCorrectionMs, 3),
    clockDriftMs: round(clockDriftMs, 3),
    loginSeconds,
    totalSeconds: round((performance.now() - began) / 1000, 1)
  }
  printResult('bench:group', result, values.json === true)
  const failures = [
    lost > 0 && `lost ${lost} group posts`,
    duplicates > 0 && `${duplicates} duplicate group-message events`,
    strays > 0 && `${strays} group-message events for posts never sent`,
    catchUpLost > 0 &&
      `the returning member is missing ${catchUpLost} posts (${staleViews} of ${receivers.length} members it could ask did not list every member)`,
    catchUpDuplicates > 0 && `the returning member got ${catchUpDuplicates} duplicates`,
    baseLost > 0 && `baseline: ${baseLost} messages not delivered`,
    baseShown !== basePairs && `baseline: ${baseShown} messages shown to the members, ${basePairs} sent`,
    baseDuplicates > 0 && `baseline: ${baseDuplicates} duplicate message events`
  ].filter(Boolean)
  if (failures.length > 0) {
    process.stderr.write(`bench:group: FAIL: ${failures.join('; ')}\n`)
    exitCode = 1
  }
} catch (err) {
  process.stderr.write(`bench:group: FAIL: ${(err as Error).message}\n`)
  exitCode = 1
} finally {
  // Members log out and stop their nodes; whatever has not exited within 10 s is killed.
  const running = children.slice(1).filter(c => c.proc.exitCode === null && c.proc.signalCode === null)
  for (const c of running) c.send({ cmd: 'quit' })
  await Promise.race([
    Promise.all(running.map(c => new Promise(resolve => c.proc.once('exit', resolve)))),
    sleep(10_000)
  ])
  for (const c of children) c.kill()
  await rm(dir, { recursive: true, force: true })
}
process.exit(exitCode)
