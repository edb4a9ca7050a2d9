/**
 * A peer for bench:chat: a real PeerClient (own data directory, tracker login, direct chat) driven by
 * JSON lines on stdin. `--echo` replies to every message with the same text.
 *   {"cmd":"pingpong","to":"bob","count":N,"size":100} → {"event":"pingpong","rtts":[ms…]}
 *   {"cmd":"first","to":"carol"}                       → {"event":"first","ms":…} (msg → delivered)
 *   {"cmd":"flood","to":"bob","count":N,"size":100}    → {"event":"flood","ms":…} (all delivered)
 */
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { PeerClient } from '../../peer/core/peer-client.ts'

const { values } = parseArgs({
  options: {
    tracker: { type: 'string' },
    user: { type: 'string' },
    data: { type: 'string' },
    echo: { type: 'boolean', default: false }
  }
})
const emit = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`)
}
const peer = new PeerClient({
  tracker: values.tracker!,
  user: values.user!,
  password: 'bench-password',
  register: true,
  dataDir: values.data!,
  listen: ['/ip4/127.0.0.1/tcp/0']
})
if (values.echo) {
  peer.addEventListener('message', e => {
    peer
      .send(e.detail.from, e.detail.text)
      .catch(err => emit({ event: 'error', message: (err as Error).message }))
  })
}
await peer.start()
emit({ event: 'ready' })

const waitFor = <T>(type: 'message' | 'delivered' | 'joined', match: (d: T) => boolean): Promise<T> =>
  new Promise(resolve => {
    const listener = (e: Event): void => {
      const d = (e as CustomEvent<T>).detail
      if (match(d)) {
        peer.removeEventListener(type, listener)
        resolve(d)
      }
    }
    peer.addEventListener(type, listener)
  })

async function run(cmd: {
  cmd: string
  to: string
  count?: number
  size?: number
  tag?: string
}): Promise<void> {
  const tag = cmd.tag
  const text = 'x'.repeat(cmd.size ?? 100)
  // Wait until the tracker has told us the recipient is online.
  if (!peer.who().some(u => u.user === cmd.to))
    await waitFor<{ user: string }>('joined', u => u.user === cmd.to)
  if (cmd.cmd === 'pingpong') {
    const rtts: number[] = []
    for (let i = 0; i < (cmd.count ?? 1000); i++) {
      const start = performance.now()
      // The round trip ends when the echo is shown, not when our own copy reaches the disk.
      const replyAt = waitFor<{ from: string }>('message', m => m.from === cmd.to).then(() =>
        performance.now()
      )
      await peer.send(cmd.to, text)
      rtts.push((await replyAt) - start)
    }
    emit({ event: 'pingpong', tag, rtts })
  } else if (cmd.cmd === 'first') {
    const start = performance.now()
    const { messageId } = await peer.send(cmd.to, text)
    await waitFor<{ messageId: string }>('delivered', d => d.messageId === messageId)
    emit({ event: 'first', tag, ms: performance.now() - start })
  } else if (cmd.cmd === 'flood') {
    const count = cmd.count ?? 1000
    const start = performance.now()
    // Like a script that writes many `msg` commands without waiting: the stores coalesce.
    const delivered = new Set<string>()
    let allDelivered: () => void = () => {}
    const done = new Promise<void>(resolve => {
      allDelivered = resolve
    })
    const onDelivered = (e: Event): void => {
      delivered.add((e as CustomEvent<{ messageId: string }>).detail.messageId)
      if (delivered.size === count) allDelivered()
    }
    peer.addEventListener('delivered', onDelivered)
    await Promise.all(Array.from({ length: count }, () => peer.send(cmd.to, text)))
    await done
    peer.removeEventListener('delivered', onDelivered)
    emit({ event: 'flood', tag, ms: performance.now() - start, count })
  } else if (cmd.cmd === 'quit') {
    await peer.stop()
    process.exit(0)
  }
}

let chain = Promise.resolve()
createInterface({ input: process.stdin }).on('line', line => {
  chain = chain
    .then(() => run(JSON.parse(line)))
    .catch(err => emit({ event: 'error', message: (err as Error).message }))
})
