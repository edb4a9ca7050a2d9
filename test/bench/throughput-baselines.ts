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
 *   --out PATH (psk-sink)             also what a receiver must do: SHA-256 every byte, write it to a new
 *                                    file PATH (one writev per round, the same high/low water marks),
 *                                    fsync, then delete it; {"ms"} runs to the fsync
 *   --file PATH (psk-source)          send PATH's content instead of a buffer, read 1 MiB at a time into
 *                                    reused buffers: with --out, the least any bulk path must do
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto'
import { open, unlink } from 'node:fs/promises'
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
    cipher: { type: 'string', default: 'PSK-AES128-GCM-SHA256' },
    out: { type: 'string' },
    file: { type: 'string' }
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

/** Like sinkInto, and hash and write it all to a new file `path` (as a receiver does), fsync, delete. */
async function sinkToFile(socket: TLSSocket, server: { close(): void }, path: string): Promise<void> {
  const HIGH = 8 * 1024 * 1024
  const LOW = 2 * 1024 * 1024
  const handle = await open(path, 'wx')
  const hash = createHash('sha256')
  let bytes = 0
  let start = 0
  let pending = 0
  let queued: Buffer[] = []
  let flushing: Promise<void> | undefined
  let position = 0
  const flush = async (): Promise<void> => {
    while (queued.length > 0) {
      let batch: Uint8Array[] = queued.splice(0, 1024)
      let n = 0
      for (const b of batch) n += b.byteLength
      pending -= n
      while (n > 0) {
        const { bytesWritten } = await handle.writev(batch, position)
        position += bytesWritten
        n -= bytesWritten
        if (n > 0) batch = [Buffer.concat(batch).subarray(bytesWritten)]
      }
      if (pending < LOW && socket.isPaused()) socket.resume()
    }
    flushing = undefined
  }
  socket.on('data', (chunk: Buffer) => {
    if (bytes === 0) start = performance.now()
    hash.update(chunk)
    bytes += chunk.byteLength
    pending += chunk.byteLength
    queued.push(chunk)
    if (pending > HIGH) socket.pause()
    flushing ??= flush()
  })
  socket.on('end', async () => {
    while (flushing !== undefined) await flushing
    await handle.sync()
    await handle.close()
    emit({ bytes, ms: performance.now() - start, sha256: hash.digest('hex') })
    queued = []
    await unlink(path)
    socket.end()
    server.close()
  })
}

/** Send the file at `path` in 1 MiB reads into four reused buffers, then end the socket. */
async function pumpFile(socket: TLSSocket, path: string): Promise<void> {
  const handle = await open(path, 'r')
  const size = (await handle.stat()).size
  const free: Buffer[] = Array.from({ length: 4 }, () => Buffer.allocUnsafeSlow(WRITE_BYTES))
  const waiting: Array<() => void> = []
  const read = async (pos: number): Promise<Buffer> => {
    while (free.length === 0) await new Promise<void>(r => waiting.push(r))
    const buf = free.pop()!.subarray(0, Math.min(WRITE_BYTES, size - pos))
    let got = 0
    while (got < buf.byteLength) {
      got += (await handle.read(buf, got, buf.byteLength - got, pos + got)).bytesRead
    }
    return buf
  }
  let pos = 0
  let next = size > 0 ? read(0) : undefined
  while (next !== undefined) {
    const chunk = await next
    pos += chunk.byteLength
    next = pos < size ? read(pos) : undefined
    const back = (): void => {
      free.push(Buffer.from(chunk.buffer, 0, WRITE_BYTES))
      waiting.shift()?.()
    }
    if (!socket.write(chunk, back)) await new Promise(r => socket.once('drain', r))
  }
  await handle.close()
  socket.end()
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
  server.on('secureConnection', socket => {
    if (values.out === undefined) sinkInto(socket, server)
    else void sinkToFile(socket, server, values.out)
  })
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
    if (values.file === undefined) pumpInto(socket)
    else void pumpFile(socket, values.file)
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
