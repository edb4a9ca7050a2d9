import type { Account } from '../accounts-file.ts'
import type { GroupRecord, PairRecord, SocialRecord, UserRecord } from '../social/social-file.ts'

/**
 * The tracker's state as a backend sees it. Each tracker keeps a replica of every account, friendship
 * and group in memory (reads stay synchronous and cheap); a backend makes changes durable and — when
 * several trackers share it — brings each tracker the changes the others make. Records hold whole
 * states (the new state of one account, user, pair of users or group), so applying one again, or an
 * older one before a newer one, ends in the newest state: replicas converge on the backend's order.
 */

/** The accounts replica a backend loads into and reports new and changed accounts to. */
export interface AccountReplica {
  /**
   * Take an account (one loaded, or one another tracker registered or changed): a new one is added, a
   * higher `rev` replaces the one held and a lower one is ignored (stale); throws for another copy of
   * the `rev` held.
   */
  apply(account: Account): void
  /** Accounts held. */
  readonly size: number
  accounts(): Iterable<Account>
}

/** Where accounts are kept. Accounts are created and changed (each change one `rev` more), never removed. */
export interface AccountLog {
  /** Load every stored account into `replica`; a shared backend goes on applying other trackers' changes. */
  open(replica: AccountReplica): Promise<void>
  /**
   * Store a new account; resolves once it is durable. Throws `UsernameTakenError` when the name or a
   * look-alike (`skeleton`) was stored meanwhile by another tracker, `BusyError` when the backend cannot
   * be reached, `NoSpaceError` when it is full.
   */
  create(account: Account, skeleton: string): Promise<void>
  /**
   * Store a changed account (the whole of it, its `rev` one more than `previousRev`) in place of the one
   * at `previousRev`; resolves once it is durable. Throws `BusyError` when another tracker changed the
   * account meanwhile (the replica has been given that copy: the caller may try again on it) or when
   * the backend cannot be reached, `NoSpaceError` when it is full.
   */
  update(account: Account, previousRev: number): Promise<void>
  /** Write what is pending and close. */
  close(): Promise<void>
}

/** The social replica (tracker/social/store.ts) a backend loads into. */
export interface SocialReplica {
  apply(record: SocialRecord): void
  /** Forget everything: a shared backend reloads the whole state after it lost track of changes. */
  clear(): void
  /** Everything held, for a snapshot file. */
  snapshot(): { users: UserRecord[]; pairs: PairRecord[]; groups: GroupRecord[] }
  /** Users, pairs and groups held. */
  readonly entities: number
}

/** Where friends, groups, last-seen times and devices are kept. */
export interface SocialLog {
  /** Load the whole state into `replica`; a shared backend goes on applying other trackers' changes. */
  open(replica: SocialReplica): Promise<void>
  /** Store a record (already applied to the replica); resolves once durable. */
  append(record: SocialRecord): Promise<void>
  /** Write what is pending and close. */
  close(): Promise<void>
}
