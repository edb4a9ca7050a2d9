import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Server, TLSSocket } from 'node:tls'
import { connect, createServer } from 'node:tls'
import { Worker } from 'node:worker_threads'
import {
  FILE_BULK_ACCEPT_TIMEOUT_MS,
  FILE_BULK_CIPHERS,
  FILE_BULK_CONNECT_TIMEOUT_MS
} from '../../src/protocol/constants.ts'

/** Bytes in a bulk key: a fresh random AES-256-strength secret per transfer. */
export const BULK_KEY_BYTES = 32

const TLS_OPTIONS = { ciphers: FILE_BULK_CIPHERS, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const

/**
 * The receiver's side of the bulk path: a one-shot TLS listener that completes a handshake only with
 * the transfer's pre-shared key (identity: the transferId), hands over the first connection that does,
 * and closes. Nothing is read from a connection before its handshake proves it knows the key, so no
 * byte from anyone else reaches the file.
 */
export class BulkListener {
  readonly key = randomBytes(BULK_KEY_BYTES)
  readonly #server: Server
  readonly #socket = Promise.withResolvers<TLSSocket>()
  readonly #timer: ReturnType<typeof setTimeout>
  #closed = false

  private constructor(identity: string) {
    this.#server = createServer({
      ...TLS_OPTIONS,
      pskCallback: (_socket, id) => (id === identity ? this.key : null),
      handshakeTimeout: FILE_BULK_ACCEPT_TIMEOUT_MS
    })
    // Strangers and wrong keys fail their handshake; a few at once is plenty for one sender.
    this.#server.maxConnections = 4
    this.#server.on('tlsClientError', () => {})
    this.#server.on('secureConnection', socket => {
      if (this.#closed) {
        socket.destroy()
        return
      }
      this.#socket.resolve(socket)
      this.close()
    })
    this.#socket.promise.catch(() => {})
    this.#timer = setTimeout(() => this.close(), FILE_BULK_ACCEPT_TIMEOUT_MS)
    this.#timer.unref()
  }

  /** Listen on `host` (all interfaces by default), any free port. */
  static async open(identity: string, host = '::'): Promise<BulkListener> {
    const listener = new BulkListener(identity)
    await new Promise<void>((resolve, reject) => {
      listener.#server.once('error', reject)
      listener.#server.listen(0, host, () => {
        listener.#server.off('error', reject)
        resolve()
      })
    })
    return listener
  }

  get port(): number {
    return (this.#server.address() as AddressInfo | null)?.port ?? 0
  }

  /** The sender's authenticated connection; rejects once the listener closed without one. */
  accepted(): Promise<TLSSocket> {
    return this.#socket.promise
  }

  /** Stop listening (an accepted connection stays open). */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearTimeout(this.#timer)
    this.#server.close()
    this.#socket.reject(new Error('the bulk listener closed before the sender connected'))
  }
}

/**
 * The sender's side: reach the receiver's bulk listener at `host:port` and complete the handshake with
 * the key from its answer (which also proves the listener is the receiver's). Rejects after
 * FILE_BULK_CONNECT_TIMEOUT_MS or when `signal` aborts; the caller then sends as data frames.
 */
export function connectBulk(
  host: string,
  port: number,
  identity: string,
  key: Uint8Array,
  signal: AbortSignal
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      ...TLS_OPTIONS,
      host,
      port,
      pskCallback: () => ({ psk: Buffer.from(key), identity }),
      // No certificate: the server proves itself by completing the handshake with the key.
      checkServerIdentity: () => undefined
    })
    const fail = (err: Error): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      socket.destroy()
      reject(err)
    }
    const onAbort = (): void => fail(new Error('aborted'))
    const timer = setTimeout(
      () => fail(new Error(`no bulk connection within ${FILE_BULK_CONNECT_TIMEOUT_MS} ms`)),
      FILE_BULK_CONNECT_TIMEOUT_MS
    )
    signal.addEventListener('abort', onAbort, { once: true })
    socket.once('error', fail)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      socket.off('error', fail)
      // From here its errors show in writes and 'close' (the transfer decides); never an uncaught event.
      socket.on('error', () => {})
      resolve(socket)
    })
  })
}

/**
 * A few equal buffers handed out in turn, for the sender's reads: the next chunk goes into a buffer the
 * socket is done with instead of a fresh one per MiB (which cost page faults and garbage collections,
 * a third of the sender's time on the bulk path). `take` waits while all are in use.
 */
export class BufferPool {
  readonly bytes: number
  readonly #free: Buffer[]
  readonly #waiting: Array<(b: Buffer) => void> = []

  constructor(count: number, bytes: number) {
    this.bytes = bytes
    this.#free = Array.from({ length: count }, () => Buffer.allocUnsafeSlow(bytes))
  }

  /** A free buffer of `bytes`; rejects when `signal` aborts first. */
  take(signal: AbortSignal): Promise<Buffer> {
    const b = this.#free.pop()
    if (b !== undefined) return Promise.resolve(b)
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#waiting.indexOf(got)
        if (i >= 0) this.#waiting.splice(i, 1)
        reject(signal.reason)
      }
      const got = (buf: Buffer): void => {
        signal.removeEventListener('abort', onAbort)
        resolve(buf)
      }
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
      this.#waiting.push(got)
    })
  }

  /** Hand back a buffer from `take` (or a view from its start). */
  give(view: Uint8Array): void {
    const buf = Buffer.from(view.buffer, 0, this.bytes)
    const next = this.#waiting.shift()
    if (next !== undefined) next(buf)
    else this.#free.push(buf)
  }
}

/** The IP address in a multiaddr (`/ip4/…` or `/ip6/…`), or undefined (DNS names, circuits). */
export function ipOf(addr: { getComponents(): Array<{ name: string; value?: string }> }): string | undefined {
  const c = addr.getComponents()
  if (c.some(x => x.name === 'p2p-circuit')) return undefined
  return c.find(x => x.name === 'ip4' || x.name === 'ip6')?.value
}

/** Messages to the bulk receiver's thread (bulk-worker.ts). */
export type ToBulkWorker =
  | { op: 'open'; id: string; identity: string; host: string }
  /** Receive from `offset` (after truncating the part when `fresh`) to `size` into descriptor `fd`. */
  | { op: 'start'; id: string; fd: number; offset: number; size: number; fresh: boolean }
  | { op: 'stop'; id: string }

/** Messages from it; `crashed` is made up here when the thread itself fails. */
export type FromBulkWorker =
  | { op: 'listening'; id: string; port: number; key: Uint8Array<ArrayBuffer> }
  | { op: 'open-failed'; id: string; message: string }
  | { op: 'progress'; id: string; bytes: number }
  /** Every byte up to the size is written (not yet synced); the SHA-256 of the whole part. */
  | { op: 'done'; id: string; sha256: Uint8Array }
  /** The connection ended before the last byte (or never came); `bytes`: how far the part is written. */
  | { op: 'ended'; id: string; bytes: number; error?: string }
  | { op: 'failed'; id: string; code: 'SIZE_MISMATCH' | 'WRITE'; errno?: string; message: string }
  | { op: 'stopped'; id: string }
  | { op: 'crashed'; id: string; message: string }

/** What a receive hears from the bulk thread once started. */
export interface BulkReceiveEvents {
  progress(bytes: number): void
  done(sha256: Buffer): void
  ended(bytes: number, error?: string): void
  failed(code: 'SIZE_MISMATCH' | 'WRITE', errno: string | undefined, message: string): void
}

interface SharedWorker {
  worker: Worker
  handlers: Map<string, (m: FromBulkWorker) => void>
  idle?: ReturnType<typeof setTimeout>
}
/** A bulk thread with no receive left ends after this long (the next transfer often follows). */
const BULK_WORKER_IDLE_MS = 10_000
/** The one bulk thread of this process, while any bulk receive uses it. */
let shared: SharedWorker | undefined
let nextReceiveId = 0

/** Compiled, the worker is .js next to this file; run from source (tests), the .ts itself. */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './bulk-worker.ts' : './bulk-worker.js', import.meta.url)
}

function useWorker(id: string, handler: (m: FromBulkWorker) => void): Worker {
  if (shared === undefined) {
    const worker = new Worker(workerUrl())
    // It never keeps the process alive; a peer that stops stops its receives first anyway.
    worker.unref()
    const handlers = new Map<string, (m: FromBulkWorker) => void>()
    const me: SharedWorker = { worker, handlers }
    worker.on('message', (m: FromBulkWorker) => handlers.get(m.id)?.(m))
    const crashed = (message: string): void => {
      if (shared === me) shared = undefined
      for (const [hid, h] of [...handlers]) h({ op: 'crashed', id: hid, message })
      handlers.clear()
    }
    worker.on('error', err => crashed(err.message))
    worker.on('exit', code => crashed(`it exited (${code})`))
    shared = me
  }
  clearTimeout(shared.idle)
  shared.handlers.set(id, handler)
  return shared.worker
}

function leaveWorker(id: string): void {
  const s = shared
  if (s === undefined || !s.handlers.delete(id)) return
  if (s.handlers.size > 0) return
  s.idle = setTimeout(() => {
    if (shared === s) shared = undefined
    void s.worker.terminate()
  }, BULK_WORKER_IDLE_MS)
  s.idle.unref()
}

/**
 * One bulk receive, run by the bulk thread (bulk-worker.ts): `open` starts its one-shot listener
 * (port and key go in the answer), `start` hands it the `.part`'s descriptor once the sender said the
 * content comes this way, `stop` ends it — the descriptor may be closed once that resolves.
 */
export class BulkReceive {
  readonly port: number
  readonly key: Uint8Array<ArrayBuffer>
  readonly #id: string
  readonly #worker: Worker
  #events?: BulkReceiveEvents
  #stopped?: Promise<void>
  #onStopped?: () => void
  #dead = false

  private constructor(id: string, worker: Worker, port: number, key: Uint8Array<ArrayBuffer>) {
    this.#id = id
    this.#worker = worker
    this.port = port
    this.key = key
  }

  /** Listen on `host` for the transfer `identity` (its transferId). */
  static open(identity: string, host: string): Promise<BulkReceive> {
    const id = String(++nextReceiveId)
    return new Promise((resolve, reject) => {
      let receive: BulkReceive | undefined
      const worker = useWorker(id, m => {
        if (receive !== undefined) {
          receive.#on(m)
        } else if (m.op === 'listening') {
          receive = new BulkReceive(id, worker, m.port, m.key)
          resolve(receive)
        } else {
          leaveWorker(id)
          reject(new Error('message' in m ? m.message : 'the bulk listener did not open'))
        }
      })
      worker.postMessage({ op: 'open', id, identity, host } satisfies ToBulkWorker)
    })
  }

  start(fd: number, offset: number, size: number, fresh: boolean, events: BulkReceiveEvents): void {
    this.#events = events
    if (this.#dead) {
      events.failed('WRITE', undefined, 'the bulk receiver stopped')
      return
    }
    this.#worker.postMessage({ op: 'start', id: this.#id, fd, offset, size, fresh } satisfies ToBulkWorker)
  }

  /** End it: no more events; resolves once nothing writes to the file any more. Never rejects. */
  stop(): Promise<void> {
    if (this.#stopped !== undefined) return this.#stopped
    this.#events = undefined
    this.#stopped = new Promise(resolve => {
      this.#onStopped = resolve
    })
    if (this.#dead) this.#release()
    else this.#worker.postMessage({ op: 'stop', id: this.#id } satisfies ToBulkWorker)
    return this.#stopped
  }

  #release(): void {
    leaveWorker(this.#id)
    this.#onStopped?.()
  }

  #on(m: FromBulkWorker): void {
    const events = this.#events
    switch (m.op) {
      case 'stopped':
        this.#release()
        return
      case 'crashed':
        this.#dead = true
        if (this.#stopped !== undefined) this.#release()
        else events?.failed('WRITE', undefined, `the bulk receiver stopped: ${m.message}`)
        return
      case 'progress':
        events?.progress(m.bytes)
        return
      case 'done':
        events?.done(Buffer.from(m.sha256))
        return
      case 'ended':
        events?.ended(m.bytes, m.error)
        return
      case 'failed':
        events?.failed(m.code, m.errno, m.message)
        return
    }
  }
}
