import type { FileHandle } from 'node:fs/promises'
import { open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Low } from 'lowdb'
import { DataCorruptError } from '../../src/errors.ts'
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

/**
 * Every message this account sent or received, with its status. The full history lives in a lowdb
 * file (history.json, written atomically and durably); each change is first appended to a journal
 * and fsynced, so a new message costs one small append, not a rewrite of the whole history. The
 * journal is replayed at start-up and folded into history.json when it grows. The outbox is the
 * outgoing messages not yet delivered, in the order they were written.
 */
export class HistoryStore {
  readonly #db: Low<HistoryFile>
  readonly #journalPath: string
  /** `${fromKey}\n${messageId}` of every message, for duplicate detection. */
  readonly #ids = new Map<string, StoredMessage>()
  #journal?: FileHandle
  #journalBytes = 0
  #queue: Array<{ line: string; done: PromiseWithResolvers<void> }> = []
  #writing: Promise<void> | null = null

  constructor(dataDir: string) {
    this.#db = new Low(
      new DurableJSONFile<HistoryFile>(join(dataDir, HISTORY_FILE_NAME), { validate: validateHistory }),
      {
        version: SCHEMA_VERSION,
        seq: 0,
        messages: []
      }
    )
    this.#journalPath = join(dataDir, JOURNAL_FILE_NAME)
  }

  async open(): Promise<void> {
    await this.#db.read()
    for (const m of this.#db.data.messages) this.#ids.set(idKey(m.from, m.messageId), m)
    const replayed = await this.#replay()
    this.#journal = await open(this.#journalPath, 'a', 0o600)
    this.#journalBytes = (await this.#journal.stat()).size
    // Fold what was replayed into history.json now, so the journal starts empty.
    if (replayed > 0) await this.#compact()
  }

  /** The stored message with this sender and id, if any. */
  get(from: string, messageId: string): StoredMessage | undefined {
    return this.#ids.get(idKey(from, messageId))
  }

  /** Record a message (in memory at once); the promise resolves when it is on disk. */
  add(message: Omit<StoredMessage, 'seq'>): { stored: StoredMessage; durable: Promise<void> } {
    const stored: StoredMessage = { ...message, seq: ++this.#db.data.seq }
    this.#apply({ t: 'add', m: stored })
    return { stored, durable: this.#append({ t: 'add', m: stored }) }
  }

  /** Change a message's status; resolves when on disk. Status never goes backwards from delivered. */
  setStatus(message: StoredMessage, status: MessageStatus): Promise<void> {
    if (message.status === 'delivered' || message.status === status) return Promise.resolve()
    message.status = status
    return this.#append({ t: 'status', from: message.from, id: message.messageId, s: status })
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
    if (this.#journal === undefined) return
    if (this.#journalBytes > 0) await this.#compact()
    await this.#journal.close()
    this.#journal = undefined
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

  async #replay(): Promise<number> {
    let text: string
    try {
      text = await readFile(this.#journalPath, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0
      throw err
    }
    const lines = text.split('\n')
    // The part after the last newline is a write cut short by a crash: never acknowledged, dropped.
    lines.pop()
    let n = 0
    for (const [i, line] of lines.entries()) {
      let record: JournalRecord
      try {
        record = JSON.parse(line) as JournalRecord
        if (record.t === 'add') validateHistory({ version: SCHEMA_VERSION, seq: 0, messages: [record.m] })
        else if (record.t !== 'status' || !STATUSES.has(record.s)) throw new Error('unknown record')
      } catch (err) {
        throw new DataCorruptError(
          `${this.#journalPath} line ${i + 1} is damaged (${(err as Error).message}): restore it from a backup or move it away`
        )
      }
      this.#apply(record)
      n++
    }
    return n
  }

  #append(record: JournalRecord): Promise<void> {
    const done = Promise.withResolvers<void>()
    this.#queue.push({ line: `${JSON.stringify(record)}\n`, done })
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
          if (this.#journal === undefined) throw new Error('history is closed')
          const text = batch.map(b => b.line).join('')
          await this.#journal.write(text)
          await this.#journal.datasync()
          this.#journalBytes += Buffer.byteLength(text)
          for (const b of batch) b.done.resolve()
        } catch (err) {
          for (const b of batch) b.done.reject(err)
        }
        if (this.#journalBytes > COMPACT_JOURNAL_BYTES) await this.#compact()
      }
    } finally {
      this.#writing = null
    }
  }

  async #compact(): Promise<void> {
    await this.#db.write()
    await this.#journal?.truncate(0)
    await this.#journal?.sync()
    this.#journalBytes = 0
  }
}

function idKey(from: string, messageId: string): string {
  return `${usernameKey(from)}\n${messageId}`
}
