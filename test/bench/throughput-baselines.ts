/**
 * Limits for bench:file, measured in the same run:
 *   --mode sink  --port 0            TCP server that reads and discards everything (prints {"port"}),
 *                                    then {"bytes","ms"} when the client closes
 *   --mode source --port P --bytes N  client that writes N bytes as fast as the socket takes them
 *   --mode chacha --bytes N           ChaCha20-Poly1305 over 64 KiB chunks on one core, as Noise does
 *                                    (a fresh cipher, nonce and tag per chunk); prints {"bytes","ms"}
 *   --mode psk-sink / psk-source      the same sink and source over Node's TLS 1.2 with a pre-shared key
 *                                    (--psk HEX, --cipher): the bulk path's candidate (issue 13) — one
 *                                    random key handed over the Noise-authenticated control stream
 *                                    authenticates both ends, no certificate
 */
import { createCipheriv, randomBytes } from 'node:crypto'
import { createConnection, createServer } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    port: { type: 'string', default: '0' },
    bytes: { type: 'string', default: String(1024 ** 3) },
    psk: { type: 'string', default: '' },
    cipher: { type: 'string', default: 'PSK-AES128-GCM-SHA256' }
  }
})
const total = Number(values.bytes)
const emit = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`)
}

/** Noise's largest message carries 65,535 − 16 (tag) bytes of plaintext. */
const NOISE_CHUNK = 65_535 - 16
/** Writes of 1 MiB: large enough that the kernel, not JS, is what limits raw TCP. */
const WRITE_BYTES = 1024 * 1024

const PSK_IDENTITY = 'p2pchat-bench'
const psk = Buffer.from(values.psk ?? '', 'hex')
const tlsOptions = { ciphers: values.cipher, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const

/** Count what arrives on `socket` until the sender ends, then print it and stop `server`. */
function sinkInto(socket: NodeJS.ReadWriteStream & { end(): void }, server: { close(): void }): void {
  let bytes = 0
  let start = 0
  socket.on('data', (chunk: Buffer) => {
    if (bytes === 0) start = performance.now()
    bytes += chunk.byteLength
  })
  socket.on('end', () => {
    emit({ bytes, ms: performance.now() - start })
    socket.end()
    server.close()
  })
}

/** Write `total` bytes in 1 MiB writes as fast as `socket` takes them, then end it. */
function pumpInto(socket: NodeJS.WritableStream & { once(e: 'drain', f: () => void): void }): void {
  const buf = randomBytes(WRITE_BYTES)
  let sent = 0
  const pump = (): void => {
    while (sent < total) {
      const n = Math.min(WRITE_BYTES, total - sent)
      sent += n
      if (!socket.write(n === WRITE_BYTES ? buf : buf.subarray(0, n))) {
        socket.once('drain', pump)
        return
      }
    }
    socket.end()
  }
  pump()
}

if (values.mode === 'psk-sink') {
  const server = createTlsServer({
    ...tlsOptions,
    pskCallback: (_socket: TLSSocket, identity: string) => (identity === PSK_IDENTITY ? psk : null)
  })
  server.on('secureConnection', socket => sinkInto(socket, server))
  server.listen(Number(values.port), '127.0.0.1', () => {
    const addr = server.address()
    emit({ port: typeof addr === 'object' && addr !== null ? addr.port : 0 })
  })
} else if (values.mode === 'psk-source') {
  const socket = tlsConnect({
    ...tlsOptions,
    port: Number(values.port),
    host: '127.0.0.1',
    pskCallback: () => ({ psk, identity: PSK_IDENTITY }),
    checkServerIdentity: () => undefined
  })
  socket.once('secureConnect', () => {
    process.stderr.write(`${socket.getProtocol()} ${socket.getCipher().name}\n`)
    pumpInto(socket)
  })
  socket.on('close', () => process.exit(0))
} else if (values.mode === 'sink') {
  const server = createServer(socket => sinkInto(socket, server))
  server.listen(Number(values.port), '127.0.0.1', () => {
    const addr = server.address()
    emit({ port: typeof addr === 'object' && addr !== null ? addr.port : 0 })
  })
} else if (values.mode === 'source') {
  const socket = createConnection({ port: Number(values.port), host: '127.0.0.1' }, () => pumpInto(socket))
  socket.on('close', () => process.exit(0))
} else if (values.mode === 'chacha') {
  const key = randomBytes(32)
  const plaintext = randomBytes(NOISE_CHUNK)
  const nonce = Buffer.alloc(12)
  const start = performance.now()
  let done = 0
  let n = 0
  while (done < total) {
    nonce.writeUInt32LE(n++, 4)
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    const out = cipher.update(plaintext)
    cipher.final()
    cipher.getAuthTag()
    done += out.byteLength
  }
  emit({ bytes: done, ms: performance.now() - start })
} else {
  process.stderr.write('--mode sink|source|psk-sink|psk-source|chacha\n')
  process.exit(2)
}
