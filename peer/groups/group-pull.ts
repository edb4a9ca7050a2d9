import type { Connection, Logger, Stream } from '@libp2p/interface'
import { Backoff } from '../../src/backoff.ts'
import { toP2PChatError, UnreachableError } from '../../src/errors.ts'
import type { P2PChatNode } from '../../src/node.ts'
import { DIAL_TIMEOUT_MS } from '../../src/protocol/constants.ts'
import type { SyncRequest } from '../../src/protocol/pb/group.ts'
import { usernameKey } from '../../src/usernames.ts'
import type { OnlineUser } from '../core/tracker-client.ts'
import {
  CATCH_UP_PARALLEL,
  GAP_RETRY_BASE_MS,
  GAP_RETRY_MAX_MS,
  GROUP_PROTOCOL,
  MAX_CONCURRENT_SYNCS,
  MAX_GAP_FILL_PEERS,
  MAX_SYNC_BYTES_PER_REQUEST,
  MAX_SYNC_POSTS_PER_REQUEST,
  SYNC_BATCH_TIMEOUT_MS
} from './constants.ts'
import { Slots } from './group-delivery.ts'
import type { GroupLog } from './group-log.ts'
import type { StoredPost } from './group-post.ts'
import { isGroupId, verifyPost } from './group-post.ts'
import type { GroupStore } from './group-store.ts'
import { requestSync, syncRefusal, writeFrame, writeSyncAnswer } from './group-sync.ts'
import type { GroupMembership } from './index.ts'
import { PeerRates } from './peer-rates.ts'

/** Upper bound on a stored post's encoding beyond its text (ids, names, PeerId, signature, tags). */
const POST_OVERHEAD_BYTES = 512
/** A gap nobody online could fill is retried this many times; the next catch-up tries again. */
const MAX_GAP_RETRIES = 6
/** A member who answers RATE_LIMITED is asked again after its wait if that is at most this long. */
const MAX_RATE_LIMIT_WAIT_MS = 5_000

/** Whom a sync asks: a member we dial, or the connection a post came in on. */
export interface SyncTarget {
  user: string
  open(signal: AbortSignal): Promise<Stream>
}

/** The gap fill running for a group: whom to ask first, and whether new gaps appeared meanwhile. */
interface GapFill {
  sources: SyncTarget[]
  again: boolean
  promise: Promise<void>
}

export interface GroupPullInit {
  store: GroupStore
  membership: GroupMembership
  self(): string
  /** Our PeerId (text), never asked. */
  peerId: string
  node: Pick<P2PChatNode, 'getConnections'>
  /** Open a group stream to an online member. */
  dial(target: OnlineUser, signal: AbortSignal): Promise<Stream>
  /** Store a verified post in order or hold it; `stored` resolves with how many reached the disk. */
  accept(log: GroupLog, post: StoredPost, source?: SyncTarget): { stored: Promise<number> }
  log: Logger
  /** @default SYNC_BATCH_TIMEOUT_MS */
  batchTimeoutMs?: number
  /** @default GAP_RETRY_BASE_MS */
  gapRetryBaseMs?: number
}

/**
 * The pull side of groups: catch-up (ask members for what comes after our cursors), gap fills (an
 * author's missing seqs, from whoever sent the later ones, then others), and answering such requests
 * from members — within a per-peer rate, from memory or the journal files.
 */
export class GroupPull {
  readonly #init: GroupPullInit
  readonly #log: Logger
  readonly #batchTimeoutMs: number
  readonly #gapRetryBaseMs: number
  readonly #rates = new PeerRates()
  readonly #syncSlots = new Slots(MAX_CONCURRENT_SYNCS)
  readonly #streams = new Set<Stream>()
  readonly #gapFills = new Map<string, GapFill>()
  readonly #gapRetries = new Map<string, { backoff: Backoff; timer?: ReturnType<typeof setTimeout> }>()
  readonly #stopping = new AbortController()

  constructor(init: GroupPullInit) {
    this.#init = init
    this.#log = init.log
    this.#batchTimeoutMs = init.batchTimeoutMs ?? SYNC_BATCH_TIMEOUT_MS
    this.#gapRetryBaseMs = init.gapRetryBaseMs ?? GAP_RETRY_BASE_MS
  }

  /** Stop fetching gaps of `group` (we left it). */
  forget(group: string): void {
    clearTimeout(this.#gapRetries.get(group)?.timer)
    this.#gapRetries.delete(group)
  }

  async stop(): Promise<void> {
    this.#stopping.abort(new UnreachableError('stopping'))
    for (const retry of this.#gapRetries.values()) clearTimeout(retry.timer)
    this.#gapRetries.clear()
    for (const stream of this.#streams) stream.abort(new Error('stopping'))
    await Promise.allSettled([...this.#gapFills.values()].map(f => f.promise))
  }

  /**
   * Ask up to 3 online members at once for what we miss (the next when one fails); resolves with how
   * many posts were new. Rejects with the last error when everyone asked failed.
   */
  async catchUp(log: GroupLog): Promise<number> {
    const group = log.group
    // Members the tracker could dial back first: a relayed connection carries only so many bytes.
    const candidates = shuffle(this.#others(group)).sort((x, y) => Number(y.reachable) - Number(x.reachable))
    let next = 0
    let received = 0
    let answered = 0
    let lastError: unknown
    const worker = async (): Promise<void> => {
      while (next < candidates.length && !this.#stopping.signal.aborted) {
        const target = candidates[next++]
        try {
          // Counted as they are stored: a member that fails halfway still brought what it brought.
          await this.#sync(log, this.#dialTarget(target), undefined, n => {
            received += n
          })
          answered++
          return
        } catch (err) {
          lastError = err
          this.#log('catch-up of %s from %s failed: %s', group, target.user, (err as Error).message)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(CATCH_UP_PARALLEL, candidates.length) }, worker))
    if (candidates.length > 0 && answered === 0) {
      const e = toP2PChatError(lastError)
      throw e.code === 'INTERNAL' ? new UnreachableError(`no member could be asked: ${e.message}`) : e
    }
    // What is still held waits for posts nobody we asked had: ask around for those authors.
    if (log.gaps().length > 0) this.fillGaps(group)
    return received
  }

  /**
   * Ask `target` for the posts after our cursors (all authors, or only `authors`), verify and store
   * them, `count`ing the new ones; a RATE_LIMITED answer is waited out a couple of times.
   */
  async #sync(
    log: GroupLog,
    target: SyncTarget,
    authors?: string[],
    count: (stored: number) => void = () => {}
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#syncOnce(log, target, authors, count)
        return
      } catch (err) {
        const e = toP2PChatError(err)
        const wait = e.retryAfterMs ?? 0
        if (e.code !== 'RATE_LIMITED' || attempt >= 2 || wait > MAX_RATE_LIMIT_WAIT_MS) throw e
        await sleep(wait, this.#stopping.signal)
      }
    }
  }

  async #syncOnce(
    log: GroupLog,
    target: SyncTarget,
    authors: string[] | undefined,
    count: (n: number) => void
  ): Promise<void> {
    const signal = this.#stopping.signal
    await this.#syncSlots.acquire()
    let stream: Stream | undefined
    try {
      stream = await target.open(AbortSignal.any([AbortSignal.timeout(DIAL_TIMEOUT_MS), signal]))
      this.#streams.add(stream)
      await requestSync(
        stream,
        {
          group: log.group,
          onlyListed: authors !== undefined,
          cursors: () =>
            authors === undefined
              ? log.cursors()
              : authors.map(author => ({ author, seq: log.contiguous(author) })),
          onPosts: async posts => {
            const members = this.#init.membership.members(log.group)
            const writes: Array<Promise<number>> = []
            for (const wire of posts) {
              const c = wire.content
              if (c === undefined) continue
              // Already had (another member answered first): not worth a signature check.
              if (c.groupId === log.group && c.seq <= log.contiguous(c.author)) continue
              let post: StoredPost
              try {
                post = await verifyPost(wire, members, log.group)
              } catch (err) {
                this.#log(
                  'refusing post %s by %s from %s: %s',
                  c.messageId,
                  c.author,
                  target.user,
                  (err as Error).message
                )
                continue
              }
              writes.push(this.#init.accept(log, post, target).stored)
            }
            // Wait for the disk before asking for more: a fast responder cannot outrun our writes.
            for (const n of await Promise.all(writes)) count(n)
          }
        },
        { batchTimeoutMs: this.#batchTimeoutMs, signal }
      )
      await stream.close().catch(() => {})
    } catch (err) {
      stream?.abort(err as Error)
      throw err
    } finally {
      if (stream !== undefined) this.#streams.delete(stream)
      this.#syncSlots.release()
    }
  }

  /** A sync request: from a current member, within its rate; answered from memory (or the files). */
  async answer(req: SyncRequest, from: string, connection: Connection, stream: Stream): Promise<void> {
    const refuse = (code: string, why: string, retryAfterMs = 0): Promise<void> => {
      this.#log('refusing a sync of %s from %s: %s', req.groupId, from, why)
      return writeFrame(stream, syncRefusal(req.id, code, retryAfterMs), this.#stopping.signal)
    }
    if (!isGroupId(req.groupId)) return refuse('INVALID_MESSAGE', 'malformed group id')
    const members = this.#init.membership.members(req.groupId)
    if (members === undefined) return refuse('NOT_AUTHORIZED', 'we are not a member')
    if (!this.#isMember(req.groupId, from)) return refuse('NOT_AUTHORIZED', 'not a member')
    const wait = this.#rates.take(connection.remotePeer.toString())
    if (wait > 0) return refuse('RATE_LIMITED', 'too many requests', wait)
    const log = this.#init.store.get(req.groupId)
    const cursors = new Map<string, number>()
    for (const c of req.have)
      if (Number.isSafeInteger(c.seq) && c.seq >= 0) cursors.set(usernameKey(c.author), c.seq)
    const { posts, more } =
      log === undefined
        ? { posts: [], more: false }
        : await log.postsAfter(
            cursors,
            req.onlyListed,
            MAX_SYNC_POSTS_PER_REQUEST,
            MAX_SYNC_BYTES_PER_REQUEST,
            p => Buffer.byteLength(p.text) + POST_OVERHEAD_BYTES
          )
    // Posts of former members would be refused by the requester: leave them out.
    const current = new Set(members.map(m => usernameKey(m.user)))
    const answer = posts.filter(p => current.has(usernameKey(p.author)))
    await writeSyncAnswer(stream, req.id, answer, more, this.#stopping.signal, this.#batchTimeoutMs)
  }

  /**
   * Posts arrived with seqs missing before them: ask whoever sent them, then other members online, one
   * at a time, for every author of the group with a gap (one fill per group at a time; a gap found
   * meanwhile makes it go round again). If gaps stay, try again later with back-off; the next catch-up
   * does too.
   */
  fillGaps(group: string, source?: SyncTarget): void {
    if (this.#stopping.signal.aborted) return
    const running = this.#gapFills.get(group)
    if (running !== undefined) {
      if (source !== undefined && running.sources.length < MAX_GAP_FILL_PEERS) running.sources.push(source)
      running.again = true
      return
    }
    const fill: GapFill = {
      sources: source === undefined ? [] : [source],
      again: false,
      promise: Promise.resolve()
    }
    this.#gapFills.set(group, fill)
    fill.promise = this.#runGapFill(group, fill)
      .catch(err => this.#log.error('gap fill of %s: %e', group, err))
      .finally(() => {
        if (this.#gapFills.get(group) === fill) this.#gapFills.delete(group)
      })
  }

  async #runGapFill(group: string, fill: GapFill): Promise<void> {
    const log = this.#init.store.get(group)
    if (log === undefined) return
    const stopped = this.#stopping.signal
    do {
      fill.again = false
      const targets = fill.sources.splice(0)
      const asked = new Set(targets.map(t => usernameKey(t.user)))
      for (const u of shuffle(this.#others(group))) {
        if (targets.length >= MAX_GAP_FILL_PEERS) break
        if (!asked.has(usernameKey(u.user))) targets.push(this.#dialTarget(u))
      }
      for (const target of targets) {
        const authors = log.gaps().map(g => g.author)
        if (authors.length === 0 || stopped.aborted) break
        try {
          await this.#sync(log, target, authors)
        } catch (err) {
          this.#log('gap fill of %s from %s failed: %s', group, target.user, (err as Error).message)
        }
      }
    } while (fill.again && log.gaps().length > 0 && !stopped.aborted)
    if (log.gaps().length === 0) {
      this.#gapRetries.delete(group)
      return
    }
    let retry = this.#gapRetries.get(group)
    if (retry === undefined) {
      retry = { backoff: new Backoff({ baseMs: this.#gapRetryBaseMs, maxMs: GAP_RETRY_MAX_MS }) }
      this.#gapRetries.set(group, retry)
    }
    if (retry.backoff.attempts >= MAX_GAP_RETRIES || stopped.aborted) return
    const entry = retry
    entry.timer = setTimeout(() => {
      entry.timer = undefined
      if (this.#isMember(group, this.#init.self())) this.fillGaps(group)
    }, entry.backoff.next())
    entry.timer.unref?.()
  }

  /** Members of `group` online now, without us. */
  #others(group: string): OnlineUser[] {
    const self = usernameKey(this.#init.self())
    return this.#init.membership
      .online(group)
      .filter(u => usernameKey(u.user) !== self && u.peerId.toString() !== this.#init.peerId)
  }

  #dialTarget(target: OnlineUser): SyncTarget {
    return { user: target.user, open: signal => this.#init.dial(target, signal) }
  }

  /** The member who sent us something, on the connection it came over (they may not be dialable). */
  connectionTarget(group: string, user: string, connection: Connection): SyncTarget {
    return {
      user,
      open: async signal => {
        const open =
          connection.status === 'open'
            ? connection
            : this.#init.node.getConnections(connection.remotePeer).find(c => c.status === 'open')
        if (open !== undefined) {
          return open.newStream(GROUP_PROTOCOL, { signal, runOnLimitedConnection: true })
        }
        const online = this.#others(group).find(u => u.peerId.equals(connection.remotePeer))
        if (online === undefined) throw new UnreachableError(`${user} is no longer connected`)
        return this.#init.dial(online, signal)
      }
    }
  }

  #isMember(group: string, user: string): boolean {
    const key = usernameKey(user)
    return this.#init.membership.members(group)?.some(m => usernameKey(m.user) === key) ?? false
  }
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason)
      return
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
