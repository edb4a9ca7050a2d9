import type { Connection, Logger, PeerId, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { NotAuthorizedError } from '../../src/errors.ts'
import { DIAL_TIMEOUT_MS } from '../../src/protocol/constants.ts'
import { usernameKey } from '../../src/usernames.ts'
import type { LeaveReason } from '../api/schema.ts'
import type { OnlineUser, TrackerClient } from './tracker-client.ts'

/**
 * After the tracker comes back, someone missing from its first list is probably still reconnecting
 * (every peer notices the restart at its own time and backs off with jitter, up to 30 s): they are
 * reported as gone only if they have not logged in again within this long.
 */
export const REJOIN_GRACE_MS = 45_000

/** What chat and file transfer need to know about other users. */
export interface PeerDirectory {
  /** Our own username. */
  self(): string
  /** The logged-in user bound to this Noise-authenticated PeerId; throws NotAuthorizedError. */
  identify(peerId: PeerId, signal: AbortSignal): Promise<string>
  /** Where `user` can be reached now, or undefined when they are not online. */
  locate(user: string): OnlineUser | undefined
}

/**
 * Who opened this stream: the account bound to the connection's Noise-authenticated PeerId, never a
 * name from the payload. A stream from anyone else is aborted with NOT_AUTHORIZED (undefined returned).
 */
export async function identifyStream(
  directory: PeerDirectory,
  stream: Stream,
  connection: Connection,
  log: Logger
): Promise<string | undefined> {
  try {
    return await directory.identify(connection.remotePeer, AbortSignal.timeout(DIAL_TIMEOUT_MS))
  } catch (err) {
    log('refusing a %s stream from %p: %s', stream.protocol, connection.remotePeer, (err as Error).message)
    stream.abort(err instanceof NotAuthorizedError ? err : new NotAuthorizedError('not a logged-in account'))
    return undefined
  }
}

export interface OnlineDirectoryEvents {
  joined: CustomEvent<OnlineUser>
  left: CustomEvent<{ user: string; reason: LeaveReason }>
}

export interface OnlineDirectoryInit {
  self(): string
  /** Ask the tracker who is bound to `peerId` (for a stream that arrives before the join did). */
  lookup(peerId: PeerId, signal: AbortSignal): Promise<OnlineUser>
  /** @default REJOIN_GRACE_MS */
  rejoinGraceMs?: number
}

/**
 * Who is online, as last heard from the tracker: joins and leaves as they are pushed, kept while the
 * tracker is away (marked stale), and reconciled without false "went offline"/"is online" flaps when
 * it comes back.
 */
export class OnlineDirectory extends TypedEventEmitter<OnlineDirectoryEvents> implements PeerDirectory {
  readonly #init: OnlineDirectoryInit
  readonly #graceMs: number
  readonly #online = new Map<string, OnlineUser>()
  readonly #byPeer = new Map<string, string>()
  /** Users missing from the tracker's list after a reconnect, waiting for their own reconnect. */
  readonly #missing = new Map<string, ReturnType<typeof setTimeout>>()
  #current = false
  #asOf = 0

  constructor(init: OnlineDirectoryInit) {
    super()
    this.#init = init
    this.#graceMs = init.rejoinGraceMs ?? REJOIN_GRACE_MS
  }

  self(): string {
    return this.#init.self()
  }

  /** True while a tracker session keeps the list current. */
  get current(): boolean {
    return this.#current
  }

  /** When the list was last known to be current (now, while `current`), Unix ms. */
  get asOf(): number {
    return this.#current ? Date.now() : this.#asOf
  }

  /** Everyone online, sorted by name. */
  list(): OnlineUser[] {
    return [...this.#online.values()].sort((a, b) => a.user.localeCompare(b.user))
  }

  locate(user: string): OnlineUser | undefined {
    return this.#online.get(usernameKey(user))
  }

  async identify(peerId: PeerId, signal: AbortSignal): Promise<string> {
    const key = this.#byPeer.get(peerId.toString())
    if (key !== undefined) return this.#online.get(key)!.user
    // Not in our list: the join may still be on its way. The tracker knows.
    try {
      return (await this.#init.lookup(peerId, signal)).user
    } catch (err) {
      throw new NotAuthorizedError(`${peerId} is not a logged-in account: ${(err as Error).message}`)
    }
  }

  /**
   * Follow a freshly logged-in tracker session: take its list, then its pushed changes. After a
   * reconnect, whoever is missing gets `REJOIN_GRACE_MS` to log in again before they count as gone.
   */
  follow(client: TrackerClient, reconnected: boolean): void {
    this.#current = true
    this.#reconcile(client.online.values(), reconnected)
    client.addEventListener('joined', e => {
      if (this.#current) this.#add(e.detail)
    })
    client.addEventListener('left', e => {
      if (this.#current) this.#remove(usernameKey(e.detail.user), e.detail.reason)
    })
    // A snapshot after a version gap is authoritative: the session never stopped.
    client.addEventListener('snapshot', e => {
      if (this.#current) this.#reconcile(e.detail.users, false)
    })
  }

  /** The tracker session ended: keep the list as it was, marked as of now. */
  lost(): void {
    if (!this.#current) return
    this.#current = false
    this.#asOf = Date.now()
  }

  stop(): void {
    this.#current = false
    for (const timer of this.#missing.values()) clearTimeout(timer)
    this.#missing.clear()
  }

  #reconcile(users: Iterable<OnlineUser>, reconnected: boolean): void {
    const fresh = new Map<string, OnlineUser>()
    for (const u of users) fresh.set(usernameKey(u.user), u)
    for (const key of [...this.#online.keys()]) {
      if (fresh.has(key)) continue
      if (reconnected && key !== usernameKey(this.self())) this.#awaitRejoin(key)
      else this.#remove(key, 'disconnect')
    }
    for (const u of fresh.values()) this.#add(u)
  }

  #awaitRejoin(key: string): void {
    if (this.#missing.has(key)) return
    const timer = setTimeout(() => {
      this.#missing.delete(key)
      this.#remove(key, 'disconnect')
    }, this.#graceMs)
    timer.unref?.()
    this.#missing.set(key, timer)
  }

  #add(u: OnlineUser): void {
    const key = usernameKey(u.user)
    const waiting = this.#missing.get(key)
    if (waiting !== undefined) {
      clearTimeout(waiting)
      this.#missing.delete(key)
    }
    const existing = this.#online.get(key)
    if (existing?.peerId.equals(u.peerId)) {
      // The same device listed again (a new login, maybe on another tracker of the store): not news, but
      // where it is reached may have changed (its slot on that tracker's relay), so the fresh entry counts.
      this.#online.set(key, u)
      return
    }
    if (existing !== undefined) this.#byPeer.delete(existing.peerId.toString())
    this.#online.set(key, u)
    this.#byPeer.set(u.peerId.toString(), key)
    // Back after a tracker restart (maybe from new addresses): an update, not news.
    if (existing === undefined || waiting === undefined) this.safeDispatchEvent('joined', { detail: u })
  }

  #remove(key: string, reason: LeaveReason): void {
    const u = this.#online.get(key)
    const waiting = this.#missing.get(key)
    if (waiting !== undefined) {
      clearTimeout(waiting)
      this.#missing.delete(key)
    }
    if (u === undefined) return
    this.#online.delete(key)
    this.#byPeer.delete(u.peerId.toString())
    this.safeDispatchEvent('left', { detail: { user: u.user, reason } })
  }
}
