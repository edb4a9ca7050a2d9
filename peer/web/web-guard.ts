import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'

/** Bytes of randomness in the token the printed URL carries (256 bits). */
export const WEB_TOKEN_BYTES = 32

/**
 * The page may load only its own scripts and styles and talk only to its own server: no inline
 * script, no other origin, no plugins, no framing, no form posts elsewhere. `ws:` to itself is
 * `'self'` in current browsers; the explicit entry keeps older ones working.
 */
export function contentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http/, 'ws')
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${ws}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
}

export function newToken(): string {
  return randomBytes(WEB_TOKEN_BYTES).toString('base64url')
}

/** Compare in constant time: the token must not leak a byte at a time through response timing. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.byteLength === b.byteLength && timingSafeEqual(a, b)
}

/**
 * The Host names this server answers to. Another name pointing at 127.0.0.1 (DNS rebinding: a web page
 * whose host name resolves to us) gets nothing, so a page elsewhere can never read ours as same-origin.
 */
export function allowedHosts(
  host: string,
  port: number,
  interfaces: string[] = localAddresses()
): Set<string> {
  const hosts = new Set<string>()
  const add = (name: string): void => {
    hosts.add(`${name}:${port}`)
  }
  const bracket = (a: string): string => (isIP(a) === 6 ? `[${a}]` : a)
  const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost'
  const all = host === '0.0.0.0' || host === '::'
  if (loopback || all) {
    add('127.0.0.1')
    add('localhost')
    add('[::1]')
  }
  // On every interface: the machine's own addresses, as other machines on the network name it.
  if (all) for (const a of interfaces) add(bracket(a))
  if (!loopback && !all) add(bracket(host))
  return hosts
}

/** This machine's interface addresses (IPv6 link-local ones left out: they need a zone id). */
function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter(i => i !== undefined && !(i.family === 'IPv6' && i.address.startsWith('fe80:')))
    .map(i => i!.address)
}

/** The origins a request to this server may come from: its own `http://<host>` names. */
export function allowedOrigins(hosts: Set<string>): Set<string> {
  return new Set([...hosts].map(h => `http://${h}`))
}

/** Headers every response carries. */
export function securityHeaders(res: ServerResponse, csp: string): void {
  res.setHeader('Content-Security-Policy', csp)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  // The URL holds the token: never send it on as a Referer.
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
}

/** The request's token: `?token=` (the page, the WebSocket) or the X-P2PChat-Token header (uploads). */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers['x-p2pchat-token']
  if (typeof header === 'string') return header
  return url.searchParams.get('token')
}
