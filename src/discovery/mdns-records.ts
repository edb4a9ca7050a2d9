/**
 * The DNS records of p2pchat's LAN tracker discovery (DNS-SD over mDNS, RFC 6762/6763), built and
 * parsed without a socket so tests can feed them hostile packets. `mdns.ts` sends and receives them.
 * Everything read here comes from anyone on the LAN: it is bounded, validated, and never throws.
 */
import type { NetworkInterfaceInfo } from 'node:os'
import { peerIdFromString } from '@libp2p/peer-id'
import { CODE_IP4, CODE_IP6, CODE_P2P, CODE_TCP, multiaddr } from '@multiformats/multiaddr'
import type { Answer } from 'dns-packet'

/** The DNS-SD service type trackers announce and peers browse. */
export const MDNS_SERVICE_TYPE = '_p2pchat._tcp.local'
/** DNS-SD service type enumeration (RFC 6763 §9), so generic browsers (`avahi-browse -a`) list us too. */
export const DNS_SD_SERVICES = '_services._dns-sd._udp.local'
/** The TXT `v=` written and accepted: a tracker announcing another version speaks another protocol. */
export const MDNS_PROTOCOL_VERSION = '1'
/** Record TTL: RFC 6762 §10 recommends 120 s for records tied to a host's addresses, which change. */
export const RECORD_TTL_SECONDS = 120
/** Addresses one tracker announces and one instance may contribute: a few listen addresses, not more. */
export const MAX_ADDRS_PER_TRACKER = 8
/** A TXT string has a one-byte length (RFC 6763 §6.1); dns-packet silently wraps a longer one. */
export const MAX_TXT_STRING_BYTES = 255
/** TXT strings read per record: ours has MAX_ADDRS_PER_TRACKER + 1; reading 1000 hostile ones is waste. */
export const MAX_TXT_STRINGS_READ = 32
/** One DNS label (RFC 1035 §2.3.4); dns-packet writes a longer length into the pointer bits. */
export const MAX_LABEL_BYTES = 63
/** Characters of a discovered name kept for display: one label's worth. */
export const MAX_NAME_CHARS = 63
/** Instance names remembered during one discovery: bounds the memory a flood of fake names can take. */
export const MAX_TRACKED_INSTANCES = 128
/** Records read per packet: ours has under a dozen; a packet may decode to thousands. */
export const MAX_RECORDS_PER_PACKET = 64
/** Trackers kept under one instance name (two hosts left on the same default name). */
const MAX_PEERS_PER_INSTANCE = 4
/** Addresses from the `addrs` callback looked at: a tracker has a handful, a bug might return thousands. */
const MAX_SOURCE_ADDRS = 64

/** A tracker found on the LAN: its DNS-SD instance name and its validated `/p2p/<peerId>` addresses. */
export interface DiscoveredTracker {
  /** Instance name, control characters removed, at most `MAX_NAME_CHARS` characters. */
  name: string
  peerId: string
  /** Multiaddrs ending in `/p2p/<peerId>`, at most `MAX_ADDRS_PER_TRACKER`. */
  addrs: string[]
}

/** What a query asks about us: the service (browse), our instance (resolve), our host, the type list. */
export type QueryKind = 'service' | 'instance' | 'host' | 'enumerate'

/** Control, format (bidi overrides, zero-width) and line/paragraph separators: nothing to print. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu

/** `s` without unprintable characters, whitespace runs collapsed, at most `maxChars` code points. */
export function cleanText(s: string, maxChars: number): string {
  const clean = s.replace(UNPRINTABLE, '').replace(/\s+/g, ' ').trim()
  return [...clean].slice(0, maxChars).join('').trim()
}

/**
 * An instance name as one DNS label: printable, no dots (dns-packet cannot escape them), at most
 * `MAX_LABEL_BYTES` UTF-8 bytes cut on a character boundary. Empty when nothing usable is left.
 */
export function instanceLabel(name: string): string {
  let label = ''
  for (const ch of cleanText(name, MAX_LABEL_BYTES).replaceAll('.', '-')) {
    if (Buffer.byteLength(label + ch) > MAX_LABEL_BYTES) break
    label += ch
  }
  return label.trim()
}

/** `p2pchat tracker on <first label of the host name>`, as a label. */
export function defaultInstanceName(hostname: string): string {
  return instanceLabel(`p2pchat tracker on ${hostname.split('.')[0] || 'unknown host'}`)
}

/** The SRV target: our own name, not the host's, so we never contradict the host's own responder. */
export function targetHost(peerId: string): string {
  return `p2pchat-${peerId.slice(-12).toLowerCase()}.local`
}

/** `s` as a tracker address ending in `/p2p/<peerId>`, canonical, or undefined. */
export function parseTrackerAddr(s: unknown): { addr: string; peerId: string } | undefined {
  if (typeof s !== 'string' || Buffer.byteLength(s) > MAX_TXT_STRING_BYTES) return undefined
  try {
    const ma = multiaddr(s)
    const last = ma.getComponents().at(-1)
    if (last?.code !== CODE_P2P || last.value === undefined) return undefined
    const peerId = peerIdFromString(last.value)
    if (peerId.type === 'url' || peerId.toString() !== last.value) return undefined
    return { addr: ma.toString(), peerId: last.value }
  } catch {
    return undefined
  }
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number)
  if (parts.length !== 4 || parts.some(p => !Number.isInteger(p) || p < 0 || p > 255)) return undefined
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0
}

/** Whether IPv4 `ip` is in the subnet of interface address `info`. */
function inSubnet(ip: string, info: NetworkInterfaceInfo): boolean {
  const [a, b, mask] = [ipv4ToInt(ip), ipv4ToInt(info.address), ipv4ToInt(info.netmask)]
  if (info.family !== 'IPv4' || a === undefined || b === undefined || mask === undefined) return false
  return (a & mask) >>> 0 === (b & mask) >>> 0
}

/** RFC 6762 §11: only packets from a directly connected IPv4 subnet (or loopback) are believed. */
export function isOnLink(address: string, interfaces: Interfaces): boolean {
  return Object.values(interfaces).some(list => (list ?? []).some(info => inSubnet(address, info)))
}

/** The addresses to announce, their PeerId, the IPv4 hosts among them and the SRV port. */
export interface AnnouncedAddrs {
  peerId: string
  addrs: string[]
  ipv4: string[]
  port: number
}

/**
 * The tracker's addresses as announced to `queriers`: each a valid `/p2p/<peerId>` multiaddr of one
 * PeerId (the first valid one's), `0.0.0.0` and `::` replaced by this host's non-internal addresses,
 * loopback left out (meaningless to another host), those on a querier's subnet first, at most
 * `MAX_ADDRS_PER_TRACKER` whose TXT string fits. Undefined when nothing is left to announce.
 */
export function announcedAddrs(
  raw: readonly unknown[],
  interfaces: Interfaces,
  queriers: readonly string[] = []
): AnnouncedAddrs | undefined {
  const external = Object.values(interfaces)
    .flatMap(list => list ?? [])
    .filter(i => !i.internal && !(i.family === 'IPv6' && i.address.toLowerCase().startsWith('fe80')))
  const nearQuerier = (host: string) =>
    external.some(i => i.address === host && queriers.some(q => inSubnet(q, i)))
  let peerId: string | undefined
  const found: Array<{ addr: string; host: string; ip4: boolean; near: boolean }> = []
  for (const s of raw.slice(0, MAX_SOURCE_ADDRS)) {
    const parsed = parseTrackerAddr(s)
    if (parsed === undefined || (peerId !== undefined && parsed.peerId !== peerId)) continue
    peerId = parsed.peerId
    const [first] = multiaddr(parsed.addr).getComponents()
    const ip4 = first.code === CODE_IP4
    if (!ip4 && first.code !== CODE_IP6) {
      found.push({ addr: parsed.addr, host: '', ip4, near: false })
      continue
    }
    const host = first.value ?? ''
    const unspecified = host === '0.0.0.0' || host === '::'
    const hosts = unspecified
      ? external.filter(i => i.family === (ip4 ? 'IPv4' : 'IPv6')).map(i => i.address)
      : [host]
    for (const h of hosts) {
      if (h.startsWith('127.') || h === '::1') continue
      const addr = unspecified
        ? parsed.addr.replace(`/${first.name}/${host}/`, `/${first.name}/${h}/`)
        : parsed.addr
      found.push({ addr, host: h, ip4, near: nearQuerier(h) })
    }
  }
  if (peerId === undefined) return undefined
  const addrs = [...new Set([...found.filter(f => f.near), ...found.filter(f => !f.near)].map(f => f.addr))]
    .filter(a => Buffer.byteLength(`dnsaddr=${a}`) <= MAX_TXT_STRING_BYTES)
    .slice(0, MAX_ADDRS_PER_TRACKER)
  if (addrs.length === 0) return undefined
  const kept = found.filter(f => addrs.includes(f.addr))
  const tcp = multiaddr(addrs[0])
    .getComponents()
    .find(c => c.code === CODE_TCP)
  return {
    peerId,
    addrs,
    ipv4: [...new Set(kept.filter(f => f.ip4).map(f => f.host))],
    port: Number(tcp?.value ?? 0)
  }
}

/** The records answering `kinds` for instance `label` (ttl 0: a goodbye). Announcements ask for all. */
export function trackerRecords(
  label: string,
  announced: AnnouncedAddrs,
  kinds: ReadonlySet<QueryKind>,
  ttl = RECORD_TTL_SECONDS
): { answers: Answer[]; additionals: Answer[] } {
  const fqdn = `${label}.${MDNS_SERVICE_TYPE}`
  const target = targetHost(announced.peerId)
  const ptr: Answer = { name: MDNS_SERVICE_TYPE, type: 'PTR', ttl, data: fqdn }
  const srv: Answer = {
    name: fqdn,
    type: 'SRV',
    ttl,
    flush: true,
    data: { port: announced.port, target, priority: 0, weight: 0 }
  }
  const txt: Answer = {
    name: fqdn,
    type: 'TXT',
    ttl,
    flush: true,
    data: [`v=${MDNS_PROTOCOL_VERSION}`, ...announced.addrs.map(a => `dnsaddr=${a}`)]
  }
  const a: Answer[] = announced.ipv4.map(ip => ({ name: target, type: 'A', ttl, flush: true, data: ip }))
  const answers: Answer[] = []
  if (kinds.has('enumerate'))
    answers.push({ name: DNS_SD_SERVICES, type: 'PTR', ttl, data: MDNS_SERVICE_TYPE })
  if (kinds.has('service')) answers.push(ptr)
  if (kinds.has('instance')) answers.push(srv, txt)
  if (kinds.has('host')) answers.push(...a)
  const wantsMore = kinds.has('service') || kinds.has('instance')
  const additionals = wantsMore ? [srv, txt, ...a].filter(r => !answers.includes(r)) : []
  return { answers, additionals }
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const lower = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '')

/** What `questions` ask that we answer, given our instance label and current SRV target. */
export function matchQuestions(questions: unknown, label: string, target?: string): Set<QueryKind> {
  const kinds = new Set<QueryKind>()
  const instance = `${label}.${MDNS_SERVICE_TYPE}`.toLowerCase()
  for (const q of asArray(questions).slice(0, MAX_RECORDS_PER_PACKET)) {
    const { name, type } = (q ?? {}) as { name?: unknown; type?: unknown }
    const [n, any] = [lower(name), type === 'ANY']
    if (n === MDNS_SERVICE_TYPE && (type === 'PTR' || any)) kinds.add('service')
    else if (n === DNS_SD_SERVICES && (type === 'PTR' || any)) kinds.add('enumerate')
    else if (n === instance && (type === 'SRV' || type === 'TXT' || any)) kinds.add('instance')
    else if (target !== undefined && n === target && (type === 'A' || any)) kinds.add('host')
  }
  return kinds
}

/** A TXT record's strings as text: at most `MAX_TXT_STRINGS_READ`, invalid UTF-8 dropped. */
function txtStrings(data: unknown): string[] {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const list = Array.isArray(data) ? data : [data]
  const out: string[] = []
  for (const item of list.slice(0, MAX_TXT_STRINGS_READ)) {
    try {
      if (typeof item === 'string') out.push(item)
      else if (item instanceof Uint8Array && item.byteLength <= MAX_TXT_STRING_BYTES)
        out.push(decoder.decode(item))
    } catch {
      // Not UTF-8: not ours.
    }
  }
  return out
}

/**
 * The tracker a TXT record describes, or undefined: it needs `v=` equal to `MDNS_PROTOCOL_VERSION` (the
 * first `v=` counts, RFC 6763 §6.4) and at least one valid `dnsaddr=`. Invalid addresses are dropped;
 * addresses naming different PeerIds make the whole record a lie, and it is ignored.
 */
export function trackerFromTxt(name: string, data: unknown): DiscoveredTracker | undefined {
  let version: string | undefined
  const addrs: string[] = []
  let peerId: string | undefined
  for (const s of txtStrings(data)) {
    const eq = s.indexOf('=')
    const key = (eq < 0 ? s : s.slice(0, eq)).toLowerCase()
    if (key === 'v') version ??= s.slice(eq + 1)
    if (key !== 'dnsaddr' || eq < 0) continue
    const parsed = parseTrackerAddr(s.slice(eq + 1))
    if (parsed === undefined) continue
    if (peerId !== undefined && parsed.peerId !== peerId) return undefined
    peerId = parsed.peerId
    if (!addrs.includes(parsed.addr) && addrs.length < MAX_ADDRS_PER_TRACKER) addrs.push(parsed.addr)
  }
  if (version !== MDNS_PROTOCOL_VERSION || peerId === undefined) return undefined
  return { name, peerId, addrs }
}

interface Instance {
  /** A PTR under the service type names this instance (and no goodbye came after it). */
  listed: boolean
  /** PeerId → the tracker its latest TXT describes. */
  peers: Map<string, DiscoveredTracker>
}

/**
 * Collects the trackers in decoded mDNS responses: PTRs under `MDNS_SERVICE_TYPE` list instances, their
 * TXT records say who they are, TTL 0 (a goodbye) takes them away. Bounded by `MAX_TRACKED_INSTANCES`.
 */
export class TrackerCollector {
  private readonly instances = new Map<string, Instance>()

  private instance(fqdn: string): Instance | undefined {
    let entry = this.instances.get(fqdn)
    if (entry === undefined && this.instances.size < MAX_TRACKED_INSTANCES) {
      entry = { listed: false, peers: new Map() }
      this.instances.set(fqdn, entry)
    }
    return entry
  }

  /** Take in one decoded packet; anything that is not a well-formed answer of ours is ignored. */
  add(packet: unknown): void {
    const p = (packet ?? {}) as { type?: unknown; answers?: unknown; additionals?: unknown }
    if (p.type !== 'response') return
    const records = [...asArray(p.answers), ...asArray(p.additionals)]
      .slice(0, MAX_RECORDS_PER_PACKET)
      .map(r => (r ?? {}) as { name?: unknown; type?: unknown; ttl?: unknown; data?: unknown })
    const suffix = `.${MDNS_SERVICE_TYPE}`
    const goodbye = (r: { ttl?: unknown }) => r.ttl === 0
    // PTRs first, so the TXT in the same packet finds its instance listed.
    for (const r of records) {
      if (r.type !== 'PTR' || lower(r.name) !== MDNS_SERVICE_TYPE) continue
      const fqdn = lower(r.data)
      if (!fqdn.endsWith(suffix) || fqdn.length === suffix.length) continue
      if (goodbye(r)) this.instances.delete(fqdn)
      else {
        const entry = this.instance(fqdn)
        if (entry !== undefined) entry.listed = true
      }
    }
    for (const r of records) {
      const fqdn = lower(r.name)
      if (r.type !== 'TXT' || !fqdn.endsWith(suffix) || fqdn.length === suffix.length) continue
      const name = cleanText((r.name as string).slice(0, -suffix.length), MAX_NAME_CHARS)
      const tracker = name === '' ? undefined : trackerFromTxt(name, r.data)
      if (tracker === undefined) continue
      const entry = goodbye(r) ? this.instances.get(fqdn) : this.instance(fqdn)
      if (goodbye(r)) entry?.peers.delete(tracker.peerId)
      else if (
        entry !== undefined &&
        (entry.peers.has(tracker.peerId) || entry.peers.size < MAX_PEERS_PER_INSTANCE)
      )
        entry.peers.set(tracker.peerId, tracker)
    }
  }

  /**
   * The trackers listed now, one per PeerId (a tracker seen under two names keeps the first in sort
   * order, its addresses first), sorted by name then PeerId in code-point order, at most `max`.
   */
  trackers(max: number): DiscoveredTracker[] {
    const order = (a: DiscoveredTracker, b: DiscoveredTracker) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0
    const listed = [...this.instances.values()].filter(e => e.listed).flatMap(e => [...e.peers.values()])
    const byPeer = new Map<string, DiscoveredTracker>()
    for (const t of listed.sort(order)) {
      const seen = byPeer.get(t.peerId)
      const addrs = [...new Set([...(seen?.addrs ?? []), ...t.addrs])].slice(0, MAX_ADDRS_PER_TRACKER)
      byPeer.set(t.peerId, { name: seen?.name ?? t.name, peerId: t.peerId, addrs })
    }
    return [...byPeer.values()].sort(order).slice(0, Math.max(0, max))
  }
}
