/**
 * Baselines for bench:chat, each a separate process:
 *   --mode echo    --port 0           TCP server echoing fixed-size messages (prints {"port"})
 *   --mode ping    --port P --count N  client: N sequential round trips of --size bytes (prints {"rtts"})
 *   --mode relay   --port 0           the classic design: a server forwarding each message to the other client
 *   --mode relay-echo --port P         relay client that echoes what it receives back through the relay
 *   --mode relay-ping --port P --count N
 * Every message is --size bytes; a relayed one carries no header: the relay forwards to "the other one".
 */

import type { Socket } from 'node:net'
import { createConnection, createServer } from 'node:net'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    port: { type: 'string', default: '0' },
    count: { type: 'string', default: '1000' },
    size: { type: 'string', default: '100' }
  }
})
const size = Number(values.size)
const count = Number(values.count)
const port = Number(values.port)
const emit = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`)
}

/** Call `onMessage` for every complete `size`-byte message arriving on `socket`. */
function framed(socket: Socket, onMessage: (msg: Buffer) => void): void {
  socket.setNoDelay(true)
  let buf = Buffer.alloc(0)
  socket.on('data', chunk => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
    while (buf.length >= size) {
      onMessage(buf.subarray(0, size))
      buf = buf.subarray(size)
    }
  })
}

function listen(onSocket: (s: Socket) => void): void {
  const server = createServer(onSocket)
  server.listen(port, '127.0.0.1', () => {
    const addr = server.address()
    emit({ port: typeof addr === 'object' && addr !== null ? addr.port : 0 })
  })
}

function pingPong(socket: Socket): void {
  const rtts: number[] = []
  const payload = Buffer.alloc(size, 7)
  let start = 0
  framed(socket, () => {
    rtts.push(performance.now() - start)
    if (rtts.length === count) {
      emit({ rtts })
      socket.end()
      process.exit(0)
    }
    start = performance.now()
    socket.write(payload)
  })
  start = performance.now()
  socket.write(payload)
}

switch (values.mode) {
  case 'echo':
    listen(s => framed(s, msg => s.write(msg)))
    break
  case 'ping': {
    const s = createConnection(port, '127.0.0.1', () => pingPong(s))
    break
  }
  case 'relay': {
    const clients: Socket[] = []
    listen(s => {
      clients.push(s)
      s.on('close', () => clients.splice(clients.indexOf(s), 1))
      framed(s, msg => {
        for (const other of clients) if (other !== s) other.write(msg)
      })
    })
    break
  }
  case 'relay-echo': {
    const s = createConnection(port, '127.0.0.1', () => {
      framed(s, msg => s.write(msg))
      emit({ ready: true })
    })
    break
  }
  case 'relay-ping': {
    const s = createConnection(port, '127.0.0.1', () => pingPong(s))
    break
  }
  default:
    process.stderr.write('tcp-baselines: --mode echo|ping|relay|relay-echo|relay-ping\n')
    process.exit(2)
}
