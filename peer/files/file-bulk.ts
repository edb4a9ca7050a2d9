import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Server, TLSSocket } from 'node:tls'
import { connect, createServer } from 'node:tls'
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
