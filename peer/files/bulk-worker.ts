/**
 * The receiving end of the bulk path, on a thread of its own (one per peer, serving all of its bulk
 * receives; started by BulkReceive in file-bulk.ts). Here the TLS connection is read, its bytes hashed
 * and written to the `.part` in order; the event loop that serves chat, the tracker and the file
 * streams only hears progress and the outcome. Two reasons: decrypting and hashing a fast transfer
 * kept that loop busy (chat waited behind it), and its garbage — TLS hands over 16 KiB buffers —
 * made V8 mark the peer's whole heap again and again (0.7 CPU-seconds per GiB), where this thread's
 * heap is tiny.
 *
 * The main thread owns the file handle and passes its descriptor; it closes it only after `stopped`
 * (or `done`/`ended`, which come after the last write). Nothing reaches the file before `start`.
 */
import type { Hash } from 'node:crypto'
import { createHash } from 'node:crypto'
import { ftruncate, read, writev } from 'node:fs'
import type { TLSSocket } from 'node:tls'
import { parentPort } from 'node:worker_threads'
import { FILE_WRITE_HIGH_WATER_BYTES, FILE_WRITE_LOW_WATER_BYTES } from '../../src/protocol/constants.ts'
import { collectGarbage, ReceiveCollector } from './collect.ts'
import type { FromBulkWorker, ToBulkWorker } from './file-bulk.ts'
import { BulkListener } from './file-bulk.ts'
import { MAX_WRITEV_BUFFERS, writevAll } from './writev-all.ts'

/** Reading a resumed part's first bytes to hash them, this much at a time. */
const PREFIX_READ_BYTES = 1024 * 1024
/** At most this often a progress message. */
const PROGRESS_EVERY_MS = 100

/** One young collection per 16 MiB received, a full one per 128 (see ReceiveCollector). */
const collector = new ReceiveCollector(16 * 1024 * 1024, 8)

const port = parentPort
if (port === null) throw new Error('bulk-worker runs as a worker thread')
const post = (m: FromBulkWorker): void => port.postMessage(m)

const writevAt = (fd: number, buffers: Uint8Array[], position: number): Promise<number> =>
  new Promise((resolve, reject) =>
    writev(fd, buffers, position, (err, n) => (err ? reject(err) : resolve(n)))
  )
const readAt = (fd: number, buf: Buffer, position: number): Promise<number> =>
  new Promise((resolve, reject) =>
    read(fd, buf, 0, buf.byteLength, position, (err, n) => (err ? reject(err) : resolve(n)))
  )
const truncate = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => ftruncate(fd, 0, err => (err ? reject(err) : resolve())))

/** One transfer: its listener, then its connection, its hash and its writes. */
class Receive {
  readonly id: string
  readonly #listener: BulkListener
  #socket?: TLSSocket
  #fd = -1
  #size = 0
  #hash?: Hash
  /** File position after the last byte received / after the last byte handed to a write. */
  #received = 0
  #writePos = 0
  #queued: Buffer[] = []
  #pending = 0
  #writing: Promise<void> = Promise.resolve()
  #flushing = false
  #started = false
  /** Set once the outcome is posted (done, ended, failed) or the main thread stopped us. */
  #over = false
  #failed = false
  #noSocket?: string
  #lastProgress = 0

  constructor(id: string, listener: BulkListener) {
    this.id = id
    this.#listener = listener
    listener.accepted().then(
      socket => this.#onSocket(socket),
      err => this.#onNoSocket((err as Error).message)
    )
  }

  async start(fd: number, offset: number, size: number, fresh: boolean): Promise<void> {
    this.#fd = fd
    this.#size = size
    this.#received = offset
    this.#writePos = offset
    const hash = createHash('sha256')
    try {
      if (fresh) await truncate(fd)
      // A resumed part: its first bytes are hashed again here (the main thread's hash state cannot
      // cross threads); until then the connection stays paused.
      const buf = Buffer.allocUnsafe(Math.min(PREFIX_READ_BYTES, Math.max(1, offset)))
      for (let pos = 0; pos < offset && !this.#over; ) {
        const n = await readAt(fd, buf.subarray(0, Math.min(buf.byteLength, offset - pos)), pos)
        if (n === 0) throw new Error('the partial file shrank')
        hash.update(buf.subarray(0, n))
        pos += n
      }
    } catch (err) {
      this.#fail('WRITE', err)
      return
    }
    if (this.#over) return
    this.#hash = hash
    this.#started = true
    if (this.#socket !== undefined) this.#read(this.#socket)
    else if (this.#noSocket !== undefined) this.#end(this.#noSocket)
  }

  /** The main thread is done with this transfer: drop the connection, finish the write in flight. */
  async stop(): Promise<void> {
    this.#over = true
    this.#listener.close()
    this.#socket?.destroy()
    this.#queued = []
    await this.#writing.catch(() => {})
  }

  #onSocket(socket: TLSSocket): void {
    if (this.#over) {
      socket.destroy()
      return
    }
    this.#socket = socket
    // Until `start`, nothing is read: no 'data' listener yet, so the socket stays paused.
    socket.on('error', () => {})
    if (this.#started) this.#read(socket)
    else {
      socket.once('close', () => {
        if (!this.#started) this.#noSocket = 'the bulk connection closed before the transfer started'
      })
    }
  }

  #onNoSocket(message: string): void {
    if (this.#started) this.#end(message)
    else this.#noSocket = message
  }

  #read(socket: TLSSocket): void {
    if (socket.destroyed) {
      this.#end(this.#noSocket ?? 'the bulk connection closed')
      return
    }
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('end', () => this.#end())
    socket.on('close', hadError => this.#end(hadError ? 'the bulk connection broke' : undefined))
  }

  #onData(chunk: Buffer): void {
    if (this.#over) return
    if (this.#received + chunk.byteLength > this.#size) {
      this.#fail('SIZE_MISMATCH', new Error(`the sender sent more than the ${this.#size} bytes it offered`))
      return
    }
    this.#hash!.update(chunk)
    collector.add(chunk.byteLength)
    this.#received += chunk.byteLength
    this.#pending += chunk.byteLength
    this.#queued.push(chunk)
    if (this.#pending > FILE_WRITE_HIGH_WATER_BYTES) this.#socket?.pause()
    this.#kick()
    const now = Date.now()
    if (now - this.#lastProgress >= PROGRESS_EVERY_MS) {
      this.#lastProgress = now
      post({ op: 'progress', id: this.id, bytes: this.#received })
    }
    if (this.#received === this.#size) {
      // Every byte is in: once written, the main thread verifies and publishes.
      this.#over = true
      this.#listener.close()
      this.#socket?.destroy()
      const sha256 = new Uint8Array(this.#hash!.digest())
      this.#writing.then(
        () => post({ op: 'done', id: this.id, sha256 }),
        () => {}
      )
    }
  }

  #kick(): void {
    if (this.#flushing) return
    this.#flushing = true
    this.#writing = this.#writing.then(() => this.#flush())
    this.#writing.catch(err => this.#fail('WRITE', err))
  }

  /** Write what has arrived, one writev per round (what queued meanwhile goes together). */
  async #flush(): Promise<void> {
    try {
      while (this.#queued.length > 0) {
        const batch = this.#queued.splice(0, MAX_WRITEV_BUFFERS)
        for (const b of batch) this.#pending -= b.byteLength
        this.#writePos += await writevAll((b, p) => writevAt(this.#fd, b, p), batch, this.#writePos)
        const socket = this.#socket
        if (this.#pending < FILE_WRITE_LOW_WATER_BYTES && socket?.isPaused() && !this.#over) socket.resume()
      }
    } finally {
      this.#flushing = false
    }
  }

  /** The connection ended before the last byte: write what came, then say how far it got. */
  #end(error?: string): void {
    if (this.#over) return
    this.#over = true
    this.#listener.close()
    this.#writing.then(
      () => post({ op: 'ended', id: this.id, bytes: this.#writePos, error }),
      () => {}
    )
  }

  /** Post the failure once; from then on nothing more is read or written. */
  #fail(code: 'SIZE_MISMATCH' | 'WRITE', err: unknown): void {
    if (this.#failed) return
    this.#failed = true
    this.#over = true
    this.#listener.close()
    this.#socket?.destroy()
    this.#queued = []
    const e = err as NodeJS.ErrnoException
    post({ op: 'failed', id: this.id, code, errno: e.code, message: e.message })
  }
}

const receives = new Map<string, Receive>()

port.on('message', (m: ToBulkWorker) => {
  if (m.op === 'open') {
    BulkListener.open(m.identity, m.host).then(
      listener => {
        receives.set(m.id, new Receive(m.id, listener))
        post({ op: 'listening', id: m.id, port: listener.port, key: new Uint8Array(listener.key) })
      },
      err => post({ op: 'open-failed', id: m.id, message: (err as Error).message })
    )
  } else if (m.op === 'start') {
    const r = receives.get(m.id)
    if (r === undefined) post({ op: 'ended', id: m.id, bytes: m.offset, error: 'no bulk listener' })
    else void r.start(m.fd, m.offset, m.size, m.fresh)
  } else if (m.op === 'stop') {
    const r = receives.get(m.id)
    receives.delete(m.id)
    const stopped = (): void => {
      post({ op: 'stopped', id: m.id })
      // Idle now: give back what the transfers left (the thread lingers a while for the next one).
      if (receives.size === 0) collectGarbage('major')
    }
    if (r === undefined) stopped()
    else r.stop().then(stopped)
  }
})
