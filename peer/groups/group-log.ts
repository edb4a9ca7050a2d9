import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import { DataCorruptError, InternalError } from '../../src/errors.ts'
import { writeFileDurably } from '../../src/storage/durable-json-file.ts'
import type { JournalHandle } from '../../src/storage/journal.ts'
import { Journal } from '../../src/storage/journal.ts'
import { usernameKey } from '../../src/usernames.ts'
import {
  GROUP_SEGMENT_BYTES,
  MAX_GROUP_MESSAGES_IN_MEMORY,
  MAX_PENDING_POSTS_PER_GROUP
} from './constants.ts'
import type { PostRecord } from './group-files.ts'
import { fromRecord, liveJournalName, parseRecord, readLines, segmentName, toRecord } from './group-files.ts'
import type { StoredPost } from './group-post.ts'
import { Window } from './window.ts'

export interface GroupLogInit {
  log: Logger
  /** @default MAX_GROUP_MESSAGES_IN_MEMORY */
  maxInMemory?: number
  /** @default GROUP_SEGMENT_BYTES */
  segmentBytes?: number
  /** Sealed segment numbers found on disk, oldest first. */
  segments?: number[]
  /** @default `fs.open(path, 'a', 0o600)` (tests hand in one that fails like a full disk) */
  openJournal?: (path: string) => Promise<JournalHandle>
}

/** What became of a post handed to `add`. */
export type AddResult =
  /** Stored in memory; `durable` settles when it is on disk. `released`: held posts it unblocked. */
  | {
      status: 'stored'
      durable: Promise<void>
      released: Array<{ post: StoredPost; durable: Promise<void> }>
    }
  /** Already had this (author, seq); `durable` settles when that copy is on disk. */
  | { status: 'duplicate'; durable: Promise<void> }
  /** Verified, but an earlier post of its author is missing: held in memory until it comes. */
  | { status: 'held'; after: number }
  /** Not kept: too many held already, or a message id that another post of the group has. */
  | { status: 'dropped'; reason: string }

interface AuthorState {
  name: string
  /** Highest seq stored with nothing missing below it (every stored post of an author is ≤ this). */
  contiguous: number
  /** The newest of them in memory, oldest first, ending at `contiguous`. */
  posts: Window<StoredPost>
}

/**
 * One group's posts: an append-only journal on disk (live file, then sealed segments) and the newest
 * `maxInMemory` posts in memory. An author's posts are stored only in seq order, so what we have of an
 * author is always 1…contiguous and a sync cursor is one number; a post that comes early is held in
 * memory (bounded) until the ones before it arrive.
 *
 * A journal write that fails (disk full) takes the post — and any later post of that author, which
 * would otherwise follow a hole — back out of memory, and their `durable` rejects. A later post of that
 * author that still reached the disk is an orphan there: replay skips any record that does not follow
 * its author's last one, so it is read again only if it is stored again in order.
 */
export class GroupLog {
  readonly group: string
  readonly #dir: string
  readonly #log: Logger
  readonly #max: number
  readonly #segmentBytes: number
  readonly #segments: number[]
  readonly #journal: Journal<PostRecord>
  readonly #authors = new Map<string, AuthorState>()
  readonly #window = new Window<StoredPost>()
  readonly #ids = new Map<string, StoredPost>()
  readonly #unwritten = new Map<StoredPost, Promise<void>>()
  readonly #dropped = new WeakSet<StoredPost>()
  /** Held posts by author key, then seq. */
  readonly #held = new Map<string, Map<number, StoredPost>>()
  #heldCount = 0
  #sorted: StoredPost[] | undefined
  #sealAt: number

  constructor(dir: string, group: string, init: GroupLogInit) {
    this.group = group
    this.#dir = dir
    this.#log = init.log
    this.#max = init.maxInMemory ?? MAX_GROUP_MESSAGES_IN_MEMORY
    this.#segmentBytes = init.segmentBytes ?? GROUP_SEGMENT_BYTES
    this.#sealAt = this.#segmentBytes
    this.#segments = [...(init.segments ?? [])]
    this.#journal = new Journal<PostRecord>(join(dir, liveJournalName(group)), {
      parse: parseRecord,
      log: init.log,
      openJournal: init.openJournal,
      afterBatch: async () => {
        if (this.#journal.bytes > this.#sealAt) await this.#trySeal()
      }
    })
  }

  /** Replay the sealed segments (streamed), then the live journal (a torn tail is cut off). */
  async open(): Promise<void> {
    let skipped = 0
    const apply = (r: PostRecord): void => {
      if (!this.#replay(fromRecord(this.group, r))) skipped++
    }
    for (const index of this.#segments) {
      const path = join(this.#dir, segmentName(this.group, index))
      for await (const { line, number } of readLines(path)) {
        const record = parseRecord(line)
        if (typeof record === 'string') {
          throw new DataCorruptError(
            `${path} line ${number} is damaged (${record}): restore it from a backup or move it away`
          )
        }
        apply(record)
      }
    }
    await this.#journal.open(apply)
    if (skipped > 0) this.#log('%s: skipped %d journal records that were out of order', this.group, skipped)
  }

  /** Wait for every write so far, then close the journal. */
  async close(): Promise<void> {
    await this.#journal.flush()
    await this.#journal.close()
  }

  flush(): Promise<void> {
    return this.#journal.flush()
  }

  /** Highest seq of `author` we have with none missing below it (0: none). */
  contiguous(author: string): number {
    return this.#authors.get(usernameKey(author))?.contiguous ?? 0
  }

  /** Per author we have posts of: the highest contiguous seq (the cursors of a sync request). */
  cursors(): Array<{ author: string; seq: number }> {
    return [...this.#authors.values()].map(a => ({ author: a.name, seq: a.contiguous }))
  }

  /** Authors with held posts, and the seq we need next from each. */
  gaps(): Array<{ author: string; after: number }> {
    const out: Array<{ author: string; after: number }> = []
    for (const [key, held] of this.#held) {
      const first = held.values().next().value
      if (first !== undefined)
        out.push({ author: first.author, after: this.#authors.get(key)?.contiguous ?? 0 })
    }
    return out
  }

  /** Forget the held posts (we left the group). */
  dropHeld(): void {
    this.#held.clear()
    this.#heldCount = 0
  }

  /** Store a verified post in its author's order, hold it, or say it is a duplicate. */
  add(post: StoredPost): AddResult {
    const key = usernameKey(post.author)
    const state = this.#authors.get(key)
    const contiguous = state?.contiguous ?? 0
    if (post.seq <= contiguous) {
      const had = state?.posts.at(post.seq - (contiguous - state.posts.length + 1))
      if (had !== undefined && had.messageId !== post.messageId) {
        this.#log('%s: %s signed two posts with seq %d', this.group, post.author, post.seq)
      }
      return { status: 'duplicate', durable: had === undefined ? Promise.resolve() : this.whenStored(had) }
    }
    if (this.#ids.has(post.messageId)) return { status: 'dropped', reason: 'a message id already used' }
    if (post.seq > contiguous + 1) {
      let held = this.#held.get(key)
      if (held?.has(post.seq)) return { status: 'held', after: contiguous }
      if (this.#heldCount >= MAX_PENDING_POSTS_PER_GROUP)
        return { status: 'dropped', reason: 'too many held' }
      if (held === undefined) {
        held = new Map()
        this.#held.set(key, held)
      }
      held.set(post.seq, post)
      this.#heldCount++
      return { status: 'held', after: contiguous }
    }
    const durable = this.#store(post)
    const released: Array<{ post: StoredPost; durable: Promise<void> }> = []
    const held = this.#held.get(key)
    if (held !== undefined) {
      for (let seq = post.seq + 1; ; seq++) {
        const next = held.get(seq)
        if (next === undefined) break
        held.delete(seq)
        this.#heldCount--
        if (this.#ids.has(next.messageId)) break
        released.push({ post: next, durable: this.#store(next) })
      }
      // Held posts at or below what is now stored came twice; drop them.
      const now = this.#authors.get(key)!.contiguous
      for (const seq of held.keys()) {
        if (seq <= now) {
          held.delete(seq)
          this.#heldCount--
        }
      }
      if (held.size === 0) this.#held.delete(key)
    }
    return { status: 'stored', durable, released }
  }

  /** Settles when `post` (as stored) is on disk; rejects if it could not be stored. */
  whenStored(post: StoredPost): Promise<void> {
    return this.#unwritten.get(post) ?? Promise.resolve()
  }

  /** The newest `limit` posts in memory, oldest first by (sentAt, author, seq). */
  history(limit = 50): StoredPost[] {
    this.#sorted ??= [...this.#window].sort(compareForDisplay)
    return limit >= this.#sorted.length ? [...this.#sorted] : this.#sorted.slice(this.#sorted.length - limit)
  }

  get size(): number {
    return this.#window.length
  }

  /**
   * Posts after `cursors` in (author, seq) order, within `maxPosts` and `maxBytes` (at least one post):
   * the answer to a sync request. `more` when something was left out. Posts older than memory are read
   * from the journal files — one author per call, so one request costs at most one pass over them.
   */
  async postsAfter(
    cursors: Map<string, number>,
    onlyListed: boolean,
    maxPosts: number,
    maxBytes: number,
    sizeOf: (post: StoredPost) => number
  ): Promise<{ posts: StoredPost[]; more: boolean }> {
    const posts: StoredPost[] = []
    let bytes = 0
    let readDisk = false
    const take = (post: StoredPost): boolean => {
      const size = sizeOf(post)
      if (posts.length >= maxPosts || (posts.length > 0 && bytes + size > maxBytes)) return false
      posts.push(post)
      bytes += size
      return true
    }
    const keys = [...this.#authors.keys()].filter(k => !onlyListed || cursors.has(k)).sort()
    for (const key of keys) {
      const state = this.#authors.get(key)!
      let after = cursors.get(key) ?? 0
      if (after >= state.contiguous) continue
      const firstInMemory = state.contiguous - state.posts.length + 1
      if (after + 1 < firstInMemory) {
        if (readDisk) return { posts, more: true }
        readDisk = true
        for (const post of await this.#readOlder(state, after, firstInMemory - 1, maxPosts - posts.length)) {
          if (!take(post)) return { posts, more: true }
          after = post.seq
        }
        if (after + 1 < firstInMemory) return { posts, more: true }
      }
      for (let i = after + 1 - firstInMemory; i < state.posts.length; i++) {
        if (!take(state.posts.at(i)!)) return { posts, more: true }
      }
    }
    return { posts, more: false }
  }

  #replay(post: StoredPost): boolean {
    const state = this.#authors.get(usernameKey(post.author))
    if (post.seq !== (state?.contiguous ?? 0) + 1) return false
    this.#apply(post)
    return true
  }

  #store(post: StoredPost): Promise<void> {
    this.#apply(post)
    const durable = this.#journal
      .append(toRecord(post), () => this.#rollback(post))
      .then(() => {
        if (this.#dropped.has(post)) {
          throw new InternalError(`an earlier post of ${post.author} could not be stored`)
        }
      })
    this.#unwritten.set(post, durable)
    const settled = (): void => {
      this.#unwritten.delete(post)
    }
    durable.then(settled, settled)
    return durable
  }

  #apply(post: StoredPost): void {
    const key = usernameKey(post.author)
    let state = this.#authors.get(key)
    if (state === undefined) {
      state = { name: post.author, contiguous: 0, posts: new Window() }
      this.#authors.set(key, state)
    }
    state.contiguous = post.seq
    state.posts.push(post)
    this.#window.push(post)
    this.#ids.set(post.messageId, post)
    this.#sorted = undefined
    while (this.#window.length > this.#max) {
      const old = this.#window.shift()!
      this.#ids.delete(old.messageId)
      // Storage order keeps each author's posts in seq order: the oldest overall is its author's oldest.
      this.#authors.get(usernameKey(old.author))?.posts.shift()
    }
  }

  /** A write failed: take this post and every later one of its author out of memory. */
  #rollback(post: StoredPost): void {
    if (this.#dropped.has(post)) return
    const state = this.#authors.get(usernameKey(post.author))
    if (state === undefined) return
    while (state.posts.length > 0 && state.posts.at(state.posts.length - 1)!.seq >= post.seq) {
      const gone = state.posts.pop()!
      this.#dropped.add(gone)
      this.#window.remove(gone)
      if (this.#ids.get(gone.messageId) === gone) this.#ids.delete(gone.messageId)
    }
    state.contiguous = Math.min(state.contiguous, post.seq - 1)
    this.#sorted = undefined
  }

  /** `author`'s posts after..upTo from the files, in order, at most `limit`. */
  async #readOlder(state: AuthorState, after: number, upTo: number, limit: number): Promise<StoredPost[]> {
    const key = usernameKey(state.name)
    const out: StoredPost[] = []
    let next = after + 1
    const paths = [
      ...this.#segments.map(i => join(this.#dir, segmentName(this.group, i))),
      join(this.#dir, liveJournalName(this.group))
    ]
    for (const path of paths) {
      try {
        for await (const { line } of readLines(path)) {
          const r = parseRecord(line)
          if (typeof r === 'string' || r.seq !== next || usernameKey(r.author) !== key) continue
          out.push(fromRecord(this.group, r))
          next++
          if (next > upTo || out.length >= limit) return out
        }
      } catch (err) {
        // A segment sealed meanwhile (the live file renamed): what we have is still in order.
        this.#log('could not read %s: %s', path, (err as Error).message)
      }
    }
    return out
  }

  /**
   * Copy the live journal into the next sealed segment (temp file, fsync, rename), then empty it. A
   * crash in between leaves its records in both: replay takes each (author, seq) once.
   */
  async #trySeal(): Promise<void> {
    const index = (this.#segments.at(-1) ?? 0) + 1
    const path = join(this.#dir, segmentName(this.group, index))
    try {
      const bytes = this.#journal.bytes
      const content = (await readFile(join(this.#dir, liveJournalName(this.group)))).subarray(0, bytes)
      await writeFileDurably(path, content)
      this.#segments.push(index)
      await this.#journal.reset()
      this.#sealAt = this.#segmentBytes
    } catch (err) {
      this.#log.error('could not seal %s: %e', path, err)
      this.#sealAt = this.#journal.bytes + this.#segmentBytes
    }
  }
}

/** Display order: the author's clock, then author and seq to break ties the same way everywhere. */
export function compareForDisplay(a: StoredPost, b: StoredPost): number {
  if (a.sentAt !== b.sentAt) return a.sentAt - b.sentAt
  const ak = usernameKey(a.author)
  const bk = usernameKey(b.author)
  if (ak !== bk) return ak < bk ? -1 : 1
  return a.seq - b.seq
}
