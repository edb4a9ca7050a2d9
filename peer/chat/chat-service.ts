import { randomBytes } from 'node:crypto'
import type { Connection, Logger, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { Backoff } from '../../src/backoff.ts'
import { P2PChatError, TextTooLongError, UnreachableError } from '../../src/errors.ts'
import type { P2PChatNode } from '../../src/node.ts'
import {
  CHAT_PROTOCOL,
  MAX_CHAT_FRAME_BYTES,
  MAX_CHAT_STREAMS_PER_CONNECTION,
  MAX_CHAT_TEXT_BYTES,
  MAX_MESSAGE_ID_CHARS
} from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ChatFrame } from '../../src/protocol/pb/chat.ts'
import { usernameKey } from '../../src/usernames.ts'
import type { Dialer, Via } from '../core/dial.ts'
import { connectionOf, dialUser, viaOf } from '../core/dial.ts'
import type { PeerDirectory } from '../core/online-directory.ts'
import { identifyStream } from '../core/online-directory.ts'
import type { OnlineUser } from '../core/tracker-client.ts'
import type { ConnectionReversal } from '../nat/reversal.ts'
import { ChatLink } from './chat-link.ts'
import type { HistoryStore, StoredMessage } from './history.ts'

/** Messages written but not yet acked, across all recipients: bounds memory (64 × 64 KiB = 4 MiB). */
export const MAX_MESSAGES_IN_FLIGHT = 64
/**
 * Through a relay, which cuts a connection once both directions together have used its byte budget,
 * one message at a time: its ack comes back before the next is written, so a cut costs at most one
 * message's trip (it is retried on the next connection). Pipelined, a long outbox would be written
 * past the budget before any ack returned, and every new connection would be cut the same way.
 */
export const RELAYED_MESSAGES_IN_FLIGHT = 1
/** Shown-but-not-stored message ids remembered (a disk-full episode), oldest dropped first. */
const MAX_SHOWN_UNSTORED = 10_000
/** Retrying an online recipient that could not be reached: first wait and longest wait. */
export const RETRY_BASE_MS = 2_000
export const RETRY_MAX_MS = 60_000

const MESSAGE_ID = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_MESSAGE_ID_CHARS}}$`)

/** A chat message as front-ends see it. */
export interface ChatMessageEvent {
  messageId: string
  from: string
  to: string
  text: string
  sentAt: number
  /** How it came: over a direct connection, or through the tracker's relay. */
  via: Via
}

export interface ChatEvents {
  message: CustomEvent<ChatMessageEvent>
  delivered: CustomEvent<{ messageId: string; to: string; via: Via }>
  /** A message could not be delivered now; it stays in the outbox and is retried. */
  undelivered: CustomEvent<{ messageId: string; to: string; code: string; message: string }>
}

/**
 * Relayed connections to one recipient cut in a row (no delivery between) that are re-dialled without a
 * word: the relay's byte and time limits cut them by design. Past this, the cut is reported like any
 * failure and retried with back-off.
 */
export const QUIET_RELAY_CUTS = 5

/** What chat uses: the node's stream handling and dialing, the history file, who is who. */
export interface ChatComponents {
  node: Pick<P2PChatNode, 'handle' | 'unhandle'> & Dialer
  history: HistoryStore
  directory: PeerDirectory
  /** Asks unreachable recipients to dial us before the relay is used. */
  reversal?: ConnectionReversal
  /** Whether messages from this user are taken (privacy: friends only); absent: from anyone. */
  accepts?(from: string): boolean
}

export interface ChatServiceInit {
  log: Logger
  /**
   * First wait before redelivering to an online recipient that could not be reached (doubling, ±50 %).
   * @default RETRY_BASE_MS (2000)
   */
  retryBaseMs?: number
}

/** Check a text before it is stored or sent. */
export function checkText(text: unknown): string {
  if (typeof text !== 'string') throw new TextTooLongError('text must be a string')
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_CHAT_TEXT_BYTES) {
    throw new TextTooLongError(`text is ${bytes} bytes; the limit is ${MAX_CHAT_TEXT_BYTES} bytes (64 KiB)`)
  }
  return text
}

export function newMessageId(): string {
  return randomBytes(16).toString('base64url')
}

/**
 * Direct chat on /p2pchat/chat/1.0.0. Sending stores the message first (the outbox), then delivers
 * each recipient's messages in order over one reused stream, marking them delivered on the ack.
 * Receiving maps the stream's authenticated PeerId to a user, stores the message, shows it once, and
 * acks after it is on disk.
 */
export class ChatService extends TypedEventEmitter<ChatEvents> {
  readonly #node: ChatComponents['node']
  readonly #reversal?: ConnectionReversal
  readonly #accepts?: (from: string) => boolean
  readonly #history: HistoryStore
  readonly #host: PeerDirectory
  readonly #links = new Map<string, ChatLink | Promise<ChatLink>>()
  readonly #queues = new Map<string, Promise<void>>()
  /** Messages written and waiting for their ack, by id. */
  readonly #inFlight = new Map<string, Promise<void>>()
  readonly #retries = new Map<string, Backoff>()
  /** What was last reported about each undelivered message, so a retry that fails the same way is quiet. */
  readonly #reported = new Map<string, string>()
  /** Messages shown whose store failed (`user/messageId`): their retry is stored, not shown again. */
  readonly #shownUnstored = new Set<string>()
  readonly #retryTimers = new Map<string, ReturnType<typeof setTimeout>>()
  /** Relayed links to each recipient cut since the last delivery, retried quietly up to QUIET_RELAY_CUTS. */
  readonly #relayCuts = new Map<string, number>()
  readonly #log: Logger
  readonly #retryBaseMs: number
  #stopped = false

  constructor(components: ChatComponents, init: ChatServiceInit) {
    super()
    this.#node = components.node
    this.#reversal = components.reversal
    this.#accepts = components.accepts
    this.#history = components.history
    this.#host = components.directory
    this.#log = init.log
    this.#retryBaseMs = init.retryBaseMs ?? RETRY_BASE_MS
  }

  async start(): Promise<void> {
    await this.#node.handle(CHAT_PROTOCOL, (stream, connection) => this.#onStream(stream, connection), {
      // Relayed connections too (a peer nobody can dial is reached through the tracker's relay).
      runOnLimitedConnection: true,
      maxInboundStreams: MAX_CHAT_STREAMS_PER_CONNECTION,
      maxOutboundStreams: MAX_CHAT_STREAMS_PER_CONNECTION
    })
  }

  async stop(): Promise<void> {
    this.#stopped = true
    for (const timer of this.#retryTimers.values()) clearTimeout(timer)
    await this.#node.unhandle(CHAT_PROTOCOL)
    for (const link of this.#links.values()) {
      if (link instanceof ChatLink) link.stream.abort(new Error('stopping'))
    }
    await Promise.allSettled(this.#queues.values())
  }

  /**
   * Store a message for `to` and start delivering it. Resolves once it is on disk (so it survives a
   * crash) with the stored record; delivery continues in the background.
   */
  async send(to: string, text: string): Promise<StoredMessage> {
    checkText(text)
    const { stored, durable } = this.#history.add({
      messageId: newMessageId(),
      from: this.#host.self(),
      to,
      text,
      sentAt: Date.now(),
      status: 'queued'
    })
    // Deliver while the write is in flight: the network does not wait for the disk.
    this.deliver(to)
    await durable
    return stored
  }

  /** Deliver `to`'s outbox, in order, if they are online. Safe to call often. */
  deliver(to: string): Promise<void> {
    const key = usernameKey(to)
    const previous = this.#queues.get(key) ?? Promise.resolve()
    const next = previous.then(() => this.#drain(to)).catch(() => {})
    this.#queues.set(key, next)
    next.finally(() => {
      if (this.#queues.get(key) === next) this.#queues.delete(key)
    })
    return next
  }

  /**
   * Write every undelivered message for `to` on the link, in order, without waiting for each ack
   * (the stream keeps them in order; the receiver drops duplicates of retries). Acks mark them
   * delivered as they come back. A failure leaves the rest in the outbox and schedules a retry.
   */
  async #drain(to: string): Promise<void> {
    if (this.#stopped) return
    const key = usernameKey(to)
    const pending = this.#history.outbox(this.#host.self(), to).filter(m => !this.#inFlight.has(m.messageId))
    if (pending.length === 0) return
    const target = this.#host.locate(to)
    if (target === undefined) return // offline: the outbox waits for their join
    let link: ChatLink
    try {
      link = await this.#link(target)
    } catch (err) {
      // Every waiting message is reported (once each); one retry is scheduled for them all.
      for (const message of pending) this.#failed(message, err, key)
      return
    }
    const onThisLink: Promise<void>[] = []
    for (const message of pending) {
      while (this.#inFlight.size >= MAX_MESSAGES_IN_FLIGHT) await Promise.race(this.#inFlight.values())
      if (link.via === 'relayed') {
        while (onThisLink.length >= RELAYED_MESSAGES_IN_FLIGHT) await onThisLink.shift()
      }
      if (link.closed || this.#stopped) return
      if (message.status === 'queued') this.#history.setStatus(message, 'sent').catch(() => {})
      const acked = link
        .send(message)
        .then(async () => {
          this.#retries.delete(key)
          this.#relayCuts.delete(key)
          this.#reported.delete(message.messageId)
          await this.#history.setStatus(message, 'delivered')
          this.safeDispatchEvent('delivered', {
            detail: { messageId: message.messageId, to: message.to, via: link.via }
          })
        })
        .catch(err => this.#failed(message, err, key, link))
        .finally(() => this.#inFlight.delete(message.messageId))
      this.#inFlight.set(message.messageId, acked)
      onThisLink.push(acked)
    }
  }

  #failed(message: StoredMessage, err: unknown, key: string, link?: ChatLink): void {
    const e = err instanceof P2PChatError ? err : new UnreachableError((err as Error).message)
    this.#log('could not deliver %s to %s: %s', message.messageId, message.to, e.message)
    // A relayed connection cut by the relay's limits is expected: dial again at once, and say nothing
    // unless it keeps happening without a delivery in between.
    if (link?.via === 'relayed' && link.closed && !this.#stopped) {
      const cuts = (this.#relayCuts.get(key) ?? 0) + 1
      this.#relayCuts.set(key, cuts)
      if (cuts <= QUIET_RELAY_CUTS) {
        if (!this.#retryTimers.has(key)) queueMicrotask(() => this.deliver(message.to))
        return
      }
    }
    const said = `${e.code}: ${e.message}`
    if (this.#reported.get(message.messageId) !== said) {
      this.#reported.set(message.messageId, said)
      this.safeDispatchEvent('undelivered', {
        detail: { messageId: message.messageId, to: message.to, code: e.code, message: e.message }
      })
    }
    if (e.code === 'TEXT_TOO_LONG' || e.code === 'INVALID_MESSAGE' || e.code === 'NOT_A_FRIEND') {
      // The recipient will never take it: stop retrying it.
      this.#reported.delete(message.messageId)
      this.#history.setStatus(message, 'refused').catch(() => {})
      return
    }
    // Still online but not reachable right now: try again later, backing off.
    if (this.#retryTimers.has(key) || this.#stopped) return
    let backoff = this.#retries.get(key)
    if (backoff === undefined) {
      backoff = new Backoff({ baseMs: this.#retryBaseMs, maxMs: RETRY_MAX_MS })
      this.#retries.set(key, backoff)
    }
    const timer = setTimeout(() => {
      this.#retryTimers.delete(key)
      this.deliver(message.to)
    }, backoff.next())
    timer.unref?.()
    this.#retryTimers.set(key, timer)
  }

  async #link(target: OnlineUser): Promise<ChatLink> {
    const key = target.peerId.toString()
    const existing = this.#links.get(key)
    if (existing !== undefined) {
      const link = await existing
      if (!link.closed) return link
    }
    const opening = (async () => {
      const stream = await dialUser(this.#node, target, CHAT_PROTOCOL, { reversal: this.#reversal })
      const connection = connectionOf(this.#node, stream)
      const link = new ChatLink(stream, connection === undefined ? 'direct' : viaOf(connection), () => {
        if (this.#links.get(key) === link) this.#links.delete(key)
      })
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

  async #onStream(stream: Stream, connection: Connection): Promise<void> {
    const from = await identifyStream(this.#host, stream, connection, this.#log)
    if (from === undefined) return
    const lp = lpStream(stream, { maxDataLength: MAX_CHAT_FRAME_BYTES })
    const ack = (messageId: string, error = ''): void => {
      if (stream.writeStatus === 'writable')
        stream.send(lengthPrefixed(ChatFrame.encode({ ack: { messageId, error } })))
    }
    while (true) {
      let frame: ChatFrame
      try {
        frame = ChatFrame.decode(await lp.read())
      } catch (err) {
        const name = (err as Error).name
        if (name === 'InvalidDataLengthError') {
          this.#log('oversized chat frame from %s', from)
          ack('', 'TEXT_TOO_LONG')
          stream.abort(new TextTooLongError('chat frame over the limit'))
        } else if (
          name !== 'UnexpectedEOFError' &&
          name !== 'StreamResetError' &&
          name !== 'StreamClosedError'
        ) {
          this.#log('bad chat frame from %s: %s', from, (err as Error).message)
          stream.abort(err as Error)
        }
        return
      }
      const message = frame.message
      if (message === undefined) continue
      if (this.#accepts !== undefined && !this.#accepts(from)) {
        // Friends only (the privacy setting): refused, neither stored nor shown; the sender stops retrying.
        ack(message.messageId.slice(0, MAX_MESSAGE_ID_CHARS), 'NOT_A_FRIEND')
        continue
      }
      if (!MESSAGE_ID.test(message.messageId)) {
        ack(message.messageId.slice(0, MAX_MESSAGE_ID_CHARS), 'INVALID_MESSAGE')
        continue
      }
      try {
        checkText(message.text)
      } catch {
        ack(message.messageId, 'TEXT_TOO_LONG')
        continue
      }
      // A message we could not store is answered with the error (NO_SPACE for a full disk), so it stays
      // in the sender's outbox and comes back later; it is neither kept nor shown until it is stored.
      const refuse = (err: unknown): void => {
        this.#log.error('could not store message %s from %s: %e', message.messageId, from, err)
        ack(message.messageId, err instanceof P2PChatError ? err.code : 'INTERNAL')
      }
      const existing = this.#history.get(from, message.messageId)
      if (existing !== undefined) {
        // A retry of something we already have (or are still writing): ack once it is on disk, show nothing.
        this.#history.whenStored(existing).then(() => ack(message.messageId), refuse)
        continue
      }
      const { durable } = this.#history.add({
        messageId: message.messageId,
        from,
        to: this.#host.self(),
        text: message.text,
        sentAt: message.sentAt,
        status: 'delivered'
      })
      // Shown at once (the disk does not hold up the screen), acked once it is on disk: an acked message
      // survives our crash. One that could not be stored is remembered as shown, so its retry is not
      // shown a second time.
      const key = `${usernameKey(from)}/${message.messageId}`
      if (!this.#shownUnstored.delete(key)) {
        this.safeDispatchEvent('message', {
          detail: {
            messageId: message.messageId,
            from,
            to: this.#host.self(),
            text: message.text,
            sentAt: message.sentAt,
            via: viaOf(connection)
          }
        })
      }
      durable.then(
        () => ack(message.messageId),
        err => {
          this.#shownUnstored.add(key)
          if (this.#shownUnstored.size > MAX_SHOWN_UNSTORED) {
            this.#shownUnstored.delete(this.#shownUnstored.values().next().value!)
          }
          refuse(err)
        }
      )
    }
  }
}
