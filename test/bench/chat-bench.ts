/**
 * bench:chat — two peer processes exchange 100-byte messages over /p2pchat/chat/1.0.0, and in the same
 * run the same ping-pong goes over a raw TCP socket between two Node processes and through a relay
 * server process (the classic design). Also: time from `msg` on a new contact to `delivered`, and
 * throughput of a burst.
 *
 *   npm run bench:chat -- [--count 2000] [--size 100] [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Child } from './bench-utils.ts'
import {
  benchOptions,
  jsonLine,
  labTrackerArgs,
  percentile,
  printResult,
  round,
  spawnChild,
  trackerAddress
} from './bench-utils.ts'

const HELP = `Usage: npm run bench:chat -- [options]
  --count N    round trips per method (default 2000)
  --size B     message size in bytes (default 100)
  --flood N    messages in the throughput burst (default 5000)
  --firsts K   new contacts timed for the first message (default 5)
  --json       print one JSON object
`
const values = benchOptions(HELP, {
  count: { type: 'string', default: '2000' },
  size: { type: 'string', default: '100' },
  flood: { type: 'string', default: '5000' },
  firsts: { type: 'string', default: '5' }
})
const count = Number(values.count)
const size = Number(values.size)
const flood = Number(values.flood)
const firsts = Number(values.firsts)
if (!(count >= 10 && size >= 1 && size <= 65_536 && flood >= 1 && firsts >= 1)) {
  process.stderr.write(`bench:chat: bad arguments\n${HELP}`)
  process.exit(2)
}
const log = (m: string): void => {
  process.stderr.write(`[bench:chat] ${m}\n`)
}
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url))
const CLI = here('../../src/cli.js')
const NODE = here('./chat-node.js')
const TCP = here('./tcp-baselines.js')
const L2P = here('./libp2p-echo.js')

const dir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-chat-'))
const children: Child[] = []
const json = jsonLine
const start = (script: string, args: string[], label: string): Child => {
  const c = spawnChild(script, args, label)
  children.push(c)
  return c
}
const stats = (rtts: number[]) => {
  const s = [...rtts].sort((a, b) => a - b)
  return { p50: round(percentile(s, 50), 3), p99: round(percentile(s, 99), 3) }
}

try {
  // Raw TCP between two Node processes: the floor.
  const echo = start(TCP, ['--mode', 'echo', '--size', String(size)], 'tcp-echo')
  const echoPort = (await json(echo, o => 'port' in o)).port as number
  const tcpPing = start(
    TCP,
    ['--mode', 'ping', '--port', String(echoPort), '--count', String(count), '--size', String(size)],
    'tcp-ping'
  )
  const raw = stats((await json(tcpPing, o => 'rtts' in o)).rtts as number[])
  log(`raw TCP: p50 ${raw.p50} ms, p99 ${raw.p99} ms`)

  // Relayed through a server process, as the classic designs do.
  const relay = start(TCP, ['--mode', 'relay', '--size', String(size)], 'relay')
  const relayPort = (await json(relay, o => 'port' in o)).port as number
  const relayEcho = start(
    TCP,
    ['--mode', 'relay-echo', '--port', String(relayPort), '--size', String(size)],
    'relay-echo'
  )
  await json(relayEcho, o => o.ready === true)
  const relayPing = start(
    TCP,
    ['--mode', 'relay-ping', '--port', String(relayPort), '--count', String(count), '--size', String(size)],
    'relay-ping'
  )
  const relayed = stats((await json(relayPing, o => 'rtts' in o)).rtts as number[])
  log(`relayed: p50 ${relayed.p50} ms, p99 ${relayed.p99} ms`)

  // The stack's floor: a bare libp2p stream (TCP + Noise + yamux) echoing between two processes.
  const l2pServer = start(L2P, ['--mode', 'server', '--size', String(size)], 'libp2p-echo')
  const l2pAddr = (await json(l2pServer, o => 'addr' in o)).addr as string
  const l2pClient = start(
    L2P,
    ['--mode', 'client', '--addr', l2pAddr, '--count', String(count), '--size', String(size)],
    'libp2p-ping'
  )
  const stack = stats((await json(l2pClient, o => 'rtts' in o)).rtts as number[])
  log(`bare libp2p stream: p50 ${stack.p50} ms, p99 ${stack.p99} ms`)

  // p2pchat: a tracker process and two peer processes chatting directly.
  const tracker = start(CLI, labTrackerArgs(join(dir, 'tracker'), ['--coalesce', '10']), 'tracker')
  const addr = await trackerAddress(tracker)
  const peer = (user: string, echoes: boolean): Child =>
    start(
      NODE,
      ['--tracker', addr, '--user', user, '--data', join(dir, user), ...(echoes ? ['--echo'] : [])],
      user
    )
  const alice = peer('alice', false)
  const bob = peer('bob', true)
  await Promise.all([json(alice, o => o.event === 'ready'), json(bob, o => o.event === 'ready')])

  // First message to new contacts: dial, Noise, muxer, protocol negotiation, message, ack.
  const firstMs: number[] = []
  for (let k = 0; k < firsts; k++) {
    const contact = peer(`contact${k}`, false)
    await json(contact, o => o.event === 'ready')
    alice.send({ cmd: 'first', to: `contact${k}`, tag: `f${k}` })
    firstMs.push((await json(alice, o => o.tag === `f${k}`)).ms as number)
  }
  log(`first message to a new contact: ${firstMs.map(m => round(m, 1)).join(', ')} ms`)

  // Warm-up, then the measured ping-pong.
  alice.send({ cmd: 'pingpong', to: 'bob', count: 50, size, tag: 'warmup' })
  await json(alice, o => o.tag === 'warmup')
  alice.send({ cmd: 'pingpong', to: 'bob', count, size, tag: 'measured' })
  const chat = stats((await json(alice, o => o.tag === 'measured')).rtts as number[])
  log(`p2pchat: p50 ${chat.p50} ms, p99 ${chat.p99} ms`)

  // To a contact that does not echo, so only alice's messages and their acks are on the wire.
  alice.send({ cmd: 'flood', to: 'contact0', count: flood, size, tag: 'flood' })
  const f = await json(alice, o => o.tag === 'flood')
  const msgsPerSec = round(flood / ((f.ms as number) / 1000), 0)
  log(`burst: ${flood} messages delivered in ${round(f.ms as number, 0)} ms = ${msgsPerSec} msg/s`)

  const result = {
    count,
    size,
    p50Ms: chat.p50,
    p99Ms: chat.p99,
    rawTcpP50Ms: raw.p50,
    rawTcpP99Ms: raw.p99,
    relayP50Ms: relayed.p50,
    relayP99Ms: relayed.p99,
    libp2pStreamP50Ms: stack.p50,
    libp2pStreamP99Ms: stack.p99,
    p99ToRawTcp: round(chat.p99 / raw.p99, 2),
    msgsPerSec,
    firstMessageMs: round(
      percentile(
        [...firstMs].sort((a, b) => a - b),
        50
      ),
      2
    ),
    firstMessageMaxMs: round(Math.max(...firstMs), 2)
  }
  printResult('bench:chat', result, values.json === true)
} finally {
  for (const c of children) c.kill()
  await rm(dir, { recursive: true, force: true })
}
process.exit(0)
