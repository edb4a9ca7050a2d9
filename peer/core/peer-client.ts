import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Logger, PeerId } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidOptionError, NotLoggedInError, UnknownUserError } from '../../src/errors.ts'
import { loadOrCreateIdentity } from '../../src/identity.ts'
import type { MuxerName, P2PChatNode } from '../../src/node.ts'
import { createNode } from '../../src/node.ts'
import type { DirLock } from '../../src/storage/dir-lock.ts'
import { lockDataDir } from '../../src/storage/dir-lock.ts'
import { normalizeUsername, usernameKey } from '../../src/usernames.ts'
import type { PeerEvents, TrackerState, UserInfo } from '../api/schema.ts'
import type { StoredMessage } from '../chat/index.ts'
import { ChatService, HistoryStore } from '../chat/index.ts'
import type { FileEventName, TransferInfo } from '../files/index.ts'
import { FileService } from '../files/index.ts'
import { acceptStopOnlyFrom, ConnectionReversal, ListenMapping, trackerOnlyRelayGater } from '../nat/index.ts'
import { DataOwner } from './data-owner.ts'
import { OnlineDirectory } from './online-directory.ts'
import type { Social } from './social.ts'
import { startSocial } from './social.ts'
import type { OnlineUser } from './tracker-client.ts'
import { TrackerSession } from './tracker-session.ts'

export const DEFAULT_PEER_LISTEN = ['/ip4/0.0.0.0/tcp/0']
/** A password change waits this long for the tracker (it hashes the old and the new password). */
const PASSWORD_CHANGE_TIMEOUT_MS = 30_000

const FRIEND_EVENTS = [
  'friend-request',
  'friend-added',
  'friend-removed',
  'friend-declined',
  'friend-status'
] as const
const GROUP_EVENTS = ['group-updated', 'group-invited', 'group-removed'] as const

const FILE_EVENTS: FileEventName[] = [
  'file-offer',
  'file-accepted',
  'file-progress',
  'file-done',
  'file-failed'
]

/** Default data directory of `user`: ~/.p2pchat/<user>, one per account on a machine. */
export function defaultPeerDataDir(user: string): string {
  return join(homedir(), '.p2pchat', usernameKey(normalizeUsername(user)))
}

export interface PeerClientInit {
  /**
   * The tracker's multiaddr, ending in /p2p/<tracker PeerId>; or several trackers sharing one store
   * (`tracker --store redis://…`), in the order to try them: the peer logs in on the first that answers,
   * and when that one is lost or refuses it moves on to the next at once (round-robin; a back-off only
   * after all of them failed). Relayed connections are taken through any of them.
   */
  tracker: string | string[]
  user: string
  password: string
  /**
   * Create the account first; an existing account is not an error if the password is its password.
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
  /**
   * After a tracker restart, how long someone missing from its list has to log in again before they
   * are reported as gone.
   * @default 45000
   */
  rejoinGraceMs?: number
  /**
   * Ask the home router (UPnP IGD or NAT-PMP) to forward the listen port, and offer the mapped address
   * to the tracker, which publishes it once it has dialled it back.
   * @default false
   */
  upnp?: boolean
  /**
   * First wait before a message to an online but unreachable recipient is tried again (doubling to
   * 60 s, ±50 %).
   * @default 2000
   */
  chatRetryBaseMs?: number
  /**
   * The bulk file path (docs/protocol.md): received content over its own TLS connection, from a one-shot
   * listener on `listenHost`; false: always on the file stream.
   * @default { listenHost: '::' }
   */
  fileBulk?: { listenHost: string } | false
}

/** The PeerId a tracker address names; INVALID_OPTION naming the address when it names none. */
function trackerPeerId(addr: string): PeerId {
  let id: string | undefined
  try {
    id = multiaddr(addr)
      .getComponents()
      .findLast(c => c.name === 'p2p')?.value
  } catch (err) {
    throw new InvalidOptionError(
      `the tracker address is not a multiaddr (${(err as Error).message}): ${addr}`
    )
  }
  if (id === undefined) {
    throw new InvalidOptionError(`the tracker address must end in /p2p/<tracker PeerId>: ${addr}`)
  }
  try {
    return peerIdFromString(id)
  } catch {
    throw new InvalidOptionError(`the tracker address names no valid PeerId: ${addr}`)
  }
}

function info(u: OnlineUser): UserInfo {
  return {
    user: u.user,
    peerId: u.peerId.toString(),
    addrs: u.addrs.map(a => a.toString()),
    reachable: u.reachable
  }
}

/**
 * The peer: one object every front-end drives (through peer/api's dispatch). It owns the data directory
 * (identity, history, lock) and the libp2p node, and wires the capabilities together: the tracker
 * session, the online directory, chat and file transfer. Its events are the API's events.
 */
export class PeerClient extends TypedEventEmitter<PeerEvents> {
  readonly log: Logger
  readonly dataDir: string
  node?: P2PChatNode
  readonly #init: PeerClientInit
  readonly #user: string
  #lock?: DirLock
  #history?: HistoryStore
  #chat?: ChatService
  #files?: FileService
  #session?: TrackerSession
  #directory?: OnlineDirectory
  /** Accounts known to exist (key → spelling), so `msg` asks the tracker about a name once. */
  readonly #accounts = new Map<string, string>()
  #stopping?: Promise<void>
  /** A logout revoking the credential, which stop() waits for. */
  #revoking?: Promise<void>
  /** The tracker published an address of ours at the last login (it reached us by dialling back). */
  #reachable = false
  #owner?: DataOwner
  #reversal?: ConnectionReversal
  #social?: Social
  #mapping?: ListenMapping
  /** Recording the data directory's owner after a login: start() and stop() wait for it. */
  #claiming?: Promise<void>

  constructor(init: PeerClientInit) {
    super()
    this.#init = init
    this.#user = normalizeUsername(init.user)
    this.dataDir = init.dataDir ?? defaultPeerDataDir(this.#user)
    this.log = logger(`p2pchat:peer:${usernameKey(this.#user)}`)
  }

  get username(): string {
    return this.#session?.username ?? this.#user
  }

  get trackerState(): TrackerState {
    return this.#session?.state ?? 'connecting'
  }

  /** Why the tracker state is what it is, in plain words. */
  get trackerMessage(): string | undefined {
    return this.#session?.message
  }

  /** The tracker address in use now (logged in), else the one being tried or to try next. */
  get trackerAddr(): string {
    return this.#session?.tracker ?? this.#trackers()[0]
  }

  #trackers(): string[] {
    const { tracker } = this.#init
    return typeof tracker === 'string' ? [tracker] : tracker
  }

  get peerId(): PeerId {
    if (this.node === undefined) throw new Error('peer is not started')
    return this.node.peerId
  }

  /** Where received files go. */
  get downloadsDir(): string {
    return this.#init.downloadsDir ?? join(this.dataDir, 'downloads')
  }

  /**
   * Open the data directory, start the node and log in. Rejects on errors the user must fix (wrong
   * password, name taken, locked directory, bad tracker address); a tracker that cannot be reached
   * yet is retried in the background (`tracker` events say so).
   */
  async start(): Promise<void> {
    const trackerPeers = this.#trackers().map(trackerPeerId)
    if (trackerPeers.length === 0) throw new InvalidOptionError('no tracker address given')
    this.#lock = lockDataDir(this.dataDir)
    try {
      const owner = new DataOwner(this.dataDir)
      await owner.check(this.#user)
      this.#owner = owner
      const privateKey = await loadOrCreateIdentity(this.dataDir)
      this.#history = new HistoryStore(this.dataDir)
      await this.#history.open()
      const node = await createNode({
        privateKey,
        listen: this.#init.listen ?? DEFAULT_PEER_LISTEN,
        muxers: this.#init.muxers,
        // Any of the trackers may be the one we (or a peer we talk to) are logged in to.
        connectionGater: trackerOnlyRelayGater(trackerPeers)
      })
      this.node = node
      await node.start()
      await acceptStopOnlyFrom(node, trackerPeers)
      if (this.#init.upnp === true) {
        this.#mapping = new ListenMapping({
          listenAddrs: () => node.services.self.listenAddrs(),
          log: this.log.newScope('upnp'),
          onProblem: (code, message) => this.safeDispatchEvent('error', { detail: { code, message } })
        })
        await this.#mapping.start()
      }
      const session = new TrackerSession(
        { node },
        {
          tracker: this.#init.tracker,
          user: this.#user,
          password: this.#init.password,
          register: this.#init.register === true,
          listenAddrs: () => this.#listenAddrs(),
          // Reached from outside: count them as ours, so identify tells the people we dial. Else a slot on
          // the relay of the tracker this login is on (after a failover: the new one; the old slot ended
          // with its connection).
          published: (addrs, client) => {
            this.#reachable = addrs.length > 0
            this.node?.services.self.confirm(addrs)
            if (!this.#reachable && client.relayAddr !== undefined) this.#reserveRelay(client.relayAddr)
          },
          log: this.log.newScope('tracker')
        }
      )
      this.#session = session
      const directory = new OnlineDirectory({
        self: () => this.username,
        lookup: (peerId, signal) => session.lookup(peerId, { signal }),
        rejoinGraceMs: this.#init.rejoinGraceMs
      })
      this.#directory = directory
      this.#wireDirectory(directory)
      const reversal = new ConnectionReversal({
        node,
        requestDial: (peerId, options) => session.requestDial(peerId, options),
        reachable: () => this.#reachable,
        log: this.log.newScope('reversal')
      })
      this.#reversal = reversal
      const social = await startSocial({
        node,
        privateKey,
        session,
        directory,
        reversal,
        self: () => this.username,
        dataDir: this.dataDir,
        log: this.log
      })
      this.#social = social
      this.#wireSocial(social)
      const accepts = (from: string): boolean => social.accepts(from)
      this.#chat = new ChatService(
        { node, history: this.#history, directory, reversal, accepts },
        { log: this.log.newScope('chat'), retryBaseMs: this.#init.chatRetryBaseMs }
      )
      this.#wireChat(this.#chat)
      await this.#chat.start()
      this.#files = new FileService(
        { node, directory, reversal, accepts, relayDataLimit: () => session.client?.relayDataLimit ?? 0 },
        {
          dataDir: this.dataDir,
          log: this.log.newScope('file'),
          downloadsDir: this.downloadsDir,
          maxFileBytes: this.#init.maxFileBytes,
          offerTimeoutMs: this.#init.fileOfferTimeoutMs,
          bulk: this.#init.fileBulk
        }
      )
      for (const name of FILE_EVENTS) {
        this.#files.addEventListener(name, e => this.safeDispatchEvent(name, { detail: e.detail } as never))
      }
      await this.#files.start()
      this.#wireSession(session, directory)
      await session.start()
      await this.#claiming
    } catch (err) {
      await this.stop()
      throw err
    }
    this.safeDispatchEvent('ready', {
      detail: {
        user: this.username,
        peerId: this.node.peerId.toString(),
        addrs: this.node.getMultiaddrs().map(String),
        reachable: this.#reachable,
        tracker: this.trackerState
      }
    })
  }

  /**
   * The user logs out (not a quit): the tracker revokes this device's resumption credentials
   * (`everywhere`: every device's of the account), then the peer stops. Rejects (after stopping) when
   * the tracker could not revoke them — the peer was not connected, or its store was unavailable.
   */
  async logout(options: { everywhere?: boolean } = {}): Promise<void> {
    let failure: unknown
    this.#revoking ??= (async () => {
      await this.#claiming
      await this.#session?.stop({ revoke: true, everywhere: options.everywhere === true }).catch(err => {
        failure = err
      })
    })()
    await this.#revoking
    await this.stop()
    if (failure !== undefined) throw failure
  }

  /**
   * Change the account's password. Every device's resumption credential is revoked (they log in with
   * the new password next time); this one gets a new one for its reconnects.
   */
  async changePassword(oldPassword: string, newPassword: string): Promise<void> {
    const session = this.#session
    if (session === undefined) throw new NotLoggedInError('not started')
    await session.changePassword(oldPassword, newPassword, {
      signal: AbortSignal.timeout(PASSWORD_CHANGE_TIMEOUT_MS)
    })
  }

  /** Quit: end the tracker session and stop everything; safe to call more than once (later calls wait for the first). */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#claiming
      await this.#revoking
      await this.#session?.stop().catch(() => {})
      this.#directory?.stop()
      await this.#files?.stop().catch(() => {})
      await this.#chat?.stop().catch(() => {})
      await this.#social?.groupService.stop().catch(() => {})
      await this.#history?.close().catch(() => {})
      await this.#mapping?.stop()
      await this.node?.stop()
      this.#lock?.release()
    })()
    return this.#stopping
  }

  /** Everyone online (ourselves included), as last heard from the tracker. */
  who(): UserInfo[] {
    return (this.#directory?.list() ?? []).map(info)
  }

  /** When the online list was last known current (now while connected), Unix ms. */
  get onlineAsOf(): number {
    return this.#directory?.asOf ?? Date.now()
  }

  /** True when `user` is online now, as far as we know. */
  isOnline(user: string): boolean {
    return this.#directory?.locate(user) !== undefined
  }

  /**
   * Queue a message for `to` (stored before this resolves) and deliver it directly when possible. A name
   * with no account is refused (UNKNOWN_USER), asking the tracker when the name is new to us.
   */
  async send(to: string, text: string): Promise<StoredMessage> {
    const user = await this.#account(normalizeUsername(to))
    return this.#chat!.send(user, text)
  }

  /** Offer the file at `path` to `to`, who must be online; progress and outcome arrive as events. */
  async sendFile(to: string, path: string): Promise<TransferInfo> {
    const user = normalizeUsername(to)
    return this.#files!.send(this.#directory?.locate(user)?.user ?? user, path)
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

  /** Delete a partial file left by an interrupted receive; returns the path removed. */
  discardFile(transferId: string): Promise<string> {
    return this.#files!.discard(transferId)
  }

  /** Transfers of this session and partial receives left from earlier ones, oldest first. */
  async transfers(): Promise<TransferInfo[]> {
    return (await this.#files?.transfers()) ?? []
  }

  /** The conversation with `user`, oldest first, newest `limit`. */
  history(user: string, limit?: number): StoredMessage[] {
    return this.#history!.conversation(normalizeUsername(user), limit)
  }

  /** The account's spelling for `user`: from who is online, our history, or the tracker. */
  async #account(user: string): Promise<string> {
    const key = usernameKey(user)
    if (key === usernameKey(this.username)) throw new UnknownUserError('you cannot message yourself')
    const known = this.#directory?.locate(user)?.user ?? this.#accounts.get(key)
    if (known !== undefined) return known
    const talked = this.#history!.conversation(user, 1)[0]
    if (talked !== undefined) return usernameKey(talked.from) === key ? talked.from : talked.to
    const spelling = await this.#session!.accountExists(user)
    if (spelling === undefined) throw new UnknownUserError(`there is no account named "${user}"`)
    this.#accounts.set(key, spelling)
    return spelling
  }

  #wireSession(session: TrackerSession, directory: OnlineDirectory): void {
    session.addEventListener('session', e => {
      const { client, reconnected } = e.detail
      directory.follow(client, reconnected)
      // Friends and groups as the tracker keeps them: requests waiting, catch-up on every group.
      this.#social?.friends.follow(client).catch(err => this.log('loading friends failed: %e', err))
      this.#social?.groups.follow(client).catch(err => this.log('loading groups failed: %e', err))
      // Someone we cannot dial, but who can dial us, asks us to connect: dial the address the tracker verified.
      client.addEventListener('dial-request', r => this.#reversal?.answer(r.detail))
      this.#claiming = this.#owner
        ?.claim(this.username)
        .catch(err => this.log.error('cannot record the owner of %s: %e', this.dataDir, err))
      // Whoever is online now gets what we queued for them.
      for (const u of directory.list()) if (u.user !== this.username) this.#chat?.deliver(u.user)
    })
    session.addEventListener('lost', () => directory.lost())
    session.addEventListener('state', e => {
      this.safeDispatchEvent('tracker', { detail: e.detail })
      // Replaced by a login elsewhere, or a login that can never succeed: this peer is done.
      if (e.detail.state === 'replaced' || e.detail.state === 'failed') this.stop().catch(() => {})
    })
  }

  /** Friends, groups, the privacy setting (peer/friends, peer/groups): what the API's social commands use. */
  get social(): Social {
    if (this.#social === undefined) throw new Error('peer is not started')
    return this.#social
  }

  #wireSocial(social: Social): void {
    for (const name of FRIEND_EVENTS) {
      social.friends.addEventListener(name, e => this.safeDispatchEvent(name, { detail: e.detail } as never))
    }
    for (const name of GROUP_EVENTS) {
      social.groups.addEventListener(name, e => this.safeDispatchEvent(name, { detail: e.detail } as never))
    }
    social.groupService.addEventListener('group-message', e =>
      this.safeDispatchEvent('group-message', { detail: e.detail })
    )
  }

  #wireDirectory(directory: OnlineDirectory): void {
    directory.addEventListener('joined', e => {
      const u = e.detail
      this.#accounts.set(usernameKey(u.user), u.user)
      this.safeDispatchEvent('joined', { detail: info(u) })
      if (usernameKey(u.user) !== usernameKey(this.username)) this.#chat?.deliver(u.user)
    })
    directory.addEventListener('left', e => this.safeDispatchEvent('left', { detail: e.detail }))
  }

  #wireChat(chat: ChatService): void {
    chat.addEventListener('message', e => this.safeDispatchEvent('message', { detail: e.detail }))
    chat.addEventListener('delivered', e => this.safeDispatchEvent('delivered', { detail: e.detail }))
    chat.addEventListener('undelivered', e => {
      const { code, message, messageId, to } = e.detail
      this.safeDispatchEvent('error', {
        detail: { code, message: `${message}; the message stays in the outbox and is retried`, messageId, to }
      })
    })
  }

  /**
   * Nobody can dial us: hold a slot on the relay of the tracker we are logged in to, so others reach us
   * through it. Once per relay address (libp2p renews the reservation; a new tracker session after a
   * restart, or on another tracker after a failover, makes a new one). A slot on a tracker we left goes
   * with our connection to it: libp2p drops a reservation when its relay connection closes, and a
   * tracker closes the connection of a session that held a slot when that session ends.
   */
  #reserveRelay(relay: Multiaddr): void {
    const node = this.node
    if (node === undefined) return
    const listening = node.getMultiaddrs().some(a => a.toString().startsWith(`${relay.toString()}/`))
    if (listening) return
    node.services.self.listen([relay]).then(
      () => this.log('reachable through the tracker relay %a', relay),
      err => this.log('could not reserve a slot on the tracker relay: %e', err)
    )
  }

  #listenAddrs(): Multiaddr[] {
    // Everything we listen on, public addresses included (libp2p's getMultiaddrs() leaves those out until
    // verified): the tracker verifies them by dialling back and publishes only those that answer.
    const seen = new Set<string>()
    const out: Multiaddr[] = []
    // Mapped on the home router (--upnp): the router's public address, for the tracker to try.
    for (const a of [...(this.#mapping?.addrs ?? []), ...this.node!.services.self.listenAddrs()]) {
      const bare = a.decapsulateCode(421)
      if (!seen.has(bare.toString())) {
        seen.add(bare.toString())
        out.push(bare)
      }
    }
    return out.slice(0, 16)
  }
}
