/** Plain-text formatting for the page: sizes in binary units (as the CLI), times, rates. */

/** The key an account is known by: case-insensitive, NFC (src/usernames.ts usernameKey). */
export function userKey(name: string): string {
  return name.normalize('NFC').toLowerCase().normalize('NFC')
}

export function sameUser(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && userKey(a) === userKey(b)
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

export function formatRate(bytesPerSec: number): string {
  return `${formatBytes(bytesPerSec)}/s`
}

/** `0:05`, `12:34`, `1:02:03`; empty when it cannot be estimated. */
export function formatEta(remainingBytes: number, bytesPerSec: number): string {
  if (bytesPerSec <= 0 || remainingBytes <= 0) return ''
  const total = Math.round(remainingBytes / bytesPerSec)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
}

/** `14:05` today, `2026-11-23 14:05` on other days (as the CLI shows times). */
export function formatTime(ms: number): string {
  const date = new Date(ms)
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
  if (sameDay(date, new Date())) return time
  const y = date.getFullYear()
  const mo = String(date.getMonth() + 1).padStart(2, '0')
  const d = String(date.getDate()).padStart(2, '0')
  return `${y}-${mo}-${d} ${time}`
}

/** `last seen 5 min ago`, `last seen 2026-11-23 14:05`, or `never seen online`. */
export function formatLastSeen(ms: number, now = Date.now()): string {
  if (ms <= 0) return 'never seen online'
  const minutes = Math.floor((now - ms) / 60_000)
  if (minutes < 1) return 'last seen just now'
  if (minutes < 60) return `last seen ${minutes} min ago`
  if (minutes < 24 * 60 && sameDay(new Date(ms), new Date(now))) return `last seen at ${formatTime(ms)}`
  return `last seen ${formatTime(ms)}`
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
