import * as varint from 'uint8-varint'
import { describe, expect, it } from 'vitest'
import type { LoggedIn, OnlinePeer } from '../../src/protocol/pb/tracker.ts'
import { Snapshot, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import {
  loggedInFrame,
  snapshotBody,
  snapshotEntry,
  snapshotFrame
} from '../../src/protocol/snapshot-frames.ts'
import type { PresenceMember } from '../../tracker/presence.ts'
import { LeaveReason, Presence } from '../../tracker/presence.ts'

/** A frame's message, after its varint length (which must be the rest of the frame). */
function decode(frame: Uint8Array): TrackerMessage {
  const length = varint.decode(frame)
  const body = frame.subarray(varint.encodingLength(length))
  expect(body.byteLength).toBe(length)
  return TrackerMessage.decode(body)
}

const entry = (name: string, extra: Partial<OnlinePeer> = {}): OnlinePeer => ({
  username: name,
  peerId: Uint8Array.from([0, 36, 8, 1, 18, 32, ...name.split('').map(c => c.charCodeAt(0))]),
  addrs: [Uint8Array.from([4, 127, 0, 0, 1, 6, 0x0f, 0xa1])],
  since: 1_700_000_000_000 + name.length,
  reachable: name.length % 2 === 0,
  relay: [],
  ...extra
})

const LOGGED_IN: Omit<LoggedIn, 'snapshot'> = {
  username: 'alice',
  heartbeatMs: 10_000,
  addrs: [Uint8Array.from([4, 10, 0, 0, 1])],
  trackerVersion: '0.1.0',
  relay: true,
  relayDataLimit: 64 * 1024 * 1024,
  relayDurationLimitMs: 1_800_000,
  credential: { token: new Uint8Array(45).fill(9), expiresAt: 1_800_000_000_000 },
  addrProof: new Uint8Array(45).fill(8),
  listId: new Uint8Array(16).fill(7)
}

describe('snapshot frames', () => {
  it('decode exactly as the messages protons would encode, empty lists, ids and versions included', () => {
    const lists: OnlinePeer[][] = [
      [],
      [entry('a')],
      [entry('bob'), entry('zoë', { relay: [Uint8Array.from([1, 2])], addrs: [] }), entry('carol')]
    ]
    for (const peers of lists) {
      for (const version of [0, 1, 300, 2 ** 40]) {
        const body = snapshotBody(version, peers.map(snapshotEntry))
        expect(Snapshot.decode(body)).toEqual({ version, peers })
        for (const id of [0, 1, 0xffff_ffff]) {
          expect(decode(snapshotFrame(id, body))).toEqual(
            TrackerMessage.decode(TrackerMessage.encode({ id, snapshot: { version, peers } }))
          )
          expect(decode(loggedInFrame(id, LOGGED_IN, body))).toEqual(
            TrackerMessage.decode(
              TrackerMessage.encode({ id, loggedIn: { ...LOGGED_IN, snapshot: { version, peers } } })
            )
          )
        }
      }
    }
  })

  it('presence hands out one encoding per version, and a new one after every change', () => {
    const p = new Presence({ coalesceMs: 1_000_000 })
    const member = (name: string): PresenceMember => ({
      key: name,
      peerKey: `peer-${name}`,
      entry: entry(name),
      push: () => true
    })
    const a = member('a')
    const b = member('bb')
    expect(Snapshot.decode(p.snapshotBytes())).toEqual(p.snapshot())
    p.join(a)
    const first = p.snapshotBytes()
    expect(p.snapshotBytes()).toBe(first)
    expect(Snapshot.decode(first)).toEqual({ version: 1, peers: [a.entry] })
    p.join(b)
    expect(Snapshot.decode(p.snapshotBytes())).toEqual({ version: 2, peers: [a.entry, b.entry] })
    p.leave(a, LeaveReason.LOGOUT)
    expect(Snapshot.decode(p.snapshotBytes())).toEqual(p.snapshot())
    expect(Snapshot.decode(p.snapshotBytes())).toEqual({ version: 3, peers: [b.entry] })
    p.resetTo([a, b], 10)
    expect(Snapshot.decode(p.snapshotBytes())).toEqual({ version: 10, peers: [a.entry, b.entry] })
    p.stop()
  })
})
