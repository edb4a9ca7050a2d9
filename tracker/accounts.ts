import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import { Low } from 'lowdb'
import { AuthFailedError, RateLimitedError, UsernameTakenError } from '../src/errors.ts'
import { DurableJSONFile } from '../src/storage/durable-json-file.ts'
import {
  checkPassword,
  checkUsernameScripts,
  normalizeUsername,
  usernameKey,
  usernameSkeleton
} from '../src/usernames.ts'
import type { LoginOrigin } from './login-throttle.ts'
import { LoginThrottle } from './login-throttle.ts'
import type { PasswordHash, PasswordHasher } from './password-hash.ts'

/** File in the tracker's data directory holding the accounts. */
export const ACCOUNTS_FILE_NAME = 'accounts.json'
const SCHEMA_VERSION = 1

export interface Account {
  username: string
  password: PasswordHash
  createdAt: number
}

interface AccountsFile {
  version: number
  accounts: Record<string, Account>
}

function validateAccountsFile(data: unknown): AccountsFile {
  const file = data as AccountsFile
  if (typeof file !== 'object' || file === null || file.version !== SCHEMA_VERSION) {
    throw new Error(`expected {"version": ${SCHEMA_VERSION}, "accounts": {…}}`)
  }
  if (typeof file.accounts !== 'object' || file.accounts === null || Array.isArray(file.accounts)) {
    throw new Error('"accounts" must be an object')
  }
  for (const [key, account] of Object.entries(file.accounts)) {
    const p = account?.password
    if (
      typeof account?.username !== 'string' ||
      usernameKey(account.username) !== key ||
      typeof p?.salt !== 'string' ||
      typeof p.hash !== 'string' ||
      !Number.isInteger(p.logN)
    ) {
      throw new Error(`account "${key}" is malformed`)
    }
  }
  return file
}

export interface AccountStoreInit {
  dataDir: string
  hasher: PasswordHasher
  log: Logger
}

/**
 * Accounts in lowdb, written atomically and durably. Registration and login go through here, with
 * the login back-off (per account for strangers, per PeerId for known devices) and equal work for unknown users and wrong passwords.
 */
export class AccountStore {
  readonly #db: Low<AccountsFile>
  readonly #hasher: PasswordHasher
  readonly #throttle = new LoginThrottle()
  readonly #log: Logger
  /**
   * Accounts by `usernameSkeleton`, so a look-alike of a name cannot be registered. Kept in memory
   * only: the file stays keyed by `usernameKey`, which is what logins and peers use.
   */
  readonly #bySkeleton = new Map<string, Account>()
  /** Skeletons being registered right now, so two racing registrations of one name cannot both win. */
  readonly #registering = new Set<string>()

  constructor(init: AccountStoreInit) {
    const adapter = new DurableJSONFile<AccountsFile>(join(init.dataDir, ACCOUNTS_FILE_NAME), {
      validate: validateAccountsFile
    })
    this.#db = new Low(adapter, { version: SCHEMA_VERSION, accounts: Object.create(null) })
    this.#hasher = init.hasher
    this.#log = init.log
  }

  /** Read the file; throws `DataCorruptError` for a file that exists but is damaged. */
  async open(): Promise<void> {
    await this.#db.read()
    // Keyed by username, so without a prototype: "constructor" or "__proto__" must be free names, not
    // Object.prototype's members (taken by nobody, yet refused as USERNAME_TAKEN).
    this.#db.data.accounts = Object.assign(Object.create(null), this.#db.data.accounts)
    this.#bySkeleton.clear()
    for (const account of Object.values(this.#db.data.accounts)) {
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
      this.#db.data.accounts[key] = account
      this.#bySkeleton.set(skeleton, account)
      await this.#db.write()
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

  #get(key: string): Account | undefined {
    const accounts = this.#db.data.accounts
    return Object.hasOwn(accounts, key) ? accounts[key] : undefined
  }

  /** Wait for pending writes to reach the disk. */
  async flush(): Promise<void> {
    await this.#db.write()
  }
}
