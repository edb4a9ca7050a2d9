import type { Logger } from '@libp2p/interface'
import type { LoggedIn } from '../src/protocol/pb/tracker.ts'
import type { PresenceMember } from './presence.ts'
import { HeldMember, LeaveReason, type Presence, sameEntry } from './presence.ts'
import { PresenceJournal } from './presence-journal.ts'
import type { Social, SocialSession } from './social/index.ts'

/**
 * Members kept across a restart wait for their peers at most this many presence graces, however long the
 * peers keep coming back (a tracker restarted over and over keeps nobody listed for ever).
 */
export const MAX_HELD_GRACES = 10

/** The online list kept across a restart (tracker/presence-journal.ts) and logins that resumed a list. */
export interface PresenceRestoreCounters {
  /** Members the list had when this tracker started again (0: it started an empty list). */
  restored: number
  /** How long the tracker was away before this start, ms (0 when nothing was restored). */
  awayMs: number
  /** Restored members whose peers are not back yet. */
  held: number
  /** Restored members whose peers came back with the same device and addresses: no event. */
  reclaimed: number
  /** Restored members replaced by a different login (another device, other addresses). */
  replaced: number
  /** Restored members whose peers did not come back within the grace (timeout leaves). */
  expired: number
  /** Logins that presented a version of this list and got only the changes since (Login.listVersion). */
  listResumes: number
  /** Logins that got the whole list. */
  listSnapshots: number
}

/** A session logging in, as this sees it: its account, PeerId and the entry it would publish. */
export interface ReturningSession extends PresenceMember, SocialSession {
  entry: PresenceMember['entry']
}

export interface PresenceRestoreComponents {
  dataDir: string
  presence: Presence
  log: Logger
}

/**
 * One tracker's online list across its restarts: the record on disk (with a grace > 0), the members
 * kept from the last run until their peers come back or the grace runs out, and the list resumption of
 * logins (the changes since the version a peer kept, LoggedIn.listDelta). Trackers sharing a store have
 * none of it: their list lives in the store.
 */
export class PresenceRestore {
  readonly #c: PresenceRestoreComponents
  readonly #graceMs: number
  #social?: Social
  #journal?: PresenceJournal
  #graceTimer?: ReturnType<typeof setTimeout>
  /** Restored members: held since (Unix ms) and the last time one came back. */
  readonly #held = { since: 0, lastReturn: 0 }
  readonly #counters = {
    restored: 0,
    awayMs: 0,
    reclaimed: 0,
    replaced: 0,
    expired: 0,
    listResumes: 0,
    listSnapshots: 0
  }

  constructor(components: PresenceRestoreComponents, graceMs: number) {
    this.#c = components
    this.#graceMs = graceMs
  }

  get counters(): PresenceRestoreCounters {
    return { ...this.#counters, held: this.#c.presence.heldCount }
  }

  /**
   * Take back the last run's list when it may be (its members held until their peers log in again) and
   * record this run's events. A record that cannot be written is logged, not fatal: the tracker serves
   * on, and its next start begins an empty list.
   */
  start(social: Social | undefined): void {
    this.#social = social
    if (this.#graceMs <= 0) return
    try {
      this.#open()
    } catch (err) {
      this.#c.log.error('cannot record the online list (%e): a restart will start an empty list', err)
      this.stop(false)
    }
  }

  /**
   * Stop recording; the record stays for the next start. `touch` false: leave its time as it is (a start
   * that failed says nothing about who is online).
   */
  stop(touch = true): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer)
    this.#graceTimer = undefined
    this.#journal?.close(touch)
    this.#journal = undefined
  }

  /**
   * A login whose account or PeerId is held from before the restart: reclaimed (true) when it is the same
   * account on the same device with the same entry — its `since` kept, no event; otherwise the held
   * member leaves (disconnect for the same device, replaced for another) and the login joins anew.
   */
  takeBack(session: ReturningSession): boolean {
    const presence = this.#c.presence
    for (const held of [presence.byKey(session.key), presence.byPeer(session.peerKey)]) {
      if (held === undefined || !held.held || !presence.isCurrent(held)) continue
      this.#held.lastReturn = Date.now()
      const sameDevice = held.peerKey === session.peerKey
      if (sameDevice && held.key === session.key && sameEntry(held.entry, session.entry)) {
        session.entry = held.entry
        presence.reclaim(held, session)
        this.#counters.reclaimed++
        if (presence.heldCount === 0) this.#allBack()
        return true
      }
      presence.leave(held, sameDevice ? LeaveReason.DISCONNECT : LeaveReason.REPLACED)
      this.#social?.left(held as HeldMember)
      this.#counters.replaced++
      if (presence.heldCount === 0) this.#allBack()
    }
    return false
  }

  /**
   * What a login that presented `listId` at `listVersion` gets: the changes since (undefined: the whole
   * list). Called after the login's own events, so they are among the changes.
   */
  listDelta(listId: Uint8Array, listVersion: number): LoggedIn['listDelta'] {
    const events = listId.byteLength === 0 ? undefined : this.#c.presence.changesSince(listId, listVersion)
    // More changes than the list has members: the list itself is the smaller answer (and is encoded once).
    if (events === undefined || events.length > this.#c.presence.size) {
      this.#counters.listSnapshots++
      return undefined
    }
    this.#counters.listResumes++
    return { baseVersion: listVersion, events }
  }

  #open(): void {
    const { presence, log, dataDir } = this.#c
    const journal = new PresenceJournal({ dataDir, graceMs: this.#graceMs, log })
    this.#journal = journal
    const restored = journal.read()
    let held: HeldMember[] | undefined
    try {
      held = restored?.entries.map(entry => new HeldMember(entry))
    } catch (err) {
      log('not restoring the online list of the last run: an entry is not valid (%s)', (err as Error).message)
    }
    let heldSince = 0
    if (restored !== undefined && held !== undefined) {
      presence.restore(restored.listId, restored.version, held, restored.history)
      this.#counters.restored = restored.entries.length
      this.#counters.awayMs = restored.downMs
      // Members an earlier start was still waiting for keep that start's deadline: a tracker restarted
      // over and over does not keep someone who left listed for ever.
      const now = Date.now()
      heldSince = held.length === 0 ? 0 : restored.heldSince > 0 ? Math.min(restored.heldSince, now) : now
      this.#held.since = heldSince
      this.#held.lastReturn = heldSince
      log(
        'kept the online list of the last run: %d members at version %d (away %d ms); %d ms for them to come back',
        restored.entries.length,
        restored.version,
        restored.downMs,
        Math.max(0, this.#deadline() - now)
      )
      if (held.length > 0) this.#armGrace()
    }
    journal.start(presence, heldSince)
    const metrics = presence.onEvent
    presence.onEvent = event => {
      journal.append(event)
      metrics?.(event)
    }
  }

  /**
   * When the members still held leave: a grace after the restart, or — while peers keep coming back (a
   * storm of thousands takes longer than a grace on a busy machine) — a grace after the last one came
   * back, so every live peer, retrying at least every 45 s, gets its turn once the storm has passed.
   * Never later than MAX_HELD_GRACES graces after they were first held.
   */
  #deadline(): number {
    const { since, lastReturn } = this.#held
    return Math.min(Math.max(since, lastReturn) + this.#graceMs, since + MAX_HELD_GRACES * this.#graceMs)
  }

  #armGrace(): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer)
    this.#graceTimer = setTimeout(
      () => {
        this.#graceTimer = undefined
        // Someone came back meanwhile: the deadline moved on.
        if (Date.now() < this.#deadline()) this.#armGrace()
        else this.#expire()
      },
      Math.max(0, this.#deadline() - Date.now())
    )
    this.#graceTimer.unref?.()
  }

  /** The grace is over: whoever was kept and has not come back has left. */
  #expire(): void {
    const presence = this.#c.presence
    for (const member of presence.heldMembers()) {
      if (!presence.leave(member, LeaveReason.TIMEOUT)) continue
      this.#counters.expired++
      this.#social?.left(member as HeldMember)
      this.#c.log('%s did not come back after the restart: left (timeout)', member.entry.username)
    }
    this.#journal?.heldDone()
  }

  /** Every member kept across the restart is back (or replaced): nothing left to wait for. */
  #allBack(): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer)
    this.#graceTimer = undefined
    this.#journal?.heldDone()
  }
}
