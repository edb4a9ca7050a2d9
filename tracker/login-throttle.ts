import type { Multiaddr } from '@multiformats/multiaddr'
import { CODE_IP4, CODE_IP6 } from '@multiformats/multiaddr'

/** Failed logins allowed per budget before backing off: typos are free. */
export const FREE_FAILURES = 3
/** First back-off after the free failures; doubles with each further failure. */
export const BACKOFF_BASE_MS = 1_000
/**
 * The longest the strangers' shared budget of an account is held back: it is what a brute force from
 * ever-new hosts and PeerIds gets (one check per 30 s), and what a new device of the owner waits at most.
 */
export const BACKOFF_MAX_MS = 30_000
/** A failure record is forgotten after this long without failures. */
export const FAILURE_MEMORY_MS = 15 * 60_000
/** Accounts whose strangers' budget is tracked at once; the oldest is dropped so memory stays bounded. */
export const MAX_TRACKED_ACCOUNTS = 100_000
/**
 * One host's own cap, ten times the shared one: a guesser on one host takes at most one of every ten
 * shared turns, so strangers on other hosts still get through between its guesses.
 */
export const SOURCE_BACKOFF_MAX_MS = 10 * BACKOFF_MAX_MS
/** (account, host) records tracked at once; beyond, the oldest is dropped (the shared budget still holds). */
export const MAX_TRACKED_SOURCES = 100_000
/** IPv6 prefix counted as one host, in 16-bit groups (a /64): one LAN gets 2^64 addresses to rotate through. */
export const IPV6_SOURCE_GROUPS = 4
/**
 * A known PeerId's own cap: the owner rarely types the password wrong a dozen times, and a stolen key
 * adds at most one guess per 5 min to what strangers get.
 */
export const KNOWN_PEER_BACKOFF_MAX_MS = 10 * BACKOFF_MAX_MS
/** Devices remembered per account (one person's laptops and phones); a new one forgets the longest unused. */
export const KNOWN_PEERS_PER_ACCOUNT = 8
/** A device that has not logged in for this long is a stranger again. In memory only: a restart forgets. */
export const KNOWN_PEER_MEMORY_MS = 30 * 24 * 60 * 60_000
/** Known PeerIds over all accounts (~200 B each, ≤ 40 MB); beyond, the accounts unused longest are forgotten. */
export const MAX_KNOWN_PEERS = 200_000
/**
 * RATE_LIMITED's wait while a budget's one allowed check is running (concurrent logins must not each get
 * a check): a check takes ~0.3 s at the default scrypt cost.
 */
export const CHECK_IN_PROGRESS_RETRY_MS = 1_000

/** Who is logging in: the host it connects from (`loginSource`) and its Noise-proven PeerId. */
export interface LoginOrigin {
  source: string
  peer: string
}

interface FailureRecord {
  failures: number
  lastFailure: number
  blockedUntil: number
  /** Checks started under this record and not finished yet. */
  inFlight: number
}

interface KnownPeer {
  lastLogin: number
  record: FailureRecord
}

function newRecord(now: number): FailureRecord {
  return { failures: 0, lastFailure: now, blockedUntil: 0, inFlight: 0 }
}

function recordFailure(record: FailureRecord, now: number, maxMs: number): number {
  record.failures++
  record.lastFailure = now
  const over = record.failures - FREE_FAILURES
  const backoff = over > 0 ? Math.min(maxMs, BACKOFF_BASE_MS * 2 ** Math.min(over - 1, 30)) : 0
  record.blockedUntil = now + backoff
  return backoff
}

/** Ms until a check may start under this record; 0 when it may start now. */
function recordWait(record: FailureRecord | undefined, now: number): number {
  if (record === undefined) return 0
  if (record.blockedUntil > now) return record.blockedUntil - now
  // Within the free failures as many checks as are left may run at once; past them, one at a time.
  const allowance = Math.max(1, FREE_FAILURES - record.failures)
  return record.inFlight >= allowance ? CHECK_IN_PROGRESS_RETRY_MS : 0
}

/**
 * Failure records in a Map whose order is oldest failure first, trimmed from the front to `cap`.
 */
class FailureTable {
  readonly #records = new Map<string, FailureRecord>()
  readonly #cap: number
  readonly #now: () => number

  constructor(cap: number, now: () => number) {
    this.#cap = cap
    this.#now = now
  }

  get size(): number {
    return this.#records.size
  }

  get(key: string): FailureRecord | undefined {
    const record = this.#records.get(key)
    if (
      record !== undefined &&
      record.inFlight === 0 &&
      this.#now() - record.lastFailure > FAILURE_MEMORY_MS
    ) {
      this.#records.delete(key)
      return undefined
    }
    return record
  }

  /** The record for `key`, created (and the table trimmed) if there is none. */
  obtain(key: string): FailureRecord {
    const existing = this.get(key)
    if (existing !== undefined) return existing
    const record = newRecord(this.#now())
    this.#put(key, record)
    return record
  }

  fail(key: string, maxMs: number): number {
    const record = this.obtain(key)
    const backoff = recordFailure(record, this.#now(), maxMs)
    this.#put(key, record)
    return backoff
  }

  delete(key: string): void {
    this.#records.delete(key)
  }

  /** Drop a record that holds nothing (no failures, no check running). */
  tidy(key: string): void {
    const record = this.#records.get(key)
    if (record !== undefined && record.failures === 0 && record.inFlight === 0) this.#records.delete(key)
  }

  #put(key: string, record: FailureRecord): void {
    // Re-insert so Map order is oldest-failure first, and trim from the front.
    this.#records.delete(key)
    this.#records.set(key, record)
    while (this.#records.size > this.#cap) {
      const oldest = this.#records.keys().next().value
      if (oldest === undefined) break
      this.#records.delete(oldest)
    }
  }
}

/** One password check under way; end it with exactly one of `fail`, `succeed` or `cancel`. */
export interface LoginAttempt {
  /** Ms to wait before trying again; when > 0 no check may run and nothing is reserved. */
  readonly retryAfterMs: number
  /** Whether the PeerId has logged in to this account before (exempt from the strangers' back-off). */
  readonly known: boolean
  /** The password was wrong (or the account unknown): returns the back-off now in force. */
  fail(): number
  /** The password was right: the PeerId becomes (or stays) known. */
  succeed(): void
  /** No check happened (e.g. the hasher was busy). */
  cancel(): void
}

/**
 * Login back-off, so guessing a password is slow without letting a guesser lock the owner out.
 *
 * - A PeerId that logged in to the account before ("known", remembered in memory with expiry) is exempt
 *   from the strangers' back-off and has its own per-(account, PeerId) back-off instead, so the owner's
 *   devices keep working during an attack and a stolen key cannot brute force either.
 * - Everyone else shares one back-off per account, as before: a guesser rotating hosts and PeerIds gets
 *   no more checks than one guesser did. A host also has its own (account, host) back-off with a longer
 *   cap, so one host cannot use up the shared budget alone.
 *
 * Keyed by the username key whether or not the account exists, so the back-off does not reveal which
 * accounts exist. A check counts against its budgets while it runs, so concurrent logins cannot get more
 * checks than sequential ones.
 */
export class LoginThrottle {
  readonly #now: () => number
  readonly #accounts: FailureTable
  readonly #sources: FailureTable
  /** Account key → PeerId → known peer; both Maps in order of last login, oldest first. */
  readonly #known = new Map<string, Map<string, KnownPeer>>()
  #knownCount = 0

  constructor(now: () => number = Date.now) {
    this.#now = now
    this.#accounts = new FailureTable(MAX_TRACKED_ACCOUNTS, now)
    this.#sources = new FailureTable(MAX_TRACKED_SOURCES, now)
  }

  /** Ms until this origin may try this account again; 0 when it may try now. */
  retryAfter(account: string, from: LoginOrigin): number {
    const now = this.#now()
    const known = this.#knownPeer(account, from.peer)
    if (known !== undefined) return recordWait(known.record, now)
    return Math.max(
      recordWait(this.#accounts.get(account), now),
      recordWait(this.#sources.get(sourceKey(account, from.source)), now)
    )
  }

  /** Start a password check for this origin, or (`retryAfterMs > 0`) say how long it must wait. */
  begin(account: string, from: LoginOrigin): LoginAttempt {
    const retryAfterMs = this.retryAfter(account, from)
    const known = this.#knownPeer(account, from.peer) !== undefined
    if (retryAfterMs > 0) {
      const refused = (): never => {
        throw new Error('a refused login attempt has no outcome')
      }
      return { retryAfterMs, known, fail: refused, succeed: refused, cancel: refused }
    }
    let done = false
    const finish = (): void => {
      if (done) throw new Error('a login attempt ends once')
      done = true
    }
    if (known) {
      const peer = this.#knownPeer(account, from.peer)!
      peer.record.inFlight++
      return {
        retryAfterMs,
        known,
        fail: () => {
          finish()
          peer.record.inFlight--
          return recordFailure(peer.record, this.#now(), KNOWN_PEER_BACKOFF_MAX_MS)
        },
        succeed: () => {
          finish()
          peer.record.inFlight--
          this.#remember(account, from.peer)
        },
        cancel: () => {
          finish()
          peer.record.inFlight--
        }
      }
    }
    const source = sourceKey(account, from.source)
    const shared = this.#accounts.obtain(account)
    const own = this.#sources.obtain(source)
    shared.inFlight++
    own.inFlight++
    const release = (): void => {
      shared.inFlight--
      own.inFlight--
    }
    return {
      retryAfterMs,
      known,
      fail: () => {
        finish()
        release()
        return Math.max(
          this.#accounts.fail(account, BACKOFF_MAX_MS),
          this.#sources.fail(source, SOURCE_BACKOFF_MAX_MS)
        )
      },
      succeed: () => {
        finish()
        release()
        // The host's record is cleared; the shared one is not: one stranger knowing the password says
        // nothing about the others, and clearing it would hand a guesser fresh free failures.
        this.#sources.delete(source)
        this.#accounts.tidy(account)
        this.#remember(account, from.peer)
      },
      cancel: () => {
        finish()
        release()
        this.#accounts.tidy(account)
        this.#sources.tidy(source)
      }
    }
  }

  /** Failures counted against the budget this origin logs in under (its own if known, else shared). */
  failures(account: string, from: LoginOrigin): number {
    const known = this.#knownPeer(account, from.peer)
    return known !== undefined ? known.record.failures : (this.#accounts.get(account)?.failures ?? 0)
  }

  /** Whether this PeerId has logged in to this account within `KNOWN_PEER_MEMORY_MS`. */
  isKnown(account: string, peer: string): boolean {
    return this.#knownPeer(account, peer) !== undefined
  }

  /** Records held, for tests and stats: shared budgets, host records, known PeerIds. */
  get sizes(): { accounts: number; sources: number; knownPeers: number } {
    return { accounts: this.#accounts.size, sources: this.#sources.size, knownPeers: this.#knownCount }
  }

  #knownPeer(account: string, peer: string): KnownPeer | undefined {
    const peers = this.#known.get(account)
    const known = peers?.get(peer)
    if (known === undefined) return undefined
    if (known.record.inFlight === 0 && this.#now() - known.lastLogin > KNOWN_PEER_MEMORY_MS) {
      peers!.delete(peer)
      this.#knownCount--
      if (peers!.size === 0) this.#known.delete(account)
      return undefined
    }
    return known
  }

  #remember(account: string, peer: string): void {
    const now = this.#now()
    let peers = this.#known.get(account)
    if (peers === undefined) {
      peers = new Map()
    } else {
      this.#known.delete(account)
    }
    this.#known.set(account, peers)
    const existing = peers.get(peer)
    if (existing !== undefined) {
      peers.delete(peer)
    } else {
      this.#knownCount++
    }
    // A right password clears this device's own failures.
    peers.set(peer, { lastLogin: now, record: newRecord(now) })
    while (peers.size > KNOWN_PEERS_PER_ACCOUNT) {
      const oldest = peers.keys().next().value
      if (oldest === undefined) break
      peers.delete(oldest)
      this.#knownCount--
    }
    while (this.#knownCount > MAX_KNOWN_PEERS) {
      const oldest = this.#known.entries().next().value
      if (oldest === undefined) break
      this.#known.delete(oldest[0])
      this.#knownCount -= oldest[1].size
    }
  }
}

function sourceKey(account: string, source: string): string {
  return `${account}\u0000${source}`
}

/**
 * The host a connection comes from, as counted by the login back-off: the IPv4 address, or the /64 of an
 * IPv6 one (IPv4-mapped IPv6 counts as IPv4). A non-IP address (memory transport) counts as itself.
 */
export function loginSource(remoteAddr: Multiaddr): string {
  const first = remoteAddr.getComponents()[0]
  if (first?.code === CODE_IP4 && first.value !== undefined) return first.value
  if (first?.code === CODE_IP6 && first.value !== undefined) {
    const groups = ipv6Groups(first.value)
    if (groups !== undefined) {
      const mapped = groups.slice(0, 5).every(g => g === 0) && groups[5] === 0xffff
      if (mapped) return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.')
      return `${groups
        .slice(0, IPV6_SOURCE_GROUPS)
        .map(g => g.toString(16))
        .join(':')}::/${IPV6_SOURCE_GROUPS * 16}`
    }
  }
  return remoteAddr.toString()
}

/** The eight 16-bit groups of an IPv6 address, or undefined if it does not parse. */
function ipv6Groups(text: string): number[] | undefined {
  let address = text.split('%')[0].toLowerCase()
  // A dotted IPv4 tail ("::ffff:1.2.3.4") is two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address)
  if (dotted !== null) {
    const b = dotted.slice(1).map(Number)
    if (b.some(x => x > 255)) return undefined
    address = `${address.slice(0, dotted.index)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`
  }
  const halves = address.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map(g => Number.parseInt(g, 16))
  const head = parse(halves[0])
  const tail = halves.length === 2 ? parse(halves[1]) : []
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail]
  return groups.every(g => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined
}
