import { createHash } from 'node:crypto'
import type { TrackerStats } from './http-stats.ts'

/**
 * The tracker's read-only status page (`GET /` on its `--http` address), for whoever runs a public
 * tracker: online count, who is online with their reachability, the relay, recent joins and leaves,
 * uptime. Static HTML: no script, every text from the network escaped, a strict Content-Security-Policy
 * (the one style block allowed by its hash), refreshed by the browser every few seconds.
 */

/** Most peers listed on the page; the count says how many more there are. */
export const STATUS_PAGE_MAX_PEERS = 500
/** Recent joins and leaves kept for the page. */
export const STATUS_PAGE_MAX_EVENTS = 50
/** The page reloads itself this often (seconds). */
export const STATUS_PAGE_REFRESH_SECONDS = 5

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111;background:#fff}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}table{border-collapse:collapse}
td,th{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}.no{color:#8a4b00}.dim{color:#555}`

/** The Content-Security-Policy of the page: nothing but its own style block. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

export interface StatusPeer {
  user: string
  reachable: boolean
  /** Unix ms of the login. */
  since: number
}

export interface StatusEvent {
  /** Unix ms. */
  at: number
  kind: 'joined' | 'left'
  user: string
  reason?: string
}

/** Text for HTML: `& < > " '` as entities (usernames cannot hold them, but nothing is assumed). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86_400)
  const h = Math.floor((seconds % 86_400) / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min ${seconds % 60} s`
}

const time = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)

/** Where the state is, and — on Redis — whether it is reachable and how many trackers share it. */
function storeLine(stats: TrackerStats): string {
  const e = escapeHtml
  const s = stats.store
  if (s.backend === 'lowdb') return `State in lowdb files (${e(s.location)})`
  const state = s.up
    ? 'reachable'
    : `<strong>NOT reachable since ${e(new Date(s.since).toISOString())}</strong> (${e(s.lastError ?? 'unknown error')}): logins are refused with BUSY`
  return `State on Redis ${e(s.location)}: ${state}; ${stats.cluster.trackers} tracker(s) share it`
}

/** The whole page. */
export function renderStatusPage(stats: TrackerStats, peers: StatusPeer[], events: StatusEvent[]): string {
  const e = escapeHtml
  const shown = [...peers].sort((a, b) => a.user.localeCompare(b.user)).slice(0, STATUS_PAGE_MAX_PEERS)
  const unreachable = peers.filter(p => !p.reachable).length
  const rows = shown
    .map(
      p =>
        `<tr><td>${e(p.user)}</td><td>${p.reachable ? 'direct' : '<span class="no">not reachable directly</span>'}</td><td class="dim">${time(p.since)}</td></tr>`
    )
    .join('\n')
  const more = peers.length > shown.length ? `<p class="dim">and ${peers.length - shown.length} more</p>` : ''
  const recent = [...events]
    .reverse()
    .map(
      ev =>
        `<li><span class="dim">${time(ev.at)}</span> ${e(ev.user)} ${ev.kind === 'joined' ? 'logged in' : `left (${e(ev.reason ?? '')})`}</li>`
    )
    .join('\n')
  const relay = stats.relay.enabled
    ? `${stats.relay.reservations} slots held, ${stats.relay.openConnections} relayed connections open, ${stats.relay.relayedConnections} set up since start, ${(stats.relay.relayedBytes / 1024 / 1024).toFixed(1)} MiB relayed, ${stats.relay.relayedRefused} refused`
    : 'off'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="${STATUS_PAGE_REFRESH_SECONDS}">
<title>p2pchat tracker: ${stats.online} online</title>
<style>${STYLE}</style></head>
<body>
<h1>p2pchat tracker ${e(stats.version)}</h1>
<p><strong>${stats.online}</strong> online (${unreachable} not reachable directly) · ${stats.accounts} accounts · up ${duration(stats.uptimeSeconds)} · ${stats.eventsPerSecond} events/s · ${stats.loginsPerSecond} logins/s (${stats.reconnectsPerSecond} reconnections), ${stats.cpuMsPerLogin} ms CPU per login · ${stats.handshakes.pending} handshakes pending · ${stats.resumedLogins} logins resumed without a password</p>
${restoredLine(stats)}<p class="dim">PeerId ${e(stats.peerId)} · <a href="/stats">/stats</a> · <a href="/metrics">/metrics</a></p>
<h2>Relay</h2>
<p>${relay}; ${stats.reversal.reversalsRequested} connection reversals passed on</p>
<p>${storeLine(stats)}</p>
<h2>Online</h2>
<table><thead><tr><th>user</th><th>reached</th><th>since (UTC)</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${more}
<h2>Recent</h2>
<ul>
${recent}
</ul>
</body></html>
`
}

/** After a restart that kept the online list: how many members it had and where they are now. */
function restoredLine(stats: TrackerStats): string {
  const p = stats.presence
  if (p.restored === 0) return ''
  return `<p>Kept the online list across the restart (away ${Math.round(p.awayMs / 1000)} s): ${p.restored} members, ${p.held} not back yet, ${p.reclaimed} back unchanged, ${p.replaced} back changed, ${p.expired} gone · ${p.listResumes} logins resumed their list</p>\n`
}
