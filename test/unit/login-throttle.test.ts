import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  CHECK_IN_PROGRESS_RETRY_MS,
  FAILURE_MEMORY_MS,
  FREE_FAILURES,
  KNOWN_PEER_BACKOFF_MAX_MS,
  KNOWN_PEER_MEMORY_MS,
  KNOWN_PEERS_PER_ACCOUNT,
  type LoginOrigin,
  LoginThrottle,
  loginSource,
  MAX_KNOWN_PEERS,
  MAX_TRACKED_ACCOUNTS,
  MAX_TRACKED_SOURCES,
  SOURCE_BACKOFF_MAX_MS
} from '../../tracker/login-throttle.ts'

type Outcome = 'OK' | 'AUTH_FAILED' | 'RATE_LIMITED'

/** One login as the tracker runs it: refused without a check, or checked and passed or failed. */
function login(t: LoginThrottle, account: string, from: LoginOrigin, right: boolean): Outcome {
  const attempt = t.begin(account, from)
  if (attempt.retryAfterMs > 0) return 'RATE_LIMITED'
  if (right) {
    attempt.succeed()
    return 'OK'
  }
  attempt.fail()
  return 'AUTH_FAILED'
}

const owner: LoginOrigin = { source: '192.0.2.1', peer: 'owner-peer' }
const attacker: LoginOrigin = { source: '198.51.100.7', peer: 'attacker-peer' }

describe('login throttle', () => {
  it('lets typos through, then doubles the wait up to a cap', () => {
    let now = 1_000_000
    const t = new LoginThrottle(() => now)
    for (let i = 0; i < FREE_FAILURES; i++) expect(t.begin('a', attacker).fail()).toBe(0)
    expect(t.retryAfter('a', attacker)).toBe(0)
    expect(t.begin('a', attacker).fail()).toBe(BACKOFF_BASE_MS)
    expect(t.retryAfter('a', attacker)).toBe(1_000)
    now += 1_000
    expect(t.begin('a', attacker).fail()).toBe(2_000)
    now += 2_000
    expect(t.begin('a', attacker).fail()).toBe(4_000)
    now += 1_500
    expect(t.retryAfter('a', attacker)).toBe(2_500)
    expect(login(t, 'a', attacker, true)).toBe('RATE_LIMITED')
    // Past the shared cap the host's own record keeps doubling, up to its longer cap.
    for (let i = 0; i < 20; i++) {
      now += SOURCE_BACKOFF_MAX_MS
      t.begin('a', attacker).fail()
    }
    expect(t.retryAfter('a', attacker)).toBe(SOURCE_BACKOFF_MAX_MS)
    // Other accounts are unaffected.
    expect(t.retryAfter('b', attacker)).toBe(0)
  })

  it("lets the owner's known PeerId log in while a stranger is backed off", () => {
    const t = new LoginThrottle(() => 0)
    expect(login(t, 'alice', owner, true)).toBe('OK')
    expect(t.isKnown('alice', owner.peer)).toBe(true)
    for (let i = 0; i < 20; i++) login(t, 'alice', attacker, false)
    expect(login(t, 'alice', attacker, true)).toBe('RATE_LIMITED')
    expect(t.retryAfter('alice', attacker)).toBeGreaterThan(0)
    // Same PeerId, even from another host (a laptop moving networks): not held back by the stranger.
    expect(t.retryAfter('alice', owner)).toBe(0)
    expect(login(t, 'alice', { source: '203.0.113.9', peer: owner.peer }, true)).toBe('OK')
    expect(login(t, 'alice', owner, true)).toBe('OK')
    // A new device of the owner is a stranger: it waits for the shared budget (the documented trade-off).
    expect(login(t, 'alice', { source: owner.source, peer: 'owner-new-phone' }, true)).toBe('RATE_LIMITED')
    // Knowing the PeerId of another account's owner gives nothing.
    expect(t.isKnown('bob', owner.peer)).toBe(false)
  })

  it('makes a stranger on another host wait only for the shared budget', () => {
    let now = 0
    const t = new LoginThrottle(() => now)
    const elsewhere: LoginOrigin = { source: '203.0.113.9', peer: 'new-device' }
    for (let i = 0; i <= FREE_FAILURES; i++) expect(login(t, 'alice', attacker, false)).toBe('AUTH_FAILED')
    // The shared budget holds everyone back after the attacker's failures...
    expect(t.retryAfter('alice', elsewhere)).toBe(BACKOFF_BASE_MS)
    expect(login(t, 'alice', elsewhere, true)).toBe('RATE_LIMITED')
    // ...and a fresh PeerId on the attacker's host gets no fresh budget.
    expect(t.retryAfter('alice', { source: attacker.source, peer: 'fresh' })).toBe(BACKOFF_BASE_MS)
    // The attacker keeps guessing whenever it may, for ten minutes.
    for (let i = 0; i < 600; i++) {
      now += 1_000
      login(t, 'alice', attacker, false)
    }
    now += t.retryAfter('alice', attacker)
    expect(login(t, 'alice', attacker, false)).toBe('AUTH_FAILED')
    const attackerWait = t.retryAfter('alice', attacker)
    const elsewhereWait = t.retryAfter('alice', elsewhere)
    expect(attackerWait).toBe(SOURCE_BACKOFF_MAX_MS)
    expect(elsewhereWait).toBe(BACKOFF_MAX_MS)
    // Once the shared back-off is over, the stranger elsewhere gets its turn while the attacker still waits.
    now += elsewhereWait
    expect(t.retryAfter('alice', attacker)).toBeGreaterThan(0)
    expect(login(t, 'alice', elsewhere, true)).toBe('OK')
    // Its success clears nothing shared: the attacker's next guess still meets the full back-off.
    expect(t.failures('alice', attacker)).toBeGreaterThan(FREE_FAILURES)
  })

  it('backs off a known PeerId on its own wrong guesses, not other devices or strangers', () => {
    let now = 0
    const t = new LoginThrottle(() => now)
    const laptop: LoginOrigin = { source: '192.0.2.1', peer: 'laptop' }
    expect(login(t, 'alice', owner, true)).toBe('OK')
    expect(login(t, 'alice', laptop, true)).toBe('OK')
    const stolen = { source: '198.51.100.7', peer: owner.peer }
    for (let i = 0; i < FREE_FAILURES; i++) expect(login(t, 'alice', stolen, false)).toBe('AUTH_FAILED')
    expect(login(t, 'alice', stolen, false)).toBe('AUTH_FAILED')
    expect(t.retryAfter('alice', owner)).toBe(BACKOFF_BASE_MS)
    expect(login(t, 'alice', stolen, false)).toBe('RATE_LIMITED')
    expect(login(t, 'alice', laptop, true)).toBe('OK')
    expect(t.retryAfter('alice', attacker)).toBe(0)
    // Its back-off doubles to its own cap, whichever host it comes from.
    let checks = 0
    for (let i = 0; i < 20; i++) {
      now += KNOWN_PEER_BACKOFF_MAX_MS
      if (login(t, 'alice', stolen, false) === 'AUTH_FAILED') checks++
    }
    expect(checks).toBe(20)
    expect(t.retryAfter('alice', owner)).toBe(KNOWN_PEER_BACKOFF_MAX_MS)
    // The right password, once the wait is over, clears it.
    now += KNOWN_PEER_BACKOFF_MAX_MS
    expect(login(t, 'alice', owner, true)).toBe('OK')
    expect(t.failures('alice', owner)).toBe(0)
  })

  it('gives concurrent logins no more checks than sequential ones', () => {
    const t = new LoginThrottle(() => 0)
    const started = Array.from({ length: 10 }, (_, i) =>
      t.begin('alice', { source: `10.0.0.${i}`, peer: `p${i}` })
    )
    const running = started.filter(a => a.retryAfterMs === 0)
    expect(running).toHaveLength(FREE_FAILURES)
    expect(started.at(-1)!.retryAfterMs).toBe(CHECK_IN_PROGRESS_RETRY_MS)
    for (const a of running) a.fail()
    // Past the free failures one check at a time, then the back-off.
    const next = t.begin('alice', { source: '10.0.1.1', peer: 'q1' })
    expect(next.retryAfterMs).toBe(0)
    expect(t.begin('alice', { source: '10.0.1.2', peer: 'q2' }).retryAfterMs).toBe(CHECK_IN_PROGRESS_RETRY_MS)
    expect(next.fail()).toBe(BACKOFF_BASE_MS)
    // A cancelled check (BUSY) counts nothing.
    const t2 = new LoginThrottle(() => 0)
    for (let i = 0; i < 10; i++) t2.begin('alice', attacker).cancel()
    expect(t2.failures('alice', attacker)).toBe(0)
    expect(t2.sizes).toEqual({ accounts: 0, sources: 0, knownPeers: 0 })
  })

  it('gives a guesser rotating hosts and PeerIds no more checks than the per-account back-off did', () => {
    let now = 0
    const t = new LoginThrottle(() => now)
    // The back-off before issue 9, per account only, as reference.
    const before = { failures: 0, blockedUntil: 0 }
    let checksBefore = 0
    let checksNow = 0
    for (let i = 0; i < 6_000; i++, now += 100) {
      if (now >= before.blockedUntil) {
        checksBefore++
        const over = ++before.failures - FREE_FAILURES
        before.blockedUntil =
          now + (over > 0 ? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (over - 1)) : 0)
      }
      const from = { source: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, peer: `peer-${i}` }
      if (login(t, 'alice', from, false) === 'AUTH_FAILED') checksNow++
    }
    expect(checksBefore).toBe(4 + 5 + 18) // ten minutes: 3 free + 1, then 1, 2, 4, 8, 16 s, then every 30 s
    expect(checksNow).toBe(checksBefore)
  })

  it('forgets failures after a quiet period and known PeerIds after theirs', () => {
    let now = 0
    const t = new LoginThrottle(() => now)
    expect(login(t, 'alice', owner, true)).toBe('OK')
    for (let i = 0; i < 6; i++) login(t, 'alice', attacker, false)
    now += FAILURE_MEMORY_MS + 1
    expect(t.failures('alice', attacker)).toBe(0)
    expect(t.retryAfter('alice', attacker)).toBe(0)
    expect(t.isKnown('alice', owner.peer)).toBe(true)
    now += KNOWN_PEER_MEMORY_MS
    expect(t.isKnown('alice', owner.peer)).toBe(false)
    expect(t.sizes.knownPeers).toBe(0)
  })

  it('bounds memory: known PeerIds per account and in all, host and account records', () => {
    const t = new LoginThrottle(() => 0)
    for (let i = 0; i <= KNOWN_PEERS_PER_ACCOUNT; i++) login(t, 'alice', { source: 's', peer: `d${i}` }, true)
    expect(t.isKnown('alice', 'd0')).toBe(false)
    expect(t.isKnown('alice', 'd1')).toBe(true)
    expect(t.sizes.knownPeers).toBe(KNOWN_PEERS_PER_ACCOUNT)
    // Logging in again keeps a device: the one unused longest is forgotten, not the busiest.
    login(t, 'alice', { source: 's', peer: 'd1' }, true)
    login(t, 'alice', { source: 's', peer: 'new' }, true)
    expect(t.isKnown('alice', 'd1')).toBe(true)
    expect(t.isKnown('alice', 'd2')).toBe(false)

    for (let i = 0; i < MAX_KNOWN_PEERS; i++) login(t, `u${i}`, { source: 's', peer: 'p' }, true)
    expect(t.sizes.knownPeers).toBeLessThanOrEqual(MAX_KNOWN_PEERS)
    expect(t.isKnown('alice', 'd1')).toBe(false)
    expect(t.isKnown(`u${MAX_KNOWN_PEERS - 1}`, 'p')).toBe(true)

    const u = new LoginThrottle(() => 0)
    const n = Math.max(MAX_TRACKED_SOURCES, MAX_TRACKED_ACCOUNTS) + 10
    for (let i = 0; i < n; i++) u.begin(`a${i}`, { source: `h${i}`, peer: 'x' }).fail()
    expect(u.sizes.sources).toBe(MAX_TRACKED_SOURCES)
    expect(u.sizes.accounts).toBe(MAX_TRACKED_ACCOUNTS)
    // Records that hold nothing are not kept at all.
    const v = new LoginThrottle(() => 0)
    login(v, 'alice', owner, true)
    expect(v.sizes).toEqual({ accounts: 0, sources: 0, knownPeers: 1 })
  })

  it('counts a host by its IPv4 address or IPv6 /64', () => {
    expect(loginSource(multiaddr('/ip4/192.0.2.1/tcp/4001'))).toBe('192.0.2.1')
    expect(loginSource(multiaddr('/ip6/2001:db8:1:2:3:4:5:6/tcp/4001'))).toBe('2001:db8:1:2::/64')
    expect(loginSource(multiaddr('/ip6/2001:db8:1:2::ffff/tcp/1'))).toBe('2001:db8:1:2::/64')
    expect(loginSource(multiaddr('/ip6/2001:db8::1/tcp/1'))).toBe('2001:db8:0:0::/64')
    expect(loginSource(multiaddr('/ip6/::ffff:198.51.100.7/tcp/1'))).toBe('198.51.100.7')
    expect(loginSource(multiaddr('/ip6/::1/tcp/1'))).toBe('0:0:0:0::/64')
    expect(loginSource(multiaddr('/memory/abc'))).toBe('/memory/abc')
  })
})
