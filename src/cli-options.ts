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
