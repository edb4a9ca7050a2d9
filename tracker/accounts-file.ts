import { usernameKey } from '../src/usernames.ts'
import type { PasswordHash } from './password-hash.ts'

/**
 * The tracker's account files: accounts.json (the lowdb snapshot) and accounts.journal (registrations
 * appended since the last fold), their format and their validation.
 */

/** File in the tracker's data directory holding the accounts (the snapshot the journal is folded into). */
export const ACCOUNTS_FILE_NAME = 'accounts.json'
/** Append-only file beside accounts.json: one registration per line, not yet folded into it. */
export const ACCOUNTS_JOURNAL_FILE_NAME = 'accounts.journal'
/**
 * The journal is folded into accounts.json once it holds this many registrations (~190 bytes each), or
 * as many as accounts.json holds if that is more: the rewrite of accounts.json is paid once per that
 * many sign-ups, so a registration costs about two records of writing however many accounts there are,
 * and replay at start-up is never longer than reading accounts.json.
 */
export const FOLD_JOURNAL_RECORDS = 1_000
export const ACCOUNTS_SCHEMA_VERSION = 1

export interface Account {
  username: string
  password: PasswordHash
  createdAt: number
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
    !Number.isInteger(p.logN)
  ) {
    throw new Error(`account "${key}" is malformed`)
  }
}

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

/** One account written twice (a fold that crashed before it emptied the journal) has equal copies. */
export function sameAccount(a: Account, b: Account): boolean {
  const p = a.password
  const q = b.password
  return (
    a.username === b.username &&
    a.createdAt === b.createdAt &&
    p.logN === q.logN &&
    p.r === q.r &&
    p.p === q.p &&
    p.salt === q.salt &&
    p.hash === q.hash
  )
}
