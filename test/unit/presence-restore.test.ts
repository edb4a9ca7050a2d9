import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import type { OnlinePeer } from '../../src/protocol/pb/tracker.ts'
import { PresenceState, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import { snapshotBody, snapshotEntry } from '../../src/protocol/snapshot-frames.ts'
import type { PresenceMember } from '../../tracker/presence.ts'
import {
  HeldMember,
  LeaveReason,
  PRESENCE_HISTORY_EVENTS,
  Presence,
  sameEntry
} from '../../tracker/presence.ts'
import {
  bootTime,
  PRESENCE_COMPACT_MIN_BYTES,
  PRESENCE_JOURNAL_FILE_NAME,
  PRESENCE_STATE_FILE_NAME,
  PresenceJournal
} from '../../tracker/presence-journal.ts'

async function entry(name: string, addr = 1): Promise<OnlinePeer> {
  const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  return {
    username: name,
    peerId: peerId.toMultihash().bytes,
    addrs: [Uint8Array.from([4, 127, 0, 0, addr, 6, 0x0f, 0xa1])],
    since: 1_700_000_000_000,
    reachable: true,
    relay: []
  }
}

/** A live member: its entry, and the frames pushed to it. */
function live(e: OnlinePeer): PresenceMember & { frames: Uint8Array[] } {
  const held = new HeldMember(e)
  const frames: Uint8Array[] = []
  return {
    key: held.key,
    peerKey: held.peerKey,
    entry: e,
    frames,
    push(frame) {
      frames.push(frame)
      return true
    }
  }
}

const decode = (frame: Uint8Array) => TrackerMessage.decode(frame.subarray(frame[0] < 0x80 ? 1 : 2))

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'p2pchat-presence-'))
  dirs.push(d)
  return d
}
const log = logger('p2pchat:test:presence')

describe('presence: changes since a version', () => {
  it('gives [] at the current version, the events after an older one, and nothing it cannot vouch for', async () => {
    const p = new Presence({ coalesceMs: 1_000_000 })
    const a = live(await entry('a'))
    const b = live(await entry('b'))
    p.join(a)
    p.join(b)
    p.leave(a, LeaveReason.TIMEOUT)
    expect(p.eventsSince(3)).toEqual([])
    expect(p.eventsSince(1)?.map(e => [e.version, e.joined?.username ?? e.left])).toEqual([
      [2, 'b'],
      [3, 'a']
    ])
    expect(p.eventsSince(0)).toHaveLength(3)
    // Ahead of the list: a version this list never had (a record that lost its tail).
    expect(p.eventsSince(4)).toBeUndefined()
    p.stop()
  })

  it('keeps a bounded history: a version older than it gets the whole list', async () => {
    const p = new Presence({ coalesceMs: 1_000_000 })
    const a = live(await entry('a'))
    for (let i = 0; i < PRESENCE_HISTORY_EVENTS + 10; i++) {
      p.join(a)
      p.leave(a, LeaveReason.LOGOUT)
    }
    expect(p.version).toBe(2 * (PRESENCE_HISTORY_EVENTS + 10))
    expect(p.eventsSince(1)).toBeUndefined()
    expect(p.eventsSince(p.version - 5)).toHaveLength(5)
    p.stop()
  })
})

describe('presence: a list kept across a restart', () => {
  it('holds restored members until they come back: no event, no new version, pushes skipped', async () => {
    const p = new Presence({ coalesceMs: 1_000_000 })
    const ea = await entry('a')
    const eb = await entry('b')
    const listId = new Uint8Array(16).fill(9)
    p.restore(listId, 41, [new HeldMember(ea), new HeldMember(eb)])
    // This run names the list anew; the last run's id is taken up to the version restored.
    expect(p.listId).not.toEqual(listId)
    expect(p.changesSince(listId, 41)).toEqual([])
    expect(p.changesSince(listId, 42)).toBeUndefined()
    expect(p.changesSince(p.listId, 41)).toEqual([])
    expect(p.changesSince(new Uint8Array(16), 41)).toBeUndefined()
    expect(p.version).toBe(41)
    expect(p.size).toBe(2)
    expect(p.heldCount).toBe(2)
    const before = p.snapshotBytes()
    expect(before).toEqual(snapshotBody(41, [snapshotEntry(ea), snapshotEntry(eb)]))

    // a comes back with the same entry: it takes its place unseen.
    const a = live(ea)
    p.reclaim(p.byKey(a.key)!, a)
    expect(p.version).toBe(41)
    expect(p.heldCount).toBe(1)
    expect(p.byKey(a.key)).toBe(a)
    expect(p.byPeer(a.peerKey)).toBe(a)
    expect(p.snapshotBytes()).toEqual(before)

    // b never comes back: its leave reaches a, the live member; nothing is pushed to b.
    p.leave(p.byKey('b')!, LeaveReason.TIMEOUT)
    p.flush()
    expect(a.frames).toHaveLength(1)
    expect(decode(a.frames[0]).delta?.events.map(e => [e.version, e.left])).toEqual([[42, 'b']])
    expect(p.heldCount).toBe(0)
    p.stop()
  })

  it('refuses to reclaim with another entry object, and to restore over a list with members', async () => {
    const p = new Presence({ coalesceMs: 1_000_000 })
    const ea = await entry('a')
    p.restore(new Uint8Array(16), 1, [new HeldMember(ea)])
    expect(() => p.reclaim(p.byKey('a')!, live({ ...ea }))).toThrow(/same account, device and entry/)
    expect(() => p.restore(new Uint8Array(16), 1, [])).toThrow(/before anyone joins/)
    p.stop()
  })

  it('compares entries by what the others are told, not by when the session began', async () => {
    const ea = await entry('a')
    expect(sameEntry(ea, { ...ea, since: 5 })).toBe(true)
    expect(sameEntry(ea, { ...ea, addrs: [Uint8Array.from([4, 127, 0, 0, 2, 6, 0x0f, 0xa1])] })).toBe(false)
    expect(sameEntry(ea, { ...ea, addrs: [] })).toBe(false)
    expect(sameEntry(ea, { ...ea, reachable: false })).toBe(false)
    expect(sameEntry(ea, { ...ea, relay: [new Uint8Array(1)] })).toBe(false)
    expect(sameEntry(ea, await entry('a'))).toBe(false) // another PeerId
  })
})

describe('presence journal', () => {
  async function recorded(dataDir: string) {
    const p = new Presence({ coalesceMs: 1_000_000 })
    const journal = new PresenceJournal({ dataDir, log })
    expect(journal.read()).toBeUndefined()
    journal.start(p)
    p.onEvent = event => journal.append(event)
    const a = live(await entry('a'))
    const b = live(await entry('b'))
    const c = live(await entry('c'))
    p.join(a)
    p.join(b)
    p.join(c)
    p.leave(b, LeaveReason.LOGOUT)
    return { p, journal, a, b, c }
  }

  it('gives back the list, its id, version and history, as the last run left it (killed: no close)', async () => {
    const dataDir = dir()
    const { p, a, c } = await recorded(dataDir)
    const restored = new PresenceJournal({ dataDir, log }).read()!
    expect(restored.listId).toEqual(p.listId)
    expect(restored.version).toBe(4)
    expect(restored.entries.map(e => e.username)).toEqual(['a', 'c'])
    expect(restored.entries[0]).toEqual(a.entry)
    expect(restored.history.map(e => e.version)).toEqual([1, 2, 3, 4])
    expect(restored.downMs).toBeLessThan(5_000)
    expect(restored.entries[1]).toEqual(c.entry)
    expect(restored.heldSince).toBe(0)
    p.stop()
  })

  it('restores through a compaction, and from a torn last record', async () => {
    const dataDir = dir()
    const p = new Presence({ coalesceMs: 1_000_000 })
    const journal = new PresenceJournal({ dataDir, log })
    journal.start(p)
    p.onEvent = event => journal.append(event)
    const members = await Promise.all(Array.from({ length: 20 }, (_, i) => entry(`u${i}`)))
    // Enough joins and leaves to pass the compaction threshold at least once.
    let events = 0
    while (events * 60 < 2 * PRESENCE_COMPACT_MIN_BYTES) {
      for (const e of members) p.join(live(e))
      for (const e of members) p.leave(p.byKey(e.username)!, LeaveReason.DISCONNECT)
      events += 40
    }
    p.join(live(members[19]))
    const journalPath = join(dataDir, PRESENCE_JOURNAL_FILE_NAME)
    expect(readFileSync(journalPath).byteLength).toBeLessThan(PRESENCE_COMPACT_MIN_BYTES + 1024)
    const restored = new PresenceJournal({ dataDir, log }).read()!
    expect(restored.version).toBe(p.version)
    expect(restored.entries.map(e => e.username)).toEqual(['u19'])
    // A crash in the middle of an append: the record is cut short.
    writeFileSync(journalPath, Uint8Array.from([0x7f, 1, 2]), { flag: 'a' })
    expect(new PresenceJournal({ dataDir, log }).read()?.version).toBe(p.version)
    p.stop()
  })

  it('refuses a record older than the grace, from before a reboot, with a gap, or that is not one', async () => {
    const dataDir = dir()
    const { p } = await recorded(dataDir)
    const statePath = join(dataDir, PRESENCE_STATE_FILE_NAME)
    const journalPath = join(dataDir, PRESENCE_JOURNAL_FILE_NAME)
    // Away longer than the grace: nothing written or touched for 2 minutes (same boot).
    const state0 = PresenceState.decode(readFileSync(statePath))
    writeFileSync(statePath, PresenceState.encode({ ...state0, savedAt: Date.now() - 120_000 }))
    const old = (Date.now() - 120_000) / 1000
    utimesSync(journalPath, old, old)
    expect(new PresenceJournal({ dataDir, log, graceMs: 60_000 }).read()).toBeUndefined()
    const longer = new PresenceJournal({ dataDir, log, graceMs: 600_000 }).read()
    expect(longer?.version).toBe(4)
    expect(longer!.downMs).toBeGreaterThanOrEqual(119_000)
    // Touched a moment ago (an idle tracker refreshes the journal's time): within the grace again.
    const now = Date.now() / 1000
    utimesSync(journalPath, now, now)
    expect(new PresenceJournal({ dataDir, log, graceMs: 60_000 }).read()?.version).toBe(4)

    // Written before the machine booted again.
    const state = PresenceState.decode(readFileSync(statePath))
    writeFileSync(statePath, PresenceState.encode({ ...state, bootTime: bootTime() - 3_600_000 }))
    expect(new PresenceJournal({ dataDir, log, graceMs: 600_000 }).read()).toBeUndefined()
    writeFileSync(statePath, PresenceState.encode(state))

    // A journal that skips a version is not a record of this list.
    const journal = readFileSync(journalPath)
    const first = journal[0] + 1
    writeFileSync(journalPath, journal.subarray(first))
    expect(new PresenceJournal({ dataDir, log, graceMs: 600_000 }).read()).toBeUndefined()

    // Garbage in place of the state.
    writeFileSync(statePath, Uint8Array.from([0xff, 0xff, 0xff]))
    expect(new PresenceJournal({ dataDir, log, graceMs: 600_000 }).read()).toBeUndefined()
    p.stop()
  })
})
