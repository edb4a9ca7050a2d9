import type { FileHandle } from 'node:fs/promises'
import type { TLSSocket } from 'node:tls'
import type { Stream } from '@libp2p/interface'
import { pEvent } from 'p-event'
import { drained } from '../../src/drain.ts'
import {
  CancelledError,
  ExpiredError,
  errorFromCode,
  FileUnreadableError,
  InterruptedError,
  InvalidMessageError,
  P2PChatError,
  RelayLimitError,
  UnknownUserError
} from '../../src/errors.ts'
import {
  FILE_BULK_BUFFERS,
  FILE_BULK_CHUNK_BYTES,
  FILE_BULK_VERDICT_GRACE_MS,
  FILE_CANCEL_FLUSH_TIMEOUT_MS,
  FILE_CHUNK_BYTES,
  FILE_OFFER_GRACE_MS,
  FILE_PROTOCOL
} from '../../src/protocol/constants.ts'
import type { FileAnswer, FileResult } from '../../src/protocol/pb/file.ts'
import { formatBytes } from '../../src/units.ts'
import { connectionOf, dialUser, plainNetworkError, viaOf } from '../core/dial.ts'
import type { OnlineUser } from '../core/index.ts'
import { BufferPool, connectBulk, ipOf } from './file-bulk.ts'
import { controlFrame, dataFrame, readFrames } from './file-frames.ts'
import { hashRange } from './file-store.ts'
import type { TransferHost, TransferInfo } from './file-types.ts'
import { failTransfer, ProgressReporter } from './file-types.ts'

/** SHA-256 of the first `length` bytes of `handle`, reporting progress; stops when `signal` aborts. */
export async function hashFile(
  handle: FileHandle,
  length: number,
  signal: AbortSignal,
  onProgress?: (bytes: number) => void
): Promise<Buffer> {
  const { hash, bytes } = await hashRange(handle, length, { signal, onProgress })
  if (bytes < length) throw new FileUnreadableError('the file shrank while it was being read')
  return hash.digest()
}

/**
 * Close our side of `stream` after a cancel frame without losing it: flush, send our end, and wait for
 * the receiver to close its side (it does once it has read the cancel). Reset only when that takes
 * longer than `timeoutMs`; never rejects.
 */
async function closeAfterCancel(stream: Stream, timeoutMs: number): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    await stream.close({ signal })
    if (stream.status === 'open' || stream.status === 'closing') {
      await pEvent(stream, 'close', { signal })
    }
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error('the stream closed'))
  }
}

export interface OutgoingInit {
  info: TransferInfo
  handle: FileHandle
  /** The file's SHA-256 when already known (same file, unchanged), else hashed first. */
  knownSha256?: Buffer
  onHashed(sha256: Buffer): void
  offerTimeoutMs: number
}

/**
 * Sending one file: hash, offer, wait for the answer, check the receiver's prefix when it resumes,
 * then stream data frames with backpressure (`send()` false → wait for `drain`), so at most about one
 * chunk plus the muxer's window is in memory whatever the file size or the receiver's speed.
 */
export class OutgoingTransfer {
  readonly info: TransferInfo
  readonly #host: TransferHost
  readonly #init: OutgoingInit
  readonly #abort = new AbortController()
  readonly #answer = Promise.withResolvers<FileAnswer>()
  readonly #result = Promise.withResolvers<FileResult>()
  #stream?: Stream
  /** The bulk connection, when the content goes over it. */
  #bulk?: TLSSocket
  /** Set once a cancel frame is sent: the stream's graceful close (bounded), awaited before the end. */
  #closing?: Promise<void>

  constructor(host: TransferHost, init: OutgoingInit) {
    this.#host = host
    this.#init = init
    this.info = init.info
    // Never left unhandled: whichever of these ends the transfer is awaited; the other may not be.
    this.#answer.promise.catch(() => {})
    this.#result.promise.catch(() => {})
  }

  /** Run to the end; never rejects (failures become `file-failed`). */
  async run(): Promise<void> {
    try {
      await this.#run()
    } catch (err) {
      const e = this.#abort.signal.aborted
        ? (this.#abort.signal.reason as P2PChatError)
        : err instanceof P2PChatError
          ? err
          : new InterruptedError(
              `the connection to ${this.info.peer} broke (${plainNetworkError(err)}); send the same file again to resume`
            )
      failTransfer(this.#host, this.info, e)
      // After a cancel frame the stream must not be reset under it: that would drop the frame, still
      // queued behind data, and the receiver would see a broken connection (INTERRUPTED, part kept).
      this.#bulk?.destroy()
      if (this.#closing !== undefined) await this.#closing
      else this.#stream?.abort(e)
    } finally {
      await this.#init.handle.close().catch(() => {})
    }
  }

  /** Cancel from this side: the receiver is told, and removes its partial file. */
  cancel(): void {
    this.#sendCancel('')
    this.#bulk?.destroy()
    const err = new CancelledError('you cancelled')
    this.#abort.abort(err)
    this.#answer.reject(err)
    this.#result.reject(err)
  }

  /**
   * Tell the receiver we stop (it removes its part) and close the stream gracefully, so the cancel
   * frame, queued behind the data already sent, arrives before the stream ends.
   */
  #sendCancel(message: string): void {
    const stream = this.#stream
    if (stream === undefined || stream.writeStatus !== 'writable' || this.#closing !== undefined) return
    stream.send(controlFrame({ cancel: { message } }))
    this.#closing = closeAfterCancel(stream, FILE_CANCEL_FLUSH_TIMEOUT_MS)
  }

  /**
   * The peer is stopping: break off without cancelling, so the receiver keeps its part for a resume.
   * Also cuts short a cancel still being flushed.
   */
  interrupt(): void {
    const err = new InterruptedError('the sender stopped; send the file again to resume')
    this.#abort.abort(err)
    this.#answer.reject(err)
    this.#result.reject(err)
    this.#stream?.abort(err)
    this.#bulk?.destroy()
  }

  /**
   * The file stream to `target`. Through the tracker's relay only when the whole file fits in what a
   * relayed connection may carry: on a fresh relayed connection when the current one has used too much
   * of its allowance, else RELAY_LIMIT before anything is offered.
   */
  async #open(target: OnlineUser): Promise<Stream> {
    const { node, reversal } = this.#host
    const stream = await dialUser(node, target, FILE_PROTOCOL, { reversal })
    const connection = connectionOf(node, stream)
    const info = this.info
    info.via = connection === undefined ? 'direct' : viaOf(connection)
    const left = connection?.limits?.bytes
    if (info.via !== 'relayed' || left === undefined) return stream
    const needed = relayedBytesFor(info.size)
    if (needed <= left) return stream
    stream.abort(new RelayLimitError('the file does not fit in what this relayed connection has left'))
    const limit = this.#host.relayDataLimit?.() ?? 0
    if (limit > 0 && needed <= limit) {
      // A fresh relayed connection starts with the relay's whole allowance.
      return node.dialProtocol(target.addrs, FILE_PROTOCOL, { runOnLimitedConnection: true, force: true })
    }
    throw new RelayLimitError(
      `${info.peer} and you can only reach each other through the tracker's relay, which carries at most ${formatBytes(limit > 0 ? limit : Number(left))} per connection; ${info.name} is ${formatBytes(info.size)} (${formatBytes(Number(needed))} with framing). A direct connection is needed: a forwarded port or --upnp on either side (docs/nat.md)`
    )
  }

  async #run(): Promise<void> {
    const { info, handle } = this.#init
    const signal = this.#abort.signal
    const progress = new ProgressReporter(this.#host, info)
    let sha256 = this.#init.knownSha256
    if (sha256 === undefined) {
      sha256 = await hashFile(handle, info.size, signal, bytes => progress.report(bytes))
      progress.report(info.size, true)
      this.#init.onHashed(sha256)
    }
    info.sha256 = sha256.toString('hex')

    const target = this.#host.locate(info.peer)
    if (target === undefined) throw new UnknownUserError(`${info.peer} is not online any more`)
    const stream = await this.#open(target)
    this.#stream = stream
    signal.throwIfAborted()
    readFrames(stream, {
      onFrame: frame => {
        if (frame.kind === 'data') throw new InvalidMessageError('the receiver sent file data')
        const { answer, result, cancel } = frame.frame
        if (answer !== undefined) this.#answer.resolve(answer)
        else if (result !== undefined) this.#result.resolve(result)
        else if (cancel !== undefined) {
          const err = new CancelledError(
            `${info.peer} cancelled${cancel.message ? `: ${cancel.message}` : ''}`
          )
          this.#abort.abort(err)
          this.#answer.reject(err)
          this.#result.reject(err)
        }
      },
      onEnd: error => {
        const err = new InterruptedError(
          `the connection to ${info.peer} closed mid-transfer${error ? ` (${plainNetworkError(error)})` : ''}; send the same file again to resume`
        )
        this.#answer.reject(err)
        this.#result.reject(err)
      }
    })
    stream.send(
      controlFrame({
        offer: {
          transferId: info.transferId,
          name: info.name,
          size: info.size,
          sha256: new Uint8Array(sha256)
        }
      })
    )
    info.state = 'offered'

    const waitMs = this.#init.offerTimeoutMs + FILE_OFFER_GRACE_MS
    const expiry = setTimeout(() => {
      this.#answer.reject(
        new ExpiredError(`${info.peer} did not answer within ${Math.round(waitMs / 1000)} s`)
      )
    }, waitMs)
    let answer: FileAnswer
    try {
      answer = await this.#answer.promise
    } finally {
      clearTimeout(expiry)
    }
    if (!answer.accept) {
      const code = answer.error === '' ? 'REJECTED' : answer.error
      const said =
        code === 'REJECTED'
          ? `${info.peer} declined the file`
          : code === 'CANCELLED'
            ? `${info.peer} cancelled`
            : answer.message || `${info.peer} did not accept the file (${code})`
      throw errorFromCode(code, said)
    }

    let offset = 0
    if (answer.offset > 0 && answer.offset <= info.size && answer.prefixSha256.byteLength === 32) {
      // The receiver has a part from before: continue only if it is really the start of this file.
      const prefix = await hashFile(handle, answer.offset, signal)
      if (prefix.equals(answer.prefixSha256)) offset = answer.offset
      else this.#host.log('%s: receiver part does not match our file; starting over', info.transferId)
    }
    // The bulk path when the receiver offered one and we can reach it; else data frames on this stream.
    const bulk = await this.#openBulk(stream, answer)
    stream.send(controlFrame({ start: { offset, bulk: bulk !== undefined } }))
    info.state = 'transferring'
    info.resumedFrom = offset
    this.#host.emit('file-accepted', {
      transferId: info.transferId,
      direction: 'send',
      peer: info.peer,
      offset,
      via: info.via ?? 'direct',
      path: bulk === undefined ? 'stream' : 'bulk'
    })
    progress.phase('transferring', offset)
    if (bulk === undefined) await this.#sendData(stream, offset, progress)
    else await this.#sendBulk(bulk, offset, progress)

    const result = await this.#result.promise
    if (result.error !== '') throw errorFromCode(result.error, result.message || result.error)
    info.state = 'done'
    info.bytes = info.size
    this.#bulk?.destroy()
    await stream.close().catch(() => {})
    this.#host.emit('file-done', {
      transferId: info.transferId,
      direction: 'send',
      peer: info.peer,
      name: info.name,
      path: info.path ?? '',
      size: info.size,
      sha256: info.sha256,
      bytesTransferred: info.size - offset,
      resumedFrom: offset
    })
  }

  /**
   * The receiver's bulk listener, if its answer offered one, this is a direct connection, and the
   * handshake completes in time; undefined means: send as data frames (nothing to do for the user).
   */
  async #openBulk(stream: Stream, answer: FileAnswer): Promise<TLSSocket | undefined> {
    const { info } = this.#init
    if (answer.bulk === undefined || info.via === 'relayed' || this.#host.bulk === false) return undefined
    const remote = connectionOf(this.#host.node, stream)?.remoteAddr
    const ip = remote === undefined ? undefined : ipOf(remote)
    if (ip === undefined) return undefined
    try {
      const socket = await connectBulk(
        ip,
        answer.bulk.port,
        info.transferId,
        answer.bulk.key,
        this.#abort.signal
      )
      this.#bulk = socket
      return socket
    } catch (err) {
      this.#host.log(
        '%s: no bulk connection to %s (%s); sending on the stream',
        info.transferId,
        ip,
        (err as Error).message
      )
      return undefined
    }
  }

  /** Read and send from `offset` to the end as data frames, reading the next chunk while the last drains. */
  async #sendData(stream: Stream, offset: number, progress: ProgressReporter): Promise<void> {
    const signal = this.#abort.signal
    await this.#pump(offset, FILE_CHUNK_BYTES, progress, undefined, async (chunk, settled) => {
      if (stream.writeStatus !== 'writable') return false
      if (!stream.send(dataFrame(chunk))) await Promise.race([drained(stream, signal), settled])
      return true
    })
  }

  /** The same over the bulk connection: raw bytes in large writes, then its end. */
  async #sendBulk(socket: TLSSocket, offset: number, progress: ProgressReporter): Promise<void> {
    const signal = this.#abort.signal
    // Reading ahead into one buffer while the socket still holds the others (its write callback, called
    // also when it is destroyed, hands each back).
    const pool = new BufferPool(FILE_BULK_BUFFERS, FILE_BULK_CHUNK_BYTES)
    try {
      await this.#pump(offset, FILE_BULK_CHUNK_BYTES, progress, pool, async (chunk, settled) => {
        if (socket.destroyed) throw new InterruptedError(`the bulk connection to ${this.info.peer} closed`)
        if (!socket.write(chunk, () => pool.give(chunk))) {
          await Promise.race([
            pEvent(socket, 'drain', { signal, rejectionEvents: ['error', 'close'] }),
            settled
          ])
        }
        return true
      })
    } catch (err) {
      // The connection broke under us: the file stream may say why (the receiver cancelled, failed:
      // a full disk, a write error), which is what the user should hear, not the broken connection.
      let said: FileResult | undefined
      const verdict = this.#result.promise.then(
        r => {
          said = r
        },
        () => {}
      )
      await Promise.race([verdict, new Promise(r => setTimeout(r, FILE_BULK_VERDICT_GRACE_MS).unref())])
      if (signal.aborted) throw signal.reason
      if (said !== undefined && said.error !== '') {
        throw errorFromCode(said.error, said.message || said.error)
      }
      throw err instanceof P2PChatError
        ? err
        : new InterruptedError(
            `the connection to ${this.info.peer} broke (${plainNetworkError(err)}); send the same file again to resume`
          )
    }
    // The receiver answers on the file stream once it has every byte.
    socket.end()
  }

  /**
   * Read from `offset` to the end in `chunkBytes` pieces, reading the next while `write` sends the last;
   * `write` returns false to stop early. Stops when the receiver has answered (a failure, a cancel).
   * With `pool`, reads go into its buffers (`write` gives each back once sent), else into fresh ones.
   */
  async #pump(
    offset: number,
    chunkBytes: number,
    progress: ProgressReporter,
    pool: BufferPool | undefined,
    write: (chunk: Buffer, settled: Promise<void>) => Promise<boolean>
  ): Promise<void> {
    const { info, handle } = this.#init
    const signal = this.#abort.signal
    const read = async (pos: number): Promise<Buffer> => {
      const want = Math.min(chunkBytes, info.size - pos)
      const buf = pool === undefined ? Buffer.allocUnsafe(want) : (await pool.take(signal)).subarray(0, want)
      let got = 0
      while (got < want) {
        const { bytesRead } = await handle.read(buf, got, want - got, pos + got)
        if (bytesRead === 0) throw new FileUnreadableError(`${info.path} shrank while it was being sent`)
        got += bytesRead
      }
      return buf
    }
    let pos = offset
    let next = pos < info.size ? read(pos) : undefined
    // A rejected read-ahead is awaited below; until then it must not count as unhandled.
    next?.catch(() => {})
    // The receiver may answer early (a failure, a cancel): then there is no point sending more.
    let ended = false
    const settled = this.#result.promise.then(
      () => {
        ended = true
      },
      () => {
        ended = true
      }
    )
    while (next !== undefined) {
      let chunk: Buffer
      try {
        chunk = await next
      } catch (err) {
        // The receiver hears why, with the file's name rather than where it is on this disk.
        this.#sendCancel((err as Error).message.replaceAll(info.path ?? info.name, info.name))
        throw err
      }
      signal.throwIfAborted()
      if (ended) break
      pos += chunk.byteLength
      next = pos < info.size ? read(pos) : undefined
      next?.catch(() => {})
      if (!(await write(chunk, settled))) break
      info.bytes = pos
      progress.report(pos)
    }
    progress.report(info.bytes, true)
  }
}

/** Bytes a file of `size` takes on the wire: content plus framing (≤ 0.4 %) plus the control frames. */
export function relayedBytesFor(size: number): bigint {
  return BigInt(size) + BigInt(Math.ceil(size / 256)) + 64n * 1024n
}
