import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'
import type { JournalHandle } from '../../src/storage/journal.ts'
import { Journal } from '../../src/storage/journal.ts'
import type { SocialFile, SocialRecord } from '../social/social-file.ts'
import {
  parseSocialRecord,
  SOCIAL_FILE_NAME,
  SOCIAL_JOURNAL_FILE_NAME,
  SOCIAL_SCHEMA_VERSION,
  validateSocialFile
} from '../social/social-file.ts'
import type { SocialLog, SocialReplica } from './types.ts'

/**
 * The journal is folded into social.json once it holds this many records, or as many as social.json
 * holds things if that is more: the rewrite is paid once per that many changes, so a change costs
 * about two records of writing however big the store is, and replay is never longer than the snapshot.
 */
export const SOCIAL_FOLD_RECORDS = 10_000

export interface LowdbSocialLogInit {
  dataDir: string
  log: Logger
  /** @default SOCIAL_FOLD_RECORDS (10,000) */
  foldRecords?: number
  /**
   * Opens the journal for appending (tests hand in one that fails like a full disk).
   * @default `fs.open(path, 'a', 0o600)`
   */
  openJournal?: (path: string) => Promise<JournalHandle>
}

/**
 * Friends, groups, last-seen times and devices in lowdb files: every change appended to social.journal
 * as the new state of the one thing it changed (a pair of users, a group, a user), and the journal
 * folded into social.json (written atomically and durably) now and then, from the replica in memory.
 *
 * Records hold whole states, so a fold can write social.json from memory while records are still
 * queued: replaying them over it changes nothing. A crash between writing social.json and emptying the
 * journal replays the journal's older records over the newer snapshot, which brings back the last state
 * each thing had on disk — the last one acknowledged. A record that cannot be written (disk full) makes
 * the next batch fold, which writes the replica's state, the change included.
 */
export class LowdbSocialLog implements SocialLog {
  readonly #file: DurableJSONFile<SocialFile>
  readonly #journal: Journal<SocialRecord>
  readonly #log: Logger
  readonly #foldRecords: number
  #replica?: SocialReplica
  /** Records appended since the last fold, and the count that starts the next one. */
  #records = 0
  #foldAt: number

  constructor(init: LowdbSocialLogInit) {
    this.#log = init.log
    this.#foldRecords = init.foldRecords ?? SOCIAL_FOLD_RECORDS
    this.#foldAt = this.#foldRecords
    this.#file = new DurableJSONFile<SocialFile>(join(init.dataDir, SOCIAL_FILE_NAME), {
      validate: validateSocialFile
    })
    this.#journal = new Journal<SocialRecord>(join(init.dataDir, SOCIAL_JOURNAL_FILE_NAME), {
      parse: parseSocialRecord,
      log: init.log,
      openJournal: init.openJournal,
      afterBatch: async () => {
        if (this.#records >= this.#foldAt) await this.#fold()
      }
    })
  }

  /** Read social.json, replay the journal and fold it in; throws `DataCorruptError` for damaged files. */
  async open(replica: SocialReplica): Promise<void> {
    this.#replica = replica
    const data = await this.#file.read()
    for (const user of data?.users ?? []) replica.apply({ t: 'user', user })
    for (const pair of data?.pairs ?? []) replica.apply({ t: 'pair', pair })
    for (const group of data?.groups ?? []) replica.apply({ t: 'group', group })
    const replayed = await this.#journal.open(record => replica.apply(record))
    if (replayed > 0) await this.#fold()
  }

  /** Append a record; resolves once fsynced. A failure makes the next batch fold (from memory). */
  append(record: SocialRecord): Promise<void> {
    this.#records++
    return this.#journal.append(record, () => {
      this.#foldAt = Math.min(this.#foldAt, this.#records)
    })
  }

  /** Wait for every record, fold the journal into social.json and close it. */
  async close(): Promise<void> {
    await this.#journal.flush()
    try {
      if (this.#journal.dirty) await this.#fold()
    } finally {
      await this.#journal.close()
    }
  }

  /** Write social.json from memory and empty the journal; on failure keep the journal and go on. */
  async #fold(): Promise<void> {
    const replica = this.#replica
    if (replica === undefined) return
    try {
      await this.#file.write({ version: SOCIAL_SCHEMA_VERSION, ...replica.snapshot() })
      await this.#journal.reset()
      this.#log('folded %d record(s) into %s', this.#records, SOCIAL_FILE_NAME)
      this.#records = 0
      this.#foldAt = Math.max(this.#foldRecords, replica.entities)
    } catch (err) {
      this.#log.error('could not fold %s into %s: %e', SOCIAL_JOURNAL_FILE_NAME, SOCIAL_FILE_NAME, err)
      // Try again once the journal has grown some more, not on every batch.
      this.#foldAt = this.#records + this.#foldRecords
    }
  }
}
