import type { Logger } from '@libp2p/interface'
import {
  AuthFailedError,
  InvalidPasswordError,
  NoSpaceError,
  RateLimitedError,
  UnknownUserError,
  UsernameTakenError
} from '../src/errors.ts'
import type { JournalHandle } from '../src/storage/journal.ts'
import {
  checkPassword,
  checkUsernameScripts,
  normalizeUsername,
  usernameKey,
  usernameSkeleton
} from '../src/usernames.ts'
import type { Account } from './accounts-file.ts'
import {
  ACCOUNTS_FILE_NAME,
  ACCOUNTS_JOURNAL_FILE_NAME,
  FOLD_JOURNAL_RECORDS,
  MAX_REVOKED_DEVICES,
  revOf,
  sameAccount,
  withDeviceRevoked,
  withNewSessionGen
} from './accounts-file.ts'
import type { LoginOrigin } from './login-throttle.ts'
import { LoginThrottle } from './login-throttle.ts'
import type { PasswordHasher } from './password-hash.ts'
import { LowdbAccountLog } from './store/lowdb-accounts.ts'
import type { AccountLog, AccountReplica } from './store/types.ts'

export type { Account, JournalHandle }
export { ACCOUNTS_FILE_NAME, ACCOUNTS_JOURNAL_FILE_NAME, FOLD_JOURNAL_RECORDS, MAX_REVOKED_DEVICES }

export interface AccountStoreInit {
  /** The lowdb files' directory, when no `backend` is given. */
  dataDir?: string
  /**
   * Where accounts are kept (tracker/store): shared by several trackers on Redis.
   * @default lowdb files in `dataDir`
   */
  backend?: AccountLog
  hasher: PasswordHasher
  log: Logger
  /**
   * lowdb: fold the journal into accounts.json once it holds this many records (registrations and changes).
   * @default FOLD_JOURNAL_RECORDS (1,000)
   */
  foldJournalRecords?: number
  /**
   * lowdb: opens the journal for appending (tests hand in one that fails like a full disk).
   * @default `fs.open(path, 'a', 0o600)`
   */
  openJournal?: (path: string) => Promise<JournalHandle>
}

/**
 * Accounts: every one in memory (logins and lookups read it synchronously), kept durable by a backend
 * (tracker/store: lowdb files by default, Redis when several trackers share them). `register()` resolves
 * once the backend has the account, and only then does it exist for logins and lookups; accounts other
 * trackers register arrive through the backend. Registration and login go through here, with the login
 * back-off (per account for strangers, per PeerId for known devices) and equal work for unknown users and
 * wrong passwords. So do changes (password, session credentials): each is one `rev` more, written whole
 * through the backend one at a time per account, and visible only once durable.
 */
export class AccountStore {
  /** Every account by `usernameKey`, without a prototype. */
  readonly #accounts: Record<string, Account> = Object.create(null)
  #size = 0
  readonly #backend: AccountLog
  readonly #hasher: PasswordHasher
  readonly #throttle = new LoginThrottle()
  readonly #log: Logger
  /**
   * Accounts by `usernameSkeleton`, so a look-alike of a name cannot be registered. Kept in memory
   * only: the store stays keyed by `usernameKey`, which is what logins and peers use.
   */
  readonly #bySkeleton = new Map<string, Account>()
  /** Skeletons being registered right now, so two racing registrations of one name cannot both win. */
  readonly #registering = new Set<string>()
  #opened = false
  /** Changes being written, by `usernameKey`: the next change of an account waits for them. */
  readonly #changing = new Map<string, Promise<unknown>>()
  /** Called for each account another tracker registers (a shared store), once it is here. */
  onAdded?: (username: string) => void
  /**
   * Called once for each newer version of an account this store comes to hold after `open()`: a
   * change made here (once durable, before the method that made it resolves) or by another tracker
   * (a shared store). Older and equal copies, and the versions loaded at open, are not reported.
   */
  onUpdated?: (account: Account) => void

  constructor(init: AccountStoreInit) {
    this.#hasher = init.hasher
    this.#log = init.log
    this.#backend =
      init.backend ??
      new LowdbAccountLog({
        dataDir: init.dataDir ?? '.',
        log: init.log,
        foldJournalRecords: init.foldJournalRecords,
        openJournal: init.openJournal
      })
  }

  /**
   * Load every account (lowdb: read accounts.json, replay the journal, cutting off a torn last line, and
   * fold it in); throws `DataCorruptError` for a store that exists but is damaged.
   */
  async open(): Promise<void> {
    const store = this
    const replica: AccountReplica = {
      apply: account => this.#replay(account),
      get size() {
        return store.size
      },
      accounts: () => Object.values(this.#accounts)
    }
    await this.#backend.open(replica)
    this.#opened = true
  }

  get size(): number {
    return this.#size
  }

  async register(usernameInput: string, password: string): Promise<Account> {
    const username = normalizeUsername(usernameInput)
    checkPassword(password)
    const key = usernameKey(username)
    const skeleton = usernameSkeleton(username)
    const existing = this.#get(key) ?? this.#bySkeleton.get(skeleton)
    if (existing !== undefined && usernameKey(existing.username) !== key) {
      throw new UsernameTakenError(`username "${username}" looks like "${existing.username}", which is taken`)
    }
    if (existing !== undefined || this.#registering.has(skeleton)) {
      throw new UsernameTakenError(`username "${username}" is taken`)
    }
    // After the look-alike check, so "аlice" (Cyrillic а) is told it copies "alice", not only that
    // it mixes scripts.
    checkUsernameScripts(username)
    this.#registering.add(skeleton)
    try {
      const hash = await this.#hasher.hash(password)
      const account: Account = { username, password: hash, createdAt: Date.now() }
      try {
        await this.#backend.create(account, skeleton)
      } catch (err) {
        // Nothing was kept: the name stays reserved only until `finally` frees it. The client is told
        // what it can do, not where the tracker keeps its files.
        if (err instanceof NoSpaceError) {
          throw new NoSpaceError(
            'the tracker cannot store new accounts now (its disk is full): try again later',
            {
              cause: err
            }
          )
        }
        throw err
      }
      // Only once durable: an account that logins and lookups see survives a crash. A shared backend
      // may have brought it back already (its own change, seen on the feed), and a change after it.
      const held = this.#get(key) ?? account
      if (held === account) this.#add(key, account)
      this.#bySkeleton.set(skeleton, held)
      this.#log('registered account %s', username)
      return account
    } finally {
      this.#registering.delete(skeleton)
    }
  }

  /**
   * Check a login from `from` (source host and Noise-proven PeerId). Unknown user and wrong password both
   * throw `AuthFailedError` after the same work; a login held back (`LoginThrottle`: strangers share the
   * account's back-off, a PeerId that logged in before has its own) throws `RateLimitedError` without
   * hashing.
   */
  async authenticate(usernameInput: string, password: string, from: LoginOrigin): Promise<Account> {
    checkPassword(password)
    let key: string
    try {
      key = usernameKey(normalizeUsername(usernameInput))
    } catch {
      // A malformed name cannot exist; answer like any unknown user (same work) so nothing leaks.
      key = ''
    }
    return await this.#verify(key, password, from)
  }

  /** The account held under `usernameKey` `key`, or undefined when there is none. */
  get(key: string): Account | undefined {
    return this.#get(key)
  }

  /**
   * Change an account's password. The old one is checked as a login is (`authenticate`: the same
   * back-off, so guessing through here is held back just as much; `AuthFailedError` when wrong), the new
   * one must be a valid password (`InvalidPasswordError`) other than the old. The change ends every
   * resumable session (`sessionGen` bumped, device revocations dropped as moot). Throws
   * `UnknownUserError` for a name no account has (the caller changes its own, logged-in account),
   * `BusyError` when another tracker changed the account at the same moment, `NoSpaceError` when the
   * store is full.
   */
  async changePassword(
    usernameInput: string,
    oldPassword: string,
    newPassword: string,
    from: LoginOrigin
  ): Promise<Account> {
    checkPassword(newPassword)
    const key = usernameKey(normalizeUsername(usernameInput))
    return await this.#change(key, async account => {
      // Against the copy held now: a change queued behind another password change needs the new one.
      await this.#verify(key, oldPassword, from)
      if (newPassword === oldPassword) throw new InvalidPasswordError('the new password is the current one')
      const password = await this.#hasher.hash(newPassword)
      return { ...withNewSessionGen(account), password }
    })
  }

  /** "Log out everywhere": every resumable-session credential of the account stops being valid. */
  async revokeAll(key: string): Promise<Account> {
    return await this.#change(key, withNewSessionGen)
  }

  /**
   * One device (`peerKey`, a PeerId) logs out: credentials it got at or before `at` (Unix ms) are
   * revoked. Revocations older than `maxAgeMs` before `at` are dropped, since credentials that old have
   * expired anyway; if more than `MAX_REVOKED_DEVICES` would still be kept, every device is revoked
   * instead (`sessionGen` bumped), which keeps the record bounded and revokes at least as much.
   */
  async revokeDevice(key: string, peerKey: string, at: number, maxAgeMs: number): Promise<Account> {
    return await this.#change(key, account => withDeviceRevoked(account, peerKey, at, maxAgeMs))
  }

  /**
   * Check `password` for the account under `key` ('' for a name that cannot exist) as a login does:
   * unknown user and wrong password both throw `AuthFailedError` after the same work, a check held back
   * throws `RateLimitedError` without hashing.
   */
  async #verify(key: string, password: string, from: LoginOrigin): Promise<Account> {
    checkPassword(password)
    const attempt = this.#throttle.begin(key, from)
    if (attempt.retryAfterMs > 0) {
      const wait = attempt.retryAfterMs
      throw new RateLimitedError(
        `too many failed logins for this account: try again in ${Math.ceil(wait / 1000)} s`,
        {
          retryAfterMs: wait
        }
      )
    }
    const account = key === '' ? undefined : this.#get(key)
    let ok: boolean
    try {
      ok = await this.#hasher.verify(password, account?.password)
    } catch (err) {
      // BUSY or a hashing failure: no check happened, so nothing is counted.
      attempt.cancel()
      throw err
    }
    if (!ok || account === undefined) {
      const backoff = attempt.fail()
      this.#log(
        'failed login for %s from %s (%s, %d failures, back-off %d ms)',
        key,
        from.source,
        attempt.known ? 'known PeerId' : 'stranger',
        this.#throttle.failures(key, from),
        backoff
      )
      throw new AuthFailedError('unknown user or wrong password')
    }
    attempt.succeed()
    return account
  }

  /**
   * Write a change of the account under `key`: `make` turns the newest copy into the next (its `rev`
   * is set here). Changes of one account run one at a time, each on the copy the one before left, so
   * none is lost and the backend never sees two made on one `rev`. The copy held is replaced only once
   * the backend has the change.
   */
  async #change(key: string, make: (account: Account) => Account | Promise<Account>): Promise<Account> {
    const run = (this.#changing.get(key) ?? Promise.resolve()).then(() => this.#write(key, make))
    const done = run.catch(() => {})
    this.#changing.set(key, done)
    try {
      return await run
    } finally {
      if (this.#changing.get(key) === done) this.#changing.delete(key)
    }
  }

  async #write(key: string, make: (account: Account) => Account | Promise<Account>): Promise<Account> {
    const account = this.#get(key)
    if (account === undefined) throw new UnknownUserError('no account has this name')
    const rev = revOf(account)
    // The name and creation time are the account's own: whatever `make` returns, they stay.
    const next: Account = {
      ...(await make(account)),
      username: account.username,
      createdAt: account.createdAt,
      rev: rev + 1
    }
    try {
      await this.#backend.update(next, rev)
    } catch (err) {
      // As for a registration: the client is told what it can do, not where the tracker keeps its files.
      if (err instanceof NoSpaceError) {
        throw new NoSpaceError(
          'the tracker cannot store account changes now (its disk is full): try again later',
          {
            cause: err
          }
        )
      }
      throw err
    }
    // A shared backend may have brought this change back already (seen on the feed).
    this.#replace(key, next)
    this.#log('changed account %s (rev %d)', account.username, rev + 1)
    return this.#get(key) ?? next
  }

  /**
   * The account a username names, compared case-insensitively, or undefined when there is none. Throws
   * `InvalidUsernameError` for a name that breaks the rules (no account can have it).
   */
  find(usernameInput: string): Account | undefined {
    return this.#get(usernameKey(normalizeUsername(usernameInput)))
  }

  /** Every account's canonical name (the tracker's username search indexes them at start-up). */
  usernames(): string[] {
    return Object.values(this.#accounts).map(account => account.username)
  }

  #get(key: string): Account | undefined {
    return Object.hasOwn(this.#accounts, key) ? this.#accounts[key] : undefined
  }

  #add(key: string, account: Account): void {
    this.#accounts[key] = account
    this.#size++
  }

  /** Hold `account` in place of an older `rev` of it (a no-op for one not newer) and report it. */
  #replace(key: string, account: Account): void {
    const existing = this.#get(key)
    if (existing === undefined || revOf(account) <= revOf(existing)) return
    this.#accounts[key] = account
    const skeleton = usernameSkeleton(account.username)
    // A look-alike registered before they were refused keeps its own entry: only this account's moves.
    if (this.#bySkeleton.get(skeleton) === existing) this.#bySkeleton.set(skeleton, account)
    if (this.#opened) this.onUpdated?.(account)
  }

  /** Wait for registrations being written and close the backend (lowdb: fold the journal and close it). */
  async flush(): Promise<void> {
    await this.#backend.close()
  }

  /** Index a stored account by skeleton; look-alikes stored before they were refused are logged. */
  #index(account: Account): void {
    const skeleton = usernameSkeleton(account.username)
    const other = this.#bySkeleton.get(skeleton)
    // Registered before look-alikes were refused: both stay usable (each logs in under its own
    // name), and only new look-alikes are refused.
    if (other !== undefined) {
      this.#log(
        'accounts %s and %s look alike (registered before that was refused)',
        other.username,
        account.username
      )
    } else {
      this.#bySkeleton.set(skeleton, account)
    }
  }

  /**
   * A journal line at replay or an account from a shared backend: a new account, a newer `rev` of one
   * held (a change), or one held already or an older copy (an interrupted fold, a change seen twice).
   */
  #replay(account: Account): void {
    const key = usernameKey(account.username)
    const existing = this.#get(key)
    if (existing !== undefined) {
      const rev = revOf(account)
      const held = revOf(existing)
      if (rev > held) this.#replace(key, account)
      if (rev !== held || sameAccount(existing, account)) return
      // register() never writes a taken name, nor does a change reuse a `rev`: someone edited a file.
      // Taking either copy could hand the account to whoever wrote the other, so start-up stops
      // (DATA_CORRUPT naming the line).
      throw new Error(`"${account.username}" is registered already, with other data`)
    }
    this.#add(key, account)
    this.#index(account)
    if (this.#opened) this.onAdded?.(account.username)
  }
}
