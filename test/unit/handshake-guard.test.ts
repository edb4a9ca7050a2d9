import type { MultiaddrConnection, PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { SERVER_INBOUND_UPGRADE_TIMEOUT_MS, SERVER_MAX_PENDING_CONNECTIONS } from '../../src/node.ts'
import type { HandshakeGuardInit } from '../../tracker/handshake-guard.ts'
import {
  DEFAULT_HANDSHAKE_DEADLINE_MS,
  DEFAULT_KNOWN_DEADLINE_FLOOR_MS,
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_PENDING_PER_KNOWN_HOST,
  DEFAULT_PENDING_PER_STRANGER_HOST,
  DEFAULT_STRANGER_DEADLINE_FLOOR_MS,
  HandshakeGuard,
  handshakeDeadline,
  KNOWN_HOST_MEMORY_MS
} from '../../tracker/handshake-guard.ts'

/** Just what the guard uses of a MultiaddrConnection: its address, status, 'close' and abort. */
class FakeConn extends EventTarget {
  status: MultiaddrConnection['status'] = 'open'
  abortedWith?: Error
  readonly remoteAddr

  constructor(host: string, port: number) {
    super()
    this.remoteAddr = multiaddr(host.includes(':') ? `/ip6/${host}/tcp/${port}` : `/ip4/${host}/tcp/${port}`)
  }

  abort(err: Error): void {
    if (this.status !== 'open') return
    this.status = 'aborted'
    this.abortedWith = err
    this.dispatchEvent(new Event('close'))
  }

  /** The remote went away. */
  close(): void {
    this.status = 'closed'
    this.dispatchEvent(new Event('close'))
  }
}

const guards: HandshakeGuard[] = []
afterEach(() => {
  for (const g of guards.splice(0)) g.stop()
})

let port = 10_000
function harness(init: HandshakeGuardInit = {}) {
  let now = 1_000_000
  const guard = new HandshakeGuard({ now: () => now, ...init })
  guards.push(guard)
  const conns: FakeConn[] = []
  return {
    guard,
    conns,
    advance(ms: number) {
      now += ms
    },
    /** A new connection from `host`; true when the guard lets its handshake start. */
    connect(host: string): FakeConn & { admitted: boolean } {
      const conn = new FakeConn(host, port++)
      const denied = guard.gater.denyInboundConnection!(conn as unknown as MultiaddrConnection)
      conns.push(conn)
      return Object.assign(conn, { admitted: denied === false })
    },
    upgraded(conn: FakeConn) {
      guard.gater.denyInboundUpgradedConnection!({} as PeerId, conn as unknown as MultiaddrConnection)
    },
    known(host: string) {
      guard.loginSucceeded(new FakeConn(host, 1).remoteAddr)
    }
  }
}

function admittedOf(conns: Array<{ admitted: boolean }>): number {
  return conns.filter(c => c.admitted).length
}

describe('handshake guard', () => {
  it('limits a stranger host to its own number of pending handshakes', () => {
    const h = harness()
    const conns = Array.from({ length: DEFAULT_PENDING_PER_STRANGER_HOST + 5 }, () => h.connect('192.0.2.1'))
    expect(admittedOf(conns)).toBe(DEFAULT_PENDING_PER_STRANGER_HOST)
    expect(h.guard.stats).toMatchObject({
      pending: DEFAULT_PENDING_PER_STRANGER_HOST,
      pendingStrangers: DEFAULT_PENDING_PER_STRANGER_HOST,
      refusedPerHost: 5
    })
    // Another host is not affected.
    expect(h.connect('192.0.2.2').admitted).toBe(true)
  })

  it('gives a host that logged in before a larger cap, and counts an IPv6 /64 as one host', () => {
    const h = harness()
    h.known('192.0.2.1')
    const known = Array.from({ length: DEFAULT_PENDING_PER_KNOWN_HOST + 1 }, () => h.connect('192.0.2.1'))
    expect(admittedOf(known)).toBe(DEFAULT_PENDING_PER_KNOWN_HOST)
    expect(h.guard.stats.pendingKnown).toBe(DEFAULT_PENDING_PER_KNOWN_HOST)
    const v6 = Array.from({ length: DEFAULT_PENDING_PER_STRANGER_HOST + 1 }, (_, i) =>
      h.connect(`2001:db8:1:2::${(i + 1).toString(16)}`)
    )
    expect(admittedOf(v6)).toBe(DEFAULT_PENDING_PER_STRANGER_HOST)
  })

  it('keeps a share of the slots for known hosts while strangers fill the rest', () => {
    // 8 slots, 2 reserved: strangers may hold 6.
    const h = harness({ maxPending: 8, knownReservedShare: 0.25 })
    const strangers = Array.from({ length: 10 }, (_, i) => h.connect(`198.51.100.${i + 1}`))
    expect(admittedOf(strangers)).toBe(6)
    expect(h.guard.stats).toMatchObject({ pendingStrangers: 6, refusedFull: 4, evicted: 0 })
    h.known('192.0.2.1')
    h.known('192.0.2.2')
    expect(h.connect('192.0.2.1').admitted).toBe(true)
    expect(h.connect('192.0.2.2').admitted).toBe(true)
    expect(h.guard.stats).toMatchObject({ pending: 8, pendingKnown: 2, pendingStrangers: 6 })
    // The table is full: a known host takes a stranger's slot (the oldest of the busiest host).
    const third = h.connect('192.0.2.1')
    expect(third.admitted).toBe(true)
    expect(strangers[0].abortedWith).toMatchObject({ code: 'BUSY' })
    expect(h.guard.stats).toMatchObject({ pending: 8, pendingKnown: 3, pendingStrangers: 5, evicted: 1 })
  })

  it('makes room for a host with fewer pending by evicting the busiest host’s oldest, up to fair shares', () => {
    const h = harness({ maxPending: 8, knownReservedShare: 0.25 })
    const flood = Array.from({ length: 6 }, () => h.connect('198.51.100.1'))
    expect(admittedOf(flood)).toBe(6)
    // A new host gets in: the flooding host holds 6 ≥ 0 + 2.
    const newcomer = Array.from({ length: 4 }, () => h.connect('203.0.113.9'))
    // 6/0 → 5/1 → 4/2 → 3/3; the fourth would leave 2/4, less fair than 3/3: refused.
    expect(newcomer.map(c => c.admitted)).toEqual([true, true, true, false])
    expect(flood.slice(0, 3).every(c => c.abortedWith !== undefined)).toBe(true)
    expect(flood.slice(3).every(c => c.status === 'open')).toBe(true)
    expect(h.guard.stats).toMatchObject({ pendingStrangers: 6, evicted: 3, refusedFull: 1 })
  })

  it('frees a slot when the handshake finishes or the connection closes', () => {
    const h = harness({ maxPending: 4, knownReservedShare: 0, pendingPerStrangerHost: 4 })
    const conns = Array.from({ length: 4 }, () => h.connect('198.51.100.1'))
    expect(h.connect('198.51.100.1').admitted).toBe(false)
    h.upgraded(conns[0])
    conns[1].close()
    expect(h.guard.stats).toMatchObject({ pending: 2, completed: 1 })
    expect(h.connect('198.51.100.1').admitted).toBe(true)
    // Finishing after a close, or twice, counts once.
    h.upgraded(conns[1])
    h.upgraded(conns[0])
    expect(h.guard.stats).toMatchObject({ pending: 3, completed: 1 })
    // A connection already gone when the gater sees it is refused and never counted.
    const gone = new FakeConn('198.51.100.1', 1)
    gone.status = 'closed'
    expect(h.guard.gater.denyInboundConnection!(gone as unknown as MultiaddrConnection)).toBe(true)
    expect(h.guard.stats.pending).toBe(3)
  })

  it('shrinks the deadline linearly from half load to full load', () => {
    const full = DEFAULT_HANDSHAKE_DEADLINE_MS
    const floor = DEFAULT_STRANGER_DEADLINE_FLOOR_MS
    expect(handshakeDeadline(0, full, floor)).toBe(full)
    expect(handshakeDeadline(0.5, full, floor)).toBe(full)
    expect(handshakeDeadline(0.75, full, floor)).toBe((full + floor) / 2)
    expect(handshakeDeadline(1, full, floor)).toBe(floor)
    expect(handshakeDeadline(3, full, floor)).toBe(floor)
    // A floor above the full deadline is the full deadline.
    expect(handshakeDeadline(1, 1_000, 5_000)).toBe(1_000)
  })

  it('aborts stalled handshakes at the deadline for the load at the time; known hosts get longer', () => {
    const h = harness({ maxPending: 8, knownReservedShare: 0.25 })
    expect(h.guard.deadline(false)).toBe(DEFAULT_HANDSHAKE_DEADLINE_MS)
    const few = Array.from({ length: 3 }, (_, i) => h.connect(`198.51.100.${i + 1}`))
    // 3 of the strangers' 6: no pressure.
    expect(h.guard.deadline(false)).toBe(DEFAULT_HANDSHAKE_DEADLINE_MS)
    h.advance(DEFAULT_STRANGER_DEADLINE_FLOOR_MS)
    h.guard.sweep()
    expect(h.guard.stats.timedOut).toBe(0)
    h.known('192.0.2.1')
    const known = h.connect('192.0.2.1')
    const more = Array.from({ length: 3 }, (_, i) => h.connect(`198.51.100.${i + 4}`))
    expect(admittedOf([...few, known, ...more])).toBe(7)
    // Strangers' share is full: their floor; the table is at 7/8 for the known host.
    expect(h.guard.deadline(false)).toBe(DEFAULT_STRANGER_DEADLINE_FLOOR_MS)
    expect(h.guard.deadline(true)).toBeGreaterThan(DEFAULT_KNOWN_DEADLINE_FLOOR_MS)
    h.guard.sweep()
    // The first three are past the stranger floor; the rest are new.
    expect(few.map(c => c.abortedWith?.message)).toEqual(Array(3).fill(expect.stringMatching(/3000 ms/)))
    expect(few[0].abortedWith).toMatchObject({ code: 'TIMEOUT' })
    expect(more.every(c => c.status === 'open')).toBe(true)
    expect(h.guard.stats).toMatchObject({ timedOut: 3, pending: 4 })
    // Load fell with them: the rest get more time than the floor.
    h.advance(DEFAULT_STRANGER_DEADLINE_FLOOR_MS)
    h.guard.sweep()
    expect(h.guard.stats.timedOut).toBe(3)
    h.advance(DEFAULT_HANDSHAKE_DEADLINE_MS)
    h.guard.sweep()
    expect(h.guard.stats).toMatchObject({ timedOut: 7, pending: 0 })
  })

  it('forgets a known host after KNOWN_HOST_MEMORY_MS without a login', () => {
    const h = harness()
    const addr = new FakeConn('192.0.2.1', 1).remoteAddr
    h.guard.loginSucceeded(addr)
    expect(h.guard.isKnown(addr)).toBe(true)
    h.advance(KNOWN_HOST_MEMORY_MS)
    expect(h.guard.isKnown(addr)).toBe(true)
    h.advance(1)
    expect(h.guard.isKnown(addr)).toBe(false)
    expect(h.guard.stats.knownHosts).toBe(0)
  })

  it('sets libp2p above its own limits, or leaves libp2p as it was when disabled', () => {
    const on = new HandshakeGuard()
    expect(on.nodeLimits.maxPendingConnections).toBeGreaterThan(DEFAULT_MAX_PENDING_HANDSHAKES)
    expect(on.nodeLimits.inboundUpgradeTimeoutMs).toBeGreaterThan(DEFAULT_HANDSHAKE_DEADLINE_MS)
    const off = new HandshakeGuard({ enabled: false })
    expect(off.gater).toEqual({})
    expect(off.nodeLimits).toEqual({
      maxPendingConnections: SERVER_MAX_PENDING_CONNECTIONS,
      inboundUpgradeTimeoutMs: SERVER_INBOUND_UPGRADE_TIMEOUT_MS
    })
  })
})
