import { InvalidOptionError } from '../../src/errors.ts'

/** The port Redis listens on when a URL gives none. */
export const DEFAULT_REDIS_PORT = 6379

/** Where a Redis store is: what ioredis needs, and the URL to print (password hidden). */
export interface RedisLocation {
  host: string
  port: number
  db: number
  username?: string
  password?: string
  tls: boolean
  /** The URL as logs, /stats and errors show it: the password replaced by `***`. */
  display: string
}

/**
 * Parse `redis://[user[:password]@]host[:port][/db]` (or `rediss://` for TLS); throws
 * `InvalidOptionError` saying what is wrong with anything else.
 */
export function parseRedisUrl(input: string, option = '--store'): RedisLocation {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    throw new InvalidOptionError(
      `${option} must be "lowdb" or a URL like redis://127.0.0.1:6379/0, got "${input}"`
    )
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new InvalidOptionError(
      `${option}: only redis:// and rediss:// URLs are stores, got "${url.protocol}//…"`
    )
  }
  if (url.hostname === '') throw new InvalidOptionError(`${option}: "${input}" names no host`)
  const port = url.port === '' ? DEFAULT_REDIS_PORT : Number(url.port)
  const path = url.pathname.replace(/^\//, '')
  if (!/^\d{0,2}$/.test(path)) {
    throw new InvalidOptionError(
      `${option}: the path of "${url.host}${url.pathname}" must be a database number (0–15)`
    )
  }
  const db = path === '' ? 0 : Number(path)
  if (url.search !== '' || url.hash !== '') {
    throw new InvalidOptionError(`${option}: a store URL takes no query or fragment`)
  }
  const password = url.password === '' ? undefined : decodeURIComponent(url.password)
  const username = url.username === '' ? undefined : decodeURIComponent(url.username)
  const auth =
    username === undefined && password === undefined
      ? ''
      : `${username ?? ''}${password === undefined ? '' : ':***'}@`
  // IPv6 hosts keep their brackets in url.hostname.
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db,
    username,
    password,
    tls: url.protocol === 'rediss:',
    display: `${url.protocol}//${auth}${url.hostname}:${port}/${db}`
  }
}
