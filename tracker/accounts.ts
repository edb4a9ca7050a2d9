import type { Logger } from '@libp2p/interface'
import { AuthFailedError, NoSpaceError, RateLimitedError, UsernameTakenError } from '../src/errors.ts'
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
  sameAccount
} from './accounts-file.ts'
import type { LoginOrigin } from './login-throttle.ts'
import { LoginThrottle } from './login-throttle.ts'
import type { PasswordHasher } from './password-hash.ts'
import { LowdbAccountLog } from './store/lowdb-accounts.ts'
import type { AccountLog, AccountReplica } from './store/types.ts'

export type { Account, JournalHandle }
export { ACCOUNTS_FILE_NAME, ACCOUNTS_JOURNAL_FILE_NAME, FOLD_JOURNAL_RECORDS }

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
   * lowdb: fold the journal into accounts.json once it holds this many registrations.
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
 * wrong passwords.
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
  /** Called for each account another tracker registers (a shared store), once it is here. */
  onAdded?: (username: string) => void

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
      // may have brought it back already (its own change, seen on the feed).
      if (this.#get(key) === undefined) this.#add(key, account)
      this.#bySkeleton.set(skeleton, account)
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

  /** A journal line at replay: a new account, or one the snapshot has already (an interrupted fold). */
  #replay(account: Account): void {
    const key = usernameKey(account.username)
    const existing = this.#get(key)
    if (existing !== undefined) {
      if (sameAccount(existing, account)) return
      // register() never writes a taken name: someone edited a file. Taking either copy could hand
      // the account to whoever wrote the other, so start-up stops (DATA_CORRUPT naming the line).
      throw new Error(`"${account.username}" is registered already, with other data`)
    }
    this.#add(key, account)
    this.#index(account)
    if (this.#opened) this.onAdded?.(account.username)
  }
}
