import type { Connection, Logger, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import {
  InternalError,
  InvalidMessageError,
  MessageTooLargeError,
  NotAuthorizedError,
  toP2PChatError,
  UnreachableError
} from '../../src/errors.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import type { GroupPost } from '../../src/protocol/pb/group.ts'
import { GroupFrame } from '../../src/protocol/pb/group.ts'
import { usernameKey } from '../../src/usernames.ts'
import type { OnlineUser } from '../core/tracker-client.ts'
import {
  GROUP_PROTOCOL,
  MAX_GROUP_FRAME_BYTES,
  MAX_GROUP_MESSAGE_ID_CHARS,
  MAX_GROUP_MESSAGES_IN_MEMORY,
  MAX_GROUP_STREAMS_PER_CONNECTION
} from './constants.ts'
import { GroupDelivery } from './group-delivery.ts'
import type { GroupLog } from './group-log.ts'
import { compareForDisplay } from './group-log.ts'
import type { StoredPost } from './group-post.ts'
import {
  checkGroupId,
  checkGroupText,
  isGroupId,
  newGroupMessageId,
  signPost,
  toMessage,
  verifyPost
} from './group-post.ts'
import type { SyncTarget } from './group-pull.ts'
import { GroupPull } from './group-pull.ts'
import { GroupStore } from './group-store.ts'
import { decodeFrame } from './group-sync.ts'
import type { GroupComponents, GroupEvents, GroupMember, GroupMessage, GroupServiceInit } from './index.ts'

/** Posts stored during a catch-up, fired together (sorted) when it ends. */
interface CatchUp {
  promise: Promise<{ received: number }>
  buffer: StoredPost[]
  writes: Array<Promise<unknown>>
}

/**
 * The group service: signed posts pushed to online members, pulled from any member on catch-up, kept
 * in one journal per group. See index.ts for the design and the wiring.
 */
export class GroupService extends TypedEventEmitter<GroupEvents> {
  readonly #c: GroupComponents
  readonly #log: Logger
  readonly #store: GroupStore
  readonly #delivery: GroupDelivery
  readonly #pull: GroupPull
  readonly #peerId: string
  readonly #maxInMemory: number
  /** Our own posts are signed and stored one at a time per group, so a failed write leaves no gap. */
  readonly #sending = new Map<string, Promise<unknown>>()
  readonly #catchUps = new Map<string, CatchUp>()
  /** Inbound streams open now: aborted at stop. */
  readonly #streams = new Set<Stream>()
  readonly #stopping = new AbortController()
  #started = false

  constructor(components: GroupComponents, init: GroupServiceInit) {
    super()
    this.#c = components
    this.#log = init.log
    this.#peerId = peerIdFromPrivateKey(components.privateKey).toString()
    this.#maxInMemory = init.maxMessagesInMemory ?? MAX_GROUP_MESSAGES_IN_MEMORY
    this.#store = new GroupStore(init.dataDir, {
      log: init.log,
      maxInMemory: this.#maxInMemory,
      segmentBytes: init.segmentBytes,
      openJournal: init.openJournal
    })
    this.#delivery = new GroupDelivery({
      dial: (target, signal) => components.dial(target, GROUP_PROTOCOL, { signal }),
      stillFor: (group, target) => this.#isOnlineMember(group, target),
      log: init.log,
      ackTimeoutMs: init.ackTimeoutMs,
      retryBaseMs: init.pushRetryBaseMs
    })
    this.#pull = new GroupPull({
      store: this.#store,
      membership: components.membership,
      self: () => components.self(),
      peerId: this.#peerId,
      node: components.node,
      dial: (target, signal) => components.dial(target, GROUP_PROTOCOL, { signal }),
      accept: (log, post, source) => this.#accept(log, post, source),
      log: init.log,
      batchTimeoutMs: init.syncBatchTimeoutMs,
      gapRetryBaseMs: init.gapRetryBaseMs
    })
  }

  /** Replay every group's journal, then serve the protocol. */
  async start(): Promise<void> {
    await this.#store.open()
    await this.#c.node.handle(GROUP_PROTOCOL, (stream, connection) => this.#onStream(stream, connection), {
      // Relayed connections too: a member nobody can dial is reached through the tracker's relay.
      runOnLimitedConnection: true,
      maxInboundStreams: MAX_GROUP_STREAMS_PER_CONNECTION,
      maxOutboundStreams: MAX_GROUP_STREAMS_PER_CONNECTION
    })
    this.#started = true
  }

  async stop(): Promise<void> {
    if (this.#stopping.signal.aborted) return
    this.#stopping.abort(new UnreachableError('stopping'))
    if (this.#started) await this.#c.node.unhandle(GROUP_PROTOCOL).catch(() => {})
    for (const stream of this.#streams) stream.abort(new Error('stopping'))
    await Promise.all([this.#delivery.stop(), this.#pull.stop()])
    await Promise.allSettled([...this.#sending.values(), ...[...this.#catchUps.values()].map(c => c.promise)])
    await this.#store.close()
  }

  /**
   * Sign and store a post in `group`, then push it to the members online. Resolves once it is on disk;
   * delivery goes on in the background. Throws NOT_AUTHORIZED when we are not a member, TEXT_TOO_LONG,
   * INVALID_COMMAND for a malformed group id, NO_SPACE when it could not be stored.
   */
  async send(group: string, text: string): Promise<GroupMessage> {
    checkGroupId(group)
    checkGroupText(text)
    this.#checkRunning()
    const me = this.#selfMember(group)
    const previous = this.#sending.get(group) ?? Promise.resolve()
    const stored = previous
      .catch(() => {})
      .then(async () => {
        const log = await this.#store.log(group)
        const post = await signPost(this.#c.privateKey, {
          group,
          author: me.user,
          seq: log.contiguous(me.user) + 1,
          messageId: newGroupMessageId(),
          sentAt: Date.now(),
          text
        })
        const added = log.add(post)
        if (added.status !== 'stored') throw new InternalError(`our post was not stored (${added.status})`)
        await added.durable
        return post
      })
    this.#sending.set(group, stored)
    const done = (): void => {
      if (this.#sending.get(group) === stored) this.#sending.delete(group)
    }
    stored.then(done, done)
    const post = await stored
    const selfKey = usernameKey(me.user)
    for (const target of this.#c.membership.online(group)) {
      if (usernameKey(target.user) === selfKey || target.peerId.toString() === this.#peerId) continue
      this.#delivery.push(target, post)
    }
    return toMessage(post)
  }

  /**
   * Fetch what we missed in `group` from the members online: up to 3 at once, the next when one fails.
   * Resolves with how many posts were new once they are stored and their events fired (sorted by
   * sentAt, author, seq). With nobody online it resolves `{ received: 0 }`; when everyone asked failed
   * it rejects with the last error (NOT_AUTHORIZED when they say we are not a member).
   */
  catchUp(group: string): Promise<{ received: number }> {
    try {
      checkGroupId(group)
      this.#checkRunning()
      this.#selfMember(group)
    } catch (err) {
      return Promise.reject(err)
    }
    const running = this.#catchUps.get(group)
    if (running !== undefined) return running.promise
    const catchUp: CatchUp = { promise: Promise.resolve({ received: 0 }), buffer: [], writes: [] }
    this.#catchUps.set(group, catchUp)
    catchUp.promise = this.#catchUp(group).finally(() => this.#endCatchUp(group, catchUp))
    return catchUp.promise
  }

  /** The newest `limit` posts of `group` in memory, oldest first (by sentAt, author, seq). */
  history(group: string, limit = 50): GroupMessage[] {
    checkGroupId(group)
    return this.#store.get(group)?.history(limit).map(toMessage) ?? []
  }

  /**
   * We left `group` or were removed: stop pushing to its members and fetching its gaps. Its history
   * stays. (Posts for it are refused from now on because `membership.members` no longer lists us.)
   */
  forget(group: string): void {
    checkGroupId(group)
    this.#delivery.forget(group)
    this.#pull.forget(group)
    this.#store.get(group)?.dropHeld()
  }

  /** Resolves when every push queued so far was acked or given up (left to the member's catch-up). */
  settled(): Promise<void> {
    return this.#delivery.settled()
  }

  #checkRunning(): void {
    if (!this.#started || this.#stopping.signal.aborted)
      throw new InternalError('the group service is not running')
  }

  #selfMember(group: string): GroupMember {
    const self = usernameKey(this.#c.self())
    const me = this.#c.membership.members(group)?.find(m => usernameKey(m.user) === self)
    if (me === undefined) throw new NotAuthorizedError(`you are not a member of group ${group}`)
    return me
  }

  #isMember(group: string, user: string): boolean {
    const key = usernameKey(user)
    return this.#c.membership.members(group)?.some(m => usernameKey(m.user) === key) ?? false
  }

  #isOnlineMember(group: string, target: OnlineUser): boolean {
    return this.#c.membership.online(group).some(u => u.peerId.equals(target.peerId))
  }

  async #onStream(stream: Stream, connection: Connection): Promise<void> {
    this.#streams.add(stream)
    try {
      await this.#serve(stream, connection)
    } finally {
      this.#streams.delete(stream)
    }
  }

  async #serve(stream: Stream, connection: Connection): Promise<void> {
    const from = await this.#c.identify(stream, connection).catch(() => undefined)
    if (from === undefined) {
      stream.abort(new NotAuthorizedError('not a logged-in account'))
      return
    }
    const lp = lpStream(stream, { maxDataLength: MAX_GROUP_FRAME_BYTES })
    const ack = (messageId: string, error = ''): void => {
      if (stream.writeStatus === 'writable')
        stream.send(lengthPrefixed(GroupFrame.encode({ ack: { messageId, error } })))
    }
    while (!this.#stopping.signal.aborted) {
      let frame: GroupFrame
      try {
        frame = decodeFrame(await lp.read())
      } catch (err) {
        const name = (err as Error).name
        if (this.#stopping.signal.aborted) return
        if (name === 'InvalidDataLengthError') {
          this.#log('oversized group frame from %s', from)
          stream.abort(new MessageTooLargeError('group frame over the limit'))
        } else if (!['UnexpectedEOFError', 'StreamResetError', 'StreamClosedError'].includes(name)) {
          this.#log('bad group frame from %s: %s', from, (err as Error).message)
          stream.abort(err as Error)
        }
        return
      }
      try {
        if (frame.post !== undefined) await this.#onPost(frame.post, from, connection, ack)
        else if (frame.syncRequest !== undefined)
          await this.#pull.answer(frame.syncRequest, from, connection, stream)
      } catch (err) {
        // Our own failure (a disk error, a closed stream): the stream goes, the service stays.
        this.#log.error('group stream from %s failed: %e', from, err)
        stream.abort(err as Error)
        return
      }
    }
  }

  /** A post pushed to us: from a member, verified, stored in order (or held), acked once on disk. */
  async #onPost(
    wire: GroupPost,
    from: string,
    connection: Connection,
    ack: (messageId: string, error?: string) => void
  ): Promise<void> {
    const content = wire.content
    const messageId = (content?.messageId ?? '').slice(0, MAX_GROUP_MESSAGE_ID_CHARS)
    if (content === undefined || !isGroupId(content.groupId)) {
      ack(messageId, 'INVALID_MESSAGE')
      return
    }
    const group = content.groupId
    if (!this.#isMember(group, from)) {
      this.#log('refusing a post to %s from %s: not a member', group, from)
      ack(messageId, 'NOT_AUTHORIZED')
      return
    }
    let post: StoredPost
    try {
      post = await verifyPost(wire, this.#c.membership.members(group), group)
    } catch (err) {
      const e = toP2PChatError(err)
      this.#log('refusing post %s by %s from %s: %s', messageId, content.author, from, e.message)
      ack(messageId, e.code)
      return
    }
    const log = await this.#store.log(group)
    const { durable } = this.#accept(log, post, this.#pull.connectionTarget(group, from, connection))
    durable.then(
      () => ack(messageId),
      err => ack(messageId, toP2PChatError(err).code)
    )
  }

  /**
   * Store a verified post, or hold it (and fetch what is missing before it). `durable` settles when it
   * is on disk (or at once for a held one); `stored` counts what reached the disk, unblocked ones too.
   */
  #accept(
    log: GroupLog,
    post: StoredPost,
    source?: SyncTarget
  ): { durable: Promise<void>; stored: Promise<number> } {
    const result = log.add(post)
    switch (result.status) {
      case 'stored': {
        const writes = [result.durable, ...result.released.map(r => r.durable)]
        this.#whenStored(post, result.durable)
        for (const r of result.released) this.#whenStored(r.post, r.durable)
        const stored = Promise.allSettled(writes).then(rs => rs.filter(r => r.status === 'fulfilled').length)
        return { durable: result.durable, stored }
      }
      case 'duplicate':
        return { durable: result.durable, stored: Promise.resolve(0) }
      case 'held':
        this.#pull.fillGaps(log.group, source)
        return { durable: Promise.resolve(), stored: Promise.resolve(0) }
      case 'dropped': {
        this.#log('%s: dropping post %s by %s: %s', log.group, post.messageId, post.author, result.reason)
        // Too many held: acked, and fetched again in order by the gap fill. A reused id: refused.
        const durable =
          result.reason === 'too many held'
            ? Promise.resolve()
            : Promise.reject(new InvalidMessageError(`post ${post.messageId}: ${result.reason}`))
        durable.catch(() => {})
        return { durable, stored: Promise.resolve(0) }
      }
    }
  }

  /** Fire `group-message` once the post is on disk — or, during a catch-up, at its end. */
  #whenStored(post: StoredPost, durable: Promise<void>): void {
    const catchUp = this.#catchUps.get(post.group)
    const written = durable.then(
      () => {
        const current = this.#catchUps.get(post.group)
        if (current === undefined) {
          this.#emit(post)
          return
        }
        current.buffer.push(post)
        // A very long catch-up fires in sorted slices rather than hold every post until the end.
        if (current.buffer.length >= this.#maxInMemory) this.#emitSorted(current.buffer.splice(0))
      },
      err =>
        this.#log('%s: post %s by %s not stored: %s', post.group, post.messageId, post.author, err.message)
    )
    catchUp?.writes.push(written)
  }

  #emit(post: StoredPost): void {
    this.safeDispatchEvent('group-message', { detail: toMessage(post) })
  }

  #emitSorted(posts: StoredPost[]): void {
    posts.sort(compareForDisplay)
    for (const post of posts) this.#emit(post)
  }

  async #catchUp(group: string): Promise<{ received: number }> {
    return { received: await this.#pull.catchUp(await this.#store.log(group)) }
  }

  /** Wait for the catch-up's writes, then fire its events sorted by (sentAt, author, seq). */
  async #endCatchUp(group: string, catchUp: CatchUp): Promise<void> {
    let seen = -1
    while (seen !== catchUp.writes.length) {
      seen = catchUp.writes.length
      await Promise.allSettled(catchUp.writes)
    }
    if (this.#catchUps.get(group) === catchUp) this.#catchUps.delete(group)
    this.#emitSorted(catchUp.buffer)
  }
}
