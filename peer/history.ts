import { join } from 'node:path'
import { Low } from 'lowdb'
import { DurableJSONFile } from '../src/storage/durable-json-file.ts'
import { usernameKey } from '../src/usernames.ts'

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

/**
 * Every message this account sent or received, with its status, in a durable lowdb file. The outbox is
 * the outgoing messages not yet delivered, in the order they were written.
 */
export class HistoryStore {
  readonly #db: Low<HistoryFile>
  /** `${fromKey}\n${messageId}` of every message, for duplicate detection. */
  readonly #ids = new Map<string, StoredMessage>()

  constructor(dataDir: string) {
    this.#db = new Low(
      new DurableJSONFile<HistoryFile>(join(dataDir, HISTORY_FILE_NAME), { validate: validateHistory }),
      {
        version: SCHEMA_VERSION,
        seq: 0,
        messages: []
      }
    )
  }

  async open(): Promise<void> {
    await this.#db.read()
    for (const m of this.#db.data.messages) this.#ids.set(idKey(m.from, m.messageId), m)
  }

  /** The stored message with this sender and id, if any. */
  get(from: string, messageId: string): StoredMessage | undefined {
    return this.#ids.get(idKey(from, messageId))
  }

  /** Record a message (in memory at once); the promise resolves when it is on disk. */
  add(message: Omit<StoredMessage, 'seq'>): { stored: StoredMessage; durable: Promise<void> } {
    const stored: StoredMessage = { ...message, seq: ++this.#db.data.seq }
    this.#db.data.messages.push(stored)
    this.#ids.set(idKey(stored.from, stored.messageId), stored)
    return { stored, durable: this.#db.write() }
  }

  /** Change a message's status; resolves when on disk. Status never goes backwards from delivered. */
  setStatus(message: StoredMessage, status: MessageStatus): Promise<void> {
    if (message.status === 'delivered' || message.status === status) return Promise.resolve()
    message.status = status
    return this.#db.write()
  }

  /** The conversation with `user`, oldest first, at most the newest `limit`. */
  conversation(user: string, limit = 50): StoredMessage[] {
    const key = usernameKey(user)
    const all = this.#db.data.messages.filter(m => usernameKey(m.from) === key || usernameKey(m.to) === key)
    return all.slice(Math.max(0, all.length - limit))
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

  async flush(): Promise<void> {
    await this.#db.write()
  }
}

function idKey(from: string, messageId: string): string {
  return `${usernameKey(from)}\n${messageId}`
}
