import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { argvError, joinNegativeValues, option } from '../src/cli-options.ts'
import { InvalidOptionError, InvalidPasswordError, toP2PChatError } from '../src/errors.ts'
import {
  DEFAULT_FILE_OFFER_TIMEOUT_MS,
  DEFAULT_MAX_FILE_BYTES,
  PASSWORD_MAX_BYTES
} from '../src/protocol/constants.ts'
import { formatBytes } from '../src/units.ts'
import { normalizeUsername } from '../src/usernames.ts'
import type { TrackerEvent } from './api/index.ts'
import { jsonLinesChannel, PeerHost, runJsonLines } from './api/index.ts'
import { DEFAULT_PEER_LISTEN, PeerClient } from './core/index.ts'
import { findTracker } from './find-tracker.ts'
import { parseSharedPeerOptions } from './peer-options.ts'
import { InteractiveUI } from './ui/index.ts'

export const PEER_HELP = `Usage: p2pchat peer [--tracker MULTIADDR]… --user NAME [options]

Log in to a tracker, see who is online, and chat directly with other peers.

Options (each falls back to the environment variable shown):
  --tracker MULTIADDR    the tracker, ending in /p2p/<its PeerId>         [P2PCHAT_TRACKER,
                         default: the one that answers on the local        comma-separated]
                         network (mDNS, 2 s; asked which when several answer)
                         Several trackers sharing one store: repeat it,
                         or comma-separate them. The first is used; when
                         it is lost or refuses, the next at once (a pause
                         only after every one failed in a row)
  --user NAME            your username                                   [P2PCHAT_USER]
  --register             create the account first (an existing one is fine
                         if the password is its password)
  --password-file FILE   read the password from FILE; else P2PCHAT_PASSWORD, else a hidden prompt
                         (asked twice with --register)
  --data DIR             identity, history, outbox                       [P2PCHAT_DATA]
                         default: ~/.p2pchat/<user>
  --listen MULTIADDR     where other peers reach you; repeat for several  [P2PCHAT_PEER_LISTEN,
                         default: ${DEFAULT_PEER_LISTEN.join(', ').padEnd(41)}comma-separated]
  --upnp                 ask the home router (UPnP or NAT-PMP) to forward  [P2PCHAT_UPNP=1]
                         the listen port; reachable once the tracker has
                         dialled it back (docs/nat.md)
  --downloads DIR        where received files go; /accept may pick a     [P2PCHAT_DOWNLOADS]
                         directory inside it. default: <data>/downloads
  --max-file-size SIZE   refuse offers larger than this (500M, 10G, …;    [P2PCHAT_MAX_FILE_SIZE]
                         binary units: 1M = 1 MiB). default: ${formatBytes(DEFAULT_MAX_FILE_BYTES)}
  --offer-timeout SECS   unanswered file offers expire after this long   [P2PCHAT_OFFER_TIMEOUT]
                         default: ${DEFAULT_FILE_OFFER_TIMEOUT_MS / 1000}
  --json                 JSON-lines on stdin/stdout instead of the interactive prompt (docs/api.md)
  -h, --help             show this help

Files between peers that reach each other directly take the bulk path: their own TLS connection to a
one-shot listener the receiver opens on all interfaces, any port, for 15 s, keyed through the file
stream (docs/protocol.md). P2PCHAT_FILE_BULK=0 keeps them on the file stream.

Interactive commands: /who  /msg <user> <text>  /history <user> [n]  /send <user> <path>
  /accept <id> [dir]  /reject <id>  /cancel <id>  /transfers  /discard <id>  /password
  /logout [everywhere]  /help  /quit
After the password login the peer reconnects (a network blip, a tracker restart) with the tracker's
resumption credential instead of the password: no password hash for the tracker. /logout revokes it.
Exit status: 0 after /quit, /logout, Ctrl-C or end of input; 1 when the peer stops on an error (wrong
password, name taken, logged in elsewhere); 2 for a bad option.
`

/**
 * The password from --password-file, P2PCHAT_PASSWORD or a prompt. One too long for any tracker is
 * refused here (INVALID_PASSWORD, exit 1, the code the tracker would give) before anything connects.
 */
async function readPassword(file: string | undefined, json: boolean, register: boolean): Promise<string> {
  const password = await readPasswordFrom(file, json, register)
  const bytes = Buffer.byteLength(password, 'utf8')
  if (bytes > PASSWORD_MAX_BYTES) {
    const from = file !== undefined ? `in ${file} ` : ''
    throw new InvalidPasswordError(
      `the password ${from}is ${bytes} bytes; at most ${PASSWORD_MAX_BYTES} are allowed: use a shorter one`
    )
  }
  return password
}

async function readPasswordFrom(file: string | undefined, json: boolean, register: boolean): Promise<string> {
  if (file !== undefined) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      throw new InvalidOptionError(`cannot read --password-file ${file}: ${(err as Error).message}`)
    }
    const password = text.replace(/\r?\n$/, '')
    if (password === '') throw new InvalidOptionError(`--password-file ${file} is empty`)
    return password
  }
  const env = process.env.P2PCHAT_PASSWORD
  if (env !== undefined && env !== '') return env
  if (json || !process.stdin.isTTY) {
    throw new InvalidOptionError('no password: give --password-file FILE or set P2PCHAT_PASSWORD')
  }
  // A new account's password is typed twice; a mismatch asks again (a few times), as passwd does.
  for (let attempt = 1; ; attempt++) {
    const password = await hiddenPrompt('Password: ')
    if (password === '') throw new InvalidOptionError('no password given')
    if (!register || (await hiddenPrompt('Same password again: ')) === password) return password
    if (attempt === PASSWORD_PROMPT_ATTEMPTS) {
      throw new InvalidOptionError('the two passwords differ; nothing was registered')
    }
    process.stderr.write('The two passwords differ; try again.\n')
  }
}

/** How often a mismatched new password is asked again before giving up. */
const PASSWORD_PROMPT_ATTEMPTS = 3

function hiddenPrompt(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin
    process.stderr.write(prompt)
    stdin.setRawMode(true)
    stdin.resume()
    stdin.setEncoding('utf8')
    let value = ''
    const done = (err?: Error): void => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      process.stderr.write('\n')
      if (err) reject(err)
      else resolve(value)
    }
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          done()
          return
        }
        if (ch === '\u0003' || ch === '\u0004') {
          done(new InvalidOptionError('cancelled'))
          return
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}

interface PeerOptions {
  /** In failover order. Undefined: look for one on the local network. */
  tracker?: string[]
  user: string
  register: boolean
  passwordFile?: string
  dataDir?: string
  downloadsDir?: string
  listen?: string[]
  maxFileBytes: number
  offerTimeoutMs: number
  upnp: boolean
  fileBulk?: false
  json: boolean
}

/** Options from argv and P2PCHAT_* variables; errors name the flag or the variable they came from. */
export function parsePeerArgs(argv: string[]): PeerOptions | 'help' {
  let parsed: ReturnType<typeof parsePeerArgv>
  try {
    parsed = parsePeerArgv(argv)
  } catch (err) {
    throw argvError(err, 'peer')
  }
  const v = parsed.values
  if (v.help) return 'help'
  if (parsed.positionals.length > 0)
    throw new InvalidOptionError(`unexpected argument "${parsed.positionals[0]}"; options start with --`)
  const user = option(v.user, '--user', 'P2PCHAT_USER')
  if (user.value === undefined) throw new InvalidOptionError('--user NAME is required')
  try {
    normalizeUsername(user.value)
  } catch (err) {
    throw new InvalidOptionError(`${user.name}: ${(err as Error).message}`)
  }
  const shared = parseSharedPeerOptions(v)
  return {
    ...shared,
    user: user.value,
    register: v.register === true,
    passwordFile: v['password-file'],
    dataDir: option(v.data, '--data', 'P2PCHAT_DATA').value,
    json: v.json === true
  }
}

/** `p2pchat peer`: returns the exit code. */
export async function runPeer(argv: string[]): Promise<number> {
  const opts = parsePeerArgs(argv)
  if (opts === 'help') {
    process.stdout.write(PEER_HELP)
    return 0
  }
  const { json } = opts
  const trackers = opts.tracker ?? [await findTracker({ interactive: !json && process.stdin.isTTY === true })]
  const password = await readPassword(opts.passwordFile, json, opts.register)
  const peer = new PeerClient({
    tracker: trackers,
    user: opts.user,
    password,
    register: opts.register,
    dataDir: opts.dataDir,
    downloadsDir: opts.downloadsDir,
    maxFileBytes: opts.maxFileBytes,
    fileOfferTimeoutMs: opts.offerTimeoutMs,
    listen: opts.listen,
    upnp: opts.upnp,
    fileBulk: opts.fileBulk
  })
  if (!json) process.stderr.write(`Connecting to the tracker as ${opts.user}…\n`)
  // Front-ends listen before start(): messages waiting in others' outboxes arrive during the login.
  const channel = json ? jsonLinesChannel(new PeerHost(peer), process.stdout) : undefined
  channel?.forwardEvents()
  const ui = json ? undefined : new InteractiveUI(peer, process.stdin, process.stdout)
  // The peer stops by itself when its login can never succeed or the account logs in elsewhere.
  const ended = Promise.withResolvers<TrackerEvent>()
  peer.addEventListener('tracker', e => {
    if (e.detail.state === 'failed' || e.detail.state === 'replaced') ended.resolve(e.detail)
  })
  try {
    await peer.start()
  } catch (err) {
    const e = toP2PChatError(err)
    if (json)
      process.stdout.write(`${JSON.stringify({ event: 'error', code: e.code, message: e.message })}\n`)
    throw e
  }
  let signalled = false
  const onSignal = (): void => {
    if (signalled) return
    signalled = true
    ui?.close()
    channel?.close()
    peer.stop().then(() => process.exit(0))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // stdout closed under us (`| head`, a reader that quit): end as at the end of input, without a stack.
  const outputGone = Promise.withResolvers<undefined>()
  process.stdout.on('error', () => outputGone.resolve(undefined))
  const front = ui === undefined ? runJsonLines(channel!, process.stdin) : ui.run()
  const stopped = await Promise.race([front.then(() => undefined), ended.promise, outputGone.promise])
  ui?.close()
  channel?.close()
  await peer.stop()
  if (stopped === undefined) return 0
  const code = stopped.code ?? 'SESSION_CLOSED'
  process.stderr.write(`p2pchat: ${code}: ${stopped.message ?? stopped.state}\n`)
  return 1
}

function parsePeerArgv(argv: string[]) {
  return parseArgs({
    args: joinNegativeValues(argv),
    allowPositionals: true,
    strict: true,
    options: {
      tracker: { type: 'string', multiple: true },
      user: { type: 'string' },
      register: { type: 'boolean' },
      'password-file': { type: 'string' },
      data: { type: 'string' },
      listen: { type: 'string', multiple: true },
      downloads: { type: 'string' },
      'max-file-size': { type: 'string' },
      'offer-timeout': { type: 'string' },
      json: { type: 'boolean' },
      upnp: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
}
