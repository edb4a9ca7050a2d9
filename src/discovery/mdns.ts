/**
 * LAN discovery of p2pchat trackers over mDNS (DNS-SD, RFC 6762/6763), with the `multicast-dns` package.
 *
 * A tracker calls `announceTracker`: it answers PTR queries for `_p2pchat._tcp.local` with PTR, SRV, TXT
 * and A records (the TXT carries `v=1` and `dnsaddr=<multiaddr>/p2p/<PeerId>` strings), announces itself
 * at start and says goodbye (TTL 0) at stop. A peer calls `discoverTrackers`: it queries, collects for a
 * while, and returns the trackers it can dial. Records are built and checked in `mdns-records.ts`.
 *
 * Limits: mDNS over IPv4 only, and one socket, so on a host with several networks our multicast goes
 * out of the default one; no probing for name conflicts (names are labels, the PeerId identifies).
 */
import { randomInt } from 'node:crypto'
import { hostname, networkInterfaces } from 'node:os'
import { logger } from '@libp2p/logger'
import type { Answer, Question } from 'dns-packet'
import type { MulticastDNS, QueryPacket, ResponseOutgoingPacket } from 'multicast-dns'
import multicastDns from 'multicast-dns'
import { InvalidOptionError, ListenFailedError } from '../errors.ts'
import type { AnnouncedAddrs, DiscoveredTracker, QueryKind } from './mdns-records.ts'
import {
  announcedAddrs,
  defaultInstanceName,
  instanceLabel,
  isOnLink,
  MAX_TRACKED_INSTANCES,
  MDNS_SERVICE_TYPE,
  matchQuestions,
  TrackerCollector,
  targetHost,
  trackerRecords
} from './mdns-records.ts'

export type { DiscoveredTracker } from './mdns-records.ts'
export { MDNS_SERVICE_TYPE } from './mdns-records.ts'

/** How long `discoverTrackers` listens: responders answer within 120 ms, a re-query at 1 s gets stragglers. */
export const DEFAULT_DISCOVERY_TIMEOUT_MS = 2_000
/** Trackers `discoverTrackers` returns unless told otherwise: a LAN has one or two; more is a flood. */
export const DEFAULT_MAX_TRACKERS = 32
/** The mDNS port (RFC 6762 §3); responses from any other port are ignored (§6). */
export const MDNS_PORT = 5353
/** When queries go out, from the start: RFC 6762 §5.2 wants at least 1 s between the first two, then doubling. */
const QUERY_SCHEDULE_MS = [0, 1_000, 3_000]
/** RFC 6762 §8.3: announce twice, one second apart, in case the first is lost. */
const ANNOUNCE_INTERVAL_MS = 1_000
/** RFC 6762 §6: answers to shared (PTR) questions wait 20–120 ms so responders do not collide. */
const RESPONSE_DELAY_MIN_MS = 20
const RESPONSE_DELAY_MAX_MS = 120
/** RFC 6762 §6: a record is multicast at most once a second per interface, whatever the query rate. */
const MIN_MULTICAST_INTERVAL_MS = 1_000
/** One-shot queriers not on port 5353 get unicast replies (§6.7); this many a second, so we are no amplifier. */
const MAX_UNICAST_REPLIES_PER_SECOND = 10
/** RFC 6762 §6.7: legacy unicast answers carry a TTL of at most 10 s. */
const LEGACY_UNICAST_TTL_SECONDS = 10
/** Querier addresses remembered for one coalesced answer (they order our addresses). */
const MAX_QUERIERS_PER_ANSWER = 8
/** Distinct failures told to `onError`: one line each, not one per packet. */
const MAX_REPORTED_ERRORS = 8
/** How long `stop()` waits for the goodbye to be sent before closing anyway. */
const GOODBYE_TIMEOUT_MS = 1_000

const log = logger('p2pchat:discovery:mdns')
const ALL_KINDS: ReadonlySet<QueryKind> = new Set(['service', 'instance', 'host', 'enumerate'])
/** The enumeration PTR is shared by every p2pchat tracker of the host: no goodbye for it. */
const GOODBYE_KINDS: ReadonlySet<QueryKind> = new Set(['service', 'instance', 'host'])

export interface AnnounceTrackerInit {
  /**
   * The tracker's addresses, each ending in `/p2p/<tracker PeerId>`. Called whenever records are sent,
   * so they may change; `/ip4/0.0.0.0/…` stands for each of this host's non-internal IPv4 addresses.
   */
  addrs: () => readonly string[]
  /**
   * The instance name users see, cleaned to one printable DNS label (≤ 63 bytes, dots become dashes).
   * @default `p2pchat tracker on <host name>`
   */
  name?: string
  /**
   * Told once per distinct failure (port 5353 taken, no multicast route, a send that failed), with a
   * one-line message; the tracker keeps running. @default the failure is only logged
   */
  onError?: (err: ListenFailedError) => void
}

export interface TrackerAnnouncement {
  /** The instance name announced, as cleaned. */
  readonly name: string
  /** Why mDNS could not start (also told to `onError`), or undefined when it runs. */
  readonly error: ListenFailedError | undefined
  /** Send the goodbye (TTL 0) and close the socket. Never rejects; later calls wait for the first. */
  stop(): Promise<void>
}

export interface DiscoverTrackersInit {
  /** How long to collect answers. @default DEFAULT_DISCOVERY_TIMEOUT_MS */
  timeoutMs?: number
  /** Abort the discovery: it rejects with the signal's reason. */
  signal?: AbortSignal
  /** Most trackers returned, 1–`MAX_TRACKED_INSTANCES`. @default DEFAULT_MAX_TRACKERS */
  max?: number
}

/** A socket failure as the one-line error users see. */
function unavailable(err: unknown): ListenFailedError {
  if (err instanceof ListenFailedError) return err
  const code = (err as NodeJS.ErrnoException)?.code
  const reason =
    code === 'EADDRINUSE'
      ? `UDP port ${MDNS_PORT} is taken by a program that does not share it`
      : code === 'ENETUNREACH' || code === 'EHOSTUNREACH' || code === 'ENODEV'
        ? `no route for multicast (${code}): the machine needs a default route or a 224.0.0.0/4 route on its LAN interface, present when the tracker starts`
        : String((err as Error)?.message ?? err)
  return new ListenFailedError(`mDNS is not available: ${reason}`, { cause: err })
}

/** An mDNS socket on port 5353, bound; later 'error's go to `onError` (there may be two per failure). */
function openSocket(onError: (err: ListenFailedError) => void): Promise<MulticastDNS> {
  return new Promise((resolve, reject) => {
    let mdns: MulticastDNS
    try {
      mdns = multicastDns({ port: MDNS_PORT })
    } catch (err) {
      reject(unavailable(err))
      return
    }
    let ready = false
    // Malformed packets and failed memberships: the network's problem, not ours to report.
    mdns.on('warning', err => log.trace('mDNS warning: %s', err.message))
    mdns.on('error', err => {
      if (ready) onError(unavailable(err))
      else {
        ready = true
        void close(mdns)
        reject(unavailable(err))
      }
    })
    mdns.once('ready', () => {
      if (ready) return
      ready = true
      resolve(mdns)
    })
  })
}

function close(mdns: MulticastDNS): Promise<void> {
  return new Promise(resolve => {
    try {
      mdns.destroy(() => resolve())
    } catch {
      resolve()
    }
  })
}

function send(mdns: MulticastDNS, packet: ResponseOutgoingPacket, to?: { port: number; address: string }) {
  return new Promise<void>((resolve, reject) => {
    try {
      mdns.respond(packet, to, err => (err ? reject(unavailable(err)) : resolve()))
    } catch (err) {
      reject(unavailable(err))
    }
  })
}

/** Answers queries for one tracker instance; see `announceTracker`. */
class Responder {
  private readonly mdns: MulticastDNS
  private readonly label: string
  private readonly addrs: () => readonly string[]
  private readonly report: (err: unknown) => void
  private stopping: Promise<void> | undefined
  private lastMulticast = Number.NEGATIVE_INFINITY
  private pending: { kinds: Set<QueryKind>; queriers: string[]; timer: NodeJS.Timeout } | undefined
  private lastAnnounced: AnnouncedAddrs | undefined
  private unicast = { since: 0, count: 0 }

  constructor(
    mdns: MulticastDNS,
    label: string,
    addrs: () => readonly string[],
    report: (err: unknown) => void
  ) {
    this.mdns = mdns
    this.label = label
    this.addrs = addrs
    this.report = report
    mdns.on('query', (packet, rinfo) => this.onQuery(packet, rinfo))
  }

  /** The first announcement, awaited so a send failure shows at start; the second follows a second later. */
  async announce(): Promise<void> {
    await this.multicast(ALL_KINDS, [])
    this.schedule(ALL_KINDS, undefined, ANNOUNCE_INTERVAL_MS)
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.pending?.timer)
      this.pending = undefined
      // The goodbye names what was last announced: by now the tracker may have stopped listening.
      if (this.lastAnnounced !== undefined) {
        const goodbye = trackerRecords(this.label, this.lastAnnounced, GOODBYE_KINDS, 0)
        const timeout = AbortSignal.timeout(GOODBYE_TIMEOUT_MS)
        const timedOut = new Promise<void>(resolve => timeout.addEventListener('abort', () => resolve()))
        await Promise.race([send(this.mdns, goodbye), timedOut]).catch(err => log('no goodbye: %e', err))
      }
      await close(this.mdns)
    })()
    return this.stopping
  }

  private records(kinds: ReadonlySet<QueryKind>, queriers: readonly string[], ttl?: number) {
    let raw: readonly unknown[] = []
    try {
      const got = this.addrs()
      if (Array.isArray(got)) raw = got
    } catch (err) {
      log.error('the addrs callback threw: %e', err)
    }
    const announced = announcedAddrs(raw, networkInterfaces(), queriers)
    if (announced === undefined) {
      log('no address to announce')
      return undefined
    }
    if (ttl !== 0) this.lastAnnounced = announced
    return trackerRecords(this.label, announced, kinds, ttl)
  }

  private async multicast(kinds: ReadonlySet<QueryKind>, queriers: readonly string[]): Promise<void> {
    const packet = this.records(kinds, queriers)
    if (packet === undefined) return
    this.lastMulticast = Date.now()
    await send(this.mdns, packet)
  }

  /** Answer `kinds` after the RFC's random delay, coalescing with an answer already waiting. */
  private schedule(kinds: ReadonlySet<QueryKind>, querier?: string, delayMs?: number): void {
    if (this.stopping !== undefined) return
    if (this.pending !== undefined) {
      for (const k of kinds) this.pending.kinds.add(k)
      if (querier !== undefined && this.pending.queriers.length < MAX_QUERIERS_PER_ANSWER)
        this.pending.queriers.push(querier)
      return
    }
    const delay = delayMs ?? randomInt(RESPONSE_DELAY_MIN_MS, RESPONSE_DELAY_MAX_MS + 1)
    const wait = Math.max(delay, this.lastMulticast + MIN_MULTICAST_INTERVAL_MS - Date.now())
    const pending = {
      kinds: new Set(kinds),
      queriers: querier === undefined ? [] : [querier],
      timer: setTimeout(() => {
        this.pending = undefined
        this.multicast(pending.kinds, pending.queriers).catch(this.report)
      }, wait)
    }
    this.pending = pending
  }

  private onQuery(packet: QueryPacket, rinfo: { address: string; port: number }): void {
    if (this.stopping !== undefined) return
    const target = this.lastAnnounced && targetHost(this.lastAnnounced.peerId)
    const kinds = matchQuestions(packet?.questions, this.label, target)
    // Checked only for queries about us: os.networkInterfaces() is a system call, and a LAN is chatty.
    if (kinds.size === 0 || !isOnLink(rinfo.address, networkInterfaces())) return
    if (rinfo.port === MDNS_PORT) {
      this.schedule(kinds, rinfo.address)
      return
    }
    // A one-shot querier (`dig -p 5353 @224.0.0.251`): unicast, echo the question, short TTL, no flush.
    const now = Date.now()
    if (now - this.unicast.since >= 1_000) this.unicast = { since: now, count: 0 }
    if (++this.unicast.count > MAX_UNICAST_REPLIES_PER_SECOND) return
    const records = this.records(kinds, [rinfo.address], LEGACY_UNICAST_TTL_SECONDS)
    if (records === undefined) return
    const questions: Question[] = packet.questions
      .filter(q => matchQuestions([q], this.label, target).size > 0)
      .map(q => ({ name: q.name, type: q.type, class: 'IN' }))
    const [answers, additionals] = [records.answers, records.additionals].map(list =>
      list.map(r => ({ ...r, flush: false }) as Answer)
    )
    send(this.mdns, { id: packet.id, questions, answers, additionals }, rinfo).catch(this.report)
  }
}

/**
 * Announce a tracker on the LAN until `stop()`. Never rejects for network reasons: when port 5353 or
 * multicast is unusable, the result carries `error` (and `onError` hears it) and the tracker runs on
 * without mDNS. Throws `InvalidOptionError` for a name with nothing printable in it.
 */
export async function announceTracker(init: AnnounceTrackerInit): Promise<TrackerAnnouncement> {
  const name = instanceLabel(init.name ?? defaultInstanceName(hostname()))
  if (name === '') throw new InvalidOptionError('an mDNS instance name needs a printable character')
  const reported = new Set<string>()
  const report = (err: unknown): void => {
    const e = unavailable(err)
    log.error('%s', e.message)
    if (reported.has(e.message) || reported.size >= MAX_REPORTED_ERRORS) return
    reported.add(e.message)
    try {
      init.onError?.(e)
    } catch (cbErr) {
      log.error('onError threw: %e', cbErr)
    }
  }
  const failed = (err: unknown): TrackerAnnouncement => {
    report(err)
    return { name, error: unavailable(err), stop: async () => {} }
  }
  let mdns: MulticastDNS
  try {
    mdns = await openSocket(report)
  } catch (err) {
    return failed(err)
  }
  const responder = new Responder(mdns, name, init.addrs, report)
  try {
    await responder.announce()
  } catch (err) {
    await close(mdns)
    return failed(err)
  }
  return { name, error: undefined, stop: () => responder.stop() }
}

/**
 * Find trackers on the LAN: query for `MDNS_SERVICE_TYPE` (again at 1 s and 3 s when the window is that
 * long), collect answers for `timeoutMs`, and return the trackers with valid addresses, one per PeerId,
 * sorted by name. Rejects with `ListenFailedError` ("mDNS is not available: …") when the socket cannot
 * be bound or the first query cannot be sent, with the signal's reason when aborted.
 */
export async function discoverTrackers(init: DiscoverTrackersInit = {}): Promise<DiscoveredTracker[]> {
  const timeoutMs = init.timeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS
  const max = init.max ?? DEFAULT_MAX_TRACKERS
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0)
    throw new InvalidOptionError(`timeoutMs must be a number of milliseconds ≥ 0, got ${timeoutMs}`)
  if (!Number.isInteger(max) || max < 1 || max > MAX_TRACKED_INSTANCES)
    throw new InvalidOptionError(`max must be an integer 1–${MAX_TRACKED_INSTANCES}, got ${max}`)
  init.signal?.throwIfAborted()
  let fail: (err: unknown) => void = () => {}
  const mdns = await openSocket(err => fail(err))
  const collector = new TrackerCollector()
  const interfaces = networkInterfaces()
  const timers: NodeJS.Timeout[] = []
  let onAbort: (() => void) | undefined
  try {
    return await new Promise<DiscoveredTracker[]>((resolve, reject) => {
      fail = reject
      onAbort = () => reject(init.signal?.reason)
      init.signal?.addEventListener('abort', onAbort, { once: true })
      if (init.signal?.aborted) onAbort()
      mdns.on('response', (packet, rinfo) => {
        if (rinfo.port !== MDNS_PORT || !isOnLink(rinfo.address, interfaces)) return
        collector.add(packet)
      })
      const query = (first: boolean) =>
        mdns.query({ questions: [{ name: MDNS_SERVICE_TYPE, type: 'PTR' }] }, err => {
          if (err && first) reject(unavailable(err))
          else if (err) log('query not sent: %e', err)
        })
      QUERY_SCHEDULE_MS.filter(at => at < timeoutMs).forEach((at, i) => {
        timers.push(setTimeout(() => query(i === 0), at))
      })
      timers.push(setTimeout(() => resolve(collector.trackers(max)), timeoutMs))
    })
  } finally {
    for (const t of timers) clearTimeout(t)
    if (onAbort !== undefined) init.signal?.removeEventListener('abort', onAbort)
    await close(mdns)
  }
}
