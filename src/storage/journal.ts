import { open, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import { DataCorruptError, NoSpaceError } from '../errors.ts'
import { fsyncDir } from './durable-json-file.ts'

/** What the journal needs of its open file; a `FileHandle` opened for appending is one. */
export interface JournalHandle {
  /** One write at the end of the file; may write fewer bytes than asked (a short write). */
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>
  datasync(): Promise<void>
  sync(): Promise<void>
  truncate(length: number): Promise<void>
  stat(): Promise<{ size: number }>
  close(): Promise<void>
}

export interface JournalInit<R> {
  /** A line as a record, or why it is not one. */
  parse(line: string): R | string
  log: Logger
  /**
   * Opens a file for appending (tests hand in one that fails like a full disk). Used for the journal
   * and for the new file `dropPrefix` writes.
   * @default `fs.open(path, 'a', 0o600)`
   */
  openJournal?: (path: string) => Promise<JournalHandle>
  /** Called after each batch, inside the write loop, so it runs between writes (the owner's fold). */
  afterBatch?: () => Promise<void>
}

const openJournalFile = (path: string): Promise<JournalHandle> => open(path, 'a', 0o600)

/**
 * An append-only file of JSON records, one per line, written durably: every batch of records is one
 * append and one fsync, and its promises resolve only then. A write that fails (disk full, I/O error,
 * cut short) rejects its records' promises (`NO_SPACE` for a full disk) after their `undo` ran, and the
 * file is cut back to its last whole record before anything else is appended, so a failed write never
 * leaves a torn line for later records to follow. A torn tail left by a crash is cut off at open.
 *
 * The owner folds the records into a snapshot of its own now and then and then drops them: `reset()`
 * from `afterBatch` (nothing can be appended meanwhile), or `records()` and `dropPrefix()` while
 * appends go on.
 */
export class Journal<R> {
  readonly #path: string
  readonly #init: JournalInit<R>
  #handle?: JournalHandle
  /** Length of the file up to its last whole, fsynced record. */
  #bytes = 0
  /** A write failed and the file may hold bytes past `#bytes`: cut them before appending. */
  #torn = false
  #queue: Array<{
    line: string
    undo: () => void
    written?: () => void
    done: PromiseWithResolvers<void>
  }> = []
  /** Work that must not interleave with a write (`dropPrefix`), run by the write loop between batches. */
  #tasks: Array<{ run: () => Promise<void>; done: PromiseWithResolvers<void> }> = []
  #writing: Promise<void> | null = null

  constructor(path: string, init: JournalInit<R>) {
    this.#path = path
    this.#init = init
  }

  /** Bytes of whole records in the file. */
  get bytes(): number {
    return this.#bytes
  }

  /** True when the file holds anything (records, or bytes of a failed write). */
  get dirty(): boolean {
    return this.#bytes > 0 || this.#torn
  }

  /**
   * Replay every whole record through `apply`, cut off a torn tail, and open for appending. `apply` may
   * throw to refuse a record (one that contradicts an earlier one): that is `DataCorruptError` naming
   * the line.
   */
  async open(apply: (record: R) => void): Promise<number> {
    const { replayed, goodBytes } = await this.#replay(apply)
    const handle = await (this.#init.openJournal ?? openJournalFile)(this.#path)
    try {
      const size = (await handle.stat()).size
      if (size > goodBytes) {
        // A write cut short by a crash: never acknowledged, and a later append must not follow it.
        this.#init.log('cutting a torn tail of %d bytes off %s', size - goodBytes, this.#path)
        await handle.truncate(goodBytes)
        await handle.sync()
      }
    } catch (err) {
      await handle.close()
      throw err
    }
    this.#handle = handle
    this.#bytes = goodBytes
    this.#torn = false
    return replayed
  }

  /**
   * Queue a record; resolves once it is on disk. If it cannot be, `undo` runs and this rejects.
   * `written` runs synchronously once it is on disk, before `afterBatch`: promise callbacks run only
   * after it, so an owner folding from `afterBatch` must learn what is durable this way.
   */
  append(record: R, undo: () => void, written?: () => void): Promise<void> {
    const done = Promise.withResolvers<void>()
    this.#queue.push({ line: `${JSON.stringify(record)}\n`, undo, written, done })
    this.#startWriting()
    return done.promise
  }

  /** Wait until every record so far is written (or failed). */
  async flush(): Promise<void> {
    while (this.#writing !== null || this.#queue.length > 0 || this.#tasks.length > 0) {
      this.#startWriting()
      await this.#writing
    }
  }

  /** Empty the file once its records are kept elsewhere (the owner folded them). */
  async reset(): Promise<void> {
    if (this.#handle !== undefined) {
      await this.#handle.truncate(0)
      await this.#handle.sync()
    }
    this.#bytes = 0
    this.#torn = false
  }

  /**
   * The whole, fsynced records in the file now, read back from it, and the bytes they take: what an
   * owner folds into its snapshot before `dropPrefix(bytes)`. Taken from the file rather than from the
   * owner's memory, so a record counts as soon as its fsync did, whoever has seen its promise resolve.
   */
  async records(): Promise<{ records: R[]; bytes: number }> {
    // Bytes before `#bytes` never change while appends go on; only `dropPrefix` (the owner's) moves them.
    const bytes = this.#bytes
    const text = bytes === 0 ? Buffer.alloc(0) : (await readFile(this.#path)).subarray(0, bytes)
    const records: R[] = []
    let start = 0
    for (let line = 1; start < text.length; line++) {
      const end = text.indexOf(0x0a, start)
      const record = end === -1 ? 'no newline' : this.#init.parse(text.toString('utf8', start, end))
      if (typeof record === 'string') throw new Error(`${this.#path} line ${line}: ${record}`)
      records.push(record)
      start = end + 1
    }
    return { records, bytes }
  }

  /**
   * Drop the first `bytes` bytes of the file (records `records()` returned, now kept elsewhere) and keep
   * the ones appended since. Runs between two writes. With nothing appended since, the file is emptied;
   * otherwise the rest is written to a new file, fsynced and renamed over the journal, so a crash leaves
   * either the whole old journal (its dropped records are then replayed again: the owner's `apply` must
   * take a record it already has) or the new one.
   */
  dropPrefix(bytes: number): Promise<void> {
    const done = Promise.withResolvers<void>()
    this.#tasks.push({ run: () => this.#dropPrefixNow(bytes), done })
    this.#startWriting()
    return done.promise
  }

  async close(): Promise<void> {
    const handle = this.#handle
    this.#handle = undefined
    await handle?.close()
  }

  /**
   * Damage after the last good record is a write cut short by a crash (never acknowledged, since acks
   * wait for the fsync) and is left out of `goodBytes`; damage followed by a good record is corruption
   * and stops start-up.
   */
  async #replay(apply: (record: R) => void): Promise<{ replayed: number; goodBytes: number }> {
    let bytes: Buffer
    try {
      bytes = await readFile(this.#path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { replayed: 0, goodBytes: 0 }
      throw err
    }
    let replayed = 0
    let goodBytes = 0
    let damage: { line: number; reason: string } | undefined
    let start = 0
    for (let line = 1; start < bytes.length; line++) {
      const end = bytes.indexOf(0x0a, start)
      if (end === -1) break // no newline: the tail of a torn write
      const record = this.#init.parse(bytes.toString('utf8', start, end))
      start = end + 1
      if (typeof record === 'string') {
        damage ??= { line, reason: record }
        continue
      }
      if (damage !== undefined) {
        throw new DataCorruptError(
          `${this.#path} line ${damage.line} is damaged (${damage.reason}): restore it from a backup or move it away`
        )
      }
      try {
        apply(record)
      } catch (err) {
        throw new DataCorruptError(
          `${this.#path} line ${line} is refused (${(err as Error).message}): restore it from a backup or move it away`,
          { cause: err }
        )
      }
      replayed++
      goodBytes = start
    }
    return { replayed, goodBytes }
  }

  #startWriting(): void {
    if (this.#writing === null) this.#writing = this.#drain()
  }

  /** Write everything queued in one append and one fsync; repeat while more arrived meanwhile. */
  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0 || this.#tasks.length > 0) {
        const task = this.#tasks.shift()
        if (task !== undefined) {
          await task.run().then(task.done.resolve, task.done.reject)
          continue
        }
        const batch = this.#queue
        this.#queue = []
        try {
          const handle = this.#handle
          if (handle === undefined) throw new Error(`${this.#path} is closed`)
          if (this.#torn) await this.#cutTornTail(handle)
          const text = Buffer.from(batch.map(b => b.line).join(''))
          await this.#appendDurably(handle, text)
          this.#bytes += text.length
          for (const b of batch) {
            b.written?.()
            b.done.resolve()
          }
        } catch (err) {
          const e = this.#storeError(err)
          this.#init.log.error('could not write %d record(s) to %s: %e', batch.length, this.#path, e)
          // Newest first, so a later change is undone before the one it builds on.
          for (let i = batch.length - 1; i >= 0; i--) batch[i].undo()
          for (const b of batch) b.done.reject(e)
        }
        await this.#init.afterBatch?.()
      }
    } finally {
      this.#writing = null
    }
  }

  /**
   * Append `text` and fsync it. A short write is continued from where it stopped; if the write or the
   * fsync fails, the file is cut back to its last good record so the next append cannot follow a torn
   * line (if even that fails, `#torn` makes the next append try again first).
   */
  async #appendDurably(handle: JournalHandle, text: Buffer): Promise<void> {
    this.#torn = true
    try {
      await writeFully(handle, text)
      await handle.datasync()
      this.#torn = false
    } catch (err) {
      await this.#cutTornTail(handle).catch(cutErr =>
        this.#init.log.error('could not cut %s back to %d bytes: %e', this.#path, this.#bytes, cutErr)
      )
      throw err
    }
  }

  async #cutTornTail(handle: JournalHandle): Promise<void> {
    await handle.truncate(this.#bytes)
    await handle.sync()
    this.#torn = false
  }

  async #dropPrefixNow(bytes: number): Promise<void> {
    const handle = this.#handle
    if (handle === undefined) throw new Error(`${this.#path} is closed`)
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > this.#bytes) {
      throw new RangeError(`cannot drop ${bytes} bytes of ${this.#path}, which holds ${this.#bytes}`)
    }
    if (this.#torn) await this.#cutTornTail(handle)
    if (bytes === this.#bytes) {
      await this.reset()
      return
    }
    const rest = (await readFile(this.#path)).subarray(bytes, this.#bytes)
    // Beside the journal, so the rename stays on one file system; one name, so a crash leaves one file.
    const tmp = join(dirname(this.#path), `.${basename(this.#path)}.tmp`)
    const next = await (this.#init.openJournal ?? openJournalFile)(tmp)
    try {
      await next.truncate(0) // left over from a crash
      await writeFully(next, rest)
      await next.sync()
      await rename(tmp, this.#path)
    } catch (err) {
      await next.close().catch(() => {})
      await rm(tmp, { force: true }).catch(() => {})
      throw this.#storeError(err)
    }
    // The open handle follows the renamed file: appends go on in the new journal.
    this.#handle = next
    this.#bytes = rest.length
    await handle.close().catch(err => this.#init.log.error('could not close the old %s: %e', this.#path, err))
    // If the rename is not durable yet, a crash brings back the old journal, whose records replay harmlessly.
    await fsyncDir(dirname(this.#path)).catch(err =>
      this.#init.log.error('could not fsync the directory of %s: %e', this.#path, err)
    )
  }

  /** A full disk becomes `NO_SPACE`; others as they are. */
  #storeError(err: unknown): Error {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return new NoSpaceError(`no space left on the disk for ${this.#path}: free some space`, { cause: err })
    }
    return err as Error
  }
}

/** Write all of `data` at the end of the file, continuing after short writes. */
async function writeFully(handle: JournalHandle, data: Uint8Array): Promise<void> {
  let written = 0
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written)
    if (bytesWritten <= 0) throw new Error(`the journal took no bytes (${written} of ${data.length} written)`)
    written += bytesWritten
  }
}
