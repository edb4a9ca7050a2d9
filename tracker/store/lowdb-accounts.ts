import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'
import type { JournalHandle } from '../../src/storage/journal.ts'
import { Journal } from '../../src/storage/journal.ts'
import { usernameKey } from '../../src/usernames.ts'
import type { Account, AccountsFile } from '../accounts-file.ts'
import {
  ACCOUNTS_FILE_NAME,
  ACCOUNTS_JOURNAL_FILE_NAME,
  ACCOUNTS_SCHEMA_VERSION,
  FOLD_JOURNAL_RECORDS,
  parseAccountRecord,
  revOf,
  validateAccountsFile
} from '../accounts-file.ts'
import type { AccountLog, AccountReplica } from './types.ts'

export interface LowdbAccountLogInit {
  dataDir: string
  log: Logger
  /**
   * Fold the journal into accounts.json once it holds this many records (registrations and changes).
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
 * Accounts in lowdb files: a snapshot (accounts.json, written atomically and durably) plus a journal of
 * the registrations and changes since (accounts.journal, each line a whole account), so either costs
 * one small append and fsync, not a rewrite of every account. `create()` and `update()` resolve once
 * their line is fsynced. The journal is replayed at start-up (a line of a higher `rev` replaces the
 * account held, one of a lower `rev` is stale and skipped) and folded into accounts.json at start-up,
 * every `foldJournalRecords` records and at `close()`: the snapshot is written first, then the folded
 * lines are dropped, so a crash in between leaves lines whose accounts the snapshot already has (at
 * that `rev` or a later one), and replaying them again changes nothing. Appends go on while a fold
 * writes. One process owns the files (the data directory is locked), so a name the replica does not
 * hold is free: `create()` never finds it taken, and `update()` never finds the account changed by
 * anyone else (the AccountStore writes one change of an account at a time).
 */
export class LowdbAccountLog implements AccountLog {
  readonly #file: DurableJSONFile<AccountsFile>
  readonly #journal: Journal<Account>
  readonly #log: Logger
  readonly #foldJournalRecords: number
  #replica?: AccountReplica
  /** Records in the journal (registrations and changes, replayed or appended since the last fold). */
  #journalRecords = 0
  /** `#journalRecords` that starts the next fold (pushed further out when a fold fails). */
  #foldAt: number
  #folding: Promise<void> | null = null
  /** The journal is open for appending. `close()` closes it; the next append opens it again. */
  #journalOpen = false
  #reopening: Promise<void> | null = null
  /** `close()` is folding and closing the journal: appends wait for it. */
  #closing: Promise<void> | null = null

  constructor(init: LowdbAccountLogInit) {
    this.#file = new DurableJSONFile<AccountsFile>(join(init.dataDir, ACCOUNTS_FILE_NAME), {
      validate: validateAccountsFile
    })
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
  async open(replica: AccountReplica): Promise<void> {
    this.#replica = replica
    const file = await this.#file.read()
    for (const account of Object.values(file?.accounts ?? {})) replica.apply(account)
    await this.#openJournal()
    // Fold what was replayed now, so the journal starts empty.
    if (this.#journalRecords > 0) await this.#startFold()
  }

  async create(account: Account): Promise<void> {
    await this.#append(account)
    this.#appended()
  }

  /** A change is a whole account appended like a registration: replay and folds keep its higher `rev`. */
  async update(account: Account, _previousRev: number): Promise<void> {
    await this.#append(account)
    this.#appended()
  }

  /**
   * Wait for registrations and changes being written, fold the journal into accounts.json and close the
   * journal (a later append opens it again). A fold that fails (disk full) is logged: the journal still
   * holds every record, and the next start-up folds it.
   */
  async close(): Promise<void> {
    this.#closing ??= this.#foldAndClose().finally(() => {
      this.#closing = null
    })
    await this.#closing
  }

  /** Count a record appended and fold once there are enough. */
  #appended(): void {
    this.#journalRecords++
    // Once the journal is as long as accounts.json, so the rewrite costs at most about one more
    // record per record appended whatever the number of accounts (and never fewer than the minimum).
    // `size - journalRecords` is accounts.json's length when every record is a registration; changes
    // make it smaller than that, so they bring a fold sooner, never later.
    const size = this.#replica?.size ?? 0
    if (this.#journalRecords >= Math.max(this.#foldAt, size + 1 - this.#journalRecords)) {
      void this.#startFold()
    }
  }

  async #openJournal(): Promise<void> {
    this.#journalRecords = await this.#journal.open(account => this.#replica?.apply(account))
    this.#journalOpen = true
  }

  /** Append one account, waiting for a closing journal and opening a closed one first. */
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
    // No await between the check and the append, so a close cannot close the journal in between.
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
   * Write accounts.json with every account, then drop the journal lines it now holds. Registrations and
   * changes go on meanwhile: they append after those lines and stay in the journal.
   */
  async #fold(): Promise<void> {
    try {
      // The lines are read back from the journal, not taken from memory: a registration or change whose
      // fsync is done but whose `create()`/`update()` has not come back yet is in the file, not yet in
      // the replica. Of each account the newest `rev` is kept, from whichever holds it.
      const { records, bytes } = await this.#journal.records()
      const accounts: Record<string, Account> = Object.create(null)
      for (const account of this.#replica?.accounts() ?? []) accounts[usernameKey(account.username)] = account
      for (const account of records) {
        const key = usernameKey(account.username)
        if (!Object.hasOwn(accounts, key) || revOf(account) > revOf(accounts[key])) accounts[key] = account
      }
      // Accounts registered after `bytes` may be in this snapshot too: their lines stay in the journal
      // and replay as accounts the snapshot already has.
      await this.#file.write({ version: ACCOUNTS_SCHEMA_VERSION, accounts })
      await this.#journal.dropPrefix(bytes)
      this.#journalRecords = Math.max(0, this.#journalRecords - records.length)
      this.#foldAt = this.#foldJournalRecords
      this.#log('folded %d record(s) into %s', records.length, ACCOUNTS_FILE_NAME)
    } catch (err) {
      this.#log.error('could not fold %s into %s: %e', ACCOUNTS_JOURNAL_FILE_NAME, ACCOUNTS_FILE_NAME, err)
      // Try again once the journal has grown some more, not on every record.
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
