import type { Logger, Stream } from '@libp2p/interface'
import { Backoff } from '../../src/backoff.ts'
import { toP2PChatError } from '../../src/errors.ts'
import { DIAL_TIMEOUT_MS } from '../../src/protocol/constants.ts'
import type { OnlineUser } from '../core/tracker-client.ts'
import {
  MAX_CONCURRENT_DELIVERIES,
  MAX_POSTS_IN_FLIGHT_PER_MEMBER,
  MAX_PUSH_ATTEMPTS,
  MAX_QUEUED_POSTS_PER_MEMBER,
  PUSH_RETRY_BASE_MS,
  PUSH_RETRY_MAX_MS
} from './constants.ts'
import { GroupLink } from './group-link.ts'
import type { StoredPost } from './group-post.ts'

/** Refusals a push does not retry: the member will never take the post. */
const FINAL_CODES = new Set(['INVALID_MESSAGE', 'TEXT_TOO_LONG', 'NOT_AUTHORIZED'])

export interface GroupDeliveryInit {
  /** Open a group stream to a member. */
  dial(target: OnlineUser, signal: AbortSignal): Promise<Stream>
  /** Whether `target` is still an online member of `group` (a removed member is skipped). */
  stillFor(group: string, target: OnlineUser): boolean
  log: Logger
  /** @default GROUP_ACK_TIMEOUT_MS */
  ackTimeoutMs?: number
  /** @default PUSH_RETRY_BASE_MS */
  retryBaseMs?: number
}

interface MemberQueue {
  key: string
  target: OnlineUser
  items: Array<{ post: StoredPost; attempts: number }>
  backoff: Backoff
  running?: Promise<void>
  timer?: ReturnType<typeof setTimeout>
}

/**
 * Pushing posts to members: a queue per member (by PeerId) written in order on one reused stream, up to
 * 32 unacked at a time, 16 members at a time. A member who cannot be reached is retried with back-off
 * a few times; after that, or past 1,024 queued posts, what is left is theirs to fetch by catch-up.
 * Nothing here is persisted: the journal holds every post, and members pull what they missed.
 */
export class GroupDelivery {
  readonly #init: GroupDeliveryInit
  readonly #queues = new Map<string, MemberQueue>()
  readonly #links = new Map<string, GroupLink | Promise<GroupLink>>()
  readonly #slots = new Slots(MAX_CONCURRENT_DELIVERIES)
  readonly #idle: Array<() => void> = []
  readonly #stopping = new AbortController()
  #stopped = false

  constructor(init: GroupDeliveryInit) {
    this.#init = init
  }

  push(target: OnlineUser, post: StoredPost): void {
    if (this.#stopped) return
    const key = target.peerId.toString()
    let queue = this.#queues.get(key)
    if (queue === undefined) {
      queue = {
        key,
        target,
        items: [],
        backoff: new Backoff({
          baseMs: this.#init.retryBaseMs ?? PUSH_RETRY_BASE_MS,
          maxMs: PUSH_RETRY_MAX_MS
        })
      }
      this.#queues.set(key, queue)
    }
    if (queue.timer !== undefined && target.since !== queue.target.since) {
      // They logged in again since the last failure: no reason to wait out the back-off.
      clearTimeout(queue.timer)
      queue.timer = undefined
      queue.backoff.reset()
    }
    queue.target = target
    queue.items.push({ post, attempts: 0 })
    if (queue.items.length > MAX_QUEUED_POSTS_PER_MEMBER) {
      const dropped = queue.items.shift()!
      this.#init.log('%s is not taking posts: left %s to their catch-up', target.user, dropped.post.messageId)
    }
    this.#kick(queue)
  }

  /** Drop every queued post of `group`. */
  forget(group: string): void {
    for (const queue of this.#queues.values()) {
      queue.items = queue.items.filter(i => i.post.group !== group)
      this.#done(queue)
    }
  }

  /** Resolves once no post is queued, being written or waiting for a retry. */
  async settled(): Promise<void> {
    while (this.#queues.size > 0 && !this.#stopped) {
      await new Promise<void>(resolve => this.#idle.push(resolve))
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#stopping.abort(new Error('stopping'))
    for (const queue of this.#queues.values()) clearTimeout(queue.timer)
    for (const link of this.#links.values()) {
      if (link instanceof GroupLink) link.stream.abort(new Error('stopping'))
    }
    await Promise.allSettled([...this.#queues.values()].map(q => q.running))
    this.#queues.clear()
    for (const resolve of this.#idle.splice(0)) resolve()
  }

  #kick(queue: MemberQueue): void {
    if (queue.running !== undefined || queue.timer !== undefined || this.#stopped) return
    queue.running = this.#drain(queue)
      .catch(err => this.#init.log.error('pushing to %s: %e', queue.target.user, err))
      .finally(() => {
        queue.running = undefined
        this.#done(queue)
      })
  }

  /** Forget a queue with nothing left to do, and wake `settled()` when none are left. */
  #done(queue: MemberQueue): void {
    if (queue.items.length > 0 || queue.running !== undefined || queue.timer !== undefined) return
    if (this.#queues.get(queue.key) === queue) this.#queues.delete(queue.key)
    if (this.#queues.size === 0) for (const resolve of this.#idle.splice(0)) resolve()
  }

  /**
   * Push `queue`'s posts, a batch at a time. The slot is held for one batch, then taken again at the back
   * of the line: while the sender keeps posting, every member waiting gets its turn (round-robin), instead
   * of the first 16 keeping their slots for as long as their queues refill.
   */
  async #drain(queue: MemberQueue): Promise<void> {
    while (queue.items.length > 0 && !this.#stopped) {
      await this.#slots.acquire()
      try {
        if (!(await this.#batch(queue))) return
      } finally {
        this.#slots.release()
      }
    }
  }

  /** One batch to `queue`'s member; false when the queue is done or waits for a retry. */
  async #batch(queue: MemberQueue): Promise<boolean> {
    queue.items = queue.items.filter(i => this.#init.stillFor(i.post.group, queue.target))
    if (queue.items.length === 0) return false
    let link: GroupLink
    try {
      link = await this.#link(queue.target)
    } catch (err) {
      this.#retryLater(queue, queue.items, err)
      return false
    }
    // A dial can take seconds: the member may have left or been removed meanwhile.
    queue.items = queue.items.filter(i => this.#init.stillFor(i.post.group, queue.target))
    const batch = queue.items.splice(0, MAX_POSTS_IN_FLIGHT_PER_MEMBER)
    if (batch.length === 0) return false
    const results = await Promise.allSettled(batch.map(i => link.send(i.post)))
    const again: typeof batch = []
    let lastError: unknown
    results.forEach((result, n) => {
      if (result.status === 'fulfilled') return
      const e = toP2PChatError(result.reason)
      if (FINAL_CODES.has(e.code)) {
        this.#init.log('%s refused post %s: %s', queue.target.user, batch[n].post.messageId, e.code)
      } else {
        again.push(batch[n])
        lastError = e
      }
    })
    if (again.length > 0) {
      queue.items.unshift(...again)
      this.#retryLater(queue, again, lastError)
      return false
    }
    queue.backoff.reset()
    return true
  }

  /** Count an attempt for `items`, give up on those out of attempts, and come back later for the rest. */
  #retryLater(queue: MemberQueue, items: MemberQueue['items'], err: unknown): void {
    const failed = new Set(items)
    for (const item of items) item.attempts++
    const before = queue.items.length
    queue.items = queue.items.filter(i => !failed.has(i) || i.attempts < MAX_PUSH_ATTEMPTS)
    this.#init.log(
      'could not push to %s: %s%s',
      queue.target.user,
      (err as Error)?.message,
      before > queue.items.length ? `; ${before - queue.items.length} left to their catch-up` : ''
    )
    if (queue.items.length === 0 || this.#stopped) return
    queue.timer = setTimeout(() => {
      queue.timer = undefined
      this.#kick(queue)
    }, queue.backoff.next())
    queue.timer.unref?.()
  }

  async #link(target: OnlineUser): Promise<GroupLink> {
    const key = target.peerId.toString()
    const existing = this.#links.get(key)
    if (existing !== undefined) {
      const link = await Promise.resolve(existing).catch(() => undefined)
      if (link !== undefined && !link.closed) return link
    }
    const opening = (async () => {
      const signal = AbortSignal.any([AbortSignal.timeout(DIAL_TIMEOUT_MS), this.#stopping.signal])
      const stream = await this.#init.dial(target, signal)
      const link: GroupLink = new GroupLink(
        stream,
        () => {
          if (this.#links.get(key) === link) this.#links.delete(key)
        },
        this.#init.ackTimeoutMs
      )
      this.#links.set(key, link)
      return link
    })()
    this.#links.set(key, opening)
    try {
      return await opening
    } catch (err) {
      if (this.#links.get(key) === opening) this.#links.delete(key)
      throw err
    }
  }
}

/** A counting semaphore: at most `n` holders, the rest wait in order. */
export class Slots {
  #free: number
  readonly #waiting: Array<() => void> = []

  constructor(n: number) {
    this.#free = n
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--
      return
    }
    await new Promise<void>(resolve => this.#waiting.push(resolve))
  }

  release(): void {
    const next = this.#waiting.shift()
    if (next !== undefined) next()
    else this.#free++
  }
}
