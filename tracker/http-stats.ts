import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import { Counter, Gauge, Registry } from 'prom-client'
import { VERSION } from '../src/version.ts'
import type { DialBackStats } from './dial-back.ts'
import type { HandshakeStats } from './handshake-guard.ts'
import type { RelayCounters } from './relay.ts'
import type { ReversalCounters } from './reversal.ts'
import type { SocialCounts } from './social/index.ts'
import type { StatusEvent } from './status-page.ts'
import { renderStatusPage, STATUS_PAGE_CSP, STATUS_PAGE_MAX_EVENTS } from './status-page.ts'
import type { StoreHealth } from './store/index.ts'
import type { ClusterCounters } from './store/redis-presence.ts'
import type { PresenceEventDetail, PresenceRestoreCounters, Tracker } from './tracker.ts'

/** Events/s is averaged over this many seconds. */
export const EVENT_RATE_WINDOW_SECONDS = 10

/**
 * Logins and the process's CPU time, sampled every second: rates and CPU per login over the last
 * EVENT_RATE_WINDOW_SECONDS, for a login storm (a restart) to be watched while it happens.
 */
export class LoginLoad {
  readonly #samples: Array<{ logins: number; reconnects: number; cpuMicros: number; at: number }> = []
  readonly #timer: ReturnType<typeof setInterval>

  constructor(counters: () => { logins: number; reconnects: number }) {
    const sample = (): void => {
      const c = counters()
      const cpu = process.cpuUsage()
      this.#samples.push({
        logins: c.logins,
        reconnects: c.reconnects,
        cpuMicros: cpu.user + cpu.system,
        at: Date.now()
      })
      if (this.#samples.length > EVENT_RATE_WINDOW_SECONDS + 1) this.#samples.shift()
    }
    sample()
    this.#timer = setInterval(sample, 1_000)
    this.#timer.unref?.()
  }

  /** Rates and CPU per login between the oldest sample kept and now. */
  current(counters: { logins: number; reconnects: number }): {
    loginsPerSecond: number
    reconnectsPerSecond: number
    cpuMsPerLogin: number
  } {
    const first = this.#samples[0]
    const cpu = process.cpuUsage()
    const seconds = Math.max(0.001, (Date.now() - first.at) / 1000)
    const logins = counters.logins - first.logins
    const cpuMs = (cpu.user + cpu.system - first.cpuMicros) / 1000
    const round = (n: number): number => Math.round(n * 100) / 100
    return {
      loginsPerSecond: round(logins / seconds),
      reconnectsPerSecond: round((counters.reconnects - first.reconnects) / seconds),
      cpuMsPerLogin: logins > 0 ? round(cpuMs / logins) : 0
    }
  }

  stop(): void {
    clearInterval(this.#timer)
  }
}

/** Counts events per second over a sliding window. */
export class RateMeter {
  readonly #buckets = new Array<number>(EVENT_RATE_WINDOW_SECONDS).fill(0)
  #second = 0

  mark(now = Date.now()): void {
    this.#advance(now)
    this.#buckets[this.#second % EVENT_RATE_WINDOW_SECONDS]++
  }

  perSecond(now = Date.now()): number {
    this.#advance(now)
    // The current second is partial; average over the full ones before it.
    let sum = 0
    for (let i = 1; i < EVENT_RATE_WINDOW_SECONDS; i++) {
      sum += this.#buckets[(this.#second - i + EVENT_RATE_WINDOW_SECONDS * 2) % EVENT_RATE_WINDOW_SECONDS]
    }
    return sum / (EVENT_RATE_WINDOW_SECONDS - 1)
  }

  #advance(now: number): void {
    const second = Math.floor(now / 1000)
    if (this.#second === 0) this.#second = second
    const steps = Math.min(second - this.#second, EVENT_RATE_WINDOW_SECONDS)
    for (let i = 1; i <= steps; i++) this.#buckets[(this.#second + i) % EVENT_RATE_WINDOW_SECONDS] = 0
    if (second > this.#second) this.#second = second
  }
}

export interface TrackerStats {
  version: string
  peerId: string
  online: number
  accounts: number
  uptimeSeconds: number
  eventsPerSecond: number
  presenceVersion: number
  connections: number
  logins: number
  failedLogins: number
  registrations: number
  evictions: number
  reconnects: number
  /** Logins with a resumption credential instead of the password (no password hash), since start. */
  resumedLogins: number
  /** Credentials refused (expired, revoked, another device's): those peers log in with the password. */
  refusedResumes: number
  passwordChanges: number
  /** Over the last EVENT_RATE_WINDOW_SECONDS: logins per second, of which reconnections, and the tracker's CPU per login (0 with no logins). */
  loginsPerSecond: number
  reconnectsPerSecond: number
  cpuMsPerLogin: number
  deltaBytesSent: number
  deltaFramesSent: number
  skippedPushes: number
  /**
   * The online list kept across the last restart (restored members, those still held, reclaimed,
   * replaced, expired) and logins that resumed a kept list instead of loading the whole one.
   */
  presence: PresenceRestoreCounters
  /** Connections still in their handshake, and what the handshake guard refused or aborted. */
  handshakes: HandshakeStats
  /** Published addresses verified by dialling back (docs/protocol.md). */
  dialBack: DialBackStats
  /** The relay for peers nobody can dial: slots, relayed connections, bytes, refusals (docs/nat.md). */
  relay: { enabled: boolean; reservations: number; openConnections: number } & RelayCounters
  /** Connection reversals passed on to the peer asked to dial, and refused (docs/nat.md). */
  reversal: ReversalCounters
  /** Friendships, friend requests waiting for an answer, and groups (docs/protocol.md "Friends", "Groups"). */
  social: SocialCounts
  /** Where the state is kept (lowdb files or Redis), whether it can be used now, and why not (docs/deploy.md). */
  store: StoreHealth
  /** Trackers sharing the store (1 on lowdb) and the pushes between them. */
  cluster: ClusterCounters
}

/** Serves GET /stats (JSON) and GET /metrics (Prometheus text) for a running tracker. */
export class StatsServer {
  readonly #tracker: Tracker
  readonly #rate = new RateMeter()
  readonly #load: LoginLoad
  readonly #registry = new Registry()
  readonly #server: Server
  readonly #onPresence: (e: CustomEvent<PresenceEventDetail>) => void
  /** The last joins and leaves, for the status page. */
  readonly #recent: StatusEvent[] = []

  constructor(tracker: Tracker) {
    this.#tracker = tracker
    this.#load = new LoginLoad(() => tracker.counters)
    const events = new Counter({
      name: 'p2pchat_presence_events_total',
      help: 'Presence events (joins and leaves)',
      labelNames: ['kind'],
      registers: [this.#registry]
    })
    this.#onPresence = e => {
      this.#rate.mark()
      this.#recent.push({
        at: Date.now(),
        kind: e.detail.kind,
        user: e.detail.username,
        reason: e.detail.reason
      })
      if (this.#recent.length > STATUS_PAGE_MAX_EVENTS) this.#recent.shift()
      events.inc({ kind: e.detail.kind })
    }
    tracker.addEventListener('presence', this.#onPresence)
    const gauge = (name: string, help: string, read: (s: TrackerStats) => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.#registry],
        collect() {
          this.set(read(statsRef()))
        }
      })
    }
    const statsRef = (): TrackerStats => this.stats()
    gauge('p2pchat_online_peers', 'Peers logged in now', s => s.online)
    gauge('p2pchat_accounts', 'Registered accounts', s => s.accounts)
    gauge('p2pchat_connections', 'Open libp2p connections', s => s.connections)
    gauge('p2pchat_uptime_seconds', 'Seconds since the tracker started', s => s.uptimeSeconds)
    gauge('p2pchat_logins_total', 'Successful logins since start', s => s.logins)
    gauge('p2pchat_failed_logins_total', 'Failed logins since start', s => s.failedLogins)
    gauge(
      'p2pchat_reconnects_total',
      'Logins from a PeerId the account logged in with before, since start',
      s => s.reconnects
    )
    gauge(
      'p2pchat_resumed_logins_total',
      'Logins with a resumption credential instead of the password, since start',
      s => s.resumedLogins
    )
    gauge(
      'p2pchat_refused_resumes_total',
      'Resumption credentials refused (expired, revoked, not the device), since start',
      s => s.refusedResumes
    )
    gauge('p2pchat_password_changes_total', 'Password changes since start', s => s.passwordChanges)
    gauge('p2pchat_logins_per_second', 'Logins per second over the last 10 s', s => s.loginsPerSecond)
    gauge(
      'p2pchat_reconnects_per_second',
      'Reconnections (logins from a known PeerId) per second over the last 10 s',
      s => s.reconnectsPerSecond
    )
    gauge(
      'p2pchat_cpu_ms_per_login',
      "The tracker process's CPU time per login over the last 10 s (0 without logins)",
      s => s.cpuMsPerLogin
    )
    gauge('p2pchat_evictions_total', 'Peers evicted for missing heartbeats', s => s.evictions)
    gauge(
      'p2pchat_presence_held',
      'Members kept in the online list across the last restart whose peers are not back yet',
      s => s.presence.held
    )
    gauge(
      'p2pchat_presence_restored',
      'Members the online list kept across the last restart (0: it started empty)',
      s => s.presence.restored
    )
    gauge(
      'p2pchat_list_resumes_total',
      'Logins that presented a kept online list and got only the changes since',
      s => s.presence.listResumes
    )
    gauge('p2pchat_delta_bytes_sent_total', 'Bytes of presence deltas pushed', s => s.deltaBytesSent)
    gauge('p2pchat_pending_handshakes', 'Connections still in their handshake', s => s.handshakes.pending)
    gauge(
      'p2pchat_handshakes_refused_total',
      'Handshakes refused: their host or their share of slots was full',
      s => s.handshakes.refusedPerHost + s.handshakes.refusedFull
    )
    gauge(
      'p2pchat_handshakes_aborted_total',
      'Handshakes aborted: past the deadline for the load, or evicted for a lighter host',
      s => s.handshakes.timedOut + s.handshakes.evicted
    )
    gauge(
      'p2pchat_relay_reservations',
      'Relay slots held by peers nobody can dial',
      s => s.relay.reservations
    )
    gauge(
      'p2pchat_relayed_connections_total',
      'Relayed connections set up between two logged-in users',
      s => s.relay.relayedConnections
    )
    gauge('p2pchat_relayed_connections_open', 'Relayed connections open now', s => s.relay.openConnections)
    gauge(
      'p2pchat_relayed_bytes_total',
      'Bytes the relay received from either end of relayed connections (and passed on)',
      s => s.relay.relayedBytes
    )
    gauge(
      'p2pchat_relayed_refused_total',
      'Relayed connections refused: a stranger at one end, or over a relay limit',
      s => s.relay.relayedRefused
    )
    gauge(
      'p2pchat_reversals_total',
      'Connection reversals passed on (a reachable peer asked an unreachable one to dial it)',
      s => s.reversal.reversalsRequested
    )
    gauge(
      'p2pchat_dial_backs_failed_total',
      'Published addresses that did not answer with their peer key',
      s => s.dialBack.failed
    )
    gauge('p2pchat_friendships', 'Pairs of users who are friends', s => s.social.friendships)
    gauge(
      'p2pchat_friend_requests_pending',
      'Friend requests waiting for an answer (expired ones until the hourly sweep)',
      s => s.social.pendingRequests
    )
    gauge('p2pchat_groups', 'Groups', s => s.social.groups)
    gauge(
      'p2pchat_store_up',
      'Whether the tracker can use its store now (1) or refuses logins with BUSY (0)',
      s => (s.store.up ? 1 : 0)
    )
    gauge('p2pchat_store_outages_total', 'Times the store (Redis) was lost since start', s => s.store.outages)
    gauge(
      'p2pchat_cluster_trackers',
      'Trackers sharing the store and alive (1 on lowdb)',
      s => s.cluster.trackers
    )
    gauge(
      'p2pchat_remote_pushes_sent_total',
      'Friend and group events pushed to sessions on other trackers',
      s => s.cluster.remotePushesSent
    )
    this.#server = createServer((req, res) => this.#handle(req, res))
  }

  stats(): TrackerStats {
    const t = this.#tracker
    const p = t.presence.stats()
    return {
      version: VERSION,
      peerId: t.node?.peerId.toString() ?? '',
      online: p.online,
      accounts: t.accountCount,
      uptimeSeconds: Math.round((Date.now() - t.startedAt) / 1000),
      eventsPerSecond: Math.round(this.#rate.perSecond() * 100) / 100,
      presenceVersion: p.version,
      connections: t.node?.getConnections().length ?? 0,
      ...t.counters,
      ...t.signInCounters,
      ...this.#load.current(t.counters),
      deltaBytesSent: p.deltaBytes,
      deltaFramesSent: p.deltaFrames,
      skippedPushes: p.skippedPushes,
      presence: t.presenceRestore,
      handshakes: t.handshakes.stats,
      dialBack: t.dialBackStats,
      relay: t.relayStats,
      reversal: { ...t.reversalStats },
      social: t.socialCounts,
      store: t.storeHealth,
      cluster: { ...t.clusterCounters }
    }
  }

  /** Listen on host:port; resolves with the bound address (port 0 picks one). */
  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject)
        const addr = this.#server.address()
        if (addr === null || typeof addr === 'string') return reject(new Error('no TCP address'))
        resolve({ host: addr.address, port: addr.port })
      })
    })
  }

  async close(): Promise<void> {
    this.#tracker.removeEventListener('presence', this.#onPresence)
    this.#load.stop()
    this.#server.closeAllConnections()
    await new Promise<void>(resolve => this.#server.close(() => resolve()))
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n')
      return
    }
    if (path === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(this.stats())}\n`)
      return
    }
    if (path === '/metrics') {
      this.#registry
        .metrics()
        .then(text => res.writeHead(200, { 'content-type': this.#registry.contentType }).end(text))
        .catch(err => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`))
      return
    }
    if (path === '/') {
      const peers = [...this.#tracker.presence.members()].map(m => ({
        user: m.entry.username,
        reachable: m.entry.reachable,
        since: m.entry.since
      }))
      res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': STATUS_PAGE_CSP,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'cache-control': 'no-store'
        })
        .end(renderStatusPage(this.stats(), peers, this.#recent))
      return
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /, /stats or /metrics\n')
  }
}
