import { describe, expect, it } from 'vitest'
import { TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import { leaveReasonName } from '../../src/protocol/presence-names.ts'
import type { PresenceMember } from '../../tracker/presence.ts'
import { LeaveReason, Presence } from '../../tracker/presence.ts'

function member(name: string, accept = true) {
  const frames: Uint8Array[] = []
  const m: PresenceMember & { frames: Uint8Array[]; accept: boolean } = {
    key: name,
    peerKey: `peer-${name}`,
    entry: {
      username: name,
      peerId: new Uint8Array([1, 2, 3]),
      addrs: [],
      since: 1,
      reachable: false,
      relay: []
    },
    frames,
    accept,
    push(frame) {
      if (!m.accept) return false
      frames.push(frame)
      return true
    }
  }
  return m
}

const decode = (frame: Uint8Array) => TrackerMessage.decode(frame.subarray(frame[0] < 0x80 ? 1 : 2))

describe('presence', () => {
  it('versions every event and sends one identical frame to every member per flush', () => {
    const p = new Presence({ coalesceMs: 1_000_000 })
    const a = member('a')
    const b = member('b')
    p.join(a)
    p.join(b)
    p.leave(a, LeaveReason.TIMEOUT)
    expect(p.version).toBe(3)
    p.flush()
    expect(a.frames).toHaveLength(0) // a left before the flush
    expect(b.frames).toHaveLength(1)
    const delta = decode(b.frames[0]).delta!
    expect(delta.baseVersion).toBe(0)
    expect(
      delta.events.map(e => [e.version, e.joined?.username ?? e.left, leaveReasonName(e.reason)])
    ).toEqual([
      [1, 'a', 'logout'],
      [2, 'b', 'logout'],
      [3, 'a', 'timeout']
    ])
    p.stop()
  })

  it('skips a member that is not reading; its next delta shows the gap', () => {
    const p = new Presence({ coalesceMs: 1_000_000 })
    const slow = member('slow')
    p.join(slow)
    p.flush()
    slow.accept = false
    p.join(member('x'))
    p.flush()
    expect(p.stats().skippedPushes).toBe(1)
    slow.accept = true
    p.join(member('y'))
    p.flush()
    const last = decode(slow.frames.at(-1)!).delta!
    // slow holds version 1; this delta starts at 2: a gap it must fill from a snapshot.
    expect(last.baseVersion).toBe(2)
    expect(p.snapshot().peers.map(e => e.username)).toEqual(['slow', 'x', 'y'])
    p.stop()
  })

  it('ignores the leave of a session that was already replaced', () => {
    const p = new Presence()
    const old = member('a')
    p.join(old)
    expect(p.leave(old, LeaveReason.REPLACED)).toBe(true)
    const fresh = member('a')
    p.join(fresh)
    expect(p.leave(old, LeaveReason.DISCONNECT)).toBe(false)
    expect(p.byKey('a')).toBe(fresh)
    p.stop()
  })

  it('stretches the next window after a slow fan-out, and shrinks it back after a fast one', () => {
    const p = new Presence({ coalesceMs: 1 })
    const slow = member('slow')
    const push = slow.push
    slow.push = frame => {
      const until = performance.now() + 20
      while (performance.now() < until) {
        // a member whose push costs 20 ms, as 10,000 real ones together do
      }
      return push(frame)
    }
    p.join(slow)
    p.flush()
    expect(p.windowMs).toBeGreaterThanOrEqual(15)
    // Once as long as the flush took has passed, a new event waits only the configured window.
    const until = performance.now() + 25
    while (performance.now() < until) {
      // let the cool-down pass
    }
    expect(p.windowMs).toBe(1)
    slow.push = push
    p.join(member('x'))
    p.flush()
    expect(p.windowMs).toBeLessThan(20)
    p.stop()
  })
})
