import { randomBytes } from 'node:crypto'
import type { AbortOptions, Connection, Logger, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import {
  AlreadyLoggedInError,
  InternalError,
  InvalidMessageError,
  MessageTooLargeError,
  NotLoggedInError,
  P2PChatError,
  RateLimitedError,
  TimeoutError
} from '../src/errors.ts'
import {
  LOOKUP_BURST,
  LOOKUP_REFILL_PER_SECOND,
  MAX_CLIENT_MESSAGE_BYTES,
  MAX_SUBSCRIBER_BACKLOG_BYTES
} from '../src/protocol/constants.ts'
import { trackerFrame } from '../src/protocol/frame.ts'
import type {
  AccountInfo,
  Credential,
  LoggedIn,
  Login,
  OnlinePeer,
  TrackerMessage
} from '../src/protocol/pb/tracker.ts'
import { ClientMessage, type NoticeKind } from '../src/protocol/pb/tracker.ts'
import { noticeCode } from '../src/protocol/presence-names.ts'
import { loggedInFrame, snapshotFrame } from '../src/protocol/snapshot-frames.ts'
import type { PresenceMember } from './presence.ts'
import { LeaveReason } from './presence.ts'
import { REVERSAL_BURST, REVERSAL_REFILL_PER_SECOND } from './reversal.ts'
import { isSocialRequest } from './social/index.ts'
import { TokenBucket } from './token-bucket.ts'

/** One snapshot request per session per this long; each costs an encode of the whole list. */
export const SNAPSHOT_REQUEST_INTERVAL_MS = 1_000
/**
 * Bytes the session stream buffers before a frame is complete; above this the sender is flooding. It must
 * hold one muxer delivery whole (a yamux data frame is up to its 256 KiB window, an mplex message up to
 * 1 MiB): a smaller bound trips before a too-long frame's length prefix is read, and the sender gets a
 * reset instead of MESSAGE_TOO_LARGE.
 */
export const SESSION_READ_BUFFER_BYTES = 1024 * 1024 + 64 * 1024
/**
 * After MESSAGE_TOO_LARGE the tracker stops reading; a sender still holding the stream open this long
 * after the reply is reset, so a half-open stream is not kept forever.
 */
export const REFUSED_STREAM_GRACE_MS = 5_000

/** After the login deadline, requests already on their way are answered until the sender pauses this long… */
export const EXPIRED_DRAIN_IDLE_MS = 100
/** …or for at most this long, so a client that keeps sending cannot keep an expired session open. */
export const EXPIRED_DRAIN_MAX_MS = 2_000

/** What a session needs from its tracker. */
export interface SessionHost {
  readonly log: Logger
  /** A session must log in within this long after its stream opens. */
  readonly loginTimeoutMs: number
  register(session: Session, username: string, password: string): Promise<string>
  /**
   * A password login, or a resumed one (`resume` non-empty, `password` empty). The reply carries
   * `listDelta` when the login's list version can be brought up to date, else it gets the snapshot.
   */
  login(session: Session, login: Login): Promise<Omit<LoggedIn, 'snapshot'> | undefined>
  heartbeat(session: Session): void
  logout(session: Session, reason: LeaveReason): void
  /** Revoke this device's resumption credentials (`everywhere`: every device's); durable when it resolves. */
  revoke(session: Session, everywhere: boolean): Promise<void>
  /** Change the account's password; resolves with the session's new credential. */
  changePassword(session: Session, oldPassword: string, newPassword: string): Promise<Credential>
  /** The online list as an encoded Snapshot (shared by every reply until the list changes). */
  snapshotBytes(): Uint8Array
  /** The online entry bound to a PeerId (multihash bytes); throws UnknownPeerError. */
  lookup(peerId: Uint8Array): OnlinePeer
  /** Whether an account has this name, and its canonical spelling; throws InvalidUsernameError. */
  account(username: string): AccountInfo
  /** Ask the online peer with this PeerId (multihash bytes) to dial this session's peer. */
  reverse(session: Session, peerId: Uint8Array): void
  /** Answer a friend or group request (tracker/social); throws the error to reply with. */
  social(session: Session, message: ClientMessage): Promise<Partial<TrackerMessage>>
}

/**
 * One peer's session stream. Reads are bounded and sequential; a bad frame gets an error reply and the
 * session carries on, a frame that breaks the framing (too long) gets a reply and the stream is closed.
 */
export class Session implements PresenceMember {
  readonly stream: Stream
  readonly connection: Connection
  readonly peerKey: string
  /** Unique per session stream: a shared online list (several trackers) names sessions by it. */
  readonly sessionId = randomBytes(12).toString('base64url')
  key = ''
  entry: OnlinePeer = {
    username: '',
    peerId: new Uint8Array(),
    addrs: [],
    since: 0,
    reachable: false,
    relay: []
  }
  loggedIn = false
  /** When the last heartbeat (or the login) arrived, Unix ms. */
  lastSeen = 0
  closed = false
  readonly #host: SessionHost
  readonly #log: Logger
  #lastSnapshotRequest = 0
  /** Shared by `lookup` and `account`: each is cheap, but a loop of them could enumerate the tracker. */
  readonly #queries = new TokenBucket({ capacity: LOOKUP_BURST, refillPerSecond: LOOKUP_REFILL_PER_SECOND })
  /** Reversal requests: each makes another peer open a connection. */
  readonly #reversals = new TokenBucket({
    capacity: REVERSAL_BURST,
    refillPerSecond: REVERSAL_REFILL_PER_SECOND
  })

  constructor(host: SessionHost, stream: Stream, connection: Connection) {
    this.#host = host
    this.stream = stream
    this.connection = connection
    this.peerKey = connection.remotePeer.toString()
    this.#log = host.log.newScope(this.peerKey.slice(-8))
  }

  get username(): string {
    return this.entry.username
  }

  push(frame: Uint8Array): boolean {
    if (this.closed || this.stream.writeStatus !== 'writable') return false
    // A subscriber that is not reading is skipped; it will see the gap and resync once it drains.
    if (this.stream.writeBufferLength > MAX_SUBSCRIBER_BACKLOG_BYTES) return false
    this.stream.send(frame)
    return true
  }

  /**
   * Replies and notices are written even while pushes are skipped, but they count against the same
   * backlog: a peer that asks and never reads its answers is cut off once it owes more than the cap,
   * and its buffers go with the stream — one request more costs at most one reply more.
   */
  #write(frame: Uint8Array): void {
    if (this.stream.writeStatus !== 'writable') return
    if (this.stream.writeBufferLength > MAX_SUBSCRIBER_BACKLOG_BYTES) {
      this.#log('closing: %d bytes of replies not read', this.stream.writeBufferLength)
      this.closed = true
      this.stream.abort(new MessageTooLargeError('the peer does not read its replies'))
      return
    }
    this.stream.send(frame)
  }

  reply(id: number, message: Partial<TrackerMessage>): void {
    this.#write(trackerFrame({ ...message, id }))
  }

  /** A reply encoded already (the login and snapshot replies, built around the shared list bytes). */
  replyFrame(frame: Uint8Array): void {
    this.#write(frame)
  }

  replyError(id: number, err: unknown): void {
    const e =
      err instanceof P2PChatError
        ? err
        : new InternalError('the tracker failed to handle this request', { cause: err })
    if (!(err instanceof P2PChatError)) this.#log.error('request %d failed: %e', id, err)
    this.reply(id, { error: { code: e.code, message: e.message, retryAfterMs: e.retryAfterMs ?? 0 } })
  }

  /** Tell the peer why, then close the stream. */
  notifyAndClose(kind: NoticeKind, message: string): void {
    this.#write(trackerFrame({ notice: { kind: noticeCode(kind), message } }))
    this.close()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.stream.close().catch(err => this.stream.abort(err))
  }

  /** Serve the stream until it ends. */
  async run(): Promise<void> {
    const lp = lpStream(this.stream, {
      maxDataLength: MAX_CLIENT_MESSAGE_BYTES,
      maxBufferSize: SESSION_READ_BUFFER_BYTES
    })
    let loginExpired = false
    let busy = false
    const timeoutMs = this.#host.loginTimeoutMs
    const expire = (): void => {
      this.replyError(0, new TimeoutError(`no login within ${timeoutMs / 1000} s`))
      this.close()
    }
    const loginTimer = setTimeout(() => {
      if (this.loggedIn || this.closed) return
      loginExpired = true
      // A request in progress (a registration waiting for its hash) is answered first; the loop ends it.
      if (!busy) expire()
    }, timeoutMs)
    loginTimer.unref?.()
    try {
      while (!this.closed) {
        if (loginExpired && !this.loggedIn) {
          await this.#refuseBuffered(lp)
          expire()
          return
        }
        let frame: Uint8Array
        try {
          frame = (await lp.read()).subarray()
        } catch (err) {
          this.#readFailed(err, lp)
          return
        }
        let message: ClientMessage
        try {
          message = ClientMessage.decode(frame)
        } catch (err) {
          this.#log('undecodable frame of %d bytes: %s', frame.byteLength, (err as Error).message)
          this.replyError(0, new InvalidMessageError(`frame does not decode: ${(err as Error).message}`))
          continue
        }
        busy = true
        try {
          await this.#dispatch(message)
        } catch (err) {
          this.replyError(message.id, err)
        } finally {
          busy = false
        }
      }
    } finally {
      clearTimeout(loginTimer)
      this.closed = true
      if (this.loggedIn) this.#host.logout(this, LeaveReason.DISCONNECT)
    }
  }

  /**
   * The login deadline passed while a request was in progress: requests already sent behind it are
   * answered `TIMEOUT` instead of being dropped with the stream. Reads until the sender pauses (or for a
   * bounded time), so a client that pipelined many requests learns what happened to each.
   */
  async #refuseBuffered(lp: {
    read(options?: AbortOptions): Promise<{ subarray(): Uint8Array }>
  }): Promise<void> {
    const until = Date.now() + EXPIRED_DRAIN_MAX_MS
    while (!this.closed && Date.now() < until) {
      let frame: Uint8Array
      try {
        frame = (await lp.read({ signal: AbortSignal.timeout(EXPIRED_DRAIN_IDLE_MS) })).subarray()
      } catch {
        return
      }
      let id = 0
      try {
        id = ClientMessage.decode(frame).id
      } catch {
        // Undecodable: answered as id 0 like any bad frame.
      }
      this.replyError(
        id,
        new TimeoutError(`no login within ${this.#host.loginTimeoutMs / 1000} s: this session is closing`)
      )
    }
  }

  #readFailed(err: unknown, lp: { unwrap(): Stream }): void {
    const name = (err as Error)?.name
    if (
      name === 'InvalidDataLengthError' ||
      name === 'InvalidDataLengthLengthError' ||
      name === 'InvalidMessageLengthError'
    ) {
      this.#log('oversized frame: %s', (err as Error).message)
      this.#stopReading(lp)
      this.replyError(
        0,
        new MessageTooLargeError(
          `frames are limited to ${MAX_CLIENT_MESSAGE_BYTES} bytes: closing this stream`
        )
      )
      this.close()
      // The reply and the close are on the wire before any reset: a sender that never closes is cut off.
      const stream = this.stream
      const timer = setTimeout(() => {
        if (stream.status === 'open')
          stream.abort(new MessageTooLargeError('the sender kept the stream open'))
      }, REFUSED_STREAM_GRACE_MS)
      timer.unref?.()
      stream.addEventListener('close', () => clearTimeout(timer), { once: true })
      return
    }
    if (name === 'StreamBufferError') {
      this.#log('read buffer overflow: %s', (err as Error).message)
    }
    // EOF, reset or connection loss: the session simply ends.
    this.close()
  }

  /**
   * The rest of a too-long frame is still arriving: drop it unread instead of buffering it, and stop
   * granting window (yamux) so the sender stalls instead of sending it all. Only the reading side closes;
   * the reply still goes out.
   */
  #stopReading(lp: { unwrap(): Stream }): void {
    try {
      lp.unwrap()
      this.stream.pause()
      this.stream.closeRead().catch(() => {})
    } catch (err) {
      // Already reset or closed by the remote: nothing left to drain.
      this.#log('could not stop reading: %s', (err as Error).message)
    }
  }

  /** Bad queries cost a token too, so garbage cannot be sent faster than good questions. */
  #takeQueryToken(): void {
    const wait = this.#queries.take()
    if (wait > 0) {
      this.#log('lookup/account queries over %d/s: refused for %d ms', LOOKUP_REFILL_PER_SECOND, wait)
      throw new RateLimitedError(
        `at most ${LOOKUP_REFILL_PER_SECOND} lookups per second (bursts of ${LOOKUP_BURST})`,
        { retryAfterMs: wait }
      )
    }
  }

  async #dispatch(message: ClientMessage): Promise<void> {
    const { id } = message
    if (message.heartbeat !== undefined) {
      if (!this.loggedIn) throw new NotLoggedInError('log in before sending heartbeats')
      this.#host.heartbeat(this)
      if (message.heartbeat.ack) this.reply(id, { ack: {} })
      return
    }
    if (message.register !== undefined) {
      const username = await this.#host.register(this, message.register.username, message.register.password)
      this.reply(id, { registered: { username } })
      return
    }
    if (message.login !== undefined) {
      if (this.loggedIn) throw new AlreadyLoggedInError(`already logged in as ${this.username}`)
      const loggedIn = await this.#host.login(this, message.login)
      // The list as it is now, after this session's own join; or only what changed since the version of
      // it the peer kept (listDelta).
      if (loggedIn !== undefined) {
        this.replyFrame(
          loggedInFrame(
            id,
            loggedIn,
            loggedIn.listDelta === undefined ? this.#host.snapshotBytes() : undefined
          )
        )
      }
      return
    }
    if (message.snapshot !== undefined) {
      if (!this.loggedIn) throw new NotLoggedInError('log in before asking for the online list')
      const now = Date.now()
      const wait = this.#lastSnapshotRequest + SNAPSHOT_REQUEST_INTERVAL_MS - now
      if (wait > 0) throw new RateLimitedError('one snapshot per second', { retryAfterMs: wait })
      this.#lastSnapshotRequest = now
      this.replyFrame(snapshotFrame(id, this.#host.snapshotBytes()))
      return
    }
    if (message.lookup !== undefined) {
      if (!this.loggedIn) throw new NotLoggedInError('log in before looking peers up')
      this.#takeQueryToken()
      this.reply(id, { peer: this.#host.lookup(message.lookup.peerId) })
      return
    }
    if (message.account !== undefined) {
      if (!this.loggedIn) throw new NotLoggedInError('log in before asking about accounts')
      this.#takeQueryToken()
      this.reply(id, { account: this.#host.account(message.account.username) })
      return
    }
    if (message.connect !== undefined) {
      if (!this.loggedIn) throw new NotLoggedInError('log in before asking peers to connect')
      const wait = this.#reversals.take()
      if (wait > 0) {
        throw new RateLimitedError(
          `at most ${REVERSAL_REFILL_PER_SECOND} connection requests per second (bursts of ${REVERSAL_BURST})`,
          { retryAfterMs: wait }
        )
      }
      this.#host.reverse(this, message.connect.peerId)
      this.reply(id, { ack: {} })
      return
    }
    if (message.logout !== undefined) {
      if (!this.loggedIn) throw new NotLoggedInError('not logged in')
      const { revoke, everywhere } = message.logout
      // Out of the online list first, whatever happens to the revocation: the user asked to leave.
      this.#host.logout(this, LeaveReason.LOGOUT)
      try {
        if (revoke || everywhere) await this.#host.revoke(this, everywhere)
        this.reply(id, { ack: {} })
      } catch (err) {
        // Logged out, but the credentials may still work: the peer says so (and forgets its own copy).
        this.replyError(id, err)
      }
      this.close()
      return
    }
    if (message.password !== undefined) {
      if (!this.loggedIn) throw new NotLoggedInError('log in before changing the password')
      const { oldPassword, newPassword } = message.password
      this.reply(id, { credential: await this.#host.changePassword(this, oldPassword, newPassword) })
      return
    }
    if (isSocialRequest(message)) {
      if (!this.loggedIn) throw new NotLoggedInError('log in before using friends and groups')
      this.reply(id, await this.#host.social(this, message))
      return
    }
    throw new InvalidMessageError(
      'message has no known body (register, login, heartbeat, snapshot, lookup, account, connect, logout, password, or a friend or group request)'
    )
  }
}
