import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import { Low } from 'lowdb'
import { AuthFailedError, NoSpaceError, RateLimitedError, UsernameTakenError } from '../src/errors.ts'
import { DurableJSONFile } from '../src/storage/durable-json-file.ts'
import type { JournalHandle } from '../src/storage/journal.ts'
import { Journal } from '../src/storage/journal.ts'
import {
  checkPassword,
  checkUsernameScripts,
  normalizeUsername,
  usernameKey,
  usernameSkeleton
} from '../src/usernames.ts'
import type { Account, AccountsFile } from './accounts-file.ts'
import {
  ACCOUNTS_FILE_NAME,
  ACCOUNTS_JOURNAL_FILE_NAME,
  ACCOUNTS_SCHEMA_VERSION,
  FOLD_JOURNAL_RECORDS,
  parseAccountRecord,
  sameAccount,
  validateAccountsFile
} from './accounts-file.ts'
import type { LoginOrigin } from './login-throttle.ts'
import { LoginThrottle } from './login-throttle.ts'
import type { PasswordHasher } from './password-hash.ts'

export type { Account, JournalHandle }
export { ACCOUNTS_FILE_NAME, ACCOUNTS_JOURNAL_FILE_NAME, FOLD_JOURNAL_RECORDS }

export interface AccountStoreInit {
  dataDir: string
  hasher: PasswordHasher
  log: Logger
  /**
   * Fold the journal into accounts.json once it holds this many registrations.
   * @default FOLD_JOURNAL_RECORDS (1,000)
   */
  foldJournalRecords?: number
  /**
   * Opens the journal for appending (tests hand in one that fails like a full disk).
   * @default `fs.open(path, 'a', 0o600)`
   */
  openJournal?: (path: string) => Promise<JournalHandle>
}

/**
 * Accounts: a snapshot in lowdb (accounts.json, written atomically and durably) plus a journal of the
 * registrations since (accounts.journal), so a registration costs one small append and fsync, not a
 * rewrite of every account. `register()` resolves once its line is fsynced, and only then does the
 * account exist for logins and lookups. The journal is replayed at start-up and folded into
 * accounts.json at start-up, every `foldJournalRecords` registrations and at `flush()`: the snapshot is
 * written first, then the folded lines are dropped, so a crash in between leaves lines whose accounts
 * the snapshot already has, and replaying them again changes nothing. Registrations go on appending
 * while a fold writes. Registration and login go through here, with the login back-off (per account
 * for strangers, per PeerId for known devices) and equal work for unknown users and wrong passwords.
 */
export class AccountStore {
  /** The snapshot file; `data.accounts` is every account, the snapshot's and the journal's. */
  readonly #db: Low<AccountsFile>
  readonly #file: DurableJSONFile<AccountsFile>
  readonly #journal: Journal<Account>
  readonly #hasher: PasswordHasher
  readonly #throttle = new LoginThrottle()
  readonly #log: Logger
  readonly #foldJournalRecords: number
  /**
   * Accounts by `usernameSkeleton`, so a look-alike of a name cannot be registered. Kept in memory
   * only: the file stays keyed by `usernameKey`, which is what logins and peers use.
   */
  readonly #bySkeleton = new Map<string, Account>()
  /** Skeletons being registered right now, so two racing registrations of one name cannot both win. */
  readonly #registering = new Set<string>()
  /** Registrations in the journal (replayed or appended since the last fold). */
  #journalRecords = 0
  /** `#journalRecords` that starts the next fold (pushed further out when a fold fails). */
  #foldAt: number
  #folding: Promise<void> | null = null
  /** The journal is open for appending. `flush()` closes it; the next registration opens it again. */
  #journalOpen = false
  #reopening: Promise<void> | null = null
  /** `flush()` is folding and closing the journal: appends wait for it. */
  #closing: Promise<void> | null = null

  constructor(init: AccountStoreInit) {
    this.#file = new DurableJSONFile<AccountsFile>(join(init.dataDir, ACCOUNTS_FILE_NAME), {
      validate: validateAccountsFile
    })
    this.#db = new Low(this.#file, { version: ACCOUNTS_SCHEMA_VERSION, accounts: Object.create(null) })
    this.#hasher = init.hasher
    this.#log = init.log
    this.#foldJournalRecords = init.foldJournalRecords ?? FOLD_JOURNAL_RECORDS
    this.#foldAt = this.#foldJournalRecords
    this.#journal = new Journal<Account>(join(init.dataDir, ACCOUNTS_JOURNAL_FILE_NAME), {
      parse: parseAccountRecord,
      log: init.log,
      openJournal: init.openJournal
    })
  }

  /**
   * Read accounts.json, replay the journal (cutting off a torn last line) and fold it in; throws
   * `DataCorruptError` for a file that exists but is damaged.
   */
  async open(): Promise<void> {
    await this.#db.read()
    // Keyed by username, so without a prototype: "constructor" or "__proto__" must be free names, not
    // Object.prototype's members (taken by nobody, yet refused as USERNAME_TAKEN).
    this.#db.data.accounts = Object.assign(Object.create(null), this.#db.data.accounts)
    this.#bySkeleton.clear()
    for (const account of Object.values(this.#db.data.accounts)) this.#index(account)
    await this.#openJournal()
    // Fold what was replayed now, so the journal starts empty.
    if (this.#journalRecords > 0) await this.#startFold()
  }

  get size(): number {
    return Object.keys(this.#db.data.accounts).length
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
        await this.#append(account)
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
      // Only once fsynced: an account that logins and lookups see survives a crash.
      this.#db.data.accounts[key] = account
      this.#bySkeleton.set(skeleton, account)
      this.#journalRecords++
      // Once the journal is as long as accounts.json, so the rewrite costs at most about one more
      // record per registration whatever the number of accounts (and never fewer than the minimum).
      if (this.#journalRecords >= Math.max(this.#foldAt, this.size - this.#journalRecords)) {
        void this.#startFold()
      }
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
    return Object.values(this.#db.data.accounts).map(account => account.username)
  }

  #get(key: string): Account | undefined {
    const accounts = this.#db.data.accounts
    return Object.hasOwn(accounts, key) ? accounts[key] : undefined
  }

  /**
   * Wait for registrations being written, fold the journal into accounts.json and close the journal (a
   * later registration opens it again). A fold that fails (disk full) is logged: the journal still
   * holds every registration, and the next start-up folds it.
   */
  async flush(): Promise<void> {
    this.#closing ??= this.#foldAndClose().finally(() => {
      this.#closing = null
    })
    await this.#closing
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
    this.#db.data.accounts[key] = account
    this.#index(account)
  }

  async #openJournal(): Promise<void> {
    this.#journalRecords = await this.#journal.open(account => this.#replay(account))
    this.#journalOpen = true
  }

  /** Append one registration, waiting for a closing journal and opening a closed one first. */
  async #append(account: Account): Promise<void> {
    while (this.#closing !== null || !this.#journalOpen) {
      if (this.#closing !== null) await this.#closing
      else {
        this.#reopening ??= this.#openJournal().finally(() => {
          this.#reopening = null
        })
        await this.#reopening
      }
    }
    // No await between the check and the append, so a flush cannot close the journal in between.
    await this.#journal.append(account, () => {})
  }

  /** Fold unless a fold is running already; resolves when that fold is over (it never rejects). */
  #startFold(): Promise<void> {
    if (this.#folding === null && this.#journalOpen) {
      this.#folding = this.#fold().finally(() => {
        this.#folding = null
      })
    }
    return this.#folding ?? Promise.resolve()
  }

  /**
   * Write accounts.json with every account, then drop the journal lines it now holds. Registrations go
   * on meanwhile: they append after those lines and stay in the journal.
   */
  async #fold(): Promise<void> {
    try {
      // The lines are read back from the journal, not taken from memory: a registration whose fsync is
      // done but whose `register()` has not come back yet is in the file, not yet in `data.accounts`.
      const { records, bytes } = await this.#journal.records()
      const accounts: Record<string, Account> = Object.assign(Object.create(null), this.#db.data.accounts)
      for (const account of records) {
        const key = usernameKey(account.username)
        if (!Object.hasOwn(accounts, key)) accounts[key] = account
      }
      // Accounts registered after `bytes` may be in this snapshot too: their lines stay in the journal
      // and replay as accounts the snapshot already has.
      await this.#file.write({ version: ACCOUNTS_SCHEMA_VERSION, accounts })
      await this.#journal.dropPrefix(bytes)
      this.#journalRecords = Math.max(0, this.#journalRecords - records.length)
      this.#foldAt = this.#foldJournalRecords
      this.#log('folded %d registration(s) into %s', records.length, ACCOUNTS_FILE_NAME)
    } catch (err) {
      this.#log.error('could not fold %s into %s: %e', ACCOUNTS_JOURNAL_FILE_NAME, ACCOUNTS_FILE_NAME, err)
      // Try again once the journal has grown some more, not on every registration.
      this.#foldAt = this.#journalRecords + this.#foldJournalRecords
    }
  }

  async #foldAndClose(): Promise<void> {
    await this.#reopening?.catch(() => {})
    if (!this.#journalOpen) return
    // Appends wait for `#closing`, so only those already queued are left to write.
    await this.#journal.flush()
    while (this.#folding !== null) await this.#folding
    if (this.#journal.bytes > 0) await this.#startFold()
    while (this.#folding !== null) await this.#folding
    this.#journalOpen = false
    await this.#journal
      .close()
      .catch(err => this.#log.error('could not close %s: %e', ACCOUNTS_JOURNAL_FILE_NAME, err))
  }
}
