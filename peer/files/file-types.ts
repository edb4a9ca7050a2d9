import type { Logger } from '@libp2p/interface'
import type { P2PChatError } from '../../src/errors.ts'
import { FILE_PROGRESS_INTERVAL_MS } from '../../src/protocol/constants.ts'
import type { Dialer, Via } from '../core/dial.ts'
import type { OnlineUser } from '../core/tracker-client.ts'
import type { ConnectionReversal } from '../nat/reversal.ts'

export type TransferDirection = 'send' | 'receive'

/**
 * `hashing` (sender reads the file once for its SHA-256) → `offered` (sender) / `waiting` (receiver:
 * for accept or reject) → `transferring` → `verifying` (receiver) → `done` or `failed`. `partial`: a
 * receive interrupted in an earlier session whose `.part` is kept; it resumes when the sender sends the
 * same file again, or `discard-file` deletes it.
 */
export type TransferState =
  | 'hashing'
  | 'offered'
  | 'waiting'
  | 'transferring'
  | 'verifying'
  | 'done'
  | 'failed'
  | 'partial'

/** One transfer as `transfers` lists it. */
export interface TransferInfo {
  transferId: string
  direction: TransferDirection
  /** The other user. */
  peer: string
  name: string
  size: number
  /** Hex; empty while the sender is still hashing. */
  sha256: string
  state: TransferState
  /** Content bytes transferred so far, counting from 0 (a resumed transfer starts at its offset). */
  bytes: number
  /** Sender: the file sent. Receiver: the `.part` while receiving, then the final file. */
  path?: string
  /** Where a resumed transfer started. */
  resumedFrom?: number
  /** How the content flows once the transfer started (docs/nat.md). */
  via?: Via
  error?: { code: string; message: string }
  startedAt: number
}

export interface FileOfferEvent {
  transferId: string
  from: string
  name: string
  size: number
  sha256: string
  /** Unix ms after which the offer expires. */
  expiresAt: number
  /** Set when this continues a transfer accepted before: it is accepted automatically from here. */
  resumeFrom?: number
}

/** The fields of each file event. */
export interface FileEventDetails {
  'file-offer': FileOfferEvent
  'file-accepted': {
    transferId: string
    direction: TransferDirection
    peer: string
    offset: number
    /** `direct`, `reversed` (direct, opened by the receiver because the sender asked) or `relayed`. */
    via: Via
    /**
     * How the content travels: `bulk` (its own TLS connection, keyed through this stream: direct
     * connections whose receiver the sender can reach) or `stream` (data frames on the file stream).
     */
    path: TransferPath
  }
  'file-progress': {
    transferId: string
    direction: TransferDirection
    phase: 'hashing' | 'transferring'
    bytes: number
    size: number
    bytesPerSec: number
  }
  'file-done': {
    transferId: string
    direction: TransferDirection
    peer: string
    name: string
    path: string
    size: number
    sha256: string
    /** Content bytes that crossed the network in this transfer (less than size when resumed). */
    bytesTransferred: number
    resumedFrom: number
  }
  'file-failed': {
    transferId: string
    direction: TransferDirection
    peer: string
    code: string
    message: string
  }
}

export type FileEventName = keyof FileEventDetails
export type FileEvents = { [K in FileEventName]: CustomEvent<FileEventDetails[K]> }

export type TransferPath = 'bulk' | 'stream'

/** What a transfer needs from the service that owns it. */
export interface TransferHost {
  /** The bulk path (FileServiceInit.bulk); false: data frames only. */
  bulk?: { listenHost: string } | false
  node: Dialer
  /** Asks an unreachable receiver to dial us before the relay is used. */
  reversal?: ConnectionReversal
  /** The tracker relay's byte limit per relayed connection (0: none, or no relay). */
  relayDataLimit?(): number
  log: Logger
  emit<K extends FileEventName>(name: K, detail: FileEventDetails[K]): void
  /** Where `user` is online now, or undefined. */
  locate(user: string): OnlineUser | undefined
}

/** Emits `file-progress` at most every 250 ms, and always for the last byte. */
export class ProgressReporter {
  readonly #host: TransferHost
  readonly #info: TransferInfo
  #phase: 'hashing' | 'transferring' = 'hashing'
  #last = 0
  #phaseStart = Date.now()
  #phaseStartBytes = 0

  constructor(host: TransferHost, info: TransferInfo) {
    this.#host = host
    this.#info = info
  }

  phase(phase: 'hashing' | 'transferring', startBytes = 0): void {
    this.#phase = phase
    this.#phaseStart = Date.now()
    this.#phaseStartBytes = startBytes
    this.#last = 0
  }

  report(bytes: number, force = false): void {
    const now = Date.now()
    if (!force && now - this.#last < FILE_PROGRESS_INTERVAL_MS) return
    this.#last = now
    const elapsed = (now - this.#phaseStart) / 1000
    this.#host.emit('file-progress', {
      transferId: this.#info.transferId,
      direction: this.#info.direction,
      phase: this.#phase,
      bytes,
      size: this.#info.size,
      bytesPerSec: elapsed > 0 ? Math.round((bytes - this.#phaseStartBytes) / elapsed) : 0
    })
  }
}

/**
 * Record a failure on the transfer and tell front-ends, once. With `after`, the event waits for it (the
 * receiver's clean-up), so whoever hears `file-failed` finds the partial file already gone.
 */
export function failTransfer(
  host: TransferHost,
  info: TransferInfo,
  err: P2PChatError,
  after?: Promise<unknown>
): void {
  if (info.state === 'done' || info.state === 'failed') return
  info.state = 'failed'
  info.error = { code: err.code, message: err.message }
  host.log(
    'transfer %s (%s %s) failed: %s %s',
    info.transferId,
    info.direction,
    info.peer,
    err.code,
    err.message
  )
  const emit = (): void =>
    host.emit('file-failed', {
      transferId: info.transferId,
      direction: info.direction,
      peer: info.peer,
      code: err.code,
      message: err.message
    })
  if (after === undefined) emit()
  else after.finally(emit).catch(() => {})
}
