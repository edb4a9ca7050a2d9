import { usernameKey } from '../src/usernames.ts'
import type { PasswordHash } from './password-hash.ts'

/**
 * The tracker's account files: accounts.json (the lowdb snapshot) and accounts.journal (registrations
 * and account changes appended since the last fold), their format and their validation.
 */

/** File in the tracker's data directory holding the accounts (the snapshot the journal is folded into). */
export const ACCOUNTS_FILE_NAME = 'accounts.json'
/**
 * Append-only file beside accounts.json: one account per line (a registration, or the whole account
 * after a change), not yet folded into it.
 */
export const ACCOUNTS_JOURNAL_FILE_NAME = 'accounts.journal'
/**
 * The journal is folded into accounts.json once it holds this many registrations (~190 bytes each), or
 * as many as accounts.json holds if that is more: the rewrite of accounts.json is paid once per that
 * many sign-ups, so a registration costs about two records of writing however many accounts there are,
 * and replay at start-up is never longer than reading accounts.json.
 */
export const FOLD_JOURNAL_RECORDS = 1_000
export const ACCOUNTS_SCHEMA_VERSION = 1

/**
 * Credentials devices are said to have revoked are kept at most this many per account: it bounds the
 * record (every copy of it is written whole); past it, every device is revoked at once instead.
 */
export const MAX_REVOKED_DEVICES = 16

export interface Account {
  username: string
  password: PasswordHash
  createdAt: number
  /**
   * Version of the record: absent (0) as registered, one more at every change. Of two copies of an
   * account the higher `rev` is the newer; two copies of one `rev` must be equal.
   */
  rev?: number
  /**
   * Generation of resumable-session credentials (absent: 0). A credential carries the generation it was
   * issued under and is valid only while it is the account's: a password change and "log out
   * everywhere" bump it.
   */
  sessionGen?: number
  /**
   * PeerId → Unix ms: credentials that device got at or before that time are revoked (it logged out).
   * At most `MAX_REVOKED_DEVICES` entries; absent when none.
   */
  revoked?: Record<string, number>
}

export interface AccountsFile {
  version: number
  accounts: Record<string, Account>
}

/** Throws unless `account` is one stored under `key` (a snapshot entry or a journal line). */
function checkAccount(account: Account, key: string): void {
  const p = account?.password
  if (
    typeof account?.username !== 'string' ||
    usernameKey(account.username) !== key ||
    typeof p?.salt !== 'string' ||
    typeof p.hash !== 'string' ||
    !Number.isInteger(p.logN) ||
    !isCount(account.rev) ||
    !isCount(account.sessionGen) ||
    !isRevokedMap(account.revoked)
  ) {
    throw new Error(`account "${key}" is malformed`)
  }
}

/** Absent (a file written before the field existed) or a whole number ≥ 0. */
function isCount(value: unknown): boolean {
  return value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0)
}

function isRevokedMap(value: unknown): boolean {
  if (value === undefined) return true
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  return Object.entries(value).every(([peer, at]) => peer !== '' && isCount(at))
}

/** The `rev` of an account, 0 for one never changed. */
export const revOf = (account: Account): number => account.rev ?? 0

export function validateAccountsFile(data: unknown): AccountsFile {
  const file = data as AccountsFile
  if (typeof file !== 'object' || file === null || file.version !== ACCOUNTS_SCHEMA_VERSION) {
    throw new Error(`expected {"version": ${ACCOUNTS_SCHEMA_VERSION}, "accounts": {…}}`)
  }
  if (typeof file.accounts !== 'object' || file.accounts === null || Array.isArray(file.accounts)) {
    throw new Error('"accounts" must be an object')
  }
  for (const [key, account] of Object.entries(file.accounts)) checkAccount(account, key)
  return file
}

/** A journal line (an account, as accounts.json holds it under its key) or why it is not one. */
export function parseAccountRecord(line: string): Account | string {
  try {
    const account = JSON.parse(line) as Account
    if (typeof account !== 'object' || account === null || Array.isArray(account)) {
      throw new Error('not an account')
    }
    checkAccount(account, typeof account.username === 'string' ? usernameKey(account.username) : '')
    return account
  } catch (err) {
    return (err as Error).message
  }
}

/**
 * One account written twice (a fold that crashed before it emptied the journal, a change seen on the
 * feed and in its reply) has equal copies of each `rev`; absent fields equal their defaults.
 */
export function sameAccount(a: Account, b: Account): boolean {
  const p = a.password
  const q = b.password
  return (
    a.username === b.username &&
    a.createdAt === b.createdAt &&
    revOf(a) === revOf(b) &&
    (a.sessionGen ?? 0) === (b.sessionGen ?? 0) &&
    sameRevoked(a.revoked ?? {}, b.revoked ?? {}) &&
    p.logN === q.logN &&
    p.r === q.r &&
    p.p === q.p &&
    p.salt === q.salt &&
    p.hash === q.hash
  )
}

function sameRevoked(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every(k => Object.hasOwn(b, k) && a[k] === b[k])
}

/**
 * The account with every resumable-session credential revoked: `sessionGen` one more, and device
 * revocations dropped (the new generation makes them moot).
 */
export function withNewSessionGen(account: Account): Account {
  const { revoked, ...rest } = account
  return { ...rest, sessionGen: (account.sessionGen ?? 0) + 1 }
}

/**
 * The account with the credentials device `peerKey` got at or before `at` (Unix ms) revoked.
 * Revocations older than `maxAgeMs` before `at` are dropped, since credentials that old have expired
 * anyway; if more than `MAX_REVOKED_DEVICES` would still be kept, every device is revoked instead
 * (`withNewSessionGen`), which keeps the record bounded and revokes at least as much.
 */
export function withDeviceRevoked(account: Account, peerKey: string, at: number, maxAgeMs: number): Account {
  // Without a prototype: a key is a PeerId from outside, never to be taken for `__proto__`.
  const revoked: Record<string, number> = Object.create(null)
  for (const [peer, when] of Object.entries(account.revoked ?? {})) {
    if (when >= at - maxAgeMs) revoked[peer] = when
  }
  // Never earlier than a revocation held: what it revoked stays revoked.
  revoked[peerKey] = Math.max(at, revoked[peerKey] ?? at)
  if (Object.keys(revoked).length > MAX_REVOKED_DEVICES) return withNewSessionGen(account)
  return { ...account, revoked: { ...revoked } }
}
