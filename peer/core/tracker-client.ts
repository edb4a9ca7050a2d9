import type { AbortOptions, PeerId, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { multiaddr } from '@multiformats/multiaddr'
import * as Digest from 'multiformats/hashes/digest'
import { Backoff } from '../../src/backoff.ts'
import {
  errorFromCode,
  InvalidMessageError,
  MessageTooLargeError,
  type P2PChatError,
  SessionClosedError,
  TimeoutError,
  UnknownPeerError
} from '../../src/errors.ts'
import type { P2PChatNode } from '../../src/node.ts'
import {
  HEARTBEAT_ACK_EVERY,
  LOOKUP_REFILL_PER_SECOND,
  MAX_CLIENT_MESSAGE_BYTES,
  MAX_TRACKER_MESSAGE_BYTES,
  PASSWORD_MAX_BYTES,
  TRACKER_PROTOCOL
} from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import type {
  AccountInfo,
  Credential,
  Delta,
  FriendEvent,
  GroupEvent,
  OnlinePeer,
  Snapshot
} from '../../src/protocol/pb/tracker.ts'
import { ClientMessage, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import type { LeaveReasonName, NoticeName } from '../../src/protocol/presence-names.ts'
import { leaveReasonName, noticeName } from '../../src/protocol/presence-names.ts'
import { usernameKey } from '../../src/usernames.ts'
import { TrackerSocial } from './tracker-social.ts'

export type { LeaveReasonName, NoticeName }

/** How long a request to the tracker may take before it fails with TIMEOUT. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000
/** Bytes buffered from the tracker before a frame completes: one maximal snapshot. */
const READ_BUFFER_BYTES = MAX_TRACKER_MESSAGE_BYTES + 16

/** A failed resync is retried after this long, growing (±50 % jitter) — never sooner than the tracker asks. */
export const RESYNC_RETRY_BASE_MS = 500
/** Longest wait between resync attempts: the tracker allows one snapshot a second, so 4 s is patient. */
export const RESYNC_RETRY_MAX_MS = 4_000
/** Resync retries before giving up; the next delta with a gap starts over, so nothing is stuck. */
export const RESYNC_MAX_RETRIES = 5
/**
 * A lookup or account query refused with RATE_LIMITED is asked again this many times, after the wait the
 * tracker names: a burst of unknown senders is answered a little later rather than refused.
 */
export const QUERY_RATE_LIMIT_RETRIES = 3

/** Someone online, as the tracker lists them. */
export interface OnlineUser {
  user: string
  peerId: PeerId
  /** Dialable addresses, each ending in /p2p/<peerId>. */
  addrs: Multiaddr[]
  /** Unix ms when they logged in. */
  since: number
  /** The tracker verified `addrs` by dialling back: they can be dialled directly. */
  reachable: boolean
}

/** Event details, by event name. */
export interface TrackerClientEventDetails {
  /** The full list was (re)loaded from a snapshot. */
  snapshot: { version: number; users: OnlineUser[] }
  joined: OnlineUser
  left: { user: string; reason: LeaveReasonName }
  /** The tracker said something about this session (shutdown, replaced, evicted). */
  notice: { kind: NoticeName; message: string }
  /** The session stream ended, for whatever reason. */
  closed: { error?: Error }
  /** A delta arrived whose base is newer than ours: a snapshot is being fetched. */
  gap: { have: number; base: number }
  /** An online user asks us to dial them (connection reversal): they can be dialled, we cannot. */
  'dial-request': OnlineUser
  /** A friend request, a friendship made or ended, a friend's status (docs/protocol.md "Friends"). */
  'friend-event': FriendEvent
  /** A group we are in or invited to changed, we were invited, or we are out of it ("Groups"). */
  'group-event': GroupEvent
}

export type TrackerClientEvents = {
  [K in keyof TrackerClientEventDetails]: CustomEvent<TrackerClientEventDetails[K]>
}

export interface TrackerClientInit {
  /**
   * Per-request timeout.
   * @default 15_000
   */
  requestTimeoutMs?: number
  /**
   * Send heartbeats automatically at the interval the tracker announces.
   * @default true
   */
  autoHeartbeat?: boolean
  /**
   * Keep the online list in `online`. Off, the client still follows versions (and resyncs on gaps) and
   * emits every event, but holds no entries: for bots and load generators that run thousands of
   * sessions in one process and would otherwise hold N² entries.
   * @default true
   */
  keepList?: boolean
}

/**
 * An online user as the tracker listed them. The PeerId and addresses are decoded on first use: a peer
 * holding a list of 10,000 users pays for parsing only the ones it talks to.
 */
class ListedUser implements OnlineUser {
  readonly user: string
  readonly since: number
  readonly reachable: boolean
  readonly #entry: OnlinePeer
  #peerId?: PeerId
  #addrs?: Multiaddr[]

  readonly #relay?: Multiaddr

  /** `relay`: `<tracker>/p2p-circuit`, where a peer nobody can dial is reached (when the tracker relays). */
  constructor(entry: OnlinePeer, relay?: Multiaddr) {
    this.#entry = entry
    this.#relay = relay
    this.user = entry.username
    this.since = entry.since
    // A tracker from before `reachable` existed published only what it could reach (or nothing useful).
    this.reachable = entry.reachable || entry.addrs.length > 0
  }

  get peerId(): PeerId {
    this.#peerId ??= peerIdFromMultihash(Digest.decode(this.#entry.peerId))
    return this.#peerId
  }

  get addrs(): Multiaddr[] {
    if (this.#addrs === undefined) {
      const suffix = `/p2p/${this.peerId.toString()}`
      this.#addrs = this.#entry.addrs.map(bytes => multiaddr(bytes).encapsulate(suffix))
      // Nobody can dial them: through the relay where they hold a slot — their tracker's, when it said
      // (several trackers share a store), or else ours.
      if (this.#addrs.length === 0 && !this.reachable) {
        const relays = (this.#entry.relay ?? []).flatMap(bytes => {
          try {
            const addr = multiaddr(bytes)
            return addr.toString().endsWith('/p2p-circuit') ? [addr.encapsulate(suffix)] : []
          } catch {
            return [] // not a multiaddr: a tracker bug, not a reason to lose the entry
          }
        })
        if (relays.length > 0) this.#addrs = relays
        else if (this.#relay !== undefined) this.#addrs = [this.#relay.encapsulate(suffix)]
      }
    }
    return this.#addrs
  }

  toJSON(): { user: string; peerId: string; addrs: string[]; since: number; reachable: boolean } {
    return {
      user: this.user,
      peerId: this.peerId.toString(),
      addrs: this.addrs.map(String),
      since: this.since,
      reachable: this.reachable
    }
  }
}

export function decodeOnlinePeer(entry: OnlinePeer, relay?: Multiaddr): OnlineUser {
  return new ListedUser(entry, relay)
}

/**
 * An online list a session kept: the tracker's list id, the version reached and who was online then. A
 * later login presents the id and version and, when the tracker can, gets only what changed since.
 */
export interface KeptList {
  id: Uint8Array<ArrayBuffer>
  version: number
  online: ReadonlyMap<string, OnlineUser>
}

/**
 * A peer's session with the tracker: register, log in, keep the online list current from a snapshot
 * plus versioned deltas (fetching a fresh snapshot on a gap), heartbeat at the announced interval.
 */
export class TrackerClient extends TypedEventEmitter<TrackerClientEvents> {
  readonly online = new Map<string, OnlineUser>()
  /** Friend and group requests (tracker-social.ts). */
  readonly social: TrackerSocial = new TrackerSocial(this)
  version = -1
  heartbeatMs = 0
  username?: string
  /** Addresses the tracker publishes for us. */
  publishedAddrs: Multiaddr[] = []
  /** The tracker's proof that it reached us at our published addresses (Login.addrProof next time). */
  addrProof?: Uint8Array<ArrayBuffer>
  /** The resumption credential the tracker issued at the last password login or change, if any. */
  credential?: Credential
  /** The tracker's address (with its PeerId), when this client dialled it. */
  trackerAddr?: Multiaddr
  /** The tracker relays for its users (said at login): `<tracker>/p2p-circuit`. */
  relayAddr?: Multiaddr
  /** What the relay carries per relayed connection (said at login): bytes both ways, 0 for no limit. */
  relayDataLimit = 0
  /** How long a relayed connection may last, ms (0: no limit). */
  relayDurationLimitMs = 0
  /** Names the tracker's online list (LoggedIn.listId): a later login presents it with `version`. */
  listId?: Uint8Array<ArrayBuffer>
  /** The login brought a kept list up to date (LoggedIn.listDelta) instead of loading a snapshot. */
  listResumed = false
  /** Bytes of tracker frames received, by kind, for measurements. */
  readonly received = { deltaFrames: 0, deltaBytes: 0, snapshotBytes: 0 }
  readonly #stream: Stream
  readonly #requestTimeoutMs: number
  readonly #autoHeartbeat: boolean
  readonly #keepList: boolean
  readonly #pending = new Map<number, { resolve: (m: TrackerMessage) => void; reject: (e: Error) => void }>()
  #nextId = 1
  #heartbeatTimer?: ReturnType<typeof setInterval>
  #resyncing = false
  readonly #resyncBackoff = new Backoff({ baseMs: RESYNC_RETRY_BASE_MS, maxMs: RESYNC_RETRY_MAX_MS })
  #resyncTimer?: ReturnType<typeof setTimeout>
  /** Lookups and account queries on the wire, by what they ask: asking twice at once costs one request. */
  readonly #queries = new Map<string, Promise<unknown>>()
  #closed = false
  /**
   * An error the tracker sent with id 0 (a frame it could not attribute: too long, undecodable, or no
   * login in time), kept until anything else arrives: if the stream ends right after it, it is why.
   */
  #unattributedError?: P2PChatError

  private constructor(stream: Stream, init: TrackerClientInit) {
    super()
    this.#stream = stream
    this.#requestTimeoutMs = init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.#autoHeartbeat = init.autoHeartbeat ?? true
    this.#keepList = init.keepList ?? true
  }

  /** Open a session stream to the tracker at `addr` (which must end in /p2p/<tracker id>). */
  static async connect(
    node: P2PChatNode,
    addr: Multiaddr | string,
    init: TrackerClientInit & AbortOptions = {}
  ): Promise<TrackerClient> {
    const target = typeof addr === 'string' ? multiaddr(addr) : addr
    const stream = await node.dialProtocol(target, TRACKER_PROTOCOL, {
      signal: init.signal ?? AbortSignal.timeout(init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)
    })
    const client = TrackerClient.fromStream(stream, init)
    client.trackerAddr = target
    return client
  }

  /** Run a session over a stream already negotiated for the tracker protocol. */
  static fromStream(stream: Stream, init: TrackerClientInit = {}): TrackerClient {
    const client = new TrackerClient(stream, init)
    client.#readLoop().catch(() => {})
    return client
  }

  get closed(): boolean {
    return this.#closed
  }

  async register(username: string, password: string, options?: AbortOptions): Promise<string> {
    const reply = await this.request({ register: { username, password } }, options)
    return reply.registered?.username ?? username
  }

  /**
   * Log in, publishing `addrs` as where we listen. Resolves once the online list is loaded. With
   * `options.resume` (a credential from an earlier login, `password` then empty) no password is sent;
   * the tracker refuses a stale one with RESUME_REFUSED. A password login leaves the tracker's new
   * credential in `credential`.
   */
  async login(
    username: string,
    password: string,
    addrs: Multiaddr[] = [],
    options?: AbortOptions & {
      resume?: Uint8Array<ArrayBuffer>
      addrProof?: Uint8Array<ArrayBuffer>
      list?: KeptList
    }
  ): Promise<void> {
    const resume = options?.resume ?? new Uint8Array()
    const addrProof = options?.addrProof ?? new Uint8Array()
    const list = options?.list
    const reply = await this.request(
      {
        login: {
          username,
          password,
          resume,
          addrProof,
          addrs: addrs.map(a => a.bytes),
          listId: list?.id ?? new Uint8Array(),
          listVersion: list?.version ?? 0
        }
      },
      options
    )
    const loggedIn = reply.loggedIn
    if (loggedIn === undefined) throw new SessionClosedError('the tracker did not confirm the login')
    const issued = loggedIn.credential
    this.credential = issued !== undefined && issued.token.byteLength > 0 ? issued : undefined
    this.addrProof = loggedIn.addrProof.byteLength > 0 ? loggedIn.addrProof : undefined
    this.username = loggedIn.username
    this.heartbeatMs = loggedIn.heartbeatMs
    this.publishedAddrs = loggedIn.addrs.map(b => multiaddr(b))
    this.relayAddr =
      loggedIn.relay && this.trackerAddr !== undefined
        ? this.trackerAddr.encapsulate('/p2p-circuit')
        : undefined
    this.relayDataLimit = loggedIn.relayDataLimit
    this.relayDurationLimitMs = loggedIn.relayDurationLimitMs
    this.listId = loggedIn.listId.byteLength > 0 ? loggedIn.listId : undefined
    if (loggedIn.listDelta !== undefined) {
      if (list !== undefined && loggedIn.listDelta.baseVersion === list.version) {
        this.#resumeList(list, loggedIn.listDelta)
      } else {
        // Changes to a list we did not present: not ours to apply. Ask for the whole list.
        this.#applySnapshot({ version: 0, peers: [] })
        this.#resyncing = true
        this.#resyncWithRetry()
      }
    } else {
      this.#applySnapshot(loggedIn.snapshot ?? { version: 0, peers: [] })
    }
    if (this.#autoHeartbeat && this.heartbeatMs > 0) {
      let beats = 0
      this.#heartbeatTimer = setInterval(() => {
        if (++beats % HEARTBEAT_ACK_EVERY !== 0) {
          this.#send({ id: 0, heartbeat: { ack: false } })
          return
        }
        // A tracker that stopped answering (paused, partitioned) is only noticed by asking.
        this.heartbeat({ signal: AbortSignal.timeout(this.heartbeatMs * HEARTBEAT_ACK_EVERY) }).catch(err => {
          if (this.#closed) return
          this.#stream.abort(
            new TimeoutError(`the tracker did not acknowledge a heartbeat: ${(err as Error).message}`)
          )
        })
      }, this.heartbeatMs)
      this.#heartbeatTimer.unref?.()
    }
  }

  /** Send a heartbeat and wait for the tracker to acknowledge it. */
  async heartbeat(options?: AbortOptions): Promise<void> {
    await this.request({ heartbeat: { ack: true } }, options)
  }

  /**
   * The online list as it stands, for the next session's login to present (`login(…, { list })`); none
   * while it is not known to be whole (before a login, or while a gap is being filled). Taken when the
   * session has ended: `online` is this client's own map, not a copy (the next login copies it).
   */
  keptList(): KeptList | undefined {
    // A client that keeps no list (a simulator) still presents its version: the changes are all it needs.
    if (this.listId === undefined || this.version < 0 || this.#resyncing) return undefined
    return { id: this.listId, version: this.version, online: this.online }
  }

  /** Ask for a fresh snapshot (also done by itself on a version gap). */
  async resync(options?: AbortOptions): Promise<void> {
    const reply = await this.request({ snapshot: {} }, options)
    if (reply.snapshot !== undefined) this.#applySnapshot(reply.snapshot)
  }

  /**
   * Ask the tracker which logged-in user is bound to `peerId`; throws UNKNOWN_PEER if none. Concurrent
   * lookups of one PeerId share a request.
   */
  async lookup(peerId: PeerId, options?: AbortOptions): Promise<OnlineUser> {
    const entry = await this.#query(
      `peer:${peerId.toString()}`,
      async () => {
        const reply = await this.request({ lookup: { peerId: peerId.toMultihash().bytes } })
        if (reply.peer === undefined) throw new UnknownPeerError('the tracker sent no entry')
        return reply.peer
      },
      options
    )
    const user = decodeOnlinePeer(entry, this.relayAddr)
    if (!user.peerId.equals(peerId)) throw new UnknownPeerError('the tracker answered for another PeerId')
    return user
  }

  /**
   * Whether `username` has an account on the tracker, online or not: its canonical spelling (as the
   * tracker stores it, e.g. `Bob` for `bob`), or undefined when there is no such account. A name that
   * cannot be an account throws INVALID_USERNAME. Someone on the online list is answered without asking.
   */
  async accountExists(username: string, options?: AbortOptions): Promise<string | undefined> {
    const listed = this.online.get(username.normalize('NFC'))
    if (listed !== undefined) return listed.user
    const key = usernameKey(username)
    const info = await this.#query<AccountInfo>(
      `account:${key}`,
      async () => {
        const reply = await this.request({ account: { username } })
        if (reply.account === undefined) throw new InvalidMessageError('the tracker sent no account answer')
        return reply.account
      },
      options
    )
    if (!info.exists) return undefined
    if (usernameKey(info.username) !== key) {
      throw new InvalidMessageError(`the tracker answered about "${info.username}", not "${username}"`)
    }
    return info.username
  }

  /**
   * Connection reversal: ask the online peer `peerId` to dial us (we must be reachable). Resolves once the
   * tracker has passed the request on; the connection itself arrives as an inbound dial.
   */
  async requestDial(peerId: PeerId, options?: AbortOptions): Promise<void> {
    await this.request({ connect: { peerId: peerId.toMultihash().bytes } }, options)
  }

  /**
   * End the session. `revoke`: the user logs out, so this device's resumption credentials stop working
   * (`everywhere`: every device's); without, the program merely quits and may resume next time.
   */
  async logout(options?: AbortOptions & { revoke?: boolean; everywhere?: boolean }): Promise<void> {
    try {
      await this.request(
        { logout: { revoke: options?.revoke === true, everywhere: options?.everywhere === true } },
        options
      )
    } finally {
      this.close()
    }
  }

  /** Change the account's password: every credential is revoked; resolves with this device's new one. */
  async changePassword(
    oldPassword: string,
    newPassword: string,
    options?: AbortOptions
  ): Promise<Credential> {
    const reply = await this.request({ password: { oldPassword, newPassword } }, options)
    const credential = reply.credential
    if (credential === undefined)
      throw new SessionClosedError('the tracker did not confirm the password change')
    this.credential = credential.token.byteLength > 0 ? credential : undefined
    return credential
  }

  /** Send one request and wait for its reply; an error reply rejects with the typed error. */
  async request(body: Omit<Partial<ClientMessage>, 'id'>, options?: AbortOptions): Promise<TrackerMessage> {
    if (this.#closed) throw new SessionClosedError('the tracker session is closed')
    const id = this.#nextId++
    if (this.#nextId > 0xffff_fff0) this.#nextId = 1
    // Refused here, before anything is pending or sent: the tracker would close the session over it.
    const frame = encodeClientFrame({ id, ...body })
    const reply = new Promise<TrackerMessage>((resolve, reject) => this.#pending.set(id, { resolve, reject }))
    const signal = options?.signal ?? AbortSignal.timeout(this.#requestTimeoutMs)
    const onAbort = (): void => {
      this.#pending.get(id)?.reject(new TimeoutError('the tracker did not answer in time'))
      this.#pending.delete(id)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      this.sendRaw(frame)
      const message = await reply
      if (message.error !== undefined) {
        throw errorFromCode(message.error.code, message.error.message, message.error.retryAfterMs)
      }
      return message
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  #send(message: ClientMessage): void {
    this.sendRaw(encodeClientFrame(message))
  }

  /** Write bytes as they are, for tests that speak the protocol badly on purpose. */
  sendRaw(bytes: Uint8Array): void {
    this.#stream.send(bytes)
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#stopTimers()
    this.#stream.close().catch(err => this.#stream.abort(err))
  }

  /** Drop the connection without a goodbye, as a crash would. */
  abort(): void {
    this.#closed = true
    this.#stopTimers()
    this.#stream.abort(new Error('aborted by client'))
  }

  #stopTimers(): void {
    clearInterval(this.#heartbeatTimer)
    clearTimeout(this.#resyncTimer)
  }

  /**
   * One request per distinct question at a time; each caller waits with its own signal. RATE_LIMITED is
   * retried after the tracker's `retryAfterMs` (a few times), so a burst is slowed, not refused.
   */
  #query<T>(key: string, ask: () => Promise<T>, options?: AbortOptions): Promise<T> {
    let shared = this.#queries.get(key) as Promise<T> | undefined
    if (shared === undefined) {
      shared = this.#askPatiently(ask)
      this.#queries.set(key, shared)
      const forget = (): void => {
        this.#queries.delete(key)
      }
      shared.then(forget, forget)
    }
    return waitFor(shared, options?.signal)
  }

  async #askPatiently<T>(ask: () => Promise<T>): Promise<T> {
    const backoff = new Backoff({ baseMs: 1000 / LOOKUP_REFILL_PER_SECOND, maxMs: RESYNC_RETRY_MAX_MS })
    while (true) {
      try {
        return await ask()
      } catch (err) {
        const e = err as P2PChatError
        if (e.code !== 'RATE_LIMITED' || backoff.attempts >= QUERY_RATE_LIMIT_RETRIES || this.#closed) {
          throw err
        }
        const wait = backoff.next(e.retryAfterMs)
        await new Promise(resolve => setTimeout(resolve, wait).unref?.())
      }
    }
  }

  async #readLoop(): Promise<void> {
    const lp = lpStream(this.#stream, {
      maxDataLength: MAX_TRACKER_MESSAGE_BYTES,
      maxBufferSize: READ_BUFFER_BYTES
    })
    let error: Error | undefined
    try {
      while (true) {
        const frame = await lp.read()
        const message = TrackerMessage.decode(frame)
        this.#onMessage(message, frame.byteLength)
      }
    } catch (err) {
      error = err as Error
    } finally {
      this.#closed = true
      this.#stopTimers()
      // An error the tracker sent just before closing says why better than "closed before answering".
      const cause = this.#unattributedError
      for (const { reject } of this.#pending.values()) {
        reject(cause ?? new SessionClosedError('the tracker session closed before answering'))
      }
      this.#pending.clear()
      this.safeDispatchEvent('closed', { detail: { error: cause ?? error } })
    }
  }

  #onMessage(message: TrackerMessage, bytes: number): void {
    this.#unattributedError = undefined
    if (message.id !== 0) {
      const waiter = this.#pending.get(message.id)
      this.#pending.delete(message.id)
      if (message.snapshot !== undefined || message.loggedIn !== undefined)
        this.received.snapshotBytes += bytes
      waiter?.resolve(message)
      return
    }
    if (message.delta !== undefined) {
      this.received.deltaFrames++
      this.received.deltaBytes += bytes
      this.#applyDelta(message.delta)
    } else if (message.dial?.from !== undefined) {
      let from: OnlineUser
      try {
        from = decodeOnlinePeer(message.dial.from)
      } catch {
        return
      }
      this.safeDispatchEvent('dial-request', { detail: from })
    } else if (message.friendEvent !== undefined) {
      this.safeDispatchEvent('friend-event', { detail: message.friendEvent })
    } else if (message.groupEvent !== undefined) {
      this.safeDispatchEvent('group-event', { detail: message.groupEvent })
    } else if (message.notice !== undefined) {
      this.safeDispatchEvent('notice', {
        detail: { kind: noticeName(message.notice.kind), message: message.notice.message }
      })
    } else if (message.error !== undefined) {
      // Not tied to a request (bad frame, login timeout): if the stream ends next, this is why (see #readLoop).
      this.#unattributedError = errorFromCode(
        message.error.code,
        message.error.message,
        message.error.retryAfterMs
      )
    }
  }

  #applySnapshot(snapshot: Snapshot): void {
    this.online.clear()
    const users = snapshot.peers.map(entry => decodeOnlinePeer(entry, this.relayAddr))
    if (this.#keepList) for (const user of users) this.online.set(user.user, user)
    this.version = snapshot.version
    this.#resyncing = false
    this.safeDispatchEvent('snapshot', { detail: { version: this.version, users } })
  }

  /** The login found our kept list current: take it, then the changes since (as a snapshot event). */
  #resumeList(list: KeptList, delta: Delta): void {
    this.online.clear()
    for (const [name, user] of list.online) this.online.set(name, user)
    this.version = list.version
    this.#resyncing = false
    this.listResumed = true
    this.#applyDelta(delta)
    if (this.#resyncing) return
    this.safeDispatchEvent('snapshot', {
      detail: { version: this.version, users: [...this.online.values()] }
    })
  }

  #applyDelta(delta: Delta): void {
    if (this.version < 0 || this.#resyncing) return
    if (delta.baseVersion > this.version) {
      this.safeDispatchEvent('gap', { detail: { have: this.version, base: delta.baseVersion } })
      this.#resyncing = true
      this.#resyncWithRetry()
      return
    }
    for (const event of delta.events) {
      if (event.version <= this.version) continue
      this.version = event.version
      if (event.joined !== undefined) {
        const user = decodeOnlinePeer(event.joined, this.relayAddr)
        if (this.#keepList) this.online.set(user.user, user)
        this.safeDispatchEvent('joined', { detail: user })
      } else if (event.left !== undefined) {
        this.online.delete(event.left)
        this.safeDispatchEvent('left', {
          detail: { user: event.left, reason: leaveReasonName(event.reason) }
        })
      }
    }
  }

  /** Fetch a snapshot, retrying with back-off (at least the tracker's `retryAfterMs`) a bounded number of times. */
  #resyncWithRetry(): void {
    this.resync().then(
      () => {
        this.#resyncBackoff.reset()
        this.#resyncing = false
      },
      err => {
        if (this.#closed || this.#resyncBackoff.attempts >= RESYNC_MAX_RETRIES) {
          // Give up for now: the next delta with a gap starts a new round.
          this.#resyncBackoff.reset()
          this.#resyncing = false
          return
        }
        const wait = this.#resyncBackoff.next((err as P2PChatError).retryAfterMs)
        this.#resyncTimer = setTimeout(() => this.#resyncWithRetry(), wait)
        this.#resyncTimer.unref?.()
      }
    )
  }
}

/** A client frame as it goes on the wire; throws MESSAGE_TOO_LARGE above what the tracker reads. */
function encodeClientFrame(message: ClientMessage): Uint8Array {
  const body = ClientMessage.encode(message)
  if (body.byteLength > MAX_CLIENT_MESSAGE_BYTES) {
    throw new MessageTooLargeError(
      `this request is ${body.byteLength} bytes; the tracker reads at most ${MAX_CLIENT_MESSAGE_BYTES} (a password is at most ${PASSWORD_MAX_BYTES} bytes)`
    )
  }
  return lengthPrefixed(body)
}

/** Wait for `promise`, or fail with TIMEOUT when `signal` aborts first (the promise carries on). */
function waitFor<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return promise
  const aborted = (): TimeoutError => new TimeoutError('the tracker did not answer in time')
  if (signal.aborted) return Promise.reject(aborted())
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted())
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      value => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      err => {
        signal.removeEventListener('abort', onAbort)
        reject(err)
      }
    )
  })
}
