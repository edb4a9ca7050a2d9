import { createInterface } from 'node:readline'
import type { DiscoveredTracker } from '../src/discovery/mdns.ts'
import { DEFAULT_DISCOVERY_TIMEOUT_MS, discoverTrackers } from '../src/discovery/mdns.ts'
import { InvalidOptionError } from '../src/errors.ts'
import { escapeTerminal } from './ui/terminal.ts'

/**
 * `p2pchat peer` without --tracker: look for trackers on the local network (mDNS). One found is used
 * (and said); several are listed and the user picks one at a terminal, or is told to choose with
 * --tracker when there is no terminal to ask at (JSON mode, a script). Names come from the network:
 * they are shown stripped of anything a terminal would interpret.
 */

export interface FindTrackerOptions {
  /** Ask at the terminal when several answer. @default false */
  interactive?: boolean
  /** Where the search and the choice are told (never stdout: JSON mode owns it). @default process.stderr */
  out?: NodeJS.WritableStream
  /** @default process.stdin */
  input?: NodeJS.ReadableStream
  /** @default DEFAULT_DISCOVERY_TIMEOUT_MS (2 s) */
  timeoutMs?: number
  /** For tests: the search itself. @default discoverTrackers */
  discover?: (init: { timeoutMs: number }) => Promise<DiscoveredTracker[]>
}

/** One line per tracker: `1) name  address`. */
function listing(found: DiscoveredTracker[]): string {
  return found
    .map((t, i) => `  ${i + 1}) ${escapeTerminal(t.name)}  ${escapeTerminal(t.addrs[0])}`)
    .join('\n')
}

/** The tracker address to use, found on the local network; throws INVALID_OPTION with what to do. */
export async function findTracker(options: FindTrackerOptions = {}): Promise<string> {
  const out = options.out ?? process.stderr
  const timeoutMs = options.timeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS
  out.write(`No --tracker given: looking for trackers on the local network (mDNS, ${timeoutMs / 1000} s)…\n`)
  let found: DiscoveredTracker[]
  try {
    found = await (options.discover ?? discoverTrackers)({ timeoutMs })
  } catch (err) {
    throw new InvalidOptionError(
      `--tracker MULTIADDR is required: cannot search the local network (${(err as Error).message})`
    )
  }
  found = found.filter(t => t.addrs.length > 0)
  if (found.length === 0) {
    throw new InvalidOptionError(
      `no tracker answered on the local network within ${timeoutMs / 1000} s; pass --tracker MULTIADDR (the address the tracker printed)`
    )
  }
  if (found.length === 1) {
    const [only] = found
    out.write(`Found tracker "${escapeTerminal(only.name)}" at ${escapeTerminal(only.addrs[0])}\n`)
    return only.addrs[0]
  }
  if (options.interactive !== true) {
    throw new InvalidOptionError(
      `${found.length} trackers answered on the local network; choose one with --tracker:\n${listing(found)}`
    )
  }
  out.write(`${found.length} trackers answered on the local network:\n${listing(found)}\n`)
  const rl = createInterface({ input: options.input ?? process.stdin, terminal: false })
  const prompt = `Which one? [1-${found.length}] `
  try {
    out.write(prompt)
    // Lines as they come (typed, or piped all at once): each is an answer.
    for await (const line of rl) {
      const n = Number(line.trim())
      if (Number.isInteger(n) && n >= 1 && n <= found.length) return found[n - 1].addrs[0]
      out.write(`Type a number from 1 to ${found.length}.\n${prompt}`)
    }
    throw new InvalidOptionError('no tracker chosen (input ended); pass --tracker MULTIADDR')
  } finally {
    rl.close()
  }
}
