import { multiaddr } from '@multiformats/multiaddr'
import { InvalidOptionError } from './errors.ts'

/** Read a flag, else the P2PCHAT_* environment variable, else undefined. */
export function fromEnv<T>(flag: T | undefined, envName: string): T | string | undefined {
  if (flag !== undefined) return flag
  const env = process.env[envName]
  return env === undefined || env === '' ? undefined : env
}

export function parseNumberOption(
  name: string,
  value: string | undefined,
  { min, max, fallback }: { min: number; max: number; fallback: number }
): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new InvalidOptionError(`${name} must be a number from ${min} to ${max}, got "${value}"`)
  }
  return n
}

export function parseMultiaddrOption(name: string, value: string): string {
  try {
    return multiaddr(value).toString()
  } catch (err) {
    throw new InvalidOptionError(
      `${name} "${value}" is not a multiaddr (${(err as Error).message}); e.g. /ip4/0.0.0.0/tcp/4001`
    )
  }
}

/** Parse HOST:PORT, [IPv6]:PORT or :PORT (all interfaces). */
export function parseHostPort(name: string, value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value)
  const port = m ? Number(m[3]) : Number.NaN
  if (m === null || port > 65535) {
    throw new InvalidOptionError(
      `${name} must be HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got "${value}"`
    )
  }
  return { host: m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]), port }
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }

/** Parse a byte size: `1048576`, `512K`, `100M`, `10G`, `1T` (binary units; an optional `B`/`iB`). */
export function parseSizeOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(value)
  const n = m === null ? Number.NaN : Math.floor(Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()])
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InvalidOptionError(`${name} must be a size like 500M, 10G or 1048576, got "${value}"`)
  }
  return n
}
