import type { Connection, Logger, PeerId, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { RateLimitedError, UnknownPeerError } from '../src/errors.ts'
import { loadOrCreateIdentity } from '../src/identity.ts'
import type { P2PChatNode } from '../src/node.ts'
import { createNode } from '../src/node.ts'
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_PRESENCE_COALESCE_MS,
  HEARTBEAT_MISSES_BEFORE_EVICTION,
  LOGIN_TIMEOUT_MS,
  MAX_TRACKER_STREAMS_PER_CONNECTION,
  TRACKER_PROTOCOL
} from '../src/protocol/constants.ts'
import type { AccountInfo, ClientMessage, LoggedIn, Login } from '../src/protocol/pb/tracker.ts'
import { NoticeKind } from '../src/protocol/pb/tracker.ts'
import type { LeaveReasonName } from '../src/protocol/presence-names.ts'
import { leaveReasonCode, leaveReasonName } from '../src/protocol/presence-names.ts'
import type { DirLock } from '../src/storage/dir-lock.ts'
import { lockDataDir } from '../src/storage/dir-lock.ts'
import { usernameKey } from '../src/usernames.ts'
import { VERSION } from '../src/version.ts'
import type { AccountStore } from './accounts.ts'
import { dialBackCandidates } from './addresses.ts'
import type { DialBackStats } from './dial-back.ts'
import { DialBackVerifier } from './dial-back.ts'
import { HandshakeGuard } from './handshake-guard.ts'
import { Liveness } from './liveness.ts'
import { loginSource } from './login-throttle.ts'
import { DEFAULT_SCRYPT_LOG_N } from './password-hash.ts'
import { LeaveReason, Presence } from './presence.ts'
import { DEFAULT_PRESENCE_GRACE_MS } from './presence-journal.ts'
import type { PresenceRestoreCounters } from './presence-restore.ts'
import { PresenceRestore } from './presence-restore.ts'
import type { RelayCounters, RelayInit } from './relay.ts'
import {
  DEFAULT_RELAY_DATA_LIMIT_BYTES,
  DEFAULT_RELAY_DURATION_LIMIT_MS,
  RelayAccounting,
  relayServerInit
} from './relay.ts'
import { DAY_MS, DEFAULT_RESUME_TTL_DAYS } from './resume.ts'
import type { ReversalCounters } from './reversal.ts'
import { passOnReversal, peerKeyOf, ReversalLimits } from './reversal.ts'
import { Session } from './session.ts'
import type { SignedIn, SignIn, SignInCounters } from './sign-in.ts'
import type { Social, SocialCounts } from './social/index.ts'
import { isReadOnlySocial } from './social/index.ts'
import type { StoreHealth, StoreSpec, TrackerBackend } from './store/index.ts'
import { parseStore } from './store/index.ts'
import type { ClusterCounters, ClusterPresence } from './store/redis-presence.ts'
import { KeyedTokenBuckets } from './token-bucket.ts'
import type { TrackerInit } from './tracker-init.ts'
import {
  DEFAULT_DATA_DIR,
  DEFAULT_LISTEN,
  DEFAULT_REGISTRATION_BURST,
  DEFAULT_REGISTRATIONS_PER_MINUTE,
  MAX_REGISTRATION_SOURCES
} from './tracker-init.ts'
import { TrackerState } from './tracker-state.ts'

export {
  DEFAULT_RELAY_DATA_LIMIT_BYTES,
  DEFAULT_RELAY_DURATION_LIMIT_MS,
  DEFAULT_RELAY_MAX_CONNECTIONS,
  DEFAULT_RELAY_MAX_CONNECTIONS_PER_USER,
  DEFAULT_RELAY_MAX_RESERVATIONS,
  DEFAULT_RELAY_USER_BYTES_PER_HOUR
} from './relay.ts'
export {
  DEFAULT_DATA_DIR,
  DEFAULT_LISTEN,
  DEFAULT_REGISTRATION_BURST,
  DEFAULT_REGISTRATIONS_PER_MINUTE,
  MAX_REGISTRATION_SOURCES
} from './tracker-init.ts'
export type { PresenceRestoreCounters, RelayInit, TrackerInit }

export interface TrackerCounters {
  logins: number
  failedLogins: number
  registrations: number
  evictions: number
  /** Logins from a PeerId the account logged in with before (reconnections, e.g. after a restart). */
  reconnects: number
}

/** A join or a leave, as the tracker's own listeners (metrics, stats) see it. */
export interface PresenceEventDetail {
  kind: 'joined' | 'left'
  username: string
  /** Set for a leave. */
  reason?: LeaveReasonName
}

export interface TrackerEvents {
  /** A presence event happened (join or leave), for metrics. */
  presence: CustomEvent<PresenceEventDetail>
  /** The shared store (Redis) was lost, or is back (the CLI says so on stderr). */
  store: CustomEvent<StoreHealth>
}

/** A connection closed because its session's relay slot ended gets this long to flush (the notice) first. */
const RELAY_SLOT_CLOSE_MS = 2_000

/**
 * The tracker: accounts, logins bound to Noise-authenticated PeerIds, pushed presence, eviction.
 * `start()` opens the data directory (locked, identity, accounts) and listens; `stop()` tells every
 * peer it is going away, flushes storage and releases the directory.
 */
export class Tracker extends TypedEventEmitter<TrackerEvents> {
  readonly log: Logger
  readonly dataDir: string
  readonly heartbeatMs: number
  readonly startedAt = Date.now()
  readonly presence: Presence
  node?: P2PChatNode
  readonly #init: TrackerInit
  readonly #liveness = new Liveness<Session>()
  readonly #sessions = new Set<Session>()
  #accounts?: AccountStore
  #social?: Social
  #signIn?: SignIn
  readonly #storeSpec: StoreSpec
  #backend?: TrackerBackend
  /** Presence shared with the other trackers of a Redis store. */
  #cluster?: ClusterPresence
  /** Accounts, social state, and on Redis the shared presence: opened and closed together. */
  #state?: TrackerState
  #dialBack?: DialBackVerifier
  /** Pending handshakes: limits and counters (for stats). */
  readonly handshakes: HandshakeGuard
  readonly #registrationBudget: KeyedTokenBuckets
  readonly #relay: RelayAccounting
  #lock?: DirLock
  #sweepTimer?: ReturnType<typeof setInterval>
  #stopping = false
  readonly #counters: TrackerCounters = {
    logins: 0,
    failedLogins: 0,
    registrations: 0,
    evictions: 0,
    reconnects: 0
  }
  readonly #reversals = new ReversalLimits()
  /** The online list across restarts and list resumption (one tracker on lowdb). */
  #kept?: PresenceRestore

  constructor(init: TrackerInit = {}) {
    super()
    this.#init = init
    this.dataDir = init.dataDir ?? DEFAULT_DATA_DIR
    this.#storeSpec = parseStore(init.store)
    this.heartbeatMs = init.heartbeatMs ?? DEFAULT_HEARTBEAT_MS
    this.log = logger('p2pchat:tracker')
    this.#host.loginTimeoutMs = init.loginTimeoutMs ?? LOGIN_TIMEOUT_MS
    this.handshakes = new HandshakeGuard(init.handshakes)
    this.#registrationBudget = new KeyedTokenBuckets({
      capacity: init.registrationBurst ?? DEFAULT_REGISTRATION_BURST,
      refillPerSecond: (init.registrationsPerMinute ?? DEFAULT_REGISTRATIONS_PER_MINUTE) / 60,
      maxKeys: MAX_REGISTRATION_SOURCES
    })
    this.presence = new Presence({ coalesceMs: init.coalesceMs ?? DEFAULT_PRESENCE_COALESCE_MS })
    this.#relay = new RelayAccounting(this.presence, init.relay === false ? {} : init.relay)
    this.presence.onEvent = event => {
      // Thousands of logins a second: build no event nobody listens to.
      if (this.listenerCount('presence') === 0) return
      const detail: PresenceEventDetail = event.joined
        ? { kind: 'joined', username: event.joined.username }
        : { kind: 'left', username: event.left ?? '', reason: leaveReasonName(event.reason) }
      this.safeDispatchEvent('presence', { detail })
    }
  }

  get peerId(): PeerId {
    if (this.node === undefined) throw new Error('tracker is not started')
    return this.node.peerId
  }

  /** Addresses peers should dial, each ending in /p2p/<tracker id>. */
  getMultiaddrs(): Multiaddr[] {
    return this.node?.getMultiaddrs() ?? []
  }

  get accountCount(): number {
    return this.#accounts?.size ?? 0
  }

  get counters(): Readonly<TrackerCounters> {
    return this.#counters
  }

  /** Logins resumed with a credential, credentials refused, password changes since start. */
  get signInCounters(): Readonly<SignInCounters> {
    return this.#signIn?.counters ?? { resumedLogins: 0, refusedResumes: 0, passwordChanges: 0 }
  }

  /** The list kept across the restart before this start, and logins that resumed a list. */
  get presenceRestore(): PresenceRestoreCounters {
    return (
      this.#kept?.counters ?? {
        restored: 0,
        awayMs: 0,
        held: 0,
        reclaimed: 0,
        replaced: 0,
        expired: 0,
        listResumes: 0,
        listSnapshots: 0
      }
    )
  }

  /** Connection reversals passed on and refused since start. */
  get reversalStats(): Readonly<ReversalCounters> {
    return this.#reversals.counters
  }

  /** The relay: whether it runs, slots held now, and what its gater let through or refused. */
  get relayStats(): { enabled: boolean; reservations: number; openConnections: number } & RelayCounters {
    return {
      enabled: this.#init.relay !== false,
      reservations: this.node?.services.relay?.reservations.size ?? 0,
      openConnections: this.#relay.openConnections,
      ...this.#relay.counters
    }
  }

  /** Friendships, pending friend requests and groups (0 before start). */
  get socialCounts(): SocialCounts {
    return this.#social?.counts ?? { friendships: 0, pendingRequests: 0, groups: 0 }
  }

  /** Where the state is kept and whether it can be used now. */
  get storeHealth(): StoreHealth {
    return (
      this.#backend?.health() ?? {
        backend: this.#storeSpec.kind,
        location: this.#storeSpec.kind === 'redis' ? this.#storeSpec.location.display : this.dataDir,
        up: false,
        since: this.startedAt,
        outages: 0
      }
    )
  }

  /** The trackers sharing this one's store (ids of those alive now); just this one on lowdb. */
  async clusterTrackers(): Promise<string[]> {
    if (this.#cluster === undefined) return this.node === undefined ? [] : [this.node.peerId.toString()]
    return this.#cluster.trackers()
  }

  /** Trackers sharing the store, pushes to and from their sessions (1 and zeros on lowdb). */
  get clusterCounters(): ClusterCounters {
    return (
      this.#cluster?.counters ?? {
        trackers: 1,
        remotePushesSent: 0,
        remotePushesReceived: 0,
        trackersEvicted: 0
      }
    )
  }

  /** Dial-backs of published addresses: verified, failed, trusted from before, skipped. */
  get dialBackStats(): Readonly<DialBackStats> {
    return this.#dialBack?.stats ?? { verified: 0, failed: 0, cached: 0, skipped: 0 }
  }

  async start(): Promise<void> {
    this.#lock = lockDataDir(this.dataDir)
    try {
      const privateKey = await loadOrCreateIdentity(this.dataDir)
      const state = await TrackerState.open({
        dataDir: this.dataDir,
        store: this.#storeSpec,
        trackerId: peerIdFromPrivateKey(privateKey).toString(),
        log: this.log,
        scryptLogN: this.#init.scryptLogN ?? DEFAULT_SCRYPT_LOG_N,
        resumeTtlMs: (this.#init.resumeDays ?? DEFAULT_RESUME_TTL_DAYS) * DAY_MS,
        heartbeatMs: this.heartbeatMs,
        presence: this.presence,
        relay: this.#relay,
        social: this.#init.social,
        ended: (session, reason, byPeerKey) => this.#endedElsewhere(session as Session, reason, byPeerKey),
        storeChanged: health => this.safeDispatchEvent('store', { detail: health })
      })
      this.#state = state
      this.#backend = state.backend
      this.#accounts = state.accounts
      this.#social = state.social
      this.#cluster = state.cluster
      this.#signIn = state.signIn
      if (state.cluster === undefined) {
        this.#kept = new PresenceRestore(
          { dataDir: this.dataDir, presence: this.presence, log: this.log.newScope('presence') },
          this.#init.presenceGraceMs ?? DEFAULT_PRESENCE_GRACE_MS
        )
        this.#kept.start(state.social)
      }
      const dialBack = new DialBackVerifier(
        {
          dial: (addr, options) => this.node!.dial(addr, { ...options, force: true }),
          log: this.log.newScope('dial-back')
        },
        this.#init.dialBack
      )
      this.#dialBack = dialBack
      this.node = await createNode({
        privateKey,
        listen: this.#init.listen ?? DEFAULT_LISTEN,
        role: 'server',
        muxers: this.#init.muxers,
        connectionGater: { ...dialBack.gater, ...this.handshakes.gater, ...this.#relay.gater },
        ...this.handshakes.nodeLimits,
        relay: relayServerInit(this.#init.relay)
      })
      await this.node.handle(TRACKER_PROTOCOL, (stream, connection) => this.#onStream(stream, connection), {
        maxInboundStreams: MAX_TRACKER_STREAMS_PER_CONNECTION,
        maxOutboundStreams: 1
      })
      await this.node.start()
      if (this.#init.relay !== false) await this.#relay.attach(this.node)
      // The operator chose these: count them as reachable, so they are printed and announced even on
      // a public IP (libp2p 3 leaves such an address out until something confirms it from outside).
      this.node.services.self.confirm(this.node.services.self.listenAddrs())
    } catch (err) {
      // A start that failed says nothing about who is online: the record keeps its age.
      this.#kept?.stop(false)
      await Promise.resolve(this.node?.stop()).catch(() => {})
      await this.#state?.close().catch(() => {})
      this.#lock.release()
      throw err
    }
    // Sweeping four times per interval evicts a silent peer within 3¼ intervals.
    this.#sweepTimer = setInterval(() => this.sweep(), Math.max(25, Math.floor(this.heartbeatMs / 4)))
    this.#sweepTimer.unref?.()
    this.log('tracker %p listening on %s', this.node.peerId, this.getMultiaddrs().join(', '))
  }

  async stop(): Promise<void> {
    if (this.#stopping) return
    this.#stopping = true
    if (this.#sweepTimer) clearInterval(this.#sweepTimer)
    this.presence.flush()
    // The list as it is now stays on disk for a start within the grace: the leaves that follow (every
    // session closing) are this stop's, not the users'.
    this.#kept?.stop()
    for (const session of this.#sessions) {
      session.notifyAndClose(NoticeKind.SHUTDOWN, 'the tracker is shutting down')
    }
    this.presence.stop()
    this.#dialBack?.stop()
    this.handshakes.stop()
    try {
      await this.#state?.close()
      await this.node?.stop()
    } finally {
      this.#lock?.release()
    }
  }

  /** Evict sessions that missed too many heartbeats. Cost: O(evicted + 1). */
  sweep(now = Date.now()): void {
    const deadline = now - this.heartbeatMs * HEARTBEAT_MISSES_BEFORE_EVICTION
    for (const session of this.#liveness.expire(deadline)) {
      this.#counters.evictions++
      this.log('evicting %s: no heartbeat for %d ms', session.username, now - session.lastSeen)
      this.logout(session, LeaveReason.TIMEOUT)
      session.notifyAndClose(NoticeKind.EVICTED, 'no heartbeat received in time')
    }
  }

  #onStream(stream: Stream, connection: Connection): void {
    if (this.#stopping) {
      stream.abort(new Error('tracker is stopping'))
      return
    }
    const session = new Session(this.#host, stream, connection)
    this.#sessions.add(session)
    session
      .run()
      .catch(err => this.log.error('session %p ended with %e', connection.remotePeer, err))
      .finally(() => this.#sessions.delete(session))
  }

  readonly #host = {
    log: logger('p2pchat:tracker:session'),
    /** Set by the constructor (fields are initialised before it runs). */
    loginTimeoutMs: LOGIN_TIMEOUT_MS,
    register: async (session: Session, username: string, password: string): Promise<string> => {
      this.#backend?.redis?.ensureUp()
      const source = loginSource(session.connection.remoteAddr)
      const wait = this.#registrationBudget.take(source)
      if (wait > 0) {
        this.log('registrations from %s over budget: refused for %d ms', source, wait)
        throw new RateLimitedError(
          `too many registrations from your address: try again in ${Math.ceil(wait / 1000)} s`,
          { retryAfterMs: wait }
        )
      }
      const account = await this.#accounts!.register(username, password)
      this.#counters.registrations++
      this.#social?.registered(account.username)
      return account.username
    },
    login: (session: Session, login: Login) => this.#login(session, login),
    revoke: async (session: Session, everywhere: boolean) => {
      this.#backend?.redis?.ensureUp()
      await this.#signIn!.revoke(session, everywhere)
    },
    changePassword: async (session: Session, oldPassword: string, newPassword: string) => {
      this.#backend?.redis?.ensureUp()
      return await this.#signIn!.changePassword(session, oldPassword, newPassword)
    },
    heartbeat: (session: Session) => {
      session.lastSeen = Date.now()
      this.#liveness.touch(session, session.lastSeen)
    },
    logout: (session: Session, reason: LeaveReason) => this.logout(session, reason),
    snapshotBytes: () => this.presence.snapshotBytes(),
    lookup: (peerIdBytes: Uint8Array) => {
      const key = peerKeyOf(peerIdBytes)
      const member = this.presence.byPeer(key)
      if (member === undefined) throw new UnknownPeerError(`no logged-in account is bound to ${key}`)
      return member.entry
    },
    social: async (session: Session, message: ClientMessage) => {
      if (!isReadOnlySocial(message)) this.#backend?.redis?.ensureUp()
      return await this.#social!.handle(session, message)
    },
    reverse: (session: Session, peerId: Uint8Array) =>
      passOnReversal(this.presence, session, peerId, this.#reversals),
    account: (username: string): AccountInfo => {
      const account = this.#accounts!.find(username)
      return account === undefined
        ? { username: '', exists: false }
        : { username: account.username, exists: true }
    }
  }

  async #login(session: Session, login: Login): Promise<Omit<LoggedIn, 'snapshot'> | undefined> {
    const { username, password, resume, addrs: declaredAddrs, addrProof } = login
    // A tracker that lost its shared store answers nothing from stale state: BUSY until it is back.
    this.#backend?.redis?.ensureUp()
    // Validate addresses first: cheap, and a bad one should not cost a password hash.
    const { candidates, elsewhere } = dialBackCandidates(declaredAddrs, session.connection.remoteAddr)
    let signedIn: SignedIn
    try {
      // A password (scrypt) or a resumption credential bound to this connection's PeerId (an HMAC).
      signedIn = await this.#signIn!.check(session, username, password, resume)
    } catch (err) {
      this.#counters.failedLogins++
      throw err
    }
    const { account } = signedIn
    if (session.closed || this.#stopping) return undefined
    // Only after the password: a stranger cannot make the tracker dial anything. Only addresses that
    // answer with this session's Noise-proven PeerId are published.
    const peer = session.connection.remotePeer
    // The same addresses this PeerId was reached at a moment ago (before a restart, on another tracker of
    // the store): trusted again without another dial-back.
    const proven = this.#signIn!.addrProofUntil(session, candidates, addrProof)
    if (proven !== undefined) this.#dialBack!.trust(peer, candidates, proven)
    const addrs = await this.#dialBack!.verify(peer, candidates)
    const trustedUntil = this.#dialBack!.trustedUntil(peer, addrs)
    if (addrs.length < candidates.length + elsewhere.length) {
      const dropped = [...candidates.filter(a => !addrs.includes(a)), ...elsewhere]
      this.log('%s: not publishing %s (not verified by dialling back)', account.username, dropped.join(' '))
    }
    if (session.closed || this.#stopping) return undefined
    const key = usernameKey(account.username)
    session.key = key
    session.entry = {
      username: account.username,
      peerId: session.connection.remotePeer.toMultihash().bytes,
      addrs: addrs.map(a => a.bytes),
      since: Date.now(),
      reachable: addrs.length > 0,
      // Several trackers: a peer nobody can dial holds its relay slot here, so the others' peers must
      // be told where (one tracker alone: they reach it through their own, which is this one).
      relay:
        this.#cluster !== undefined && addrs.length === 0 && this.#init.relay !== false
          ? this.getMultiaddrs().map(a => a.encapsulate('/p2p-circuit').bytes)
          : []
    }
    if (this.#cluster !== undefined) {
      // The shared list replaces the account's and the PeerId's sessions on any tracker; a replaced
      // session here is ended when its leave comes back on the feed (#endedElsewhere).
      session.loggedIn = true
      try {
        await this.#cluster.join(session)
      } catch (err) {
        session.loggedIn = false
        throw err
      }
      if (session.closed || this.#stopping) {
        this.logout(session, LeaveReason.DISCONNECT)
        return undefined
      }
    } else {
      // A member kept across a restart: the same device at the same addresses takes its place unseen.
      const reclaimed = this.#kept?.takeBack(session) ?? false
      // One session per account and one account per PeerId: the newest login wins.
      for (const previous of [this.presence.byKey(key), this.presence.byPeer(session.peerKey)]) {
        if (previous instanceof Session && previous !== session && this.presence.isCurrent(previous)) {
          this.log(
            '%s logged in again from %s: replacing the session from %s',
            account.username,
            session.peerKey,
            previous.peerKey
          )
          // The same device logging in again keeps its relay slot (and its connection).
          // The same device again is a reconnection: the others see its earlier session disconnected.
          const sameDevice = previous.peerKey === session.peerKey
          this.logout(previous, sameDevice ? LeaveReason.DISCONNECT : LeaveReason.REPLACED, sameDevice)
          previous.notifyAndClose(
            NoticeKind.REPLACED_BY_NEW_LOGIN,
            `${previous.username} logged in from another place`
          )
        }
      }
      session.loggedIn = true
      if (!reclaimed) this.presence.join(session)
    }
    session.lastSeen = Date.now()
    this.#liveness.touch(session, session.lastSeen)
    if (this.#social?.joined(session) === true) this.#counters.reconnects++
    this.#counters.logins++
    this.handshakes.loginSucceeded(session.connection.remoteAddr)
    this.log('%s logged in from %p at %s', account.username, session.connection.remotePeer, addrs.join(' '))
    // Computed now, after this login's own events: a peer that kept its list gets what changed since.
    const listDelta = this.#kept?.listDelta(login.listId, login.listVersion)
    return {
      username: account.username,
      heartbeatMs: this.heartbeatMs,
      addrs: session.entry.addrs,
      trackerVersion: VERSION,
      relay: this.#init.relay !== false,
      relayDataLimit:
        this.#init.relay === false ? 0 : (this.#init.relay?.dataLimitBytes ?? DEFAULT_RELAY_DATA_LIMIT_BYTES),
      relayDurationLimitMs:
        this.#init.relay === false
          ? 0
          : (this.#init.relay?.durationLimitMs ?? DEFAULT_RELAY_DURATION_LIMIT_MS),
      credential: signedIn.credential,
      addrProof:
        trustedUntil === undefined ? new Uint8Array() : this.#signIn!.addrProof(session, addrs, trustedUntil),
      listId: this.#cluster === undefined ? new Uint8Array(this.presence.listId) : new Uint8Array(),
      listDelta
    }
  }

  /** End a session's presence (idempotent). */
  logout(session: Session, reason: LeaveReason, sameDevice = false): void {
    if (!this.#endLocally(session, reason, sameDevice)) return
    if (this.#cluster !== undefined) {
      // The shared list drops it (if it is still the account's session there); the feed brings the leave.
      this.#cluster.leave(session, reason)
      this.#social?.left(session)
      this.log('%s left (%s)', session.username, leaveReasonName(leaveReasonCode(reason)))
      return
    }
    if (this.presence.leave(session, reason)) {
      this.#social?.left(session)
      this.log('%s left (%s)', session.username, leaveReasonName(leaveReasonCode(reason)))
    }
  }

  /**
   * The shared online list ended a session of this tracker: a newer login of the account (or from the
   * PeerId) on any tracker, or another tracker evicted it while this one could not renew its lease.
   */
  #endedElsewhere(session: Session, reason: LeaveReason, byPeerKey: string): void {
    if (!this.#endLocally(session, reason, byPeerKey === session.peerKey)) return
    this.#social?.left(session)
    // A login (here or elsewhere) took over: from another device (REPLACED), or from this one again.
    if (reason === LeaveReason.REPLACED || byPeerKey !== '') {
      this.log(
        '%s logged in again from %s: replacing the session from %s',
        session.username,
        byPeerKey || 'another tracker',
        session.peerKey
      )
      session.notifyAndClose(
        NoticeKind.REPLACED_BY_NEW_LOGIN,
        `${session.username} logged in from another place`
      )
    } else {
      this.#counters.evictions++
      this.log(
        '%s was evicted by another tracker (this one could not renew its lease in time)',
        session.username
      )
      session.notifyAndClose(
        NoticeKind.EVICTED,
        'this tracker lost its place in the shared online list: log in again'
      )
    }
  }

  /** A session's own bookkeeping when it leaves: liveness, relay slot. False when it was not logged in. */
  #endLocally(session: Session, reason: LeaveReason, sameDevice: boolean): boolean {
    if (!session.loggedIn) return false
    session.loggedIn = false
    this.#liveness.forget(session)
    // The relay slot is the session's: it ends with it, and so do the user's relayed connections. A peer
    // whose connection outlives its session (evicted, or its session stream lost) would log in again on
    // it still believing it holds the slot: the connection is closed, so it reconnects and reserves anew.
    if (!sameDevice && this.#relay.endSession(this.node, session.connection.remotePeer)) {
      const connection = session.connection
      if (reason !== LeaveReason.LOGOUT && connection.status === 'open') {
        connection
          .close({ signal: AbortSignal.timeout(RELAY_SLOT_CLOSE_MS) })
          .catch(err => connection.abort(err))
      }
    }
    return true
  }
}
