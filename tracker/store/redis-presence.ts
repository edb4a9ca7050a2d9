import { randomBytes } from 'node:crypto'
import type { Logger } from '@libp2p/interface'
import type { Redis } from 'ioredis'
import { BusyError, DataLockedError } from '../../src/errors.ts'
import { OnlinePeer } from '../../src/protocol/pb/tracker.ts'
import { leaveReasonCode } from '../../src/protocol/presence-names.ts'
import type { Presence, PresenceMember } from '../presence.ts'
import { LeaveReason } from '../presence.ts'
import { EVICT, JOIN, LEAVE, RENEW_LEASE } from './presence-scripts.ts'
import type { FeedCursor, RedisStore } from './redis-store.ts'
import { FEED_MAX_LEN, REDIS_COMMAND_TIMEOUT_MS, REDIS_KEY_PREFIX, storeDown } from './redis-store.ts'

/** Who is online: usernameKey → {e: OnlinePeer (base64 protobuf), p: PeerId, t: tracker, s: session, u: name}. */
export const ONLINE_KEY = `${REDIS_KEY_PREFIX}presence:online`
/** PeerId → usernameKey of the session bound to it. */
export const ONLINE_PEERS_KEY = `${REDIS_KEY_PREFIX}presence:peers`
/** The shared presence version: every join and leave of every tracker increments it. */
export const PRESENCE_VERSION_KEY = `${REDIS_KEY_PREFIX}presence:version`
/** Every join and leave in version order (field n: its version). */
export const PRESENCE_FEED_KEY = `${REDIS_KEY_PREFIX}presence:feed`
/** Trackers of the deployment: id → when it started (JSON). */
export const TRACKERS_KEY = `${REDIS_KEY_PREFIX}presence:trackers`
/** + tracker id: the usernameKeys whose session is on that tracker. */
export const SESSIONS_PREFIX = `${REDIS_KEY_PREFIX}presence:sessions:`
/** + tracker id: present while that tracker is alive (a key with a TTL it keeps refreshing). */
export const LEASE_PREFIX = `${REDIS_KEY_PREFIX}presence:lease:`
/** + tracker id: pub/sub channel of pushes for sessions on that tracker. */
export const PUSH_PREFIX = `${REDIS_KEY_PREFIX}push:`

/**
 * A tracker's lease lasts this many heartbeat intervals and is renewed every half interval: a tracker
 * that dies has its sessions evicted by the others once it has run out, within 2¼ intervals plus a feed
 * read — inside the 3 intervals after which a silent peer is evicted anyway.
 */
export const LEASE_HEARTBEATS = 2

const REPLACED = leaveReasonCode(LeaveReason.REPLACED)
const TIMEOUT = leaveReasonCode(LeaveReason.TIMEOUT)
const DISCONNECT = leaveReasonCode(LeaveReason.DISCONNECT)

/** The trackers a store lists, split by whether their lease is alive. */
export async function trackerLeases(client: Redis): Promise<{ alive: string[]; dead: string[] }> {
  const ids = await client.hkeys(TRACKERS_KEY)
  const exists = await Promise.all(ids.map(id => client.exists(LEASE_PREFIX + id)))
  return { alive: ids.filter((_, i) => exists[i] === 1), dead: ids.filter((_, i) => exists[i] !== 1) }
}

/** What /stats reports of the trackers sharing a store. */
export interface ClusterCounters {
  /** Trackers holding a lease at the last sweep, this one included. */
  trackers: number
  /** Pushes (friend and group events) sent to sessions on other trackers, and received for sessions here. */
  remotePushesSent: number
  remotePushesReceived: number
  /** Trackers whose sessions this one evicted after their lease ran out. */
  trackersEvicted: number
}

/** A session on this tracker, as the shared list knows it. */
export interface LocalSession extends PresenceMember {
  /** Unique per session stream: a leave names the session it ends, not just the account. */
  readonly sessionId: string
  readonly username: string
  readonly loggedIn: boolean
}

export interface ClusterHost {
  readonly log: Logger
  readonly presence: Presence
  readonly heartbeatMs: number
  /**
   * The shared list ended a session of this tracker: replaced by a newer login (here or on another
   * tracker; `byPeerKey` is the new one's PeerId), or evicted by another tracker while this one could
   * not renew its lease.
   */
  ended(session: LocalSession, reason: LeaveReason, byPeerKey: string): void
}

/** A session on another tracker: in the list like any member; pushes go there over pub/sub. */
class RemoteMember implements PresenceMember {
  readonly remote = true
  readonly key: string
  readonly peerKey: string
  readonly entry: OnlinePeer
  readonly trackerId: string
  readonly sessionId: string
  readonly #send: (trackerId: string, sessionId: string, frame: Uint8Array) => void

  constructor(
    fields: { key: string; p: string; t: string; s: string; entry: OnlinePeer },
    send: (trackerId: string, sessionId: string, frame: Uint8Array) => void
  ) {
    this.key = fields.key
    this.peerKey = fields.p
    this.trackerId = fields.t
    this.sessionId = fields.s
    this.entry = fields.entry
    this.#send = send
  }

  push(frame: Uint8Array): boolean {
    this.#send(this.trackerId, this.sessionId, frame)
    return true
  }
}

function sessionIdOf(member: PresenceMember | undefined): string | undefined {
  return (member as Partial<LocalSession> | undefined)?.sessionId
}

/**
 * Presence across the trackers of a Redis store. Joins and leaves are scripts that keep one online list
 * in Redis, take the next shared version and append to the presence feed; every tracker applies the feed
 * in order to its local `Presence`, which sends its own subscribers the deltas. So versions, and the
 * gap/resync rule of docs/protocol.md, are the same on every tracker. Pushes to a session on another
 * tracker (friend and group events) go to that tracker over pub/sub. Each tracker holds a lease it
 * renews every half heartbeat interval; the others evict the sessions of one whose lease ran out.
 */
export class ClusterPresence {
  readonly trackerId: string
  readonly #store: RedisStore
  readonly #host: ClusterHost
  readonly #log: Logger
  /** Sessions of this tracker that joined (or are joining), by session id. */
  readonly #local = new Map<string, LocalSession>()
  readonly #waiters: Array<{ version: number; resolve: () => void }> = []
  #leaseTimer?: ReturnType<typeof setInterval>
  #sweepTimer?: ReturnType<typeof setInterval>
  #stopped = false
  /** This process's mark on the lease (another process with the same identity has another). */
  readonly #instance = randomBytes(9).toString('base64url')
  readonly #startedAt = Date.now()
  readonly #counters = { trackers: 1, remotePushesSent: 0, remotePushesReceived: 0, trackersEvicted: 0 }

  constructor(store: RedisStore, trackerId: string, host: ClusterHost) {
    this.#store = store
    this.trackerId = trackerId
    this.#host = host
    this.#log = host.log
  }

  get #leaseMs(): number {
    return this.#host.heartbeatMs * LEASE_HEARTBEATS
  }

  /** Trackers alive at the last sweep (this one included), pushes to and from other trackers, trackers evicted. */
  get counters(): Readonly<ClusterCounters> {
    return this.#counters
  }

  /** Take the lease, listen for pushes, load the online list and follow its feed. */
  async start(): Promise<void> {
    await this.#takeLease()
    await this.#store.subscribe(PUSH_PREFIX + this.trackerId, message => this.#onPush(message))
    await this.#store.follow({
      key: PRESENCE_FEED_KEY,
      load: () => this.#load(),
      entry: fields => this.#apply(fields)
    })
    const renew = Math.max(50, Math.floor(this.#host.heartbeatMs / 2))
    this.#leaseTimer = setInterval(() => {
      this.#renewLease().catch(err => this.#log('could not renew the lease: %s', (err as Error).message))
    }, renew)
    this.#leaseTimer.unref?.()
    const sweep = Math.max(25, Math.floor(this.#host.heartbeatMs / 4))
    this.#sweepTimer = setInterval(() => {
      this.sweep().catch(err => this.#log('sweeping trackers failed: %s', (err as Error).message))
    }, sweep)
    this.#sweepTimer.unref?.()
    // Counts the trackers alive now (for /stats) and evicts any that died while none was running.
    await this.sweep()
  }

  /** The trackers holding a lease now (this one included), for /stats. */
  async trackers(): Promise<string[]> {
    return (await trackerLeases(this.#store.client)).alive.sort()
  }

  /**
   * Put a session in the shared list (replacing the account's and the PeerId's sessions anywhere) and
   * wait until this tracker's presence has applied it. Throws BUSY when Redis cannot be reached.
   */
  async join(session: LocalSession): Promise<void> {
    this.#store.ensureUp()
    this.#local.set(session.sessionId, session)
    let version: number
    try {
      version = Number(await this.#joinScript(session, 'join'))
    } catch (err) {
      this.#local.delete(session.sessionId)
      throw storeDown(err)
    }
    await this.#applied(version)
  }

  /** Take a session out of the shared list (if it is still the account's one there). Never throws. */
  leave(session: LocalSession, reason: LeaveReason): void {
    if (!this.#local.has(session.sessionId)) return
    this.#store
      .script(LEAVE, this.#keys(), [
        FEED_MAX_LEN,
        SESSIONS_PREFIX,
        session.key,
        session.sessionId,
        leaveReasonCode(reason)
      ])
      .catch(err =>
        // Put right when Redis is back: the reconciliation removes sessions this tracker no longer has.
        this.#log('could not record that %s left: %s', session.username, (err as Error).message)
      )
      .finally(() => this.#local.delete(session.sessionId))
  }

  /** Evict the sessions of trackers whose lease ran out. */
  async sweep(): Promise<void> {
    if (!this.#store.up) return
    const { alive, dead } = await trackerLeases(this.#store.client)
    this.#counters.trackers = 1 + alive.filter(id => id !== this.trackerId).length
    for (const id of dead) {
      if (id === this.trackerId) continue
      const evicted = Number(await this.#evict(id, TIMEOUT, 'dead'))
      if (evicted >= 0) {
        this.#counters.trackersEvicted++
        this.#log('tracker %s stopped renewing its lease: evicted its %d session(s)', id, evicted)
      }
    }
  }

  /**
   * Redis is back: put this tracker's sessions right. Those it no longer has leave; those it still has
   * join again unless the account logged in elsewhere meanwhile (then this one is ended as replaced).
   */
  async reconcile(): Promise<void> {
    await this.#renewLease()
    const sessions = [...this.#local.values()].filter(s => s.loggedIn)
    await this.#evict(this.trackerId, DISCONNECT, 'reconcile', JSON.stringify(sessions.map(s => s.sessionId)))
    for (const session of sessions) {
      const result = Number(await this.#joinScript(session, 'rejoin'))
      if (result === 0) {
        this.#local.delete(session.sessionId)
        this.#host.ended(session, LeaveReason.REPLACED, '')
      }
    }
  }

  /** Take this tracker's sessions out of the list and give up the lease (a clean stop). */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    clearInterval(this.#leaseTimer)
    clearInterval(this.#sweepTimer)
    this.#store.unfollow(PRESENCE_FEED_KEY)
    try {
      await this.#evict(this.trackerId, DISCONNECT, 'stop')
      await this.#store.client.del(LEASE_PREFIX + this.trackerId)
    } catch (err) {
      this.#log(
        'could not leave the shared list (the others evict this tracker when its lease runs out): %s',
        (err as Error).message
      )
    }
    for (const waiter of this.#waiters.splice(0)) waiter.resolve()
  }

  #keys(): string[] {
    return [ONLINE_KEY, ONLINE_PEERS_KEY, PRESENCE_VERSION_KEY, PRESENCE_FEED_KEY]
  }

  #joinScript(session: LocalSession, mode: 'join' | 'rejoin'): Promise<unknown> {
    return this.#store.script(JOIN, this.#keys(), [
      FEED_MAX_LEN,
      SESSIONS_PREFIX,
      session.key,
      session.peerKey,
      this.trackerId,
      session.sessionId,
      Buffer.from(OnlinePeer.encode(session.entry)).toString('base64'),
      session.username,
      REPLACED,
      mode,
      DISCONNECT
    ])
  }

  #evict(
    trackerId: string,
    reason: number,
    mode: 'dead' | 'stop' | 'reconcile',
    keep = ''
  ): Promise<unknown> {
    return this.#store.script(
      EVICT,
      [...this.#keys(), LEASE_PREFIX + trackerId, TRACKERS_KEY],
      [FEED_MAX_LEN, SESSIONS_PREFIX, trackerId, reason, mode, keep]
    )
  }

  /** Renew the lease if this process holds it (or nobody does); false when another process holds it. */
  async #renewLease(): Promise<boolean> {
    if (!this.#store.up) return true
    const held = await this.#store.script(
      RENEW_LEASE,
      [LEASE_PREFIX + this.trackerId, TRACKERS_KEY],
      [this.#instance, this.#leaseMs, this.trackerId, JSON.stringify({ startedAt: this.#startedAt })]
    )
    if (Number(held) === 1) return true
    this.#log.error(
      'another process holds the lease of tracker %s: are two trackers sharing one identity key?',
      this.trackerId
    )
    return false
  }

  /**
   * Take the lease at start. One held by another process is waited out (a crashed predecessor's runs out
   * within 2 heartbeat intervals); one that is still being renewed belongs to a live tracker with the same
   * identity key, which this one must not join (its users would be taken for this one's).
   */
  async #takeLease(): Promise<void> {
    const until = Date.now() + this.#leaseMs + this.#host.heartbeatMs
    while (!(await this.#renewLease())) {
      if (Date.now() > until) {
        throw new DataLockedError(
          `another tracker with this identity (PeerId ${this.trackerId}) runs on this store: give each tracker its own data directory`
        )
      }
      await new Promise(resolve => setTimeout(resolve, Math.max(50, this.#host.heartbeatMs / 4)))
    }
    // Sessions an earlier run of this tracker left in the list (it was killed) are gone: they leave now.
    await this.#evict(this.trackerId, TIMEOUT, 'reconcile', '[]')
  }

  /** Resolves once presence has applied `version` (or a reload went past it); BUSY after a command timeout. */
  #applied(version: number): Promise<void> {
    if (this.#host.presence.version >= version) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter)
        if (i >= 0) this.#waiters.splice(i, 1)
        reject(
          new BusyError('the tracker did not hear back from its store (Redis) in time: try again shortly')
        )
      }, REDIS_COMMAND_TIMEOUT_MS)
      const waiter = {
        version,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        }
      }
      this.#waiters.push(waiter)
    })
  }

  #wake(): void {
    const now = this.#host.presence.version
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      if (this.#waiters[i].version <= now) this.#waiters.splice(i, 1)[0].resolve()
    }
  }

  #member(fields: { key: string; p: string; t: string; s: string; e: string }): PresenceMember {
    if (fields.t === this.trackerId) {
      const local = this.#local.get(fields.s)
      if (local !== undefined) return local
    }
    return new RemoteMember(
      { ...fields, entry: OnlinePeer.decode(Buffer.from(fields.e, 'base64')) },
      (trackerId, sessionId, frame) => this.#send(trackerId, sessionId, frame)
    )
  }

  /** The online list and its version, read together. */
  async #load(): Promise<FeedCursor> {
    const replies = await this.#store.client
      .multi()
      .hgetall(ONLINE_KEY)
      .get(PRESENCE_VERSION_KEY)
      .xrevrange(PRESENCE_FEED_KEY, '+', '-', 'COUNT', 1)
      .exec()
    if (replies === null) throw new Error('the transaction was aborted')
    for (const [err] of replies) if (err) throw err
    const online = replies[0][1] as Record<string, string>
    const version = Number(replies[1][1] ?? 0)
    const last = replies[2][1] as Array<[string, string[]]>
    const members: PresenceMember[] = []
    for (const [key, json] of Object.entries(online)) {
      try {
        const c = JSON.parse(json) as { e: string; p: string; t: string; s: string }
        members.push(this.#member({ key, ...c }))
      } catch (err) {
        this.#log.error('the online list holds a malformed entry for %s: %e', key, err)
      }
    }
    this.#host.presence.resetTo(members, version)
    this.#wake()
    return { id: last.length > 0 ? last[0][0] : '0-0', seq: version }
  }

  #apply(f: Record<string, string>): void {
    const version = Number(f.n)
    const presence = this.#host.presence
    if (f.k === 'j') {
      presence.joinAt(this.#member({ key: f.key, p: f.p, t: f.t, s: f.s, e: f.e }), version)
    } else {
      const current = presence.byKey(f.key)
      const reason = reasonOf(Number(f.r))
      const member =
        current !== undefined && sessionIdOf(current) === f.s
          ? current
          : { key: f.key, peerKey: '', entry: { username: f.u } as OnlinePeer, push: () => false }
      presence.leaveAt(member, reason, version)
      const local = f.t === this.trackerId ? this.#local.get(f.s) : undefined
      if (local !== undefined) {
        this.#local.delete(f.s)
        if (local.loggedIn) this.#host.ended(local, reason, f.b ?? '')
      }
    }
    this.#wake()
  }

  #send(trackerId: string, sessionId: string, frame: Uint8Array): void {
    const id = Buffer.from(sessionId)
    const message = Buffer.concat([Buffer.from([id.length]), id, frame])
    this.#counters.remotePushesSent++
    this.#store
      .publish(PUSH_PREFIX + trackerId, message)
      .catch(err => this.#log('a push to tracker %s failed: %s', trackerId, (err as Error).message))
  }

  #onPush(message: Buffer): void {
    const length = message[0] ?? 0
    const sessionId = message.subarray(1, 1 + length).toString()
    const session = this.#local.get(sessionId)
    this.#counters.remotePushesReceived++
    if (session?.loggedIn && this.#host.presence.isCurrent(session)) {
      session.push(message.subarray(1 + length))
    }
  }
}

function reasonOf(code: number): LeaveReason {
  return (
    [LeaveReason.LOGOUT, LeaveReason.TIMEOUT, LeaveReason.DISCONNECT, LeaveReason.REPLACED][code] ??
    LeaveReason.DISCONNECT
  )
}
