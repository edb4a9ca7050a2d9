import type { Hash } from 'node:crypto'
import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { unlink } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import {
  CancelledError,
  ChecksumMismatchError,
  ExpiredError,
  InternalError,
  InterruptedError,
  InvalidMessageError,
  NoSpaceError,
  type P2PChatError,
  RejectedError,
  SizeMismatchError,
  toP2PChatError
} from '../../src/errors.ts'
import {
  FILE_BULK_VERDICT_GRACE_MS,
  FILE_WRITE_HIGH_WATER_BYTES,
  FILE_WRITE_LOW_WATER_BYTES
} from '../../src/protocol/constants.ts'
import type { FileFrame } from '../../src/protocol/pb/file.ts'
import { formatBytes } from '../../src/units.ts'
import { ReceiveCollector } from './collect.ts'
import { BulkReceive } from './file-bulk.ts'
import { controlFrame, messageForPeer, refuseOffer } from './file-frames.ts'
import type { PartialRecord, PartialStore } from './file-store.ts'
import { createPart, publishPart } from './file-store.ts'
import type { TransferHost, TransferInfo } from './file-types.ts'
import { failTransfer, ProgressReporter } from './file-types.ts'
import { MAX_WRITEV_BUFFERS, writevAll } from './writev-all.ts'

/**
 * Stream content: one young collection per 16 MiB received (see ReceiveCollector), never a full one
 * here — on the event loop's heap that would pause chat for tens of milliseconds.
 */
const streamCollector = new ReceiveCollector(16 * 1024 * 1024, Number.POSITIVE_INFINITY)

/** A `.part` being written: its handle, its hash so far, and how much of it is valid. */
export interface OpenPart {
  handle: FileHandle
  partPath: string
  hash: Hash
  length: number
}

/**
 * Receiving one file after its offer was read: wait for the user (or expiry), then write data frames to
 * `<name>.part` in order while hashing them, pausing the stream while disk writes lag; verify size and
 * SHA-256, and only then give it its final name. A broken connection keeps the `.part` for a resume;
 * anything else that goes wrong deletes it.
 */
export class IncomingTransfer {
  readonly info: TransferInfo
  readonly stream: Stream
  readonly #host: TransferHost
  readonly #partials: PartialStore
  readonly #sha256: Buffer
  readonly #recordKey: string
  #part?: OpenPart
  #expiry?: ReturnType<typeof setTimeout>
  #started = false
  #received = 0
  #writing: Promise<void> = Promise.resolve()
  #pendingWrite = 0
  #overrun = false
  /** Received buffers not yet handed to a write. */
  readonly #queued: Uint8Array[] = []
  #flushing = false
  /** Inside `stream.resume()`, which hands over what queued while paused (see #resume). */
  #resuming = false
  /** The bulk receive offered in the answer (its listener, then its connection: bulk-worker.ts). */
  #bulkRx?: BulkReceive
  /** The sender's `start` said the content comes over the bulk connection (then never as frames). */
  #bulkMode = false
  /** The bulk thread's SHA-256 of the whole part, once it has written the last byte. */
  #bulkSha256?: Buffer
  #progress: ProgressReporter
  readonly #finished = Promise.withResolvers<void>()

  constructor(
    host: TransferHost,
    partials: PartialStore,
    stream: Stream,
    info: TransferInfo,
    sha256: Buffer,
    recordKey: string
  ) {
    this.#host = host
    this.#partials = partials
    this.stream = stream
    this.info = info
    this.#sha256 = sha256
    this.#recordKey = recordKey
    this.#progress = new ProgressReporter(host, info)
  }

  /** Resolves when the transfer is done or failed. */
  get finished(): Promise<void> {
    return this.#finished.promise
  }

  get waiting(): boolean {
    return this.info.state === 'waiting'
  }

  /** Wait for accept/reject until `expiresAt`. */
  await(expiresAt: number): void {
    this.info.state = 'waiting'
    this.#expiry = setTimeout(
      () => {
        const err = new ExpiredError('the offer was not answered in time')
        this.#answerNo(err)
        this.#fail(err, false)
      },
      Math.max(0, expiresAt - Date.now())
    )
    this.#expiry.unref?.()
  }

  /** Accept into an open part (new, or resumed with its verified length and hash). */
  async accept(part: OpenPart, record: PartialRecord): Promise<void> {
    clearTimeout(this.#expiry)
    this.#part = part
    this.info.path = part.partPath
    this.info.state = 'transferring'
    await this.#partials.put(record)
    // Over a direct connection, offer the bulk path; the sender falls back to data frames if it cannot
    // reach the listener (a firewall, another network), and so do we if it cannot be opened.
    const bulkHost = this.#host.bulk === false ? undefined : this.#host.bulk?.listenHost
    if (bulkHost !== undefined && this.info.via !== 'relayed') {
      this.#bulkRx = await BulkReceive.open(this.info.transferId, bulkHost).catch(err => {
        this.#host.log('%s: no bulk listener (%s)', this.info.transferId, err.message)
        return undefined
      })
    }
    const rx = this.#bulkRx
    this.stream.send(
      controlFrame({
        answer: {
          accept: true,
          offset: part.length,
          prefixSha256: part.length > 0 ? part.hash.copy().digest() : new Uint8Array(0),
          error: '',
          message: '',
          ...(rx === undefined ? {} : { bulk: { port: rx.port, key: rx.key } })
        }
      })
    )
  }

  /** Create the `.part` for a fresh accept in `dir`. */
  static async newPart(dir: string, name: string): Promise<OpenPart> {
    const { handle, partPath } = await createPart(dir, name)
    return { handle, partPath, hash: createHash('sha256'), length: 0 }
  }

  /** Decline the offer: the sender hears `<us> declined`, we see that we did. */
  reject(): void {
    this.#answerNo(new RejectedError(''))
    this.#fail(new RejectedError(`you declined ${this.info.name} from ${this.info.peer}`), false)
  }

  /** Cancel from this side: the sender stops (it shows who cancelled), the `.part` is removed. */
  cancel(): void {
    if (this.waiting) {
      this.#answerNo(new CancelledError(''))
    } else if (this.stream.writeStatus === 'writable') {
      this.stream.send(controlFrame({ cancel: { message: '' } }))
    }
    this.stream.close().catch(() => {})
    this.#fail(new CancelledError('you cancelled; the partial file is deleted'), true)
  }

  /** A control frame after the offer. */
  onControl(frame: FileFrame): void {
    if (frame.cancel !== undefined) {
      const why = frame.cancel.message ? `: ${frame.cancel.message}` : ''
      this.#fail(new CancelledError(`${this.info.peer} cancelled${why}`), true)
      this.stream.close().catch(() => {})
      return
    }
    if (frame.start !== undefined && this.info.state === 'transferring' && !this.#started) {
      this.#start(frame.start.offset, frame.start.bulk)
      return
    }
    throw new InvalidMessageError('unexpected file frame')
  }

  /** Content: data frames from the stream (the bulk connection's bytes go to bulk-worker.ts). */
  onData(data: Uint8ArrayList | Uint8Array): void {
    if (this.#bulkMode) {
      throw new InvalidMessageError('file data on the stream while the bulk connection carries it')
    }
    if (this.info.state === 'verifying') {
      // More than offered after the last byte: refused below unless the file is already published.
      this.#overrun = true
      return
    }
    if (this.info.state === 'failed') return
    const part = this.#part
    if (part === undefined || !this.#started || this.info.state !== 'transferring') {
      throw new InvalidMessageError('file data before start')
    }
    const remaining = this.info.size - part.length - this.#received
    if (data.byteLength > remaining) {
      this.#finish(new SizeMismatchError(`the sender sent more than the ${this.info.size} bytes it offered`))
      return
    }
    const buffers = data instanceof Uint8Array ? [data] : [...data]
    for (const b of buffers) part.hash.update(b)
    const position = part.length + this.#received
    this.#received += data.byteLength
    this.#pendingWrite += data.byteLength
    if (this.#pendingWrite > FILE_WRITE_HIGH_WATER_BYTES) this.#pauseSource()
    this.#queued.push(...buffers)
    if (!this.#flushing) {
      this.#flushing = true
      this.#writing = this.#writing.then(() => this.#flush(part, position))
      this.#writing.catch(err => {
        const e =
          (err as NodeJS.ErrnoException).code === 'ENOSPC'
            ? new NoSpaceError('the disk is full')
            : new InternalError(`cannot write ${part.partPath}: ${(err as Error).message}`, { cause: err })
        this.#finish(e)
      })
    }
    this.info.bytes = position + data.byteLength
    this.#progress.report(this.info.bytes)
    streamCollector.add(data.byteLength)
    if (data.byteLength === remaining) this.#finish()
  }

  /**
   * Write what has arrived, as one writev per round: while a write is in flight the next frames
   * queue up and go together, so a fast stream costs few system calls and thread-pool trips.
   */
  async #flush(part: OpenPart, position: number): Promise<void> {
    let pos = position
    while (this.#queued.length > 0 && this.info.state !== 'failed') {
      const batch = this.#queued.splice(0, MAX_WRITEV_BUFFERS)
      const bytes = await writevAll(async (b, p) => (await part.handle.writev(b, p)).bytesWritten, batch, pos)
      pos += bytes
      this.#pendingWrite -= bytes
      if (this.#pendingWrite < FILE_WRITE_LOW_WATER_BYTES && this.#sourcePaused()) this.#resume()
    }
    this.#queued.length = 0
    this.#flushing = false
  }

  /**
   * Read again after the writes caught up. `stream.resume()` first hands over everything that queued
   * while paused (up to a receive window) and only then lets the muxer grant the sender window again;
   * a pause from inside that hand-over is undone by the muxer's resume, leaving a stream that looks
   * paused but keeps granting window, its read buffer growing until the stream aborts itself (the
   * receiver then saw INTERRUPTED mid-transfer). So pause after resume() returns, not during it.
   */
  #resume(): void {
    this.#resuming = true
    try {
      this.stream.resume()
    } finally {
      this.#resuming = false
    }
    if (this.#pendingWrite > FILE_WRITE_HIGH_WATER_BYTES && this.stream.readStatus === 'readable') {
      this.stream.pause()
    }
  }

  /** Stop reading the stream while the disk catches up. */
  #pauseSource(): void {
    if (!this.#resuming && this.stream.readStatus === 'readable') this.stream.pause()
  }

  #sourcePaused(): boolean {
    return this.stream.readStatus === 'paused'
  }

  /** The stream ended: cleanly (the sender closed early) or broken. */
  onEnd(error?: Error): void {
    if (this.info.state === 'done' || this.info.state === 'failed' || this.info.state === 'verifying') return
    if (this.waiting) {
      this.#fail(new CancelledError(`${this.info.peer} withdrew the offer`), false)
    } else if (error === undefined && this.#started) {
      this.#finish(
        new SizeMismatchError(`the sender stopped after ${this.info.bytes} of ${this.info.size} bytes`)
      )
    } else {
      this.#fail(
        new InterruptedError(
          `the connection to ${this.info.peer} broke after ${formatBytes(this.info.bytes)} of ${formatBytes(this.info.size)}; the partial file is kept and resumes when they send the same file again`
        ),
        false
      )
    }
  }

  /** The sender broke the protocol (a frame not allowed here): the transfer fails with that error. */
  protocolError(err: unknown): void {
    this.#fail(toP2PChatError(err), false)
  }

  /** Release the part without deciding anything (peer stopping): it stays for a resume. */
  async close(): Promise<void> {
    clearTimeout(this.#expiry)
    // An offer still waiting for an answer ends here (its expiry timer is gone): stop() waits for it.
    if (this.waiting) this.#fail(new InterruptedError('this peer stopped before answering'), false)
    this.stream.abort(new InterruptedError('stopping'))
    this.#dropBulk()
    await this.#writing.catch(() => {})
    await this.#part?.handle.close().catch(() => {})
  }

  #start(offset: number, bulk: boolean): void {
    const part = this.#part!
    if (offset !== 0 && offset !== part.length)
      throw new InvalidMessageError('start at an offset we did not offer')
    const rx = this.#bulkRx
    if (bulk && rx === undefined) throw new InvalidMessageError('a bulk start without a bulk offer')
    this.#bulkMode = bulk
    if (!bulk) this.#dropBulk()
    // The sender's file does not begin with our part: start over (the bulk thread truncates its own).
    const fresh = offset === 0 && part.length > 0
    if (fresh) {
      part.length = 0
      part.hash = createHash('sha256')
      if (!bulk) this.#writing = this.#writing.then(() => part.handle.truncate(0))
    }
    this.#started = true
    this.info.resumedFrom = offset
    this.info.bytes = offset
    this.#host.emit('file-accepted', {
      transferId: this.info.transferId,
      direction: 'receive',
      peer: this.info.peer,
      offset,
      via: this.info.via ?? 'direct',
      path: bulk ? 'bulk' : 'stream'
    })
    this.#progress.phase('transferring', offset)
    if (this.info.size === offset) {
      this.#finish()
      return
    }
    if (bulk) this.#startBulk(rx!, part, fresh)
  }

  /**
   * The content comes over the bulk connection, read, hashed and written by the bulk thread; here only
   * its progress and outcome. Its end before the last byte is the sender stopping early, an error a
   * broken connection (the part is kept) — after a moment, since the file stream may still say why
   * (a cancel travels there).
   */
  #startBulk(rx: BulkReceive, part: OpenPart, fresh: boolean): void {
    rx.start(part.handle.fd, part.length, this.info.size, fresh, {
      progress: bytes => {
        this.info.bytes = bytes
        this.#progress.report(bytes)
      },
      done: sha256 => {
        this.#bulkSha256 = sha256
        this.#received = this.info.size - part.length
        this.info.bytes = this.info.size
        this.#finish()
      },
      ended: (bytes, error) => {
        this.info.bytes = bytes
        setTimeout(
          () => this.onEnd(error === undefined ? undefined : new Error(error)),
          FILE_BULK_VERDICT_GRACE_MS
        ).unref()
      },
      failed: (code, errno, message) =>
        this.#finish(
          code === 'SIZE_MISMATCH'
            ? new SizeMismatchError(message)
            : errno === 'ENOSPC'
              ? new NoSpaceError('the disk is full')
              : new InternalError(`cannot write ${part.partPath}: ${message}`)
        )
    })
  }

  /**
   * End the bulk receive, if any (the content is in, or the transfer is over); the writes wait for it,
   * so the part is not closed or removed while the bulk thread still writes to it.
   */
  #dropBulk(): void {
    const rx = this.#bulkRx
    this.#bulkRx = undefined
    if (rx === undefined) return
    const stopped = (): Promise<void> => rx.stop()
    this.#writing = this.#writing.then(stopped, stopped)
  }

  /** All bytes are in (or something is wrong): verify, publish, answer. */
  #finish(problem?: P2PChatError): void {
    if (this.info.state !== 'transferring') return
    this.info.state = 'verifying'
    this.#dropBulk()
    const part = this.#part!
    const done = async (): Promise<string> => {
      if (problem !== undefined) throw problem
      await this.#writing
      await part.handle.sync()
      await part.handle.close()
      const digest = this.#bulkSha256 ?? part.hash.digest()
      if (!digest.equals(this.#sha256)) {
        throw new ChecksumMismatchError(
          `the received file's SHA-256 is ${digest.toString('hex')}, not the ${this.info.sha256} offered`
        )
      }
      if (this.#overrun)
        throw new SizeMismatchError(`the sender sent more than the ${this.info.size} bytes it offered`)
      const path = await publishPart(part.partPath, basename(part.partPath).slice(0, -'.part'.length))
      await this.#partials.remove(this.#recordKey)
      return path
    }
    done().then(
      path => {
        this.#progress.report(this.info.size, true)
        this.info.state = 'done'
        this.info.path = path
        this.#answer('', '')
        this.#host.emit('file-done', {
          transferId: this.info.transferId,
          direction: 'receive',
          peer: this.info.peer,
          name: basename(path),
          path,
          size: this.info.size,
          sha256: this.info.sha256,
          bytesTransferred: this.#received,
          resumedFrom: this.info.resumedFrom ?? 0
        })
        this.#finished.resolve()
      },
      err => {
        const e = toP2PChatError(err)
        this.#answer(e.code, messageForPeer(e))
        this.#fail(e, true)
      }
    )
  }

  #answer(error: string, message: string): void {
    if (this.stream.writeStatus === 'writable') {
      this.stream.send(controlFrame({ result: { error, message } }))
      this.stream.close().catch(() => {})
    }
  }

  #answerNo(err: P2PChatError): void {
    clearTimeout(this.#expiry)
    refuseOffer(this.stream, err)
  }

  /** Fail once; `discard` removes the `.part` and its record (else it stays for a resume). */
  #fail(err: P2PChatError, discard: boolean): void {
    if (this.info.state === 'done' || this.info.state === 'failed') return
    clearTimeout(this.#expiry)
    this.#dropBulk()
    const part = this.#part
    const cleanup = (async (): Promise<void> => {
      await this.#writing.catch(() => {})
      await part?.handle.close().catch(() => {})
      if (part !== undefined && discard) {
        await unlink(part.partPath).catch(() => {})
        await this.#partials.remove(this.#recordKey).catch(() => {})
      }
    })()
    failTransfer(this.#host, this.info, err, cleanup)
    cleanup.finally(() => this.#finished.resolve())
  }
}
