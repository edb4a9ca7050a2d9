import { createHash, randomBytes } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { open, stat, unlink } from 'node:fs/promises'
import { basename, isAbsolute, resolve } from 'node:path'
import type { Connection, Logger, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import {
  BusyError,
  FileTooLargeError,
  FileUnreadableError,
  InvalidMessageError,
  InvalidOptionError,
  NotAFriendError,
  type P2PChatError,
  UnknownTransferError,
  UnknownUserError
} from '../../src/errors.ts'
import type { P2PChatNode } from '../../src/node.ts'
import {
  DEFAULT_FILE_OFFER_TIMEOUT_MS,
  DEFAULT_MAX_FILE_BYTES,
  DIAL_TIMEOUT_MS,
  FILE_PROTOCOL,
  FILE_STREAM_MAX_READ_BUFFER_BYTES,
  FILE_STREAM_WINDOW_BYTES,
  MAX_FILE_STREAMS_PER_CONNECTION,
  MAX_PENDING_FILE_OFFERS
} from '../../src/protocol/constants.ts'
import type { FileOffer } from '../../src/protocol/pb/file.ts'
import { makeDirectories } from '../../src/storage/make-dirs.ts'
import { formatBytes } from '../../src/units.ts'
import { usernameKey } from '../../src/usernames.ts'
import { raiseReceiveWindow } from '../../src/yamux-window.ts'
import type { Dialer, Via } from '../core/dial.ts'
import { viaOf } from '../core/dial.ts'
import type { PeerDirectory } from '../core/online-directory.ts'
import { identifyStream } from '../core/online-directory.ts'
import type { ConnectionReversal } from '../nat/reversal.ts'
import { type IncomingFrame, readFrames, refuseOffer } from './file-frames.ts'
import { sanitizeFileName } from './file-names.ts'
import { IncomingTransfer } from './file-receive.ts'
import { OutgoingTransfer } from './file-send.ts'
import {
  checkFreeSpace,
  hashRange,
  PartialStore,
  partialKey,
  reopenPart,
  resolveDownloadDir
} from './file-store.ts'
import type { FileEventName, FileEvents, TransferHost, TransferInfo } from './file-types.ts'

/** Finished transfers kept for `transfers`, newest last. */
const MAX_FINISHED_KEPT = 200
/** SHA-256s of files sent, by (device, inode, size, mtime), so sending again does not re-read them. */
const MAX_HASH_CACHE = 64
const TRANSFER_ID = /^[A-Za-z0-9_-]{1,64}$/

export interface FileServiceInit {
  /** The peer's data directory: resume records live in its transfers.json. */
  dataDir: string
  log: Logger
  /**
   * Where accepted files go (`accept-file` may pick a directory inside it).
   * @default <data dir>/downloads
   */
  downloadsDir: string
  /**
   * Offers larger than this are refused before anyone is asked.
   * @default 64 GiB
   */
  maxFileBytes?: number
  /**
   * An offer not accepted or rejected within this long expires.
   * @default 300000 (5 min)
   */
  offerTimeoutMs?: number
  /**
   * The bulk path: a received file's content over its own TLS connection (a one-shot listener on
   * `listenHost`, any free port) when the sender can reach it; false: always on the file stream.
   * @default { listenHost: '::' } (every interface)
   */
  bulk?: { listenHost: string } | false
}

/** What file transfer uses: the node's stream handling and dialing, and who is who. */
export interface FileComponents {
  node: Pick<P2PChatNode, 'handle' | 'unhandle'> & Dialer
  directory: PeerDirectory
  /** Asks unreachable receivers to dial us before the relay is used. */
  reversal?: ConnectionReversal
  /** The tracker relay's byte limit per relayed connection (0: none, or no relay). */
  relayDataLimit?(): number
  /** Whether file offers from this user are taken (privacy: friends only); absent: from anyone. */
  accepts?(from: string): boolean
}

/** A stable id for a partial receive left from an earlier session (the same in every listing). */
function leftoverId(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16)
}

type Entry =
  | { kind: 'send'; transfer: OutgoingTransfer }
  | { kind: 'receive'; transfer: IncomingTransfer; key: string }

/**
 * Direct file transfer on /p2pchat/file/1.0.0, one stream per transfer, any number at once in both
 * directions. See file-send.ts and file-receive.ts for each side.
 */
export class FileService extends TypedEventEmitter<FileEvents> {
  readonly #node: FileComponents['node']
  readonly #host: PeerDirectory
  readonly #log: Logger
  readonly #partials: PartialStore
  readonly #downloads: string
  readonly #maxFileBytes: number
  readonly #offerTimeoutMs: number
  readonly #entries = new Map<string, Entry>()
  readonly #running = new Set<Promise<void>>()
  readonly #hashes = new Map<string, Buffer>()
  readonly #th: TransferHost
  readonly #accepts?: (from: string) => boolean

  constructor(components: FileComponents, init: FileServiceInit) {
    super()
    const { node, directory: host } = components
    this.#node = node
    this.#host = host
    this.#log = init.log
    this.#partials = new PartialStore(init.dataDir)
    this.#downloads = resolve(init.downloadsDir)
    this.#maxFileBytes = init.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES
    this.#offerTimeoutMs = init.offerTimeoutMs ?? DEFAULT_FILE_OFFER_TIMEOUT_MS
    this.#accepts = components.accepts
    this.#th = {
      bulk: init.bulk ?? { listenHost: '::' },
      node,
      reversal: components.reversal,
      relayDataLimit: components.relayDataLimit,
      log: init.log,
      locate: user => host.locate(user),
      emit: <K extends FileEventName>(name: K, detail: FileEvents[K]['detail']) => {
        this.safeDispatchEvent(name, { detail } as never)
        if (name === 'file-done' || name === 'file-failed') this.#forgetOld()
      }
    }
  }

  get downloadsDir(): string {
    return this.#downloads
  }

  async start(): Promise<void> {
    await this.#partials.open()
    await makeDirectories(this.#downloads).catch((err: NodeJS.ErrnoException) => {
      throw new InvalidOptionError(
        `the download directory ${this.#downloads} cannot be created (${err.code ?? err.message}); give another with --downloads`
      )
    })
    await this.#node.handle(FILE_PROTOCOL, (stream, connection) => this.#onStream(stream, connection), {
      // Relayed connections too (a peer nobody can dial is reached through the tracker's relay).
      runOnLimitedConnection: true,
      maxInboundStreams: MAX_FILE_STREAMS_PER_CONNECTION,
      maxOutboundStreams: MAX_FILE_STREAMS_PER_CONNECTION
    })
  }

  /** Stop every transfer; received `.part` files stay, so sending again after a restart resumes. */
  async stop(): Promise<void> {
    await this.#node.unhandle(FILE_PROTOCOL).catch(() => {})
    for (const entry of this.#entries.values()) {
      if (entry.kind === 'send') entry.transfer.interrupt()
      else await entry.transfer.close()
    }
    await Promise.allSettled(this.#running)
  }

  /**
   * Every transfer this session, oldest first, then the partial receives left from earlier sessions
   * (state `partial`; records whose `.part` is gone are dropped).
   */
  async transfers(): Promise<TransferInfo[]> {
    const list = [...this.#entries.values()].map(e => ({ ...e.transfer.info }))
    const keys = new Set([...this.#entries.values()].map(e => (e.kind === 'receive' ? e.key : '')))
    for (const record of this.#partials.all()) {
      if (keys.has(record.key)) continue
      let bytes: number
      try {
        bytes = (await stat(record.partPath)).size
      } catch {
        await this.#partials.remove(record.key)
        continue
      }
      list.push({
        transferId: leftoverId(record.key),
        direction: 'receive',
        peer: record.from,
        name: record.name,
        size: record.size,
        sha256: record.sha256,
        state: 'partial',
        bytes: Math.min(bytes, record.size),
        path: record.partPath,
        startedAt: record.updatedAt
      })
    }
    return list
  }

  /**
   * Delete the `.part` of an interrupted receive (a `partial` one from an earlier session, or one that
   * failed INTERRUPTED in this one) and forget it, so it is not resumed. Returns the path removed.
   */
  async discard(transferId: string): Promise<string> {
    const entry = this.#entries.get(transferId)
    // Only a broken receive keeps its part; one that was cancelled or failed otherwise is being
    // removed already (a discard right after a cancel must not claim it).
    const key =
      entry?.kind === 'receive'
        ? entry.transfer.info.state === 'failed' && entry.transfer.info.error?.code === 'INTERRUPTED'
          ? entry.key
          : undefined
        : this.#partials.all().find(r => leftoverId(r.key) === transferId)?.key
    const record = key === undefined ? undefined : this.#partials.find(key)
    if (record === undefined) {
      throw new UnknownTransferError(`no interrupted receive ${transferId} to discard (see transfers)`)
    }
    await unlink(record.partPath).catch(err => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    })
    await this.#partials.remove(record.key)
    return record.partPath
  }

  /** Offer `path` to `to` (online); resolves with the transfer once it is under way. */
  async send(to: string, path: string): Promise<TransferInfo> {
    const target = this.#host.locate(to)
    if (usernameKey(to) === usernameKey(this.#host.self())) {
      throw new UnknownUserError('you cannot send a file to yourself')
    }
    if (target === undefined) throw new UnknownUserError(`${to} is not online; files go to online users`)
    let handle: FileHandle
    try {
      handle = await open(path, 'r')
    } catch (err) {
      // Once, in words; a relative path says where it was looked for (the peer's working directory).
      const e = err as NodeJS.ErrnoException
      const where = isAbsolute(path) ? path : `${path} (looked for in ${process.cwd()})`
      const why =
        e.code === 'ENOENT'
          ? 'no such file'
          : e.code === 'EACCES'
            ? 'permission denied'
            : e.code === 'EISDIR'
              ? 'it is a directory'
              : (e.code ?? e.message)
      throw new FileUnreadableError(`cannot open ${where}: ${why}`)
    }
    const st = await handle.stat()
    if (!st.isFile()) {
      await handle.close()
      throw new FileUnreadableError(`${path} is not a regular file`)
    }
    let name: string
    try {
      name = sanitizeFileName(basename(path))
    } catch (err) {
      await handle.close()
      throw err
    }
    const info: TransferInfo = {
      transferId: randomBytes(16).toString('base64url'),
      direction: 'send',
      peer: target.user,
      name,
      size: st.size,
      sha256: '',
      state: 'hashing',
      bytes: 0,
      path: resolve(path),
      startedAt: Date.now()
    }
    const cacheKey = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`
    const transfer = new OutgoingTransfer(this.#th, {
      info,
      handle,
      knownSha256: this.#hashes.get(cacheKey),
      offerTimeoutMs: this.#offerTimeoutMs,
      onHashed: sha256 => {
        this.#hashes.set(cacheKey, sha256)
        if (this.#hashes.size > MAX_HASH_CACHE) this.#hashes.delete(this.#hashes.keys().next().value!)
      }
    })
    this.#entries.set(info.transferId, { kind: 'send', transfer })
    this.#track(transfer.run())
    return { ...info }
  }

  /** Accept an offer into the download directory or `dir` inside it. */
  async accept(transferId: string, dir?: string): Promise<TransferInfo> {
    const entry = this.#waiting(transferId)
    const target = await resolveDownloadDir(this.#downloads, dir)
    const t = entry.transfer
    await checkFreeSpace(target, t.info.size)
    if (!t.waiting)
      throw new UnknownTransferError(`transfer ${transferId} is no longer waiting for an answer`)
    const part = await IncomingTransfer.newPart(target, t.info.name)
    await t.accept(part, {
      key: entry.key,
      from: t.info.peer,
      name: t.info.name,
      size: t.info.size,
      sha256: t.info.sha256,
      partPath: part.partPath,
      updatedAt: Date.now()
    })
    return { ...t.info }
  }

  reject(transferId: string): void {
    this.#waiting(transferId).transfer.reject()
  }

  cancel(transferId: string): void {
    const entry = this.#entries.get(transferId)
    const state = entry?.transfer.info.state
    if (entry === undefined || state === 'done' || state === 'failed') {
      throw new UnknownTransferError(`no transfer ${transferId} in progress`)
    }
    entry.transfer.cancel()
  }

  #waiting(transferId: string): Entry & { kind: 'receive' } {
    const entry = this.#entries.get(transferId)
    if (entry?.kind !== 'receive' || !entry.transfer.waiting) {
      throw new UnknownTransferError(`no offer ${transferId} waiting for an answer`)
    }
    return entry
  }

  #track(p: Promise<void>): void {
    this.#running.add(p)
    p.finally(() => this.#running.delete(p))
  }

  #forgetOld(): void {
    const finished = [...this.#entries].filter(([, e]) => ['done', 'failed'].includes(e.transfer.info.state))
    for (const [id] of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_KEPT))) {
      this.#entries.delete(id)
    }
  }

  async #onStream(stream: Stream, connection: Connection): Promise<void> {
    const from = await identifyStream(this.#host, stream, connection, this.#log)
    if (from === undefined)
      return // A paused stream still receives what the sender had window for; allow that much to queue.
    ;(stream as { maxReadBufferLength?: number }).maxReadBufferLength = FILE_STREAM_MAX_READ_BUFFER_BYTES
    raiseReceiveWindow(stream, FILE_STREAM_WINDOW_BYTES)
    let transfer: IncomingTransfer | undefined
    let offered = false
    const early: IncomingFrame[] = []
    let endedEarly: { error?: Error } | undefined
    const offerTimer = setTimeout(
      () => stream.abort(new InvalidMessageError('no offer in time')),
      DIAL_TIMEOUT_MS
    )
    readFrames(stream, {
      onFrame: frame => {
        if (transfer !== undefined) {
          if (frame.kind === 'data') transfer.onData(frame.data)
          else transfer.onControl(frame.frame)
        } else if (!offered) {
          const offer = frame.kind === 'control' ? frame.frame.offer : undefined
          if (offer === undefined) throw new InvalidMessageError('a file stream starts with an offer')
          offered = true
          clearTimeout(offerTimer)
          this.#onOffer(stream, from, offer, viaOf(connection)).then(
            t => {
              if (t === undefined) return
              transfer = t
              try {
                for (const f of early.splice(0)) {
                  if (f.kind === 'data') t.onData(f.data)
                  else t.onControl(f.frame)
                }
              } catch (err) {
                // A frame the protocol does not allow here (as readFrames does for one it reads itself):
                // end the stream and the transfer, never an unhandled rejection.
                this.#log('bad frame after the offer from %s: %s', from, (err as Error).message)
                t.protocolError(err)
                stream.abort(err as Error)
                return
              }
              if (endedEarly !== undefined) t.onEnd(endedEarly.error)
            },
            err => this.#log.error('offer from %s failed: %e', from, err)
          )
        } else {
          early.push(frame)
        }
      },
      onEnd: error => {
        clearTimeout(offerTimer)
        if (transfer !== undefined) transfer.onEnd(error)
        else endedEarly = { error }
      }
    })
  }

  /** Check an offer; refuse it, resume an earlier accepted transfer, or ask the user. */
  async #onOffer(
    stream: Stream,
    from: string,
    offer: FileOffer,
    via: Via
  ): Promise<IncomingTransfer | undefined> {
    const refuse = (err: P2PChatError, info?: TransferInfo): undefined => {
      refuseOffer(stream, err)
      if (info !== undefined) {
        info.state = 'failed'
        info.error = { code: err.code, message: err.message }
        this.#th.emit('file-failed', {
          transferId: info.transferId,
          direction: 'receive',
          peer: from,
          code: err.code,
          message: err.message
        })
      }
      return undefined
    }
    if (this.#accepts !== undefined && !this.#accepts(from)) {
      // Friends only (the privacy setting): refused before anyone is asked, nothing shown here.
      this.#log('refused a file offer from %s: not a friend', from)
      return refuse(
        new NotAFriendError(
          'the recipient accepts file offers from friends only: ask them to be friends (friend-add), then send again'
        )
      )
    }
    if (
      !TRANSFER_ID.test(offer.transferId) ||
      offer.sha256.byteLength !== 32 ||
      !Number.isSafeInteger(offer.size)
    ) {
      return refuse(new InvalidMessageError('malformed offer'))
    }
    if (this.#entries.has(offer.transferId))
      return refuse(new InvalidMessageError('transfer id already in use'))
    const sha256 = Buffer.from(offer.sha256)
    const info: TransferInfo = {
      transferId: offer.transferId,
      direction: 'receive',
      peer: from,
      name: offer.name.slice(0, 1024),
      size: offer.size,
      sha256: sha256.toString('hex'),
      state: 'waiting',
      bytes: 0,
      via,
      startedAt: Date.now()
    }
    try {
      info.name = sanitizeFileName(offer.name)
    } catch (err) {
      return refuse(err as P2PChatError, info)
    }
    const key = partialKey(usernameKey(from), info.sha256, info.size)
    const busy = [...this.#entries.values()].some(
      e => e.kind === 'receive' && e.key === key && !['done', 'failed'].includes(e.transfer.info.state)
    )
    if (busy) return refuse(new BusyError(`already receiving ${info.name} from ${from}`), info)
    const waitingCount = [...this.#entries.values()].filter(
      e => e.kind === 'receive' && e.transfer.waiting
    ).length
    if (waitingCount >= MAX_PENDING_FILE_OFFERS)
      return refuse(new BusyError('too many offers waiting for an answer'), info)
    if (info.size > this.#maxFileBytes) {
      return refuse(
        new FileTooLargeError(
          `${info.name} is ${formatBytes(info.size)}; the limit is ${formatBytes(this.#maxFileBytes)}`
        ),
        info
      )
    }

    const transfer = new IncomingTransfer(this.#th, this.#partials, stream, info, sha256, key)
    const entry: Entry = { kind: 'receive', transfer, key }
    const offered = {
      transferId: info.transferId,
      from,
      name: info.name,
      size: info.size,
      sha256: info.sha256,
      expiresAt: Date.now() + this.#offerTimeoutMs
    }
    const record = this.#partials.find(key)
    const handle = record === undefined ? undefined : await reopenPart(record.partPath)
    if (record !== undefined && handle !== undefined) {
      // The same file from the same user, accepted before: continue after checking what we have.
      const length = Math.min((await handle.stat()).size, info.size)
      const { hash } = await hashRange(handle, length)
      this.#entries.set(info.transferId, entry)
      this.#th.emit('file-offer', { ...offered, resumeFrom: length })
      await transfer.accept(
        { handle, partPath: record.partPath, hash, length },
        { ...record, updatedAt: Date.now() }
      )
      this.#track(transfer.finished)
      return transfer
    }
    if (record !== undefined) await this.#partials.remove(key)
    try {
      await checkFreeSpace(this.#downloads, info.size)
    } catch (err) {
      return refuse(err as P2PChatError, info)
    }
    this.#entries.set(info.transferId, entry)
    transfer.await(offered.expiresAt)
    this.#th.emit('file-offer', offered)
    this.#track(transfer.finished)
    return transfer
  }
}
