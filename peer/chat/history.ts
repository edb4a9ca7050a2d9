import { open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { Low } from 'lowdb'
import { DataCorruptError, NoSpaceError } from '../../src/errors.ts'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'
import { usernameKey } from '../../src/usernames.ts'

/** File in a peer's data directory holding its chat history and outbox. */
export const HISTORY_FILE_NAME = 'history.json'
const SCHEMA_VERSION = 1

/** `queued`: not yet handed to the recipient; `sent`: written, no ack yet; `delivered`: acked (or received). */
export type MessageStatus = 'queued' | 'sent' | 'delivered'

export interface StoredMessage {
  messageId: string
  from: string
  to: string
  text: string
  /** Sender's clock, Unix ms. */
  sentAt: number
  status: MessageStatus
  /** Local order of arrival or creation, for stable sorting. */
  seq: number
}

interface HistoryFile {
  version: number
  seq: number
  messages: StoredMessage[]
}

const STATUSES = new Set<MessageStatus>(['queued', 'sent', 'delivered'])

function validateHistory(data: unknown): HistoryFile {
  const file = data as HistoryFile
  if (
    typeof file !== 'object' ||
    file === null ||
    file.version !== SCHEMA_VERSION ||
    !Array.isArray(file.messages)
  ) {
    throw new Error(`expected {"version": ${SCHEMA_VERSION}, "messages": […]}`)
  }
  for (const m of file.messages) {
    if (
      typeof m?.messageId !== 'string' ||
      typeof m.from !== 'string' ||
      typeof m.to !== 'string' ||
      typeof m.text !== 'string' ||
      typeof m.sentAt !== 'number' ||
      typeof m.seq !== 'number' ||
      !STATUSES.has(m.status)
    ) {
      throw new Error('a message record is malformed')
    }
  }
  if (typeof file.seq !== 'number') throw new Error('"seq" must be a number')
  return file
}

/** Append-only journal beside the history file: one JSON record per line. */
export const JOURNAL_FILE_NAME = 'history.journal'
/** The journal is folded into history.json once it grows past this, so start-up replay stays short. */
export const COMPACT_JOURNAL_BYTES = 4 * 1024 * 1024

type JournalRecord =
  | { t: 'add'; m: StoredMessage }
  | { t: 'status'; from: string; id: string; s: MessageStatus }

/** What the store needs of the open journal; a `FileHandle` opened for appending is one. */
export interface JournalHandle {
  /** One write at the end of the file; may write fewer bytes than asked (a short write). */
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>
  datasync(): Promise<void>
  sync(): Promise<void>
  truncate(length: number): Promise<void>
  stat(): Promise<{ size: number }>
  close(): Promise<void>
}

export interface HistoryStoreInit {
  /**
   * Opens the journal for appending (tests hand in one that fails like a full disk).
   * @default `fs.open(path, 'a', 0o600)`
   */
  openJournal?: (path: string) => Promise<JournalHandle>
  /** @default logger('p2pchat:peer:history') */
  log?: Logger
}

const openJournalFile = (path: string): Promise<JournalHandle> => open(path, 'a', 0o600)

/**
 * Every message this account sent or received, with its status. The full history lives in a lowdb
 * file (history.json, written atomically and durably); each change is first appended to a journal
 * and fsynced, so a new message costs one small append, not a rewrite of the whole history. The
 * journal is replayed at start-up and folded into history.json when it grows. The outbox is the
 * outgoing messages not yet delivered, in the order they were written.
 *
 * A change that cannot be written (disk full, I/O error, a write cut short) is undone in memory and its
 * promise rejects (`NO_SPACE` for a full disk), and the journal is cut back to its last whole record
 * before anything else is appended, so a failed write never leaves a torn line for later records to
 * follow. A torn tail left by a crash (never acknowledged) is cut off at start-up.
 */
export class HistoryStore {
  readonly #db: Low<HistoryFile>
  readonly #file: DurableJSONFile<HistoryFile>
  readonly #journalPath: string
  /** `${fromKey}\n${messageId}` of every message, for duplicate detection. */
  readonly #ids = new Map<string, StoredMessage>()
  /** Adds not yet on disk, so a duplicate that arrives meanwhile waits for the same write. */
  readonly #pendingAdds = new Map<StoredMessage, Promise<void>>()
  readonly #openJournal: (path: string) => Promise<JournalHandle>
  readonly #log: Logger
  #journal?: JournalHandle
  /** Length of the journal up to its last whole, fsynced record. */
  #journalBytes = 0
  /** A write failed and the journal may hold bytes past `#journalBytes`: cut them before appending. */
  #torn = false
  /** Journal size that triggers the next fold (pushed further out when a fold fails). */
  #compactAt = COMPACT_JOURNAL_BYTES
  #queue: Array<{ line: string; undo: () => void; done: PromiseWithResolvers<void> }> = []
  #writing: Promise<void> | null = null

  constructor(dataDir: string, init: HistoryStoreInit = {}) {
    this.#file = new DurableJSONFile<HistoryFile>(join(dataDir, HISTORY_FILE_NAME), {
      validate: validateHistory
    })
    this.#db = new Low(this.#file, { version: SCHEMA_VERSION, seq: 0, messages: [] })
    this.#journalPath = join(dataDir, JOURNAL_FILE_NAME)
    this.#openJournal = init.openJournal ?? openJournalFile
    this.#log = init.log ?? logger('p2pchat:peer:history')
  }

  async open(): Promise<void> {
    await this.#db.read()
    for (const m of this.#db.data.messages) this.#ids.set(idKey(m.from, m.messageId), m)
    const { replayed, goodBytes } = await this.#replay()
    const journal = await this.#openJournal(this.#journalPath)
    try {
      const size = (await journal.stat()).size
      if (size > goodBytes) {
        // A write cut short by a crash: never acknowledged, and a later append must not follow it.
        this.#log('cutting a torn tail of %d bytes off %s', size - goodBytes, this.#journalPath)
        await journal.truncate(goodBytes)
        await journal.sync()
      }
    } catch (err) {
      await journal.close()
      throw err
    }
    this.#journal = journal
    this.#journalBytes = goodBytes
    // Fold what was replayed into history.json now, so the journal starts empty.
    if (replayed > 0) await this.#tryCompact()
  }

  /** The stored message with this sender and id, if any. */
  get(from: string, messageId: string): StoredMessage | undefined {
    return this.#ids.get(idKey(from, messageId))
  }

  /**
   * Record a message (in memory at once); `durable` resolves when it is on disk. If it cannot be
   * written, `durable` rejects (`NO_SPACE` when the disk is full) and the message is removed again.
   */
  add(message: Omit<StoredMessage, 'seq'>): { stored: StoredMessage; durable: Promise<void> } {
    const stored: StoredMessage = { ...message, seq: ++this.#db.data.seq }
    this.#apply({ t: 'add', m: stored })
    const durable = this.#append({ t: 'add', m: stored }, () => this.#remove(stored))
    this.#pendingAdds.set(stored, durable)
    const settled = (): void => {
      this.#pendingAdds.delete(stored)
    }
    durable.then(settled, settled)
    return { stored, durable }
  }

  /** Resolves when `message` (as returned by `get` or `add`) is on disk; rejects if its write failed. */
  whenStored(message: StoredMessage): Promise<void> {
    return this.#pendingAdds.get(message) ?? Promise.resolve()
  }

  /**
   * Change a message's status; resolves when on disk (if that fails, the status goes back and the
   * promise rejects). Status never goes backwards from delivered.
   */
  setStatus(message: StoredMessage, status: MessageStatus): Promise<void> {
    const previous = message.status
    if (previous === 'delivered' || previous === status) return Promise.resolve()
    message.status = status
    return this.#append({ t: 'status', from: message.from, id: message.messageId, s: status }, () => {
      if (message.status === status) message.status = previous
    })
  }

  /** The conversation with `user`, oldest first, at most the newest `limit`. */
  conversation(user: string, limit = 50): StoredMessage[] {
    const key = usernameKey(user)
    const out: StoredMessage[] = []
    const all = this.#db.data.messages
    // Newest first from the end, so a long history costs only what is asked for plus the scan.
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const m = all[i]
      if (usernameKey(m.from) === key || usernameKey(m.to) === key) out.push(m)
    }
    return out.reverse()
  }

  /** Outgoing messages from `self` not yet delivered, oldest first; to one recipient if given. */
  outbox(self: string, to?: string): StoredMessage[] {
    const selfKey = usernameKey(self)
    const toKey = to === undefined ? undefined : usernameKey(to)
    return this.#db.data.messages.filter(
      m =>
        m.status !== 'delivered' &&
        usernameKey(m.from) === selfKey &&
        (toKey === undefined || usernameKey(m.to) === toKey)
    )
  }

  get size(): number {
    return this.#db.data.messages.length
  }

  /** Wait until every change so far is on disk. */
  async flush(): Promise<void> {
    while (this.#writing !== null || this.#queue.length > 0) {
      if (this.#writing === null) this.#writing = this.#drain()
      await this.#writing
    }
  }

  /** Flush, fold the journal into history.json, and close the journal. */
  async close(): Promise<void> {
    await this.flush()
    const journal = this.#journal
    if (journal === undefined) return
    try {
      // Folding is an optimisation: if it fails (disk full) the journal still holds everything.
      if (this.#journalBytes > 0 || this.#torn) await this.#tryCompact()
    } finally {
      this.#journal = undefined
      await journal.close()
    }
  }

  #apply(record: JournalRecord): void {
    if (record.t === 'add') {
      const key = idKey(record.m.from, record.m.messageId)
      if (this.#ids.has(key)) return // replaying a record already folded into history.json
      this.#db.data.messages.push(record.m)
      this.#db.data.seq = Math.max(this.#db.data.seq, record.m.seq)
      this.#ids.set(key, record.m)
    } else {
      const m = this.#ids.get(idKey(record.from, record.id))
      if (m !== undefined && m.status !== 'delivered') m.status = record.s
    }
  }

  /** Take a message that could not be written back out of memory. */
  #remove(stored: StoredMessage): void {
    const key = idKey(stored.from, stored.messageId)
    if (this.#ids.get(key) !== stored) return
    this.#ids.delete(key)
    const all = this.#db.data.messages
    const i = all.lastIndexOf(stored)
    if (i >= 0) all.splice(i, 1)
  }

  /**
   * Apply every whole record of the journal. Damage after the last good record is a write cut short
   * by a crash (never acknowledged, since acks wait for the fsync) and is left out of `goodBytes` so
   * `open` cuts it off; damage followed by a good record is corruption and stops start-up.
   */
  async #replay(): Promise<{ replayed: number; goodBytes: number }> {
    let bytes: Buffer
    try {
      bytes = await readFile(this.#journalPath)
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
      const record = parseRecord(bytes.toString('utf8', start, end))
      start = end + 1
      if (typeof record === 'string') {
        damage ??= { line, reason: record }
        continue
      }
      if (damage !== undefined) {
        throw new DataCorruptError(
          `${this.#journalPath} line ${damage.line} is damaged (${damage.reason}): restore it from a backup or move it away`
        )
      }
      this.#apply(record)
      replayed++
      goodBytes = start
    }
    return { replayed, goodBytes }
  }

  #append(record: JournalRecord, undo: () => void): Promise<void> {
    const done = Promise.withResolvers<void>()
    this.#queue.push({ line: `${JSON.stringify(record)}\n`, undo, done })
    if (this.#writing === null) this.#writing = this.#drain()
    return done.promise
  }

  /** Write everything queued in one append and one fsync; repeat while more arrived meanwhile. */
  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue
        this.#queue = []
        try {
          const journal = this.#journal
          if (journal === undefined) throw new Error('history is closed')
          if (this.#torn) await this.#cutTornTail(journal)
          const text = Buffer.from(batch.map(b => b.line).join(''))
          await this.#appendDurably(journal, text)
          this.#journalBytes += text.length
          for (const b of batch) b.done.resolve()
        } catch (err) {
          const e = storeError(err)
          this.#log.error('could not write %d history change(s): %e', batch.length, e)
          // Newest first, so a status change is undone before the message it belongs to.
          for (let i = batch.length - 1; i >= 0; i--) batch[i].undo()
          for (const b of batch) b.done.reject(e)
        }
        if (this.#journalBytes > this.#compactAt) await this.#tryCompact()
      }
    } finally {
      this.#writing = null
    }
  }

  /**
   * Append `text` and fsync it. A short write is continued from where it stopped; if the write or the
   * fsync fails, the journal is cut back to its last good record so the next append cannot follow a
   * torn line (if even that fails, `#torn` makes the next append try again first).
   */
  async #appendDurably(journal: JournalHandle, text: Buffer): Promise<void> {
    this.#torn = true
    try {
      let written = 0
      while (written < text.length) {
        const { bytesWritten } = await journal.write(text, written, text.length - written)
        if (bytesWritten <= 0)
          throw new Error(`the journal took no bytes (${written} of ${text.length} written)`)
        written += bytesWritten
      }
      await journal.datasync()
      this.#torn = false
    } catch (err) {
      await this.#cutTornTail(journal).catch(cutErr =>
        this.#log.error(
          'could not cut %s back to %d bytes: %e',
          this.#journalPath,
          this.#journalBytes,
          cutErr
        )
      )
      throw err
    }
  }

  async #cutTornTail(journal: JournalHandle): Promise<void> {
    await journal.truncate(this.#journalBytes)
    await journal.sync()
    this.#torn = false
  }

  /** Fold the journal into history.json; on failure keep the journal (it holds everything) and go on. */
  async #tryCompact(): Promise<void> {
    try {
      // Messages still waiting for their journal write stay out: if that write fails, they were never stored.
      const data = this.#db.data
      await this.#file.write(
        this.#pendingAdds.size === 0
          ? data
          : { ...data, messages: data.messages.filter(m => !this.#pendingAdds.has(m)) }
      )
      const journal = this.#journal
      if (journal !== undefined) {
        await journal.truncate(0)
        await journal.sync()
      }
      this.#journalBytes = 0
      this.#torn = false
      this.#compactAt = COMPACT_JOURNAL_BYTES
    } catch (err) {
      this.#log.error('could not fold %s into %s: %e', this.#journalPath, HISTORY_FILE_NAME, err)
      // Try again once the journal has grown some more, not on every append.
      this.#compactAt = this.#journalBytes + COMPACT_JOURNAL_BYTES
    }
  }
}

/** A journal line as a record, or why it is not one. */
function parseRecord(line: string): JournalRecord | string {
  try {
    const record = JSON.parse(line) as JournalRecord
    if (record?.t === 'add') validateHistory({ version: SCHEMA_VERSION, seq: 0, messages: [record.m] })
    else if (record?.t !== 'status' || !STATUSES.has(record.s)) throw new Error('unknown record')
    return record
  } catch (err) {
    return (err as Error).message
  }
}

/** A full disk becomes `NO_SPACE`, which the sender of a received message is told; other errors as they are. */
function storeError(err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new NoSpaceError('no space left on the disk for the chat history: free some space', {
      cause: err
    })
  }
  return err as Error
}

function idKey(from: string, messageId: string): string {
  return `${usernameKey(from)}\n${messageId}`
}
