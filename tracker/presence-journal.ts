import {
  closeSync,
  ftruncateSync,
  futimesSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync
} from 'node:fs'
import { uptime } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import * as varint from 'uint8-varint'
import { lengthPrefixed } from '../src/protocol/frame.ts'
import type { OnlinePeer } from '../src/protocol/pb/tracker.ts'
import { PresenceEvent, PresenceState } from '../src/protocol/pb/tracker.ts'
import { presenceStateBytes } from '../src/protocol/snapshot-frames.ts'
import { usernameKey } from '../src/usernames.ts'
import type { Presence } from './presence.ts'
import { LIST_ID_BYTES } from './presence.ts'

/**
 * The online list kept across a tracker restart. A public tracker that restarts (an upgrade, a crash)
 * used to start from an empty list: every peer logged in again and was told about every other one, a
 * snapshot growing to N entries plus N joins pushed to everyone — O(N²) bytes to encrypt and write for N
 * peers that were online all along (they kept talking to each other directly). Here the tracker writes
 * its list (`presence.state`) and appends every join and leave (`presence.journal`) as it happens; a
 * tracker started again within the presence grace takes the list back with its id and version, every
 * member held until its peer logs in again. A peer that comes back with the same device and addresses
 * takes its place with no event; one that does not is dropped (a timeout leave) when the grace ends.
 *
 * Why no fsync: the record is only used after the tracker process stopped on the same boot of the
 * machine, when the page cache still holds every write; a record from before a reboot is refused (its
 * boot time differs), and so is anything torn, out of order or older than the grace — the tracker then
 * starts an empty list as before. The state file is replaced by rename, never rewritten in place.
 */

export const PRESENCE_STATE_FILE_NAME = 'presence.state'
export const PRESENCE_JOURNAL_FILE_NAME = 'presence.journal'

/**
 * How long a restarted tracker may have been away to keep the list it had, and how long it waits for
 * members once nobody is coming back any more: those not back leave (timeout). Peers retry at least
 * every 30 s (+50 % jitter), so 60 s gives every live one its turn. `--presence-grace`.
 */
export const DEFAULT_PRESENCE_GRACE_MS = 60_000

/** `--presence-grace` at most an hour: a list older than that says little about who is online. */
export const MAX_PRESENCE_GRACE_S = 3600

/** A state file larger than this is not read (10,000 peers are ~1.5 MB). */
export const MAX_PRESENCE_STATE_BYTES = 64 * 1024 * 1024

/** The journal is folded into the state file once it holds this many bytes and more than the list does. */
export const PRESENCE_COMPACT_MIN_BYTES = 1024 * 1024

/** Like the other files in the data directory: who is online, from where, is for the tracker only. */
const FILE_MODE = 0o600

/** Boot times closer than this are the same boot (`os.uptime()` has whole seconds). */
const SAME_BOOT_TOLERANCE_MS = 5_000

/** How often the journal's time is refreshed while nothing happens: the restart sees how long it was down. */
export const PRESENCE_TOUCH_INTERVAL_MS = 2_000

/** A list kept from the tracker's last run, ready for `Presence.restore`. */
export interface RestoredPresence {
  listId: Uint8Array
  version: number
  entries: OnlinePeer[]
  /** The events the journal held (oldest first): logins presenting a recent version get just these. */
  history: PresenceEvent[]
  /** How long the tracker was away (since the record was last written or touched). */
  downMs: number
  /**
   * Since when (Unix ms) members of this record have been held by an earlier start that was stopped
   * before they were all back; 0: none were held. Their grace runs from then, not from this start.
   */
  heldSince: number
}

export interface PresenceJournalInit {
  dataDir: string
  /** @default DEFAULT_PRESENCE_GRACE_MS */
  graceMs?: number
  log: Logger
  now?: () => number
}

/** When this machine booted, Unix ms. */
export function bootTime(now = Date.now()): number {
  return Math.round(now - uptime() * 1000)
}

/**
 * Appends every presence event to `presence.journal` and folds it into `presence.state` now and then.
 * `read()` gives the last run's list when it may be restored; `start()` begins this run's record.
 */
export class PresenceJournal {
  readonly #dir: string
  readonly #graceMs: number
  readonly #log: Logger
  readonly #now: () => number
  #fd?: number
  #journalBytes = 0
  #stateBytes = 0
  #presence?: Presence
  #heldSince = 0
  #touchTimer?: ReturnType<typeof setInterval>

  constructor(init: PresenceJournalInit) {
    this.#dir = init.dataDir
    this.#graceMs = init.graceMs ?? DEFAULT_PRESENCE_GRACE_MS
    this.#log = init.log
    this.#now = init.now ?? Date.now
  }

  get statePath(): string {
    return join(this.#dir, PRESENCE_STATE_FILE_NAME)
  }

  get journalPath(): string {
    return join(this.#dir, PRESENCE_JOURNAL_FILE_NAME)
  }

  /** The last run's list, when it can be restored; otherwise undefined, and the log says why. */
  read(): RestoredPresence | undefined {
    const why = (reason: string): undefined => {
      this.#log('not restoring the online list of the last run: %s', reason)
      return undefined
    }
    let stateBytes: Uint8Array
    try {
      if (statSync(this.statePath).size > MAX_PRESENCE_STATE_BYTES) return why('its state file is too large')
      // A plain Uint8Array, so that decoded fields are not Buffers (they are compared and re-encoded).
      stateBytes = new Uint8Array(readFileSync(this.statePath))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      return why(`its state file cannot be read (${(err as Error).message})`)
    }
    let state: PresenceState
    try {
      state = PresenceState.decode(stateBytes)
    } catch (err) {
      return why(`its state file does not decode (${(err as Error).message})`)
    }
    if (state.listId.byteLength !== LIST_ID_BYTES) return why('its state file names no list')
    const now = this.#now()
    if (Math.abs(state.bootTime - bootTime(now)) > SAME_BOOT_TOLERANCE_MS) {
      return why('it was written before the machine restarted')
    }
    let journal: Uint8Array = new Uint8Array()
    let lastWritten = state.savedAt
    try {
      const stat = statSync(this.journalPath)
      if (stat.size > MAX_PRESENCE_STATE_BYTES) return why('its journal is too large')
      journal = new Uint8Array(readFileSync(this.journalPath))
      lastWritten = Math.max(lastWritten, stat.mtimeMs)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        return why(`its journal cannot be read (${(err as Error).message})`)
      }
    }
    const downMs = Math.max(0, Math.round(now - lastWritten))
    if (downMs > this.#graceMs) {
      return why(`the tracker was away ${Math.round(downMs / 1000)} s, longer than the presence grace`)
    }
    // The list as saved, then every event after it, in order; a torn last record (a crash mid-append)
    // is where the journal ends.
    let version = state.snapshot?.version ?? 0
    const entries = new Map<string, OnlinePeer>()
    for (const entry of state.snapshot?.peers ?? []) entries.set(usernameKey(entry.username), entry)
    const history: PresenceEvent[] = []
    for (const event of records(journal)) {
      if (event.version <= version) continue
      if (event.version !== version + 1) {
        return why(`its journal skips from version ${version} to ${event.version}`)
      }
      version = event.version
      history.push(event)
      if (event.joined !== undefined) entries.set(usernameKey(event.joined.username), event.joined)
      else if (event.left !== undefined) entries.delete(usernameKey(event.left))
    }
    return {
      listId: state.listId,
      version,
      entries: [...entries.values()],
      history,
      downMs,
      heldSince: state.heldSince
    }
  }

  /**
   * Begin this run's record of `presence` (restored or new): its state is written now, the journal
   * emptied, and every event from here on appended (`append`, called for each event). `heldSince`:
   * since when the restored members have been held (0: none are).
   */
  start(presence: Presence, heldSince = 0): void {
    this.#presence = presence
    this.#heldSince = heldSince
    this.#writeState()
    // Emptied, then opened for appending: after a compaction truncates it, writes start at 0 again.
    writeFileSync(this.journalPath, new Uint8Array(), { mode: FILE_MODE })
    this.#fd = openSync(this.journalPath, 'a', FILE_MODE)
    this.#journalBytes = 0
    // An idle tracker still says it is alive, so a restart knows how long it was away.
    this.#touchTimer = setInterval(() => this.touch(), PRESENCE_TOUCH_INTERVAL_MS)
    this.#touchTimer.unref?.()
  }

  /** Record one event (called as presence records it, before any peer can have seen its version). */
  append(event: PresenceEvent): void {
    if (this.#fd === undefined) return
    const record = lengthPrefixed(PresenceEvent.encode(event))
    try {
      const written = writeSync(this.#fd, record)
      if (written !== record.byteLength) throw new Error(`wrote ${written} of ${record.byteLength} bytes`)
      this.#journalBytes += record.byteLength
      if (this.#journalBytes >= Math.max(PRESENCE_COMPACT_MIN_BYTES, this.#stateBytes)) this.compact()
    } catch (err) {
      // Presence goes on; only the restart after this would start an empty list.
      this.#log.error('cannot record the online list (%e): a restart will start an empty list', err)
      // Not touched: a record that stopped here must look as old as it is.
      this.close(false)
      this.#discard()
    }
  }

  /** Every restored member is back or gone: the record says none are held any more. */
  heldDone(): void {
    if (this.#heldSince === 0) return
    this.#heldSince = 0
    try {
      this.compact()
    } catch (err) {
      this.#log.error('cannot record the online list (%e): a restart will start an empty list', err)
      this.close(false)
      this.#discard()
    }
  }

  /** Fold the journal into the state file: the list as it is now, then an empty journal. */
  compact(): void {
    if (this.#fd === undefined) return
    this.#writeState()
    ftruncateSync(this.#fd, 0)
    this.#journalBytes = 0
  }

  /** Say that the tracker is alive (the journal's time), without writing anything. */
  touch(): void {
    if (this.#fd === undefined) return
    const now = this.#now() / 1000
    try {
      futimesSync(this.#fd, now, now)
    } catch {
      // Only the restart's estimate of how long the tracker was away suffers.
    }
  }

  /**
   * Stop recording; the record stays as it is for the next start (a clean stop keeps the list for a
   * restart within the grace, exactly like a crash). `touch` false: leave its time as it is (a start
   * that failed, a record that could not be kept up).
   */
  close(touch = true): void {
    if (this.#touchTimer !== undefined) clearInterval(this.#touchTimer)
    this.#touchTimer = undefined
    if (this.#fd === undefined) return
    if (touch) this.touch()
    closeSync(this.#fd)
    this.#fd = undefined
  }

  #writeState(): void {
    const presence = this.#presence!
    const now = this.#now()
    const bytes = presenceStateBytes(
      presence.listId,
      presence.snapshotBytes(),
      now,
      bootTime(now),
      this.#heldSince
    )
    const temp = `${this.statePath}.tmp`
    // A leftover temp file would keep its own mode: made anew, it gets FILE_MODE.
    rmSync(temp, { force: true })
    writeFileSync(temp, bytes, { mode: FILE_MODE })
    renameSync(temp, this.statePath)
    this.#stateBytes = bytes.byteLength
  }

  /** A record that could not be kept up must not be restored: remove its state. */
  #discard(): void {
    try {
      writeFileSync(this.statePath, new Uint8Array())
    } catch {
      // An empty or unreadable state file is refused at the next start either way.
    }
  }
}

/** The journal's records: varint length, then a PresenceEvent; stops at a torn or undecodable record. */
function* records(journal: Uint8Array): Generator<PresenceEvent> {
  let at = 0
  while (at < journal.byteLength) {
    let length: number
    try {
      length = varint.decode(journal, at)
    } catch {
      return
    }
    const start = at + varint.encodingLength(length)
    if (start + length > journal.byteLength) return
    try {
      yield PresenceEvent.decode(journal.subarray(start, start + length))
    } catch {
      return
    }
    at = start + length
  }
}
