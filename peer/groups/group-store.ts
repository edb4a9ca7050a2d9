import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import type { JournalHandle } from '../../src/storage/journal.ts'
import { GROUPS_DIR_NAME } from './constants.ts'
import { listGroupFiles } from './group-files.ts'
import { GroupLog } from './group-log.ts'
import { checkGroupId } from './group-post.ts'

export interface GroupStoreInit {
  log: Logger
  maxInMemory?: number
  segmentBytes?: number
  openJournal?: (path: string) => Promise<JournalHandle>
}

/**
 * Every group's log under <dataDir>/groups/: those with files are replayed at open, others are created
 * on first use. Group ids are checked (16 base64url characters) before they name a file.
 */
export class GroupStore {
  readonly dir: string
  readonly #init: GroupStoreInit
  readonly #logs = new Map<string, GroupLog>()
  readonly #opening = new Map<string, Promise<GroupLog>>()

  constructor(dataDir: string, init: GroupStoreInit) {
    this.dir = join(dataDir, GROUPS_DIR_NAME)
    this.#init = init
  }

  /** Replay every group found on disk; a damaged journal stops this with DATA_CORRUPT naming it. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    for (const [group, segments] of await listGroupFiles(this.dir)) {
      const log = this.#newLog(group, segments)
      await log.open()
      this.#logs.set(group, log)
    }
  }

  /** The group's log if we have one. */
  get(group: string): GroupLog | undefined {
    return this.#logs.get(group)
  }

  /** The group's log, created (an empty journal) if we had none. */
  async log(group: string): Promise<GroupLog> {
    checkGroupId(group)
    const existing = this.#logs.get(group)
    if (existing !== undefined) return existing
    let opening = this.#opening.get(group)
    if (opening === undefined) {
      opening = (async () => {
        const log = this.#newLog(group, [])
        await log.open()
        this.#logs.set(group, log)
        return log
      })().finally(() => this.#opening.delete(group))
      this.#opening.set(group, opening)
    }
    return opening
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#opening.values())
    const logs = [...this.#logs.values()]
    this.#logs.clear()
    const results = await Promise.allSettled(logs.map(l => l.close()))
    for (const r of results)
      if (r.status === 'rejected') this.#init.log.error('closing a group log: %e', r.reason)
  }

  #newLog(group: string, segments: number[]): GroupLog {
    return new GroupLog(this.dir, group, {
      log: this.#init.log,
      maxInMemory: this.#init.maxInMemory,
      segmentBytes: this.#init.segmentBytes,
      openJournal: this.#init.openJournal,
      segments
    })
  }
}
