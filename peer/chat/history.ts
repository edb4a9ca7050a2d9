import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { Low } from 'lowdb'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'
import type { JournalHandle } from '../../src/storage/journal.ts'
import { Journal } from '../../src/storage/journal.ts'
import { usernameKey } from '../../src/usernames.ts'

export type { JournalHandle }

/** File in a peer's data directory holding its chat history and outbox. */
export const HISTORY_FILE_NAME = 'history.json'
/** 2: records carry a conversation id. Version 1 files (wave 1) are migrated when read. */
const SCHEMA_VERSION = 2

/**
 * `queued`: not yet handed to the recipient; `sent`: written, no ack yet; `delivered`: acked (or
 * received); `refused`: the recipient will never take it (too long, malformed, friends only) — not retried.
 */
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'refused'

/**
 * The conversation a one-to-one message belongs to: `dm:` and the two usernames' keys in order, the same
 * whoever computes it (group conversations are `group:<id>`, kept by peer/groups).
 */
export function directConversation(a: string, b: string): string {
  return `dm:${[usernameKey(a), usernameKey(b)].sort().join('|')}`
}

export interface StoredMessage {
  /** `dm:<key>|<key>` (directConversation). */
  conversation: string
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

const STATUSES = new Set<MessageStatus>(['queued', 'sent', 'delivered', 'refused'])
/** A message in one of these states is finished: out of the outbox, its status never changes again. */
const FINAL = new Set<MessageStatus>(['delivered', 'refused'])

function validateHistory(data: unknown): HistoryFile {
  const file = data as HistoryFile
  if (
    typeof file !== 'object' ||
    file === null ||
    (file.version !== SCHEMA_VERSION && file.version !== 1) ||
    !Array.isArray(file.messages)
  ) {
    throw new Error(`expected {"version": ${SCHEMA_VERSION}, "messages": […]}`)
  }
  for (const m of file.messages) {
    // Version 1 (wave 1) had no conversation ids: each record gets its own, computed from its two ends.
    if (file.version === 1 && m !== null && typeof m === 'object' && m.conversation === undefined) {
      if (typeof m.from === 'string' && typeof m.to === 'string')
        m.conversation = directConversation(m.from, m.to)
    }
    if (
      typeof m?.messageId !== 'string' ||
      typeof m.from !== 'string' ||
      typeof m.to !== 'string' ||
      typeof m.text !== 'string' ||
      typeof m.sentAt !== 'number' ||
      typeof m.seq !== 'number' ||
      typeof m.conversation !== 'string' ||
      !STATUSES.has(m.status)
    ) {
      throw new Error('a message record is malformed')
    }
  }
  if (typeof file.seq !== 'number') throw new Error('"seq" must be a number')
  file.version = SCHEMA_VERSION
  return file
}

/** Append-only journal beside the history file: one JSON record per line. */
export const JOURNAL_FILE_NAME = 'history.journal'
/** The journal is folded into history.json once it grows past this, so start-up replay stays short. */
export const COMPACT_JOURNAL_BYTES = 4 * 1024 * 1024

type JournalRecord =
  | { t: 'add'; m: StoredMessage }
  | { t: 'status'; from: string; id: string; s: MessageStatus }

export interface HistoryStoreInit {
  /**
   * Opens the journal for appending (tests hand in one that fails like a full disk).
   * @default `fs.open(path, 'a', 0o600)`
   */
  openJournal?: (path: string) => Promise<JournalHandle>
  /** @default logger('p2pchat:peer:history') */
  log?: Logger
}

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
  /**
   * Adds whose journal write has not completed, updated synchronously by the journal (a fold runs
   * between a batch's fsync and its promises' callbacks, so `#pendingAdds` is still stale then).
   */
  readonly #unwritten = new Set<StoredMessage>()
  readonly #journal: Journal<JournalRecord>
  readonly #log: Logger
  #open = false
  /** Journal size that triggers the next fold (pushed further out when a fold fails). */
  #compactAt = COMPACT_JOURNAL_BYTES

  constructor(dataDir: string, init: HistoryStoreInit = {}) {
    this.#file = new DurableJSONFile<HistoryFile>(join(dataDir, HISTORY_FILE_NAME), {
      validate: validateHistory
    })
    this.#db = new Low(this.#file, { version: SCHEMA_VERSION, seq: 0, messages: [] })
    this.#journalPath = join(dataDir, JOURNAL_FILE_NAME)
    this.#log = init.log ?? logger('p2pchat:peer:history')
    this.#journal = new Journal<JournalRecord>(this.#journalPath, {
      parse: parseRecord,
      log: this.#log,
      openJournal: init.openJournal,
      afterBatch: async () => {
        if (this.#journal.bytes > this.#compactAt) await this.#tryCompact()
      }
    })
  }

  async open(): Promise<void> {
    await this.#db.read()
    for (const m of this.#db.data.messages) this.#ids.set(idKey(m.from, m.messageId), m)
    const replayed = await this.#journal.open(record => this.#apply(record))
    this.#open = true
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
  add(message: Omit<StoredMessage, 'seq' | 'conversation'>): {
    stored: StoredMessage
    durable: Promise<void>
  } {
    const stored: StoredMessage = {
      conversation: directConversation(message.from, message.to),
      ...message,
      seq: ++this.#db.data.seq
    }
    this.#apply({ t: 'add', m: stored })
    this.#unwritten.add(stored)
    const durable = this.#journal.append(
      { t: 'add', m: stored },
      () => {
        this.#unwritten.delete(stored)
        this.#remove(stored)
      },
      () => this.#unwritten.delete(stored)
    )
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
    if (FINAL.has(previous) || previous === status) return Promise.resolve()
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
        !FINAL.has(m.status) &&
        usernameKey(m.from) === selfKey &&
        (toKey === undefined || usernameKey(m.to) === toKey)
    )
  }

  get size(): number {
    return this.#db.data.messages.length
  }

  /** Wait until every change so far is on disk. */
  flush(): Promise<void> {
    return this.#journal.flush()
  }

  /** Flush, fold the journal into history.json, and close the journal. */
  async close(): Promise<void> {
    await this.flush()
    if (!this.#open) return
    this.#open = false
    try {
      // Folding is an optimisation: if it fails (disk full) the journal still holds everything.
      if (this.#journal.dirty) await this.#tryCompact()
    } finally {
      await this.#journal.close()
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
      if (m !== undefined && !FINAL.has(m.status)) m.status = record.s
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

  #append(record: JournalRecord, undo: () => void): Promise<void> {
    return this.#journal.append(record, undo)
  }

  /** Fold the journal into history.json; on failure keep the journal (it holds everything) and go on. */
  async #tryCompact(): Promise<void> {
    try {
      // Messages still waiting for their journal write stay out: if that write fails, they were never stored.
      const data = this.#db.data
      await this.#file.write(
        this.#unwritten.size === 0
          ? data
          : { ...data, messages: data.messages.filter(m => !this.#unwritten.has(m)) }
      )
      await this.#journal.reset()
      this.#compactAt = COMPACT_JOURNAL_BYTES
    } catch (err) {
      this.#log.error('could not fold %s into %s: %e', this.#journalPath, HISTORY_FILE_NAME, err)
      // Try again once the journal has grown some more, not on every append.
      this.#compactAt = this.#journal.bytes + COMPACT_JOURNAL_BYTES
    }
  }
}

/** A journal line as a record, or why it is not one. */
function parseRecord(line: string): JournalRecord | string {
  try {
    const record = JSON.parse(line) as JournalRecord
    // A journal written by version 1 has records without conversation ids: migrated like the file.
    if (record?.t === 'add') validateHistory({ version: 1, seq: 0, messages: [record.m] })
    else if (record?.t !== 'status' || !STATUSES.has(record.s)) throw new Error('unknown record')
    return record
  } catch (err) {
    return (err as Error).message
  }
}

function idKey(from: string, messageId: string): string {
  return `${usernameKey(from)}\n${messageId}`
}
