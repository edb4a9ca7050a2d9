import { multiaddr } from '@multiformats/multiaddr'
import { InvalidOptionError } from './errors.ts'

/**
 * A flag's value, else the P2PCHAT_* variable's, with the name to use in an error: `--data` or
 * `P2PCHAT_DATA`, whichever the value came from.
 */
export function option(
  flag: string | undefined,
  flagName: string,
  envName: string
): { value: string | undefined; name: string } {
  if (flag !== undefined) {
    // `--data ''` is a mistake (an unset variable in a script), never "the current directory".
    if (flag.trim() === '') throw new InvalidOptionError(`${flagName} needs a value, not an empty string`)
    return { value: flag, name: flagName }
  }
  const env = process.env[envName]
  return { value: env === undefined || env === '' ? undefined : env, name: envName }
}

/**
 * `--port -1` as `--port=-1`: parseArgs would read `-1` as an option and say `--port needs a value`;
 * joined, the option's own check says what range it takes. (After a flag that takes no value, a
 * negative number is an unexpected argument either way.)
 */
export function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const next = argv[i + 1]
    if (/^--[^=]+$/.test(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`)
      i++
    } else out.push(arg)
  }
  return out
}

/** node:util parseArgs errors as one clean line (`unknown option --fo`, `--user needs a value`). */
export function argvError(err: unknown, command: string): InvalidOptionError {
  const e = err as { code?: string; message?: string }
  const flag = /'(-{1,2}[^' ]+)/.exec(e.message ?? '')?.[1]
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new InvalidOptionError(`unknown option ${flag ?? ''} for p2pchat ${command}`)
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new InvalidOptionError(
        /does not take an argument/.test(e.message ?? '')
          ? `${flag ?? 'that option'} takes no value`
          : `${flag ?? 'an option'} needs a value`
      )
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new InvalidOptionError(`unexpected argument; p2pchat ${command} --help lists the options`)
    default:
      return new InvalidOptionError(e.message ?? String(err))
  }
}

export function parseNumberOption(
  name: string,
  value: string | undefined,
  { min, max, fallback, integer = false }: { min: number; max: number; fallback: number; integer?: boolean }
): number {
  if (value === undefined) return fallback
  // Plain decimal only: Number() would also take "0x10", "1e3" and "" (as 0).
  const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    const what = integer ? 'a whole number' : 'a number'
    throw new InvalidOptionError(`${name} must be ${what} from ${min} to ${max}, got "${value}"`)
  }
  return n
}

export function parseMultiaddrOption(name: string, value: string): string {
  try {
    return multiaddr(value).toString()
  } catch (err) {
    throw new InvalidOptionError(
      `${name} "${value}" is not a multiaddr (${(err as Error).message}); e.g. ${
        /tracker/i.test(name)
          ? '/ip4/192.0.2.7/tcp/4001/p2p/12D3KooW… (as the tracker printed it)'
          : '/ip4/0.0.0.0/tcp/4001'
      }`
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
