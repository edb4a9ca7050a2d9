import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Interface } from 'node:readline'
import { clearLine, createInterface, cursorTo, moveCursor } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { CancelledError, toP2PChatError, UnknownTransferError } from '../../src/errors.ts'
import { formatBytes } from '../../src/units.ts'
import { DEFAULT_HISTORY_LIMIT, dispatch, dispatchHosted } from '../api/dispatch.ts'
import { PeerHost } from '../api/host.ts'
import type {
  Command,
  EventDetails,
  HistoryEntry,
  LeaveReason,
  PeerCommandName,
  Replies
} from '../api/schema.ts'
import type { PeerClient } from '../core/peer-client.ts'
import type { TransferInfo } from '../files/index.ts'
import { completer } from './completion.ts'
import type { Style } from './format.ts'
import { createStyle, formatMultiline, formatTime, wantsColor } from './format.ts'
import { renderProgress } from './progress-bar.ts'
import type { SocialUi } from './social-commands.ts'
import { listenSocial, runSocialCommand, SOCIAL_SLASH_COMMANDS } from './social-commands.ts'
import { escapeTerminal as e } from './terminal.ts'

/** Without a terminal, progress lines are printed at most this often per transfer (logs stay short). */
const PLAIN_PROGRESS_INTERVAL_MS = 2_000
/** Ids are long; the interactive CLI accepts any unique prefix of at least this many characters. */
const MIN_ID_PREFIX = 4

/** The slash commands, their arguments and what they do: `/help`, Tab completion and docs agree. */
export const SLASH_COMMANDS = [
  ['who', '', 'who is online'],
  ['msg', '<user> <text>', 'send a private message (queued if they are offline)'],
  ['history', '<user> [n]', `the last n messages with <user> (default ${DEFAULT_HISTORY_LIMIT})`],
  ['send', '<user> <path>', 'offer a file to an online user'],
  ['accept', '<id> [dir]', 'accept a file offer (dir: inside the download directory)'],
  ['reject', '<id>', 'decline a file offer'],
  ['cancel', '<id>', 'stop a transfer, either direction'],
  ['transfers', '', 'transfers of this session, and interrupted receives kept from earlier ones'],
  ['discard', '<id>', 'delete the partial file of an interrupted receive'],
  ...SOCIAL_SLASH_COMMANDS,
  ['password', '', 'change your password (asked for, not shown)'],
  ['logout', '[everywhere]', 'log out and exit, revoking the session credential (of every device)'],
  ['help', '', 'this list'],
  ['quit', '', 'exit (also Ctrl-D, Ctrl-C)']
] as const

export const INTERACTIVE_HELP = `Commands:\n${SLASH_COMMANDS.map(([name, args, what]) => {
  const usage = `/${name} ${args}`.trimEnd()
  // A long usage gets its own line, the text under the others' column.
  return usage.length < 24 ? `  ${usage.padEnd(25)}${what}` : `  ${usage}\n  ${' '.repeat(25)}${what}`
}).join('\n')}\nMessages of several lines: end a line with \\ to continue on the next.`

const LEFT_WORDS: Record<LeaveReason, string> = {
  logout: 'logged out',
  timeout: 'timed out',
  disconnect: 'disconnected',
  replaced: 'logged in from another place'
}

const short = (id: string): string => id.slice(0, 8)

/** Messages sent from the prompt whose text is kept to name them when delivered. */
const MAX_REMEMBERED_SENT = 1_000

/** The first line of a text, at most 40 characters, for a one-line reminder. */
function snippet(text: string): string {
  const first = text.split('\n')[0]
  return first.length > 40 || text.includes('\n') ? `${first.slice(0, 40)}…` : first
}

/** A path as typed: surrounding quotes removed, a leading `~` is the home directory. */
export function typedPath(raw: string): string {
  let p = raw.trim()
  const q = /^(["'])(.*)\1$/.exec(p)
  if (q !== null) p = q[2]
  if (p === '~') return homedir()
  if (p.startsWith('~/')) return join(homedir(), p.slice(2))
  return p
}

/**
 * The human CLI: a thin view over the API. Every slash command is an API command run through
 * `dispatch`, everything shown comes from a reply or an event. Incoming messages and presence changes
 * print above the line being typed without breaking it; everything from the network is escaped.
 */
export class InteractiveUI {
  readonly #peer: PeerClient
  readonly #output: Writable & { isTTY?: boolean }
  readonly #rl: Interface
  readonly #s: Style
  readonly #online = new Set<string>()
  readonly #names = new Map<string, string>()
  /** Who is on the other end of each transfer, for its progress lines. */
  readonly #peers = new Map<string, string>()
  readonly #lastPlain = new Map<string, number>()
  /** The last line printed, when it is a progress line the next update of the same transfer replaces. */
  #progressLine?: string
  #closed = false
  #running = false
  #loggedInShown = false
  /** Texts of messages sent from this prompt and not yet delivered, to say which one was. */
  readonly #sent = new Map<string, string>()
  /** Who we are, from the `ready` event. */
  #me = ''
  /** The last `tracker` event, for the greeting. */
  #lastTracker?: EventDetails['tracker']
  /** The tracker address of the last login. */
  #connectedTo?: string
  /** The login came with a fresh registration: said with the "Logged in" line. */
  #created = false
  #continued: string[] = []
  /** Lines read and not yet run: a command that asks for more takes them first. */
  readonly #pending: string[] = []
  /** A command waiting for its next line (`#askHidden`). */
  #answer?: { resolve(line: string): void; reject(err: Error): void }
  #transferIds: string[] = []

  constructor(peer: PeerClient, input: Readable, output: Writable & { isTTY?: boolean }) {
    this.#peer = peer
    this.#output = output
    this.#s = createStyle(wantsColor(output))
    this.#rl = createInterface({
      input,
      output,
      prompt: '> ',
      terminal: output.isTTY === true,
      completer: completer({
        users: () => [...this.#online].filter(u => !this.#isMe(u)),
        transferIds: () => this.#transferIds.map(short),
        commands: SLASH_COMMANDS.map(([name]) => name)
      }),
      historySize: 500
    })
    this.#rl.pause()
    this.#social = {
      peer,
      style: this.#s,
      show: line => this.show(line),
      run: command => this.#run(command)
    }
    this.#listen()
    listenSocial(this.#social, () => this.#stamp())
  }

  /** Print a line above the prompt. After the prompt has closed, nothing is printed. */
  show(line: string, progressOf?: string): void {
    if (this.#closed) return
    const out = this.#output
    if (out.isTTY) {
      clearLine(out, 0)
      cursorTo(out, 0)
      if (progressOf !== undefined && this.#progressLine === progressOf) {
        moveCursor(out, 0, -1)
        clearLine(out, 0)
      }
    }
    this.#progressLine = progressOf
    out.write(`${line}\n`)
    this.#prompt()
  }

  /** Redraw the prompt (and what is typed) — only on a terminal: piped output stays plain lines. */
  #prompt(): void {
    if (this.#running && !this.#closed && this.#output.isTTY === true) this.#rl.prompt(true)
  }

  /** Take commands until /quit, end of input or Ctrl-C; then resolves (the caller stops the peer). */
  run(): Promise<void> {
    return new Promise(resolve => {
      this.#running = true
      // The greeting comes first; lines typed meanwhile wait behind it.
      let chain = this.#greet().then(
        () => false,
        () => false
      )
      this.#rl.resume()
      this.#rl.on('line', line => {
        // A command asking for more (a password) takes the next line, typed or already piped in.
        const answer = this.#answer
        if (answer !== undefined) {
          this.#answer = undefined
          answer.resolve(line)
          return
        }
        this.#pending.push(line)
        chain = chain.then(async quit => {
          const next = this.#pending.shift()
          if (quit || this.#closed || next === undefined) return quit
          return await this.#execute(next)
        })
        chain.then(quit => {
          if (quit) this.close()
          else this.#prompt()
        })
      })
      this.#rl.on('SIGINT', () => this.close())
      // Back from Ctrl-Z (fg): readline paused its input; prompt() resumes it.
      this.#rl.on('SIGCONT', () => this.#rl.prompt(true))
      this.#rl.on('close', () => {
        this.#closed = true
        this.#answer?.reject(new CancelledError('the input ended'))
        this.#answer = undefined
        chain.then(() => resolve())
      })
      this.#prompt()
    })
  }

  /** Stop prompting (on /quit, or when the peer stopped by itself). */
  close(message?: string): void {
    if (this.#closed) return
    if (message !== undefined) this.show(message)
    this.#closed = true
    if (this.#output.isTTY) {
      clearLine(this.#output, 0)
      cursorTo(this.#output, 0)
    }
    this.#rl.close()
  }

  /** Say how things stand: from a `who` reply and the last `tracker` event, like everything shown. */
  async #greet(): Promise<void> {
    const { tracker } = await this.#run({ cmd: 'who' })
    if (tracker === 'connected') {
      await this.#showLoggedIn()
    } else {
      const why = this.#lastTracker?.message ?? 'the tracker has not answered yet'
      this.show(
        this.#s.yellow(
          `Not logged in yet: ${e(why)}. Retrying in the background; messages to people you know are queued.`
        )
      )
    }
    this.show(this.#s.dim('Type /help for commands.'))
  }

  async #showLoggedIn(): Promise<void> {
    this.#loggedInShown = true
    if (this.#created) this.show(this.#s.green(`Account ${e(this.#me)} created.`))
    this.#created = false
    const { users } = await this.#run({ cmd: 'who' })
    const others = users.map(u => u.user).filter(u => !this.#isMe(u))
    const list = others.length > 0 ? `: ${others.map(u => e(u)).join(', ')}` : ''
    const count = `${others.length} ${others.length === 1 ? 'other' : 'others'}`
    this.show(`Logged in as ${this.#s.bold(e(this.#me))}. ${count} online${list}.`)
    const me = users.find(u => this.#isMe(u.user))
    if (me !== undefined && !me.reachable) {
      // The tracker publishes only addresses it could dial back (docs/nat.md).
      const relayed = me.addrs.some(a => a.includes('/p2p-circuit'))
      this.show(
        this.#s.yellow(
          relayed
            ? "The tracker could not connect back to your listen address (a NAT or firewall?): others reach you through the tracker — you are asked to connect to them, or their messages come through its relay (docs/nat.md). --upnp may open your router's port."
            : "The tracker could not connect back to your listen address (a NAT or firewall?) and does not relay: peers that can be dialled still reach you (you are asked to connect to them), peers behind NATs like you cannot (docs/nat.md). --upnp may open your router's port."
        )
      )
    }
  }

  #isMe(user: string): boolean {
    return user.toLowerCase() === this.#me.toLowerCase()
  }

  #stamp(ms = Date.now()): string {
    return this.#s.dim(formatTime(ms))
  }

  #listen(): void {
    const peer = this.#peer
    const s = this.#s
    peer.addEventListener('ready', ev => {
      this.#me = ev.detail.user
    })
    peer.addEventListener('message', ev => {
      const m = ev.detail
      // Relayed through the tracker, or reversed: said once per line, quietly (docs/nat.md).
      const via = m.via === 'direct' ? '' : ` (${m.via})`
      const plain = `${formatTime(m.sentAt)} ${m.from}${via}: `
      this.show(
        formatMultiline(`${this.#stamp(m.sentAt)} ${s.cyan(e(m.from))}${s.dim(via)}: `, plain.length, m.text)
      )
    })
    peer.addEventListener('joined', ev => {
      this.#online.add(ev.detail.user)
      if (!this.#isMe(ev.detail.user) && this.#loggedInShown) {
        this.show(`${this.#stamp()} ${s.green('*')} ${e(ev.detail.user)} is online`)
      }
    })
    peer.addEventListener('left', ev => {
      this.#online.delete(ev.detail.user)
      this.show(
        `${this.#stamp()} ${s.dim('*')} ${e(ev.detail.user)} went offline (${LEFT_WORDS[ev.detail.reason]})`
      )
    })
    peer.addEventListener('delivered', ev => {
      const text = this.#sent.get(ev.detail.messageId)
      this.#sent.delete(ev.detail.messageId)
      const what = text === undefined ? '' : `: ${e(snippet(text))}`
      const via = ev.detail.via === 'direct' ? '' : ` (${ev.detail.via})`
      this.show(s.dim(`  ✓ delivered to ${e(ev.detail.to)}${via}${what}`))
    })
    peer.addEventListener('tracker', ev => this.#onTracker(ev.detail))
    peer.addEventListener('error', ev => this.#error(ev.detail.code, ev.detail.message))
    peer.addEventListener('file-offer', ev => {
      const o = ev.detail
      this.#names.set(o.transferId, o.name)
      this.#peers.set(o.transferId, o.from)
      this.#transferIds.push(o.transferId)
      const id = short(o.transferId)
      this.show(
        o.resumeFrom !== undefined
          ? `${this.#stamp()} ${s.magenta('*')} ${e(o.from)} is sending ${e(o.name)} again: resuming from ${formatBytes(o.resumeFrom)} [${id}]`
          : `${this.#stamp()} ${s.magenta('*')} ${e(o.from)} offers ${s.bold(e(o.name))} (${formatBytes(o.size)}). /accept ${id} [dir]  or  /reject ${id}`
      )
    })
    peer.addEventListener('file-accepted', ev => {
      const d = ev.detail
      if (d.direction !== 'send') return
      const from = d.offset > 0 ? `, resuming from ${formatBytes(d.offset)}` : ''
      // How the bytes travel (docs/protocol.md): a relayed transfer is slow, a bulk one fast.
      const how =
        d.path === 'bulk'
          ? 'over its own TLS connection'
          : d.via === 'relayed'
            ? "through the tracker's relay"
            : 'on the file stream'
      this.show(
        `${this.#stamp()} ${s.magenta('*')} ${e(d.peer)} accepted ${e(this.#name(d.transferId))}${from} (${how})`
      )
    })
    peer.addEventListener('file-progress', ev => this.#onProgress(ev.detail))
    peer.addEventListener('file-done', ev => {
      const d = ev.detail
      this.#forgetProgress(d.transferId)
      const resumed = d.resumedFrom > 0 ? ` (resumed: ${formatBytes(d.bytesTransferred)} sent this time)` : ''
      this.show(
        `${this.#stamp()} ${s.green('✓')} ` +
          (d.direction === 'send'
            ? `${e(d.name)} delivered to ${e(d.peer)}, SHA-256 verified${resumed}`
            : `received ${e(d.name)} from ${e(d.peer)} → ${e(d.path)} (SHA-256 verified)${resumed}`)
      )
    })
    peer.addEventListener('file-failed', ev => {
      const d = ev.detail
      this.#forgetProgress(d.transferId)
      // Our own reject or cancel is news, not an error.
      const ours = d.message.startsWith('you ')
      if (ours) this.show(`${this.#stamp()} ${s.dim('*')} ${e(this.#name(d.transferId))}: ${e(d.message)}`)
      else this.#error(d.code, `${this.#name(d.transferId)}: ${d.message}`)
    })
  }

  #onTracker(d: EventDetails['tracker']): void {
    const s = this.#s
    this.#lastTracker = d
    if (d.accountCreated === true) this.#created = true
    // With several trackers the peer may have moved on to another one: then it says which.
    const moved =
      d.state === 'connected' && this.#connectedTo !== undefined && this.#connectedTo !== d.tracker
    if (d.state === 'connected') this.#connectedTo = d.tracker
    // Before run() the greeting says how things stand, and a failed start is reported by the CLI.
    if (!this.#running) return
    switch (d.state) {
      case 'connected': {
        if (!this.#loggedInShown) void this.#showLoggedIn()
        else if (moved)
          this.show(`${this.#stamp()} ${s.green('*')} connected to another tracker: ${e(d.tracker)}`)
        else this.show(`${this.#stamp()} ${s.green('*')} connected to the tracker again`)
        return
      }
      case 'reconnecting': {
        const retry =
          d.retryInMs === undefined ? '' : `; retrying in ${Math.max(1, Math.round(d.retryInMs / 1000))} s`
        const meanwhile = this.#loggedInShown ? ' Chat with people online goes on meanwhile.' : ''
        this.show(
          s.yellow(
            `${this.#stamp()} * not connected to the tracker: ${e(d.message ?? 'lost')}${retry}.${meanwhile}`
          )
        )
        return
      }
      case 'replaced':
      case 'failed':
        // The peer stops; the CLI says why on stderr (p2pchat: CODE: message) as it exits.
        this.close()
        return
      default:
    }
  }

  #onProgress(p: EventDetails['file-progress']): void {
    const now = Date.now()
    const key = `${p.transferId}:${p.phase}`
    const last = this.#lastPlain.get(key)
    // Redrawn in place when it is the last line on a terminal; otherwise (no terminal, or another
    // transfer's line is last) the first and last line of each phase and one every 2 s between.
    const inPlace = this.#output.isTTY === true && this.#progressLine === p.transferId
    if (!inPlace && last !== undefined && p.bytes < p.size && now - last < PLAIN_PROGRESS_INTERVAL_MS) return
    this.#lastPlain.set(key, now)
    const verb = p.phase === 'hashing' ? 'hashing' : p.direction === 'send' ? 'sending' : 'receiving'
    // With several transfers at once each line says which: whose, and the id /cancel takes.
    const peer = this.#peers.get(p.transferId)
    const whom = peer === undefined ? '' : ` ${p.direction === 'send' ? 'to' : 'from'} ${e(peer)}`
    this.show(
      `  ${verb} ${e(this.#name(p.transferId))}${whom} [${short(p.transferId)}] ${renderProgress(p.bytes, p.size, p.bytesPerSec)}`,
      p.transferId
    )
  }

  #forgetProgress(transferId: string): void {
    this.#lastPlain.delete(`${transferId}:hashing`)
    this.#lastPlain.delete(`${transferId}:transferring`)
  }

  #name(transferId: string): string {
    return this.#names.get(transferId) ?? short(transferId)
  }

  #error(code: string, message: string): void {
    this.show(this.#s.red(`! ${code}: ${e(message)}`))
  }

  readonly #social: SocialUi

  async #run<K extends PeerCommandName>(command: Command<K>): Promise<Replies[K]> {
    return dispatch(this.#peer, command)
  }

  /** The full id of the transfer whose id starts with `prefix`, if exactly one does. */
  async #resolveId(prefix: string): Promise<string> {
    const { transfers } = await this.#run({ cmd: 'transfers' })
    const all = transfers.map(t => t.transferId)
    if (all.includes(prefix)) return prefix
    if (prefix.length < MIN_ID_PREFIX) {
      throw new UnknownTransferError(
        `"${prefix}": give at least ${MIN_ID_PREFIX} characters of the id (/transfers lists them)`
      )
    }
    const matches = all.filter(id => id.startsWith(prefix))
    if (matches.length > 1) {
      throw new UnknownTransferError(`"${prefix}" matches ${matches.length} transfers: give more of the id`)
    }
    return matches.length === 1 ? matches[0] : prefix
  }

  #describe(t: TransferInfo): string {
    const arrow = t.direction === 'send' ? `→ ${e(t.peer)}` : `← ${e(t.peer)}`
    const pct = t.size === 0 ? 100 : Math.floor((t.bytes / t.size) * 100)
    const why = t.error ? ` ${t.error.code}` : ''
    const hint =
      t.state === 'partial'
        ? this.#s.dim(
            `  (kept from an earlier session: ${e(t.peer)} sending it again resumes it; /discard ${short(t.transferId)} deletes it)`
          )
        : ''
    return `  ${short(t.transferId)}  ${arrow}  ${e(t.name)}  ${formatBytes(t.size)}  ${t.state}${why}  ${pct}%${hint}`
  }

  /**
   * Ask for a line without echoing it (a password). On a terminal readline's echo is muted while the
   * question is open; piped input is never echoed.
   */
  async #askHidden(prompt: string): Promise<string> {
    const piped = this.#pending.shift()
    if (piped !== undefined) return piped
    if (this.#closed) throw new CancelledError('the input ended')
    const tty = this.#output.isTTY === true
    const rl = this.#rl as Interface & { _writeToOutput?: (text: string) => void }
    const write = rl._writeToOutput
    if (tty) {
      this.#output.write(prompt)
      // Readline echoes what is typed through this: nothing of it is shown until the line is done.
      if (write !== undefined) rl._writeToOutput = () => {}
    }
    try {
      return await new Promise<string>((resolve, reject) => {
        this.#answer = { resolve, reject }
      })
    } finally {
      if (tty) {
        if (write !== undefined) rl._writeToOutput = write
        this.#output.write('\n')
      }
    }
  }

  /** Run one typed line; true when it was /quit or /logout. */
  async #execute(raw: string): Promise<boolean> {
    // A line ending in a backslash continues on the next: that is how a message gets several lines.
    if (raw.endsWith('\\')) {
      this.#continued.push(raw.slice(0, -1))
      this.#rl.setPrompt('… ')
      return false
    }
    const line = [...this.#continued, raw].join('\n')
    if (this.#continued.length > 0) this.#rl.setPrompt('> ')
    this.#continued = []
    const trimmed = line.trim()
    if (trimmed === '') return false
    if (!trimmed.startsWith('/')) {
      this.show('Messages go to someone: /msg <user> <text>  (/help for all commands)')
      return false
    }
    const [word, ...rest] = trimmed.slice(1).split(/\s+/)
    const usage = (args: string): false => {
      this.show(`usage: /${word} ${args}`)
      return false
    }
    try {
      switch (word) {
        case 'who': {
          const r = await this.#run({ cmd: 'who' })
          // Reached by reversal or through the relay, not by dialling them (docs/nat.md); not said of yourself.
          const names = r.users
            .map(u =>
              u.reachable || this.#isMe(u.user)
                ? e(u.user)
                : `${e(u.user)} ${this.#s.dim('(not reachable directly)')}`
            )
            .join(', ')
          const stale =
            r.tracker === 'connected'
              ? ''
              : this.#s.yellow(
                  ` (the tracker is unreachable: as of ${formatTime(r.asOf)}, may be out of date)`
                )
          this.show(`${r.users.length} online: ${names}${stale}`)
          return false
        }
        case 'msg': {
          const m = /^\/msg\s+(\S+)\s([\s\S]+)$/.exec(trimmed)
          if (m === null) return usage('<user> <text>')
          const r = await this.#run({ cmd: 'msg', to: m[1], text: m[2] })
          this.#sent.set(r.messageId, m[2])
          if (this.#sent.size > MAX_REMEMBERED_SENT) this.#sent.delete(this.#sent.keys().next().value!)
          if (!r.online)
            this.show(this.#s.dim(`  ${e(r.to)} is offline: queued, it will be delivered when they log in`))
          return false
        }
        case 'history': {
          if (rest[0] === undefined) return usage('<user> [n]')
          const limit = rest[1] === undefined ? undefined : Number(rest[1])
          const { messages } = (await this.#run({
            cmd: 'history',
            with: rest[0],
            ...(limit === undefined ? {} : { limit })
          })) as { messages: HistoryEntry[] }
          if (messages.length === 0) this.show(`no messages with ${e(rest[0])}`)
          for (const m of messages) {
            const plain = `${formatTime(m.sentAt)} ${m.from}: `
            const status = m.status === 'delivered' ? '' : this.#s.dim(`  (${m.status})`)
            this.show(
              formatMultiline(`${this.#stamp(m.sentAt)} ${this.#s.cyan(e(m.from))}: `, plain.length, m.text) +
                status
            )
          }
          return false
        }
        case 'send': {
          const m = /^\/send\s+(\S+)\s+(.+)$/.exec(trimmed)
          if (m === null) return usage('<user> <path>')
          const r = await this.#run({ cmd: 'send-file', to: m[1], path: typedPath(m[2]) })
          this.#names.set(r.transferId, r.name)
          this.#peers.set(r.transferId, r.to)
          this.#transferIds.push(r.transferId)
          const id = short(r.transferId)
          this.show(
            `  offering ${e(r.name)} (${formatBytes(r.size)}) to ${e(r.to)} [${id}]; /cancel ${id} to stop`
          )
          return false
        }
        case 'accept': {
          if (rest[0] === undefined) return usage('<id> [dir]')
          const dir = typedPath(trimmed.replace(/^\/accept\s+\S+\s*/, ''))
          const transferId = await this.#resolveId(rest[0])
          const r = await this.#run({ cmd: 'accept-file', transferId, ...(dir === '' ? {} : { dir }) })
          this.show(`  accepted: writing ${e(r.path)}`)
          return false
        }
        case 'reject':
        case 'cancel':
        case 'discard': {
          if (rest[0] === undefined) return usage('<id>')
          const transferId = await this.#resolveId(rest[0])
          if (word === 'discard') {
            const r = await this.#run({ cmd: 'discard-file', transferId })
            this.show(`  deleted ${e(r.path)}`)
          } else {
            await this.#run({ cmd: word === 'reject' ? 'reject-file' : 'cancel-file', transferId })
          }
          return false
        }
        case 'transfers': {
          const { transfers } = await this.#run({ cmd: 'transfers' })
          this.#transferIds = transfers.map(t => t.transferId)
          if (transfers.length === 0) this.show('no transfers yet')
          for (const t of transfers) this.show(this.#describe(t))
          return false
        }
        case 'help':
          this.show(INTERACTIVE_HELP)
          return false
        case 'quit':
          return true
        case 'logout': {
          if (rest.length > 1 || (rest.length === 1 && rest[0] !== 'everywhere')) return usage('[everywhere]')
          const everywhere = rest[0] === 'everywhere'
          // A session command: answered by the host of this one peer, as JSON-lines would.
          await dispatchHosted(new PeerHost(this.#peer), { cmd: 'logout', everywhere })
          this.show(
            everywhere
              ? 'Logged out everywhere: every device needs the password to log in again.'
              : 'Logged out.'
          )
          return true
        }
        case 'password': {
          if (rest.length > 0) return usage('(no arguments: the passwords are asked for)')
          const old = await this.#askHidden('Current password: ')
          const next = await this.#askHidden('New password: ')
          if ((await this.#askHidden('New password again: ')) !== next) {
            this.show('The two new passwords differ; nothing was changed.')
            return false
          }
          await this.#run({ cmd: 'password', old, new: next })
          this.show('Password changed: other devices log in with the new one next time.')
          return false
        }
        default:
          if (!(await runSocialCommand(this.#social, word, rest, trimmed))) {
            this.show(`unknown command /${e(word)}; /help lists them`)
          }
          return false
      }
    } catch (err) {
      const x = toP2PChatError(err)
      this.#error(x.code, x.message)
      return false
    }
  }
}
