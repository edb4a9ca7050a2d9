/**
 * A TCP probe run inside a lab namespace (`node probe.js listen|connect …`), printing one JSON line per
 * event on stdout. `probes.ts` drives it; it imports nothing but node:, so Node 24 also runs the .ts as is.
 *
 *   listen HOST PORT            accept connections; to each peer write how it was seen, then close
 *   connect HOST PORT [TIMEOUT_MS] [LOCAL_PORT]
 *                               connect (from LOCAL_PORT if given), write how we are bound, read the
 *                               other side's first line, print the outcome and exit 0 whatever it was
 */
import type { Socket } from 'node:net'
import { connect, createServer } from 'node:net'
import { createInterface } from 'node:readline'

const print = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`)
}

const endpoint = (s: Socket) => ({
  localAddress: s.localAddress,
  localPort: s.localPort,
  remoteAddress: s.remoteAddress,
  remotePort: s.remotePort
})

function listen(host: string, port: number): void {
  const server = createServer(socket => {
    const seen = endpoint(socket)
    print({ event: 'connection', ...seen })
    socket.on('error', () => {})
    socket.end(`${JSON.stringify(seen)}\n`)
  })
  server.on('error', err => {
    print({ event: 'error', code: (err as NodeJS.ErrnoException).code, message: err.message })
    process.exit(1)
  })
  server.listen(port, host, () => {
    const a = server.address()
    print({ event: 'listening', port: typeof a === 'object' && a !== null ? a.port : port })
  })
}

function dial(host: string, port: number, timeoutMs: number, localPort?: number): void {
  const socket = connect({ host, port, localPort })
  let settled = false
  const done = (o: object): void => {
    if (settled) return
    settled = true
    print(o)
    socket.destroy()
    process.exit(0)
  }
  // Once connected, the outcome is `ok` whatever the other side does next (a libp2p listener resets a
  // connection that does not speak multistream-select).
  let self: ReturnType<typeof endpoint> | undefined
  const fail = (code: string) => done(self === undefined ? { ok: false, code } : { ok: true, ...self })
  const timer = setTimeout(() => fail('ETIMEDOUT'), timeoutMs)
  timer.unref()
  socket.on('error', err => fail((err as NodeJS.ErrnoException).code ?? err.message))
  socket.on('connect', () => {
    self = endpoint(socket)
    socket.write(`${JSON.stringify(self)}\n`)
    const lines = createInterface({ input: socket })
    // The other side's view of us (a listen probe), or its own endpoint (the other end of a simultaneous
    // open); none when it closes without a word.
    lines.once('line', line => {
      let received: unknown
      try {
        received = JSON.parse(line)
      } catch {
        // Not a probe at the other end: connected is all there is to say.
      }
      done({ ok: true, ...self, received })
    })
    socket.once('end', () => done({ ok: true, ...self }))
  })
}

const [mode, host, port, a, b] = process.argv.slice(2)
if (mode === 'listen') listen(host, Number(port))
else if (mode === 'connect')
  dial(host, Number(port), Number(a ?? 3_000), b === undefined ? undefined : Number(b))
else {
  process.stderr.write('usage: probe listen HOST PORT | probe connect HOST PORT [TIMEOUT_MS] [LOCAL_PORT]\n')
  process.exit(2)
}
