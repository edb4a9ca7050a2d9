import { option, parseMultiaddrOption, parseNumberOption, parseSizeOption } from '../src/cli-options.ts'
import { InvalidOptionError } from '../src/errors.ts'
import { DEFAULT_FILE_OFFER_TIMEOUT_MS, DEFAULT_MAX_FILE_BYTES } from '../src/protocol/constants.ts'

/** The options `p2pchat peer` and `p2pchat web` share: how the peer reaches the network and takes files. */
export interface SharedPeerOptions {
  /** The tracker, or several sharing one store: the peer logs in on the first and moves on when it is lost. */
  tracker?: string[]
  listen?: string[]
  downloadsDir?: string
  maxFileBytes: number
  offerTimeoutMs: number
  upnp: boolean
  /** P2PCHAT_FILE_BULK=0: files always on the file stream (a lab switch; the bulk path needs no setup). */
  fileBulk?: false
}

/** The flags behind SharedPeerOptions, as node:util parseArgs returns them. */
export interface SharedPeerFlags {
  tracker?: string[]
  listen?: string[]
  downloads?: string
  'max-file-size'?: string
  'offer-timeout'?: string
  upnp?: boolean
}

/** A yes/no environment variable: 1/true/yes/on, 0/false/no/off or unset; anything else is refused. */
export function envSwitch(name: string): boolean {
  const value = process.env[name]?.trim().toLowerCase()
  if (value === undefined || value === '') return false
  if (['1', 'true', 'yes', 'on'].includes(value)) return true
  if (['0', 'false', 'no', 'off'].includes(value)) return false
  throw new InvalidOptionError(`${name} must be 1/true/yes/on or 0/false/no/off, not "${process.env[name]}"`)
}

/** The tracker's multiaddr, which must name its PeerId (Noise checks that key): refused here, before anything. */
export function trackerAddress(name: string, value: string): string {
  const addr = parseMultiaddrOption(name, value)
  if (!/\/p2p\/[^/]+$/.test(addr)) {
    throw new InvalidOptionError(
      `${name} must end in /p2p/<tracker PeerId>, as the tracker printed it: ${value}`
    )
  }
  return addr
}

/**
 * `--tracker`, repeated and/or comma-separated, else P2PCHAT_TRACKER (comma-separated): each address
 * checked as `trackerAddress` checks one, duplicates dropped, the order kept (it is the failover order).
 */
export function trackerAddresses(flags: string[] | undefined): string[] | undefined {
  const given = flags?.length ? flags : undefined
  const name = given === undefined ? 'P2PCHAT_TRACKER' : '--tracker'
  const env = process.env.P2PCHAT_TRACKER
  const values = given ?? (env === undefined || env === '' ? [] : [env])
  const addrs: string[] = []
  for (const value of values) {
    const parts = value
      .split(',')
      .map(s => s.trim())
      .filter(Boolean)
    // `--tracker ''` or `--tracker ,` is a mistake (an unset variable in a script), never "no tracker".
    if (parts.length === 0) throw new InvalidOptionError(`${name} needs a value, not an empty string`)
    for (const part of parts) {
      const addr = trackerAddress(name, part)
      if (!addrs.includes(addr)) addrs.push(addr)
    }
  }
  return addrs.length > 0 ? addrs : undefined
}

/** Flags, else P2PCHAT_* variables; errors name the flag or the variable a value came from. */
export function parseSharedPeerOptions(v: SharedPeerFlags): SharedPeerOptions {
  const listen = v.listen
    ? { values: v.listen, name: '--listen' }
    : {
        values: process.env.P2PCHAT_PEER_LISTEN?.split(',')
          .map(s => s.trim())
          .filter(Boolean),
        name: 'P2PCHAT_PEER_LISTEN'
      }
  const maxSize = option(v['max-file-size'], '--max-file-size', 'P2PCHAT_MAX_FILE_SIZE')
  const offerTimeout = option(v['offer-timeout'], '--offer-timeout', 'P2PCHAT_OFFER_TIMEOUT')
  const offerTimeoutS = parseNumberOption(offerTimeout.name, offerTimeout.value, {
    min: 1,
    max: 7 * 24 * 3600,
    fallback: DEFAULT_FILE_OFFER_TIMEOUT_MS / 1000
  })
  return {
    tracker: trackerAddresses(v.tracker),
    listen: listen.values?.length ? listen.values.map(a => parseMultiaddrOption(listen.name, a)) : undefined,
    downloadsDir: option(v.downloads, '--downloads', 'P2PCHAT_DOWNLOADS').value,
    maxFileBytes: parseSizeOption(maxSize.name, maxSize.value, DEFAULT_MAX_FILE_BYTES),
    offerTimeoutMs: Math.round(offerTimeoutS * 1000),
    upnp: v.upnp === true || envSwitch('P2PCHAT_UPNP'),
    ...(process.env.P2PCHAT_FILE_BULK !== undefined &&
    process.env.P2PCHAT_FILE_BULK !== '' &&
    !envSwitch('P2PCHAT_FILE_BULK')
      ? { fileBulk: false as const }
      : {})
  }
}
