import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Logger, PeerId } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import type { Multiaddr } from '@multiformats/multiaddr'
import { multiaddr } from '@multiformats/multiaddr'
import { NotAuthorizedError, P2PChatError, UnknownUserError } from '../../src/errors.ts'
import { loadOrCreateIdentity } from '../../src/identity.ts'
import type { MuxerName, P2PChatNode } from '../../src/node.ts'
import { createNode } from '../../src/node.ts'
import { RECONNECT_BASE_MS, RECONNECT_FACTOR, RECONNECT_MAX_MS } from '../../src/protocol/constants.ts'
import type { DirLock } from '../../src/storage/dir-lock.ts'
import { lockDataDir } from '../../src/storage/dir-lock.ts'
import { normalizeUsername, usernameKey } from '../../src/usernames.ts'
import type { ChatMessageEvent } from '../chat/chat-service.ts'
import { ChatService } from '../chat/chat-service.ts'
import type { StoredMessage } from '../chat/history.ts'
import { HistoryStore } from '../chat/history.ts'
import { FileService } from '../files/file-service.ts'
import type { FileEventName, FileEvents, TransferInfo } from '../files/file-types.ts'
import type { LeaveReasonName, OnlineUser } from './tracker-client.ts'
import { TrackerClient } from './tracker-client.ts'

export const DEFAULT_PEER_LISTEN = ['/ip4/0.0.0.0/tcp/0']

/** Default data directory of `user`: ~/.p2pchat/<user>, one per account on a machine. */
export function defaultPeerDataDir(user: string): string {
  return join(homedir(), '.p2pchat', usernameKey(normalizeUsername(user)))
}

export interface PeerClientInit {
  /** The tracker's multiaddr, ending in /p2p/<tracker PeerId>. */
  tracker: string
  user: string
  password: string
  /**
   * Create the account first; an existing account is not an error (the login then checks the password).
   * @default false
   */
  register?: boolean
  /**
   * Identity, history and lock.
   * @default ~/.p2pchat/<user>
   */
  dataDir?: string
  /**
   * Where to listen for direct connections from other peers.
   * @default ['/ip4/0.0.0.0/tcp/0']
   */
  listen?: string[]
  /** @default ['yamux', 'mplex'] */
  muxers?: MuxerName[]
  /**
   * Where received files go; `accept-file` may choose a directory inside it, never outside.
   * @default <dataDir>/downloads
   */
  downloadsDir?: string
  /**
   * Offers of larger files are refused before anyone is asked.
   * @default 64 GiB
   */
  maxFileBytes?: number
  /**
   * A file offer not accepted or rejected within this long expires.
   * @default 300000 (5 min)
   */
  fileOfferTimeoutMs?: number
}

export type TrackerState = 'connecting' | 'connected' | 'reconnecting' | 'replaced' | 'stopped'

export interface UserInfo {
  user: string
  peerId: string
  addrs: string[]
}

export interface PeerClientEvents extends FileEvents {
  ready: CustomEvent<UserInfo>
  joined: CustomEvent<UserInfo>
  left: CustomEvent<{ user: string; reason: LeaveReasonName }>
  message: CustomEvent<ChatMessageEvent>
  delivered: CustomEvent<{ messageId: string; to: string }>
  tracker: CustomEvent<{ state: TrackerState; message?: string }>
  /** Something went wrong that no command is waiting for; `messageId`/`to` when about a message. */
  error: CustomEvent<{ code: string; message: string; messageId?: string; to?: string }>
}

const FILE_EVENT_NAMES: FileEventName[] = [
  'file-offer',
  'file-accepted',
  'file-progress',
  'file-done',
  'file-failed'
]

function info(u: OnlineUser): UserInfo {
  return { user: u.user, peerId: u.peerId.toString(), addrs: u.addrs.map(a => a.toString()) }
}

/**
 * The peer: one object every front-end drives. It owns the libp2p node, the data directory (identity,
 * history, lock) and the tracker session; it keeps chatting with known peers while the tracker is away
 * and reconnects with exponential back-off and jitter.
 */
export class PeerClient extends TypedEventEmitter<PeerClientEvents> {
  readonly log: Logger
  readonly dataDir: string
  node?: P2PChatNode
  readonly #init: PeerClientInit
  readonly #user: string
  #username: string
  #lock?: DirLock
  #history?: HistoryStore
  #chat?: ChatService
  #files?: FileService
  #tracker?: TrackerClient
  #state: TrackerState = 'connecting'
  /** Who is online, as last heard from the tracker; kept while the tracker is away. */
  readonly #online = new Map<string, OnlineUser>()
  readonly #byPeer = new Map<string, string>()
  #stopping = false
  #reconnectTimer?: ReturnType<typeof setTimeout>

  constructor(init: PeerClientInit) {
    super()
    this.#init = init
    this.#user = normalizeUsername(init.user)
    this.#username = this.#user
    this.dataDir = init.dataDir ?? defaultPeerDataDir(this.#user)
    this.log = logger(`p2pchat:peer:${usernameKey(this.#user)}`)
  }

  get username(): string {
    return this.#username
  }

  get trackerState(): TrackerState {
    return this.#state
  }

  get peerId(): PeerId {
    if (this.node === undefined) throw new Error('peer is not started')
    return this.node.peerId
  }

  /**
   * Open the data directory, start the node and log in. Rejects on errors the user must fix (wrong
   * password, locked directory, bad tracker address); a tracker that cannot be reached yet is retried.
   */
  async start(): Promise<void> {
    const trackerAddr = multiaddr(this.#init.tracker)
    if (trackerAddr.getComponents().find(c => c.name === 'p2p') === undefined) {
      throw new P2PChatError(
        'INVALID_OPTION',
        `the tracker address must end in /p2p/<tracker PeerId>: ${this.#init.tracker}`
      )
    }
    this.#lock = lockDataDir(this.dataDir)
    try {
      const privateKey = await loadOrCreateIdentity(this.dataDir)
      this.#history = new HistoryStore(this.dataDir)
      await this.#history.open()
      this.node = await createNode({
        privateKey,
        listen: this.#init.listen ?? DEFAULT_PEER_LISTEN,
        muxers: this.#init.muxers
      })
      await this.node.start()
      this.#chat = new ChatService(this.node, this.#history, {
        self: () => this.#username,
        identify: (peerId, signal) => this.#identify(peerId, signal),
        locate: user => this.#online.get(usernameKey(user)),
        log: this.log.newScope('chat')
      })
      this.#chat.addEventListener('message', e => this.safeDispatchEvent('message', { detail: e.detail }))
      this.#chat.addEventListener('delivered', e => this.safeDispatchEvent('delivered', { detail: e.detail }))
      this.#chat.addEventListener('undelivered', e => {
        const { code, message, messageId, to } = e.detail
        this.safeDispatchEvent('error', {
          detail: { code, message: `${message} (kept in the outbox)`, messageId, to }
        })
      })
      await this.#chat.start()
      this.#files = new FileService(
        this.node,
        this.dataDir,
        {
          self: () => this.#username,
          identify: (peerId, signal) => this.#identify(peerId, signal),
          locate: user => this.#online.get(usernameKey(user)),
          log: this.log.newScope('file')
        },
        {
          downloadsDir: this.#init.downloadsDir ?? join(this.dataDir, 'downloads'),
          maxFileBytes: this.#init.maxFileBytes,
          offerTimeoutMs: this.#init.fileOfferTimeoutMs
        }
      )
      for (const name of FILE_EVENT_NAMES) {
        this.#files.addEventListener(name, e => this.safeDispatchEvent(name, { detail: e.detail } as never))
      }
      await this.#files.start()
      await this.#connect(true)
    } catch (err) {
      await this.stop()
      throw err
    }
    this.safeDispatchEvent('ready', {
      detail: {
        user: this.#username,
        peerId: this.node.peerId.toString(),
        addrs: this.node.getMultiaddrs().map(String)
      }
    })
  }

  async stop(): Promise<void> {
    if (this.#stopping) return
    this.#stopping = true
    clearTimeout(this.#reconnectTimer)
    const tracker = this.#tracker
    if (tracker !== undefined && !tracker.closed) {
      await tracker.logout({ signal: AbortSignal.timeout(2_000) }).catch(() => {})
    }
    await this.#files?.stop().catch(() => {})
    await this.#chat?.stop().catch(() => {})
    await this.#history?.close().catch(() => {})
    await this.node?.stop()
    this.#lock?.release()
    this.#setState('stopped')
  }

  /** Everyone online (ourselves included), as last heard from the tracker. */
  who(): UserInfo[] {
    return [...this.#online.values()].map(info).sort((a, b) => a.user.localeCompare(b.user))
  }

  /** Queue a message for `to` (stored before this resolves) and deliver it directly when possible. */
  async send(to: string, text: string): Promise<StoredMessage> {
    const user = normalizeUsername(to)
    if (usernameKey(user) === usernameKey(this.#username)) {
      throw new UnknownUserError('you cannot message yourself')
    }
    const known = this.#online.get(usernameKey(user))
    return this.#chat!.send(known?.user ?? user, text)
  }

  /** Offer the file at `path` to `to`, who must be online; progress and outcome arrive as events. */
  async sendFile(to: string, path: string): Promise<TransferInfo> {
    const user = normalizeUsername(to)
    return this.#files!.send(this.#online.get(usernameKey(user))?.user ?? user, path)
  }

  /** Accept an offer, into the download directory or `dir` inside it. */
  acceptFile(transferId: string, dir?: string): Promise<TransferInfo> {
    return this.#files!.accept(transferId, dir)
  }

  rejectFile(transferId: string): void {
    this.#files!.reject(transferId)
  }

  cancelFile(transferId: string): void {
    this.#files!.cancel(transferId)
  }

  /** Transfers of this session (running, waiting and finished), oldest first. */
  transfers(): TransferInfo[] {
    return this.#files?.transfers() ?? []
  }

  /** Where received files go. */
  get downloadsDir(): string {
    return this.#init.downloadsDir ?? join(this.dataDir, 'downloads')
  }

  /** The conversation with `user`, oldest first, newest `limit`. */
  history(user: string, limit?: number): StoredMessage[] {
    return this.#history!.conversation(normalizeUsername(user), limit)
  }

  async #connect(first: boolean): Promise<void> {
    this.#setState(first ? 'connecting' : 'reconnecting')
    const node = this.node!
    let client: TrackerClient
    try {
      client = await TrackerClient.connect(node, this.#init.tracker)
    } catch (err) {
      if (first) this.log('tracker not reachable yet: %s', (err as Error).message)
      this.#scheduleReconnect()
      return
    }
    try {
      if (this.#init.register === true) {
        await client.register(this.#user, this.#init.password).catch(err => {
          if ((err as P2PChatError).code !== 'USERNAME_TAKEN') throw err
        })
      }
      await client.login(this.#user, this.#init.password, this.#listenAddrs())
    } catch (err) {
      client.close()
      const code = (err as P2PChatError).code
      // Errors a retry cannot fix stop the start-up; others (timeouts, busy) are retried.
      if (
        first &&
        code !== undefined &&
        !['TIMEOUT', 'BUSY', 'SESSION_CLOSED', 'RATE_LIMITED'].includes(code)
      )
        throw err
      this.#emitError(err)
      this.#scheduleReconnect((err as P2PChatError).retryAfterMs)
      return
    }
    this.#reconnectAttempt = 0
    this.#username = client.username ?? this.#user
    this.#tracker = client
    this.#adopt(client)
    client.addEventListener('closed', () => this.#onTrackerClosed(client))
    client.addEventListener('notice', e => {
      if (e.detail.kind === 'replaced') this.#replaced = true
      this.log('tracker notice: %s %s', e.detail.kind, e.detail.message)
    })
    this.#setState('connected')
  }

  #reconnectAttempt = 0
  #replaced = false

  #scheduleReconnect(atLeastMs = 0): void {
    if (this.#stopping) return
    this.#setState('reconnecting')
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * RECONNECT_FACTOR ** this.#reconnectAttempt++)
    const wait = Math.max(atLeastMs, base * (0.5 + Math.random()))
    this.#reconnectTimer = setTimeout(() => {
      this.#connect(false).catch(err => {
        this.#emitError(err)
        this.#scheduleReconnect()
      })
    }, wait)
    this.#reconnectTimer.unref?.()
  }

  #onTrackerClosed(client: TrackerClient): void {
    if (this.#tracker !== client || this.#stopping) return
    this.#tracker = undefined
    if (this.#replaced) {
      this.#setState('replaced', 'this account logged in from another place; not reconnecting')
      return
    }
    this.#scheduleReconnect()
  }

  /** Take the tracker's list as ours, telling front-ends what changed while we were away. */
  #adopt(client: TrackerClient): void {
    const fresh = new Map<string, OnlineUser>()
    for (const u of client.online.values()) fresh.set(usernameKey(u.user), u)
    for (const [key, old] of this.#online) {
      const now = fresh.get(key)
      if (now === undefined || !now.peerId.equals(old.peerId)) this.#remove(key, 'disconnect')
    }
    for (const [key, u] of fresh) if (!this.#online.has(key)) this.#add(u)
    client.addEventListener('joined', e => this.#add(e.detail))
    client.addEventListener('left', e => this.#remove(usernameKey(e.detail.user), e.detail.reason))
    client.addEventListener('snapshot', e => {
      const users = new Map(e.detail.users.map(u => [usernameKey(u.user), u]))
      for (const key of [...this.#online.keys()]) if (!users.has(key)) this.#remove(key, 'disconnect')
      for (const u of users.values()) this.#add(u)
    })
    // Whoever is online now gets what we queued for them.
    for (const u of this.#online.values()) if (u.user !== this.#username) this.#chat?.deliver(u.user)
  }

  #add(u: OnlineUser): void {
    const key = usernameKey(u.user)
    const existing = this.#online.get(key)
    if (existing?.peerId.equals(u.peerId)) return
    if (existing !== undefined) this.#byPeer.delete(existing.peerId.toString())
    this.#online.set(key, u)
    this.#byPeer.set(u.peerId.toString(), key)
    this.safeDispatchEvent('joined', { detail: info(u) })
    if (key !== usernameKey(this.#username)) this.#chat?.deliver(u.user)
  }

  #remove(key: string, reason: LeaveReasonName): void {
    const u = this.#online.get(key)
    if (u === undefined) return
    this.#online.delete(key)
    this.#byPeer.delete(u.peerId.toString())
    this.safeDispatchEvent('left', { detail: { user: u.user, reason } })
  }

  async #identify(peerId: PeerId, signal: AbortSignal): Promise<string> {
    const key = this.#byPeer.get(peerId.toString())
    if (key !== undefined) return this.#online.get(key)!.user
    // Not in our list: the join may still be on its way. The tracker knows.
    const tracker = this.#tracker
    if (tracker === undefined || tracker.closed) {
      throw new NotAuthorizedError(`${peerId} is not a known logged-in account (tracker unreachable)`)
    }
    try {
      const user = await tracker.lookup(peerId, { signal })
      return user.user
    } catch (err) {
      throw new NotAuthorizedError(`${peerId} is not a logged-in account: ${(err as Error).message}`)
    }
  }

  #listenAddrs(): Multiaddr[] {
    // Publish what we listen on; the tracker replaces 0.0.0.0 with the address it sees us at.
    const seen = new Set<string>()
    const out: Multiaddr[] = []
    for (const a of this.node!.getMultiaddrs()) {
      const bare = a.decapsulateCode(421)
      if (!seen.has(bare.toString())) {
        seen.add(bare.toString())
        out.push(bare)
      }
    }
    return out.slice(0, 16)
  }

  #setState(state: TrackerState, message?: string): void {
    if (this.#state === state) return
    this.#state = state
    this.safeDispatchEvent('tracker', { detail: message === undefined ? { state } : { state, message } })
  }

  #emitError(err: unknown): void {
    const e = err as P2PChatError
    this.safeDispatchEvent('error', {
      detail: { code: e.code ?? 'INTERNAL', message: e.message ?? String(err) }
    })
  }
}
