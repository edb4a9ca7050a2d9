import type { Logger } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { BusyError, InternalError, NoSpaceError } from '../../src/errors.ts'
import { MAX_DEVICES_PER_ACCOUNT } from '../../src/protocol/constants.ts'
import type { JournalHandle } from '../../src/storage/journal.ts'
import { usernameKey } from '../../src/usernames.ts'
import { LowdbSocialLog, SOCIAL_FOLD_RECORDS } from '../store/lowdb-social.ts'
import type { SocialLog, SocialReplica } from '../store/types.ts'
import type { GroupRecord, PairRecord, SocialRecord, UserRecord } from './social-file.ts'
import { pairKey } from './social-file.ts'

export { SOCIAL_FOLD_RECORDS }

/**
 * Last-seen times and devices change at every login and logout: they are written in one batch this
 * often (and at stop) instead of one fsync each. A crash loses at most this much of them.
 */
export const USER_FLUSH_INTERVAL_MS = 5_000

export interface SocialStoreInit {
  /** The lowdb files' directory, when no `backend` is given. */
  dataDir?: string
  /**
   * Where the state is kept (tracker/store): shared by several trackers on Redis.
   * @default lowdb files in `dataDir`
   */
  backend?: SocialLog
  log: Logger
  /** lowdb: @default SOCIAL_FOLD_RECORDS (10,000) */
  foldRecords?: number
  /** @default USER_FLUSH_INTERVAL_MS (5 s) */
  userFlushMs?: number
  /**
   * lowdb: opens the journal for appending (tests hand in one that fails like a full disk).
   * @default `fs.open(path, 'a', 0o600)`
   */
  openJournal?: (path: string) => Promise<JournalHandle>
}

/** What /stats counts. */
export interface SocialCounts {
  friendships: number
  pendingRequests: number
  groups: number
}

/**
 * Friends, groups, last-seen times and devices: all in memory, which is what every request reads, with
 * every change stored by a backend (tracker/store: lowdb files by default, Redis when several trackers
 * share them) as the new state of the one thing it changed (a pair of users, a group, a user). A friend
 * or group change resolves once its record is durable; last-seen times and devices are batched. A change
 * whose record cannot be stored (disk full) stays in effect in memory and its promise rejects
 * (`NO_SPACE`). Changes other trackers make arrive through the backend and are applied like a replay.
 */
export class SocialStore implements SocialReplica {
  readonly #backend: SocialLog
  readonly #log: Logger
  readonly #userFlushMs: number
  readonly #users = new Map<string, UserRecord>()
  readonly #pairs = new Map<string, PairRecord>()
  /** For each user key, their pairs by the other's key. */
  readonly #pairsByUser = new Map<string, Map<string, PairRecord>>()
  readonly #groups = new Map<string, GroupRecord>()
  /** For each user key, the groups they are in or invited to. */
  readonly #groupsByUser = new Map<string, Set<GroupRecord>>()
  /** For each group id, the user keys it is indexed under. */
  readonly #groupKeys = new Map<string, Set<string>>()
  /** Devices as multihash bytes, decoded on first use. */
  readonly #deviceBytes = new Map<string, Array<Uint8Array<ArrayBuffer>>>()
  /** Users whose last-seen time or devices changed since the last batch. */
  readonly #dirtyUsers = new Set<string>()
  readonly #counts = { friendships: 0, pendingRequests: 0 }
  #timer?: ReturnType<typeof setInterval>
  #open = false

  constructor(init: SocialStoreInit) {
    this.#log = init.log
    this.#userFlushMs = init.userFlushMs ?? USER_FLUSH_INTERVAL_MS
    this.#backend =
      init.backend ??
      new LowdbSocialLog({
        dataDir: init.dataDir ?? '.',
        log: init.log,
        foldRecords: init.foldRecords,
        openJournal: init.openJournal
      })
  }

  /** Load the whole state (lowdb: read social.json, replay the journal and fold it in); throws `DataCorruptError` for damaged files. */
  async open(): Promise<void> {
    await this.#backend.open(this)
    this.#open = true
    this.#timer = setInterval(() => this.#flushUsers(), this.#userFlushMs)
    this.#timer.unref?.()
  }

  /** Write the batched users, wait for every record and close the backend. */
  async close(): Promise<void> {
    if (!this.#open) return
    clearInterval(this.#timer)
    this.#flushUsers()
    this.#open = false
    await this.#backend.close()
  }

  /** Everything held, for a snapshot (SocialReplica). */
  snapshot(): { users: UserRecord[]; pairs: PairRecord[]; groups: GroupRecord[] } {
    return {
      users: [...this.#users.values()],
      pairs: [...this.#pairs.values()],
      groups: [...this.#groups.values()]
    }
  }

  get entities(): number {
    return this.#users.size + this.#pairs.size + this.#groups.size
  }

  /** Forget everything (SocialReplica: a shared backend reloads after losing track of changes). */
  clear(): void {
    for (const map of [
      this.#users,
      this.#pairs,
      this.#pairsByUser,
      this.#groups,
      this.#groupsByUser,
      this.#groupKeys,
      this.#deviceBytes
    ])
      map.clear()
    this.#counts.friendships = 0
    this.#counts.pendingRequests = 0
  }

  get counts(): SocialCounts {
    return { ...this.#counts, groups: this.#groups.size }
  }

  // Users

  lastSeen(key: string): number {
    return this.#users.get(key)?.lastSeen ?? 0
  }

  /** The PeerIds an account logged in with, newest first, as multihash bytes. */
  deviceBytes(key: string): Array<Uint8Array<ArrayBuffer>> {
    let bytes = this.#deviceBytes.get(key)
    if (bytes === undefined) {
      bytes = []
      for (const device of this.#users.get(key)?.devices ?? []) {
        try {
          bytes.push(peerIdFromString(device).toMultihash().bytes as Uint8Array<ArrayBuffer>)
        } catch {
          this.#log('user %s has a device that is not a PeerId: %s', key, device)
        }
      }
      this.#deviceBytes.set(key, bytes)
    }
    return bytes
  }

  /** A login of `name` from `peerKey`; true when that PeerId is new to the account. */
  recordLogin(name: string, peerKey: string): boolean {
    const user = this.#user(name)
    if (user.devices[0] === peerKey) return false
    const known = user.devices.includes(peerKey)
    user.devices = [peerKey, ...user.devices.filter(d => d !== peerKey)].slice(0, MAX_DEVICES_PER_ACCOUNT)
    this.#deviceBytes.delete(usernameKey(name))
    this.#dirtyUsers.add(usernameKey(name))
    return !known
  }

  /** `name`'s session left presence at `at`. */
  recordLeave(name: string, at: number): void {
    this.#user(name).lastSeen = at
    this.#dirtyUsers.add(usernameKey(name))
  }

  #user(name: string): UserRecord {
    const key = usernameKey(name)
    let user = this.#users.get(key)
    if (user === undefined) {
      user = { name, lastSeen: 0, devices: [] }
      this.#users.set(key, user)
    }
    return user
  }

  // Pairs

  pair(x: string, y: string): PairRecord | undefined {
    return this.#pairs.get(pairKey(x, y))
  }

  pairsOf(key: string): Iterable<PairRecord> {
    return this.#pairsByUser.get(key)?.values() ?? []
  }

  allPairs(): Iterable<PairRecord> {
    return this.#pairs.values()
  }

  /** Store a pair's new state (a new object: records are not changed in place). */
  putPair(pair: PairRecord): Promise<void> {
    this.#setPair(pair)
    return this.#append({ t: 'pair', pair })
  }

  deletePair(pair: PairRecord): Promise<void> {
    this.#removePair(usernameKey(pair.a), usernameKey(pair.b))
    return this.#append({ t: 'unpair', a: pair.a, b: pair.b })
  }

  // Groups

  group(id: string): GroupRecord | undefined {
    return this.#groups.get(id)
  }

  /** Groups `key` is a member of or invited to. */
  groupsOf(key: string): Iterable<GroupRecord> {
    return this.#groupsByUser.get(key) ?? []
  }

  groupCount(key: string): number {
    return this.#groupsByUser.get(key)?.size ?? 0
  }

  /** Store a group after a change (the record may be the same object, changed in place). */
  putGroup(group: GroupRecord): Promise<void> {
    this.#setGroup(group)
    return this.#append({ t: 'group', group })
  }

  deleteGroup(group: GroupRecord): Promise<void> {
    this.#removeGroup(group.id)
    return this.#append({ t: 'ungroup', id: group.id })
  }

  /** A record loaded, replayed or made by another tracker (SocialReplica). */
  apply(record: SocialRecord): void {
    switch (record.t) {
      case 'user': {
        const key = usernameKey(record.user.name)
        this.#users.set(key, record.user)
        this.#deviceBytes.delete(key)
        break
      }
      case 'pair':
        this.#setPair(record.pair)
        break
      case 'unpair':
        this.#removePair(usernameKey(record.a), usernameKey(record.b))
        break
      case 'group':
        this.#setGroup(record.group)
        break
      case 'ungroup':
        this.#removeGroup(record.id)
        break
    }
  }

  #setPair(pair: PairRecord): void {
    const a = usernameKey(pair.a)
    const b = usernameKey(pair.b)
    this.#removePair(a, b)
    this.#pairs.set(pairKey(a, b), pair)
    for (const [self, other] of [
      [a, b],
      [b, a]
    ]) {
      const mine = this.#pairsByUser.get(self) ?? new Map<string, PairRecord>()
      this.#pairsByUser.set(self, mine)
      mine.set(other, pair)
    }
    this.#count(pair, 1)
  }

  #removePair(a: string, b: string): void {
    const old = this.#pairs.get(pairKey(a, b))
    if (old === undefined) return
    this.#count(old, -1)
    this.#pairs.delete(pairKey(a, b))
    for (const [self, other] of [
      [a, b],
      [b, a]
    ]) {
      const mine = this.#pairsByUser.get(self)
      mine?.delete(other)
      if (mine?.size === 0) this.#pairsByUser.delete(self)
    }
  }

  #count(pair: PairRecord, sign: 1 | -1): void {
    if (pair.since !== undefined) this.#counts.friendships += sign
    if (pair.req !== undefined) this.#counts.pendingRequests += sign
  }

  #setGroup(group: GroupRecord): void {
    const keys = new Set([...group.members, ...group.invited].map(m => usernameKey(m.name)))
    for (const key of this.#groupKeys.get(group.id) ?? []) {
      if (!keys.has(key)) this.#unindex(key, group.id)
    }
    // A record replayed from the journal is a new object: the index must point at it, not the old one.
    const previous = this.#groups.get(group.id)
    for (const key of keys) {
      const mine = this.#groupsByUser.get(key) ?? new Set<GroupRecord>()
      this.#groupsByUser.set(key, mine)
      if (previous !== undefined) mine.delete(previous)
      mine.add(group)
    }
    this.#groups.set(group.id, group)
    this.#groupKeys.set(group.id, keys)
  }

  #removeGroup(id: string): void {
    for (const key of this.#groupKeys.get(id) ?? []) this.#unindex(key, id)
    this.#groups.delete(id)
    this.#groupKeys.delete(id)
  }

  #unindex(key: string, id: string): void {
    const mine = this.#groupsByUser.get(key)
    const group = this.#groups.get(id)
    if (mine === undefined || group === undefined) return
    mine.delete(group)
    if (mine.size === 0) this.#groupsByUser.delete(key)
  }

  /** Store a record already applied here; resolves once durable. A failure leaves memory as it is. */
  async #append(record: SocialRecord): Promise<void> {
    if (!this.#open) throw new InternalError('the tracker is stopping: try again once it is back')
    try {
      await this.#backend.append(record)
    } catch (err) {
      // The client is told what happened, not where the tracker keeps its files.
      if (err instanceof NoSpaceError) {
        throw new NoSpaceError(
          'the tracker could not store this change (its disk is full): it holds until the tracker restarts',
          { cause: err }
        )
      }
      if (err instanceof BusyError) throw err
      throw new InternalError('the tracker could not store this change', { cause: err })
    }
  }

  #flushUsers(): void {
    if (!this.#open) return
    for (const key of this.#dirtyUsers) {
      const user = this.#users.get(key)
      if (user === undefined) continue
      this.#append({ t: 'user', user: { ...user, devices: [...user.devices] } }).catch(err =>
        this.#log.error('could not store last-seen time and devices of %s: %e', user.name, err)
      )
    }
    this.#dirtyUsers.clear()
  }
}
