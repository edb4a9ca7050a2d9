import { randomBytes } from 'node:crypto'
import { equalBytes } from '../src/bytes.ts'
import { DEFAULT_PRESENCE_COALESCE_MS } from '../src/protocol/constants.ts'
import { trackerFrame } from '../src/protocol/frame.ts'
import type { OnlinePeer, PresenceEvent, Snapshot } from '../src/protocol/pb/tracker.ts'
import { LeaveReason } from '../src/protocol/pb/tracker.ts'
import { leaveReasonCode } from '../src/protocol/presence-names.ts'
import { snapshotBody, snapshotEntry } from '../src/protocol/snapshot-frames.ts'
import { usernameKey } from '../src/usernames.ts'
import { peerKeyOf } from './reversal.ts'

export { LeaveReason }

/** The next window lasts at least this many times the last flush took (1: fan-out ≤ ~50 % of time). */
export const FLUSH_DUTY_RATIO = 1

/**
 * Events kept for logins that present a version of this list (Login.listVersion): a reconnect within
 * this many events gets just those, not the whole list. 4,096 joins and leaves are ~600 kB.
 */
export const PRESENCE_HISTORY_EVENTS = 4096

/** Bytes of a list id: random, so a list that was started anew is never taken for an earlier one. */
export const LIST_ID_BYTES = 16

/** A logged-in session as presence sees it. */
export interface PresenceMember {
  /** Username key (case-folded): one member per account. */
  readonly key: string
  /** PeerId as a string: one member per PeerId. */
  readonly peerKey: string
  /** What the others are told about this member. */
  readonly entry: OnlinePeer
  /** Push an encoded frame; returns false when it was skipped because the member is not reading. */
  push(frame: Uint8Array): boolean
  /**
   * Set for a member whose session is on another tracker (a shared store): it is in the list, and pushes
   * to it go through that tracker, which also sends it the deltas.
   */
  readonly remote?: boolean
  /**
   * Set for a member restored from the list a restarted tracker kept (tracker/presence-journal.ts): in
   * the list until its peer logs in again (`reclaim`) or the presence grace ends; pushes to it are skipped.
   */
  readonly held?: boolean
}

/** A member kept across a restart, until its peer logs in again: listed, but nobody reads its pushes. */
export class HeldMember implements PresenceMember {
  readonly key: string
  readonly peerKey: string
  readonly entry: OnlinePeer
  readonly held = true

  constructor(entry: OnlinePeer) {
    this.entry = entry
    this.key = usernameKey(entry.username)
    this.peerKey = peerKeyOf(entry.peerId)
  }

  get username(): string {
    return this.entry.username
  }

  push(): boolean {
    return false
  }
}

/** Two entries that tell the others the same (`since` aside): a login that changes nothing for them. */
export function sameEntry(a: OnlinePeer, b: OnlinePeer): boolean {
  return (
    a.username === b.username &&
    a.reachable === b.reachable &&
    equalBytes(a.peerId, b.peerId) &&
    equalLists(a.addrs, b.addrs) &&
    equalLists(a.relay, b.relay)
  )
}

function equalLists(a: Uint8Array[], b: Uint8Array[]): boolean {
  return a.length === b.length && a.every((x, i) => equalBytes(x, b[i]))
}

export interface PresenceInit {
  /**
   * Events within this window are sent as one delta per subscriber.
   * @default DEFAULT_PRESENCE_COALESCE_MS (100 ms)
   */
  coalesceMs?: number
}

export interface PresenceStats {
  version: number
  online: number
  events: number
  deltaFrames: number
  deltaBytes: number
  skippedPushes: number
}

/**
 * Who is online, with a version that counts every join and leave. Each event is queued; within the
 * coalescing window they become one Delta, encoded once and pushed as the same bytes to every member:
 * a join costs O(N) bytes for N subscribers, not the O(N²) of rebroadcasting the whole list.
 */
export class Presence {
  readonly #members = new Map<string, PresenceMember>()
  readonly #byPeer = new Map<string, PresenceMember>()
  /** Members whose session is on this tracker: the ones deltas are pushed to. */
  readonly #local = new Set<PresenceMember>()
  readonly #coalesceMs: number
  #version = 0
  #pending: PresenceEvent[] = []
  #pendingBase = 0
  #timer: ReturnType<typeof setTimeout> | null = null
  #lastFlushMs = 0
  #lastFlushEnd = 0
  readonly #stats = { events: 0, deltaFrames: 0, deltaBytes: 0, skippedPushes: 0 }
  /** Each member's entry as snapshot bytes, encoded once when it joins (src/protocol/snapshot-frames). */
  readonly #entryBytes = new Map<PresenceMember, Uint8Array>()
  /** The encoded snapshot of the list as it is, until it changes. */
  #snapshotBytes?: Uint8Array
  /** Restored members whose peers have not logged in again yet. */
  readonly #held = new Set<PresenceMember>()
  /** The latest events, oldest first (at most ~2 × PRESENCE_HISTORY_EVENTS). */
  #history: PresenceEvent[] = []
  /** A new id for every run: versions a run gave out are never taken for another run's. */
  readonly #listId: Uint8Array = new Uint8Array(randomBytes(LIST_ID_BYTES))
  /** The last run's id, and the version up to which its record vouches for it (restored lists). */
  #previous?: { id: Uint8Array; upTo: number }
  /** Called once per event, for metrics and the journal. */
  onEvent?: (event: PresenceEvent) => void

  constructor(init: PresenceInit = {}) {
    this.#coalesceMs = init.coalesceMs ?? DEFAULT_PRESENCE_COALESCE_MS
  }

  get version(): number {
    return this.#version
  }

  get size(): number {
    return this.#members.size
  }

  /**
   * Names this list as this run serves it (LoggedIn.listId): every run has its own, so a version is
   * only ever taken from the run that gave it out — or, after a restart, from the last run up to the
   * version its record reached (`restore`). What the last run gave out after that (lost with it) is
   * never mistaken for what this run gives out under the same numbers.
   */
  get listId(): Uint8Array {
    return this.#listId
  }

  /**
   * The events after `version` of the list named `listId`, for a login that kept it: this run's list,
   * or the last run's up to the version restored. Undefined: the login gets the whole list.
   */
  changesSince(listId: Uint8Array, version: number): PresenceEvent[] | undefined {
    if (equalBytes(listId, this.#listId)) return this.eventsSince(version)
    const previous = this.#previous
    if (previous !== undefined && version <= previous.upTo && equalBytes(listId, previous.id)) {
      return this.eventsSince(version)
    }
    return undefined
  }

  /** Restored members still waiting for their peers. */
  get heldCount(): number {
    return this.#held.size
  }

  heldMembers(): PresenceMember[] {
    return [...this.#held]
  }

  /**
   * The events after `version`, for a login that presents it: [] when it is the current one, undefined
   * when it is not one this list can bring up to date (too old for the history, or ahead of the list).
   */
  eventsSince(version: number): PresenceEvent[] | undefined {
    if (version === this.#version) return []
    if (version > this.#version || this.#history.length === 0) return undefined
    // The first kept event must be the one right after `version`, or an earlier one.
    if (this.#history[0].version > version + 1) return undefined
    let lo = 0
    let hi = this.#history.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.#history[mid].version <= version) lo = mid + 1
      else hi = mid
    }
    return this.#history.slice(lo)
  }

  /**
   * Take a list kept across a restart: the last run's id, the version its record reached, the events
   * that led to it (history) and its members, each `held` until its peer logs in again. The list keeps
   * its versions under this run's own id; logins that present the last run's id are brought up to date
   * from versions up to `version`. Only on an empty list, before anyone joins.
   */
  restore(
    listId: Uint8Array,
    version: number,
    members: Iterable<PresenceMember>,
    history: PresenceEvent[] = []
  ): void {
    if (this.#members.size > 0) throw new Error('presence can only be restored before anyone joins')
    this.#previous = { id: listId, upTo: version }
    this.#version = version
    this.#history = history.filter(e => e.version <= version).slice(-PRESENCE_HISTORY_EVENTS)
    for (const member of members) {
      this.#add(member)
      this.#held.add(member)
    }
  }

  /**
   * A held member's peer logged in again with exactly the entry it had: `member` takes its place with
   * no event and no new version (everyone's list, and every list a peer kept, stays current).
   */
  reclaim(held: PresenceMember, member: PresenceMember): void {
    if (!this.#held.has(held) || !this.isCurrent(held)) throw new Error('not a held member')
    if (held.key !== member.key || held.peerKey !== member.peerKey || held.entry !== member.entry) {
      throw new Error('a held member is reclaimed only by the same account, device and entry')
    }
    const bytes = this.#entryBytes.get(held)
    this.#held.delete(held)
    this.#entryBytes.delete(held)
    this.#members.set(member.key, member)
    this.#byPeer.set(member.peerKey, member)
    if (bytes !== undefined) this.#entryBytes.set(member, bytes)
    if (!member.remote) this.#local.add(member)
  }

  byKey(key: string): PresenceMember | undefined {
    return this.#members.get(key)
  }

  byPeer(peerKey: string): PresenceMember | undefined {
    return this.#byPeer.get(peerKey)
  }

  isCurrent(member: PresenceMember): boolean {
    return this.#members.get(member.key) === member
  }

  members(): IterableIterator<PresenceMember> {
    return this.#members.values()
  }

  /** Add a member; the caller has already removed any session it replaces. Returns the new version. */
  join(member: PresenceMember): number {
    if (this.#members.has(member.key) || this.#byPeer.has(member.peerKey)) {
      throw new Error(`presence already holds ${member.key} or its PeerId`)
    }
    this.#add(member)
    return this.#record({ version: 0, joined: member.entry, reason: leaveReasonCode(LeaveReason.LOGOUT) })
  }

  /** Remove a member if it is the current one for its account; returns whether it was. */
  leave(member: PresenceMember, reason: LeaveReason): boolean {
    if (!this.isCurrent(member)) return false
    this.#drop(member)
    this.#record({ version: 0, left: member.entry.username, reason: leaveReasonCode(reason) })
    return true
  }

  /**
   * Add a member at the version a shared store gave its join (tracker/store/redis-presence.ts: every
   * tracker applies every join and leave in the store's order, so versions agree everywhere).
   */
  joinAt(member: PresenceMember, version: number): void {
    this.#drop(this.#members.get(member.key))
    this.#drop(this.#byPeer.get(member.peerKey))
    this.#add(member)
    this.#record({ version: 0, joined: member.entry, reason: leaveReasonCode(LeaveReason.LOGOUT) }, version)
  }

  /** Remove the current member of `key` at the version a shared store gave its leave. */
  leaveAt(member: PresenceMember, reason: LeaveReason, version: number): void {
    this.#drop(member)
    this.#record({ version: 0, left: member.entry.username, reason: leaveReasonCode(reason) }, version)
  }

  /**
   * Replace the whole list with a shared store's, at its version (after losing track of its events).
   * Nothing is pushed: the next delta's base is this version, and a member that held an older one
   * sees the gap and asks for a snapshot (docs/protocol.md).
   */
  resetTo(members: Iterable<PresenceMember>, version: number): void {
    this.#members.clear()
    this.#byPeer.clear()
    this.#local.clear()
    this.#held.clear()
    this.#entryBytes.clear()
    for (const member of members) this.#add(member)
    this.#pending = []
    this.#history = []
    this.#version = version
    this.#snapshotBytes = undefined
  }

  #add(member: PresenceMember): void {
    this.#snapshotBytes = undefined
    this.#entryBytes.set(member, snapshotEntry(member.entry))
    this.#members.set(member.key, member)
    this.#byPeer.set(member.peerKey, member)
    if (!member.remote && !member.held) this.#local.add(member)
  }

  #drop(member: PresenceMember | undefined): void {
    if (member === undefined || this.#members.get(member.key) !== member) return
    this.#snapshotBytes = undefined
    this.#entryBytes.delete(member)
    this.#members.delete(member.key)
    this.#local.delete(member)
    this.#held.delete(member)
    if (this.#byPeer.get(member.peerKey) === member) this.#byPeer.delete(member.peerKey)
  }

  /**
   * The list as an encoded `Snapshot` body: the entries' bytes joined, built at most once per version
   * (every login reply and snapshot request in between gets the same bytes).
   */
  snapshotBytes(): Uint8Array {
    this.#snapshotBytes ??= snapshotBody(
      this.#version,
      (function* (members: Map<string, PresenceMember>, bytes: Map<PresenceMember, Uint8Array>) {
        for (const member of members.values()) yield bytes.get(member) ?? snapshotEntry(member.entry)
      })(this.#members, this.#entryBytes)
    )
    return this.#snapshotBytes
  }

  snapshot(): Snapshot {
    const peers: OnlinePeer[] = []
    for (const member of this.#members.values()) peers.push(member.entry)
    return { version: this.#version, peers }
  }

  /** Send what is queued now instead of at the end of the window. */
  flush(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer)
      this.#timer = null
    }
    if (this.#pending.length === 0) return
    const began = performance.now()
    const frame = trackerFrame({ delta: { baseVersion: this.#pendingBase, events: this.#pending } })
    this.#pending = []
    // A member on another tracker gets the same delta from there.
    for (const member of this.#local) {
      if (member.push(frame)) {
        this.#stats.deltaFrames++
        this.#stats.deltaBytes += frame.byteLength
      } else {
        this.#stats.skippedPushes++
      }
    }
    // Pushing to every member is synchronous work (encrypt + write per member). With 10,000 members
    // it takes a good part of a second; the next window is at least as long, so fan-out uses at most
    // about half of the tracker's time and logins, heartbeats and handshakes keep being served.
    this.#lastFlushEnd = performance.now()
    this.#lastFlushMs = this.#lastFlushEnd - began
  }

  /**
   * How long until the next flush: the configured window, or — right after a slow flush — until as much
   * time has passed since it ended as it took. A single event after a quiet spell waits only the window.
   */
  get windowMs(): number {
    const cooldown = this.#lastFlushEnd + this.#lastFlushMs * FLUSH_DUTY_RATIO - performance.now()
    return Math.max(this.#coalesceMs, Math.round(cooldown))
  }

  stats(): PresenceStats {
    return { version: this.#version, online: this.#members.size, ...this.#stats }
  }

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#pending = []
  }

  /** Queue an event: the next version, or the one a shared store gave it (they come in order). */
  #record(event: PresenceEvent, version = this.#version + 1): number {
    if (this.#pending.length === 0) this.#pendingBase = version - 1
    this.#version = version
    this.#snapshotBytes = undefined
    event.version = this.#version
    this.#pending.push(event)
    this.#history.push(event)
    // Trimmed in steps, so that keeping the history costs O(1) per event.
    if (this.#history.length >= 2 * PRESENCE_HISTORY_EVENTS) {
      this.#history = this.#history.slice(-PRESENCE_HISTORY_EVENTS)
    }
    this.#stats.events++
    this.onEvent?.(event)
    if (this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null
        this.flush()
      }, this.windowMs)
      this.#timer.unref?.()
    }
    return this.#version
  }
}
