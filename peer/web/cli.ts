import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { logger } from '@libp2p/logger'
import { argvError, joinNegativeValues, option, parseNumberOption } from '../../src/cli-options.ts'
import { InvalidOptionError } from '../../src/errors.ts'
import { DEFAULT_FILE_OFFER_TIMEOUT_MS, DEFAULT_MAX_FILE_BYTES } from '../../src/protocol/constants.ts'
import { formatBytes } from '../../src/units.ts'
import { DEFAULT_PEER_LISTEN } from '../core/index.ts'
import type { SharedPeerOptions } from '../peer-options.ts'
import { parseSharedPeerOptions } from '../peer-options.ts'
import { DEFAULT_WEB_HOST, DEFAULT_WEB_PORT, WebServer } from './web-server.ts'
import { DEFAULT_WEB_DATA_ROOT, WebSession } from './web-session.ts'

export const WEB_HELP = `Usage: p2pchat web [--port ${DEFAULT_WEB_PORT}] [--data DIR] [options]

The p2pchat window in your browser: log in or register, see friends and who is online, chat, groups,
send and receive files. Serves a local page on ${DEFAULT_WEB_HOST} and prints its address, which
carries a secret token: only the page opened from that address can drive the peer.

Options (each falls back to the environment variable shown):
  --port N               HTTP port; 0 picks a free one                    [P2PCHAT_WEB_PORT]
                         default: ${DEFAULT_WEB_PORT}
  --host ADDR            address to serve on. default: ${DEFAULT_WEB_HOST} (this machine
                         only); another address lets other machines load the page,
                         still only with the token
  --data DIR             each account's data in DIR/<user> (as p2pchat peer's default)
                         and the login screen's memory in DIR/web.json   [P2PCHAT_WEB_DATA]
                         default: ${DEFAULT_WEB_DATA_ROOT}
  --tracker MULTIADDR    the tracker the login screen offers first        [P2PCHAT_TRACKER,
                         default: the last one that logged in here         comma-separated]
                         Several sharing one store: repeat it or comma-
                         separate them (the login screen takes such a list too)
  --listen MULTIADDR     where other peers reach you; repeat for several  [P2PCHAT_PEER_LISTEN,
                         default: ${DEFAULT_PEER_LISTEN.join(', ').padEnd(41)}comma-separated]
  --upnp                 ask the home router to forward the listen port  [P2PCHAT_UPNP=1]
                         (docs/nat.md)
  --downloads DIR        where received files go                         [P2PCHAT_DOWNLOADS]
                         default: <data>/<user>/downloads
  --max-file-size SIZE   refuse offers, and files to send, larger than    [P2PCHAT_MAX_FILE_SIZE]
                         this (500M, 10G, …). default: ${formatBytes(DEFAULT_MAX_FILE_BYTES)}
  --offer-timeout SECS   unanswered file offers expire after this long   [P2PCHAT_OFFER_TIMEOUT]
                         default: ${DEFAULT_FILE_OFFER_TIMEOUT_MS / 1000}
  --no-open              do not open a browser (default: open one where a desktop is,
                         i.e. DISPLAY or WAYLAND_DISPLAY is set, or on macOS/Windows)
  -h, --help             show this help

The address is printed on stdout, alone on its line; the rest goes to stderr. Ctrl-C logs out and
stops. Exit status: 0 when stopped, 1 when it cannot serve (port in use, page not built), 2 for a bad
option.
`

interface WebOptions extends SharedPeerOptions {
  port: number
  host: string
  dataRoot?: string
  open: boolean
}

export function parseWebArgs(argv: string[]): WebOptions | 'help' {
  let parsed: ReturnType<typeof parseWebArgv>
  try {
    parsed = parseWebArgv(argv)
  } catch (err) {
    throw argvError(err, 'web')
  }
  const v = parsed.values
  if (v.help) return 'help'
  if (parsed.positionals.length > 0)
    throw new InvalidOptionError(`unexpected argument "${parsed.positionals[0]}"; options start with --`)
  const port = option(v.port, '--port', 'P2PCHAT_WEB_PORT')
  const host = v.host ?? DEFAULT_WEB_HOST
  if (host.trim() === '') throw new InvalidOptionError('--host needs an address, e.g. 127.0.0.1')
  return {
    ...parseSharedPeerOptions(v),
    port: parseNumberOption(port.name, port.value, {
      min: 0,
      max: 65535,
      fallback: DEFAULT_WEB_PORT,
      integer: true
    }),
    host,
    dataRoot: option(v.data, '--data', 'P2PCHAT_WEB_DATA').value,
    open: v['no-open'] !== true
  }
}

/** How long the file that hands the address to the browser is kept (then removed; also at exit). */
const OPENER_KEEP_MS = 120_000

/**
 * Open `url` in the desktop's browser, if there is a desktop; never fails the command. The browser is
 * given a private file (0600, in a 0700 directory) that forwards to the address, never the address
 * itself: a command line (xdg-open's, the browser's) is readable by every local user, the token is not
 * theirs to read. Returns a function that removes the file.
 */
async function openBrowser(url: string): Promise<() => Promise<void>> {
  const desktop =
    process.platform === 'darwin' ||
    process.platform === 'win32' ||
    Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
  if (!desktop) return async () => {}
  const dir = await mkdtemp(join(tmpdir(), 'p2pchat-web-'))
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true }).catch(() => {})
  const file = join(dir, 'open.html')
  const href = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
  await writeFile(
    file,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>p2pchat</title><a href="${href}">Open p2pchat</a>\n`,
    { mode: 0o600 }
  )
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [file]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', file]]
        : ['xdg-open', [file]]
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true })
    child.on('error', () => {})
    child.unref()
  } catch {}
  setTimeout(remove, OPENER_KEEP_MS).unref()
  return remove
}

/** `p2pchat web`: returns the exit code. */
export async function runWeb(argv: string[]): Promise<number> {
  const opts = parseWebArgs(argv)
  if (opts === 'help') {
    process.stdout.write(WEB_HELP)
    return 0
  }
  const log = logger('p2pchat:web')
  const session = new WebSession({
    dataRoot: opts.dataRoot,
    tracker: opts.tracker?.join(', '),
    peer: {
      listen: opts.listen,
      upnp: opts.upnp,
      fileBulk: opts.fileBulk,
      downloadsDir: opts.downloadsDir,
      maxFileBytes: opts.maxFileBytes,
      fileOfferTimeoutMs: opts.offerTimeoutMs
    },
    log
  })
  await session.open()
  const server = new WebServer({
    session,
    host: opts.host,
    port: opts.port,
    maxUploadBytes: opts.maxFileBytes,
    log
  })
  await server.start()
  process.stdout.write(`${server.url}\n`)
  process.stderr.write(
    `p2pchat web: open the address above in your browser (it holds this run's token). Ctrl-C stops.\n`
  )
  if (opts.host !== DEFAULT_WEB_HOST && opts.host !== 'localhost' && opts.host !== '::1') {
    process.stderr.write(
      `p2pchat web: serving on ${opts.host}: anyone who can reach it and has the address can use this peer.\n`
    )
  }
  const removeOpener = opts.open ? await openBrowser(server.url) : async () => {}
  const stopped = Promise.withResolvers<void>()
  const onSignal = (): void => stopped.resolve()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  await stopped.promise
  process.stderr.write('p2pchat web: logging out and stopping…\n')
  await removeOpener()
  await server.stop()
  await session.stop()
  return 0
}

function parseWebArgv(argv: string[]) {
  return parseArgs({
    args: joinNegativeValues(argv),
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      tracker: { type: 'string', multiple: true },
      listen: { type: 'string', multiple: true },
      upnp: { type: 'boolean' },
      downloads: { type: 'string' },
      'max-file-size': { type: 'string' },
      'offer-timeout': { type: 'string' },
      'no-open': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
}
