import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { fromEnv, parseMultiaddrOption, parseNumberOption, parseSizeOption } from '../src/cli-options.ts'
import { InvalidOptionError, type P2PChatError } from '../src/errors.ts'
import { DEFAULT_FILE_OFFER_TIMEOUT_MS, DEFAULT_MAX_FILE_BYTES } from '../src/protocol/constants.ts'
import { normalizeUsername } from '../src/usernames.ts'
import { forwardEvents, runJsonLines } from './api/json-lines.ts'
import { DEFAULT_PEER_LISTEN, PeerClient } from './core/peer-client.ts'
import { createInteractive } from './ui/interactive.ts'

export const PEER_HELP = `Usage: p2pchat peer --tracker MULTIADDR --user NAME [options]

Log in to a tracker, see who is online, and chat directly with other peers.

Options (each falls back to the environment variable shown):
  --tracker MULTIADDR    the tracker, ending in /p2p/<its PeerId>         [P2PCHAT_TRACKER]
  --user NAME            your username                                   [P2PCHAT_USER]
  --register             create the account first (an existing one is fine)
  --password-file FILE   read the password from FILE; else P2PCHAT_PASSWORD, else a hidden prompt
  --data DIR             identity, history, outbox                       [P2PCHAT_DATA]
                         default: ~/.p2pchat/<user>
  --listen MULTIADDR     where other peers reach you; repeat for several  [P2PCHAT_PEER_LISTEN]
                         default: ${DEFAULT_PEER_LISTEN.join(', ')}
  --downloads DIR        where received files go; /accept may pick a     [P2PCHAT_DOWNLOADS]
                         directory inside it. default: <data>/downloads
  --max-file-size SIZE   refuse offers larger than this (500M, 10G, …)    [P2PCHAT_MAX_FILE_SIZE]
                         default: ${DEFAULT_MAX_FILE_BYTES / 1024 ** 3}G
  --offer-timeout SECS   unanswered file offers expire after this long   [P2PCHAT_OFFER_TIMEOUT]
                         default: ${DEFAULT_FILE_OFFER_TIMEOUT_MS / 1000}
  --json                 JSON-lines on stdin/stdout instead of the interactive prompt (docs/api.md)
  -h, --help             show this help

Interactive commands: /who  /msg <user> <text>  /history <user> [n]
  /send <user> <path>  /accept <id> [dir]  /reject <id>  /cancel <id>  /transfers  /help  /quit
`

async function readPassword(file: string | undefined, json: boolean): Promise<string> {
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
  return hiddenPrompt('Password: ')
}

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
        if (ch === '\u0003') {
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

/** `p2pchat peer`: returns the exit code. */
export async function runPeer(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parsePeerArgv>
  try {
    parsed = parsePeerArgv(argv)
  } catch (err) {
    throw new InvalidOptionError((err as Error).message)
  }
  const v = parsed.values
  if (v.help) {
    process.stdout.write(PEER_HELP)
    return 0
  }
  if (parsed.positionals.length > 0)
    throw new InvalidOptionError(`unexpected argument "${parsed.positionals[0]}"`)
  const tracker = fromEnv(v.tracker, 'P2PCHAT_TRACKER')
  const user = fromEnv(v.user, 'P2PCHAT_USER')
  if (tracker === undefined)
    throw new InvalidOptionError('--tracker MULTIADDR is required (the address the tracker printed)')
  if (user === undefined) throw new InvalidOptionError('--user NAME is required')
  try {
    normalizeUsername(user)
  } catch (err) {
    throw new InvalidOptionError(`--user: ${(err as Error).message}`)
  }
  const listenRaw =
    v.listen ??
    process.env.P2PCHAT_PEER_LISTEN?.split(',')
      .map(s => s.trim())
      .filter(Boolean)
  const json = v.json === true
  const maxFileBytes = parseSizeOption(
    '--max-file-size',
    fromEnv(v['max-file-size'], 'P2PCHAT_MAX_FILE_SIZE'),
    DEFAULT_MAX_FILE_BYTES
  )
  const offerTimeoutS = parseNumberOption(
    '--offer-timeout',
    fromEnv(v['offer-timeout'], 'P2PCHAT_OFFER_TIMEOUT'),
    {
      min: 1,
      max: 7 * 24 * 3600,
      fallback: DEFAULT_FILE_OFFER_TIMEOUT_MS / 1000
    }
  )
  const password = await readPassword(v['password-file'], json)
  const peer = new PeerClient({
    tracker: parseMultiaddrOption('--tracker', tracker),
    user,
    password,
    register: v.register === true,
    dataDir: fromEnv(v.data, 'P2PCHAT_DATA'),
    downloadsDir: fromEnv(v.downloads, 'P2PCHAT_DOWNLOADS'),
    maxFileBytes,
    fileOfferTimeoutMs: Math.round(offerTimeoutS * 1000),
    listen: listenRaw?.length ? listenRaw.map(a => parseMultiaddrOption('--listen', a)) : undefined
  })
  if (!json) process.stderr.write(`Connecting to the tracker as ${user}…\n`)
  // Front-ends listen before start(): messages waiting in others' outboxes arrive during the login.
  const ui = json ? undefined : createInteractive(peer, process.stdin, process.stdout)
  if (json) forwardEvents(peer, process.stdout)
  try {
    await peer.start()
  } catch (err) {
    const e = err as P2PChatError
    // In --json mode the error event has been written by forwardEvents only for background errors.
    if (json)
      process.stdout.write(
        `${JSON.stringify({ event: 'error', code: e.code ?? 'INTERNAL', message: e.message })}\n`
      )
    process.stderr.write(`p2pchat peer: ${e.code ? `${e.code}: ` : ''}${e.message}\n`)
    return 1
  }
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    await peer.stop()
  }
  process.on('SIGINT', () => stop().then(() => process.exit(0)))
  process.on('SIGTERM', () => stop().then(() => process.exit(0)))
  if (ui === undefined) await runJsonLines(peer, process.stdin, process.stdout)
  else await ui.run()
  await stop()
  return 0
}

function parsePeerArgv(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      tracker: { type: 'string' },
      user: { type: 'string' },
      register: { type: 'boolean' },
      'password-file': { type: 'string' },
      data: { type: 'string' },
      listen: { type: 'string', multiple: true },
      downloads: { type: 'string' },
      'max-file-size': { type: 'string' },
      'offer-timeout': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
}
