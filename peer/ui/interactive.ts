import { clearLine, createInterface, cursorTo, moveCursor } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { errorReply, runCommand } from '../api/commands.ts'
import type { PeerClient } from '../core/peer-client.ts'
import { formatBytes } from '../files/file-store.ts'
import type { TransferInfo } from '../files/file-types.ts'
import { renderProgress } from './progress-bar.ts'
import { escapeTerminal } from './terminal.ts'

/** Without a terminal, progress lines are printed at most this often per transfer (logs stay short). */
const PLAIN_PROGRESS_INTERVAL_MS = 2_000
/** Ids are long; the interactive CLI accepts any unique prefix of at least this many characters. */
const MIN_ID_PREFIX = 4

export const INTERACTIVE_HELP = `Commands:
  /who                     who is online
  /msg <user> <text>       send a private message (queued if they are offline)
  /history <user> [n]      the last n messages with <user> (default 20)
  /send <user> <path>      offer a file to an online user
  /accept <id> [dir]       accept a file offer (dir: inside the download directory)
  /reject <id>             decline a file offer
  /cancel <id>             stop a transfer, either direction
  /transfers               transfers of this session with their state
  /help                    this list
  /quit                    log out and exit`

const time = (ms: number): string => new Date(ms).toTimeString().slice(0, 5)

/**
 * The human CLI: a readline prompt; incoming messages and presence changes print above the line being
 * typed without breaking it. Everything from the network is shown escaped.
 */
export function createInteractive(
  peer: PeerClient,
  input: Readable,
  output: Writable & { isTTY?: boolean }
): { run(): Promise<void> } {
  const rl = createInterface({ input, output, prompt: '> ', terminal: output.isTTY === true })
  rl.pause()
  // The last line printed, when it is a progress line that the next update of the same transfer replaces.
  let progressLine: string | undefined
  const show = (line: string, progressOf?: string): void => {
    if (output.isTTY) {
      clearLine(output, 0)
      cursorTo(output, 0)
      if (progressOf !== undefined && progressLine === progressOf) {
        moveCursor(output, 0, -1)
        clearLine(output, 0)
      }
    }
    progressLine = progressOf
    output.write(`${line}\n`)
    rl.prompt(true)
  }
  const e = escapeTerminal
  const short = (id: string): string => id.slice(0, 8)
  const names = new Map<string, string>()
  const lastPlain = new Map<string, number>()
  peer.addEventListener('file-offer', ev => {
    const o = ev.detail
    names.set(o.transferId, o.name)
    if (o.resumeFrom !== undefined) {
      show(
        `* ${e(o.from)} is sending ${e(o.name)} again: resuming from ${formatBytes(o.resumeFrom)} [${short(o.transferId)}]`
      )
    } else {
      show(
        `* ${e(o.from)} offers ${e(o.name)} (${formatBytes(o.size)}). /accept ${short(o.transferId)} [dir]  or  /reject ${short(o.transferId)}`
      )
    }
  })
  peer.addEventListener('file-accepted', ev => {
    const d = ev.detail
    if (d.direction === 'send') {
      const from = d.offset > 0 ? `, resuming from ${formatBytes(d.offset)}` : ''
      show(`* ${e(d.peer)} accepted ${e(names.get(d.transferId) ?? '')}${from}`)
    }
  })
  peer.addEventListener('file-progress', ev => {
    const p = ev.detail
    const now = Date.now()
    const key = `${p.transferId}:${p.phase}`
    const last = lastPlain.get(key)
    // Without a terminal: the first and last line of each phase, and one every 2 s between.
    if (!output.isTTY && last !== undefined && p.bytes < p.size && now - last < PLAIN_PROGRESS_INTERVAL_MS)
      return
    lastPlain.set(key, now)
    const verb = p.phase === 'hashing' ? 'hashing' : p.direction === 'send' ? 'sending' : 'receiving'
    show(
      `  ${verb} ${e(names.get(p.transferId) ?? short(p.transferId))} ${renderProgress(p.bytes, p.size, p.bytesPerSec)}`,
      p.transferId
    )
  })
  peer.addEventListener('file-done', ev => {
    const d = ev.detail
    lastPlain.delete(`${d.transferId}:hashing`)
    lastPlain.delete(`${d.transferId}:transferring`)
    const resumed = d.resumedFrom > 0 ? ` (resumed: ${formatBytes(d.bytesTransferred)} sent this time)` : ''
    show(
      d.direction === 'send'
        ? `* ${e(d.name)} delivered to ${e(d.peer)}, SHA-256 verified${resumed}`
        : `* received ${e(d.name)} from ${e(d.peer)} → ${e(d.path)} (SHA-256 verified)${resumed}`
    )
  })
  peer.addEventListener('file-failed', ev => {
    const d = ev.detail
    lastPlain.delete(`${d.transferId}:hashing`)
    lastPlain.delete(`${d.transferId}:transferring`)
    show(`! ${d.code}: ${e(names.get(d.transferId) ?? short(d.transferId))}: ${e(d.message)}`)
  })
  /** The full id of the transfer whose id starts with `prefix`, if exactly one does. */
  const resolveId = (prefix: string): string => {
    const all = peer.transfers().map(t => t.transferId)
    if (all.includes(prefix)) return prefix
    const matches = prefix.length >= MIN_ID_PREFIX ? all.filter(id => id.startsWith(prefix)) : []
    return matches.length === 1 ? matches[0] : prefix
  }
  const describe = (t: TransferInfo): string => {
    const arrow = t.direction === 'send' ? `→ ${e(t.peer)}` : `← ${e(t.peer)}`
    const pct = t.size === 0 ? 100 : Math.floor((t.bytes / t.size) * 100)
    const why = t.error ? ` ${t.error.code}` : ''
    return `  ${short(t.transferId)}  ${arrow}  ${e(t.name)}  ${formatBytes(t.size)}  ${t.state}${why}  ${pct}%`
  }
  peer.addEventListener('message', ev =>
    show(`[${time(ev.detail.sentAt)}] ${e(ev.detail.from)}: ${e(ev.detail.text)}`)
  )
  peer.addEventListener('joined', ev => show(`* ${e(ev.detail.user)} is online`))
  peer.addEventListener('left', ev => show(`* ${e(ev.detail.user)} went offline (${ev.detail.reason})`))
  peer.addEventListener('delivered', ev => show(`  ✓ delivered to ${e(ev.detail.to)}`))
  peer.addEventListener('tracker', ev => {
    const s = ev.detail.state
    const what =
      s === 'connected'
        ? 'connected to the tracker'
        : s === 'reconnecting'
          ? 'tracker unreachable: chatting with known peers, reconnecting…'
          : s === 'replaced'
            ? 'this account logged in elsewhere; this session is no longer on the online list'
            : s
    show(`* ${what}`)
  })
  peer.addEventListener('error', ev => show(`! ${ev.detail.code}: ${e(ev.detail.message)}`))

  const execute = async (line: string): Promise<boolean> => {
    const trimmed = line.trim()
    if (trimmed === '') return false
    if (!trimmed.startsWith('/')) {
      show('Messages go to someone: /msg <user> <text>  (/help for all commands)')
      return false
    }
    const [word, ...rest] = trimmed.slice(1).split(/\s+/)
    try {
      switch (word) {
        case 'who': {
          const { users } = (await runCommand(peer, { cmd: 'who' })) as { users: Array<{ user: string }> }
          show(`${users.length} online: ${users.map(u => e(u.user)).join(', ')}`)
          return false
        }
        case 'msg': {
          const m = /^\/msg\s+(\S+)\s+([\s\S]+)$/.exec(trimmed)
          if (m === null) {
            show('usage: /msg <user> <text>')
            return false
          }
          const online = peer.who().some(u => u.user.toLowerCase() === m[1].toLowerCase())
          await runCommand(peer, { cmd: 'msg', to: m[1], text: m[2] })
          if (!online) show(`  ${e(m[1])} is offline: queued, it will be delivered when they log in`)
          return false
        }
        case 'history': {
          if (rest[0] === undefined) {
            show('usage: /history <user> [n]')
            return false
          }
          const limit = rest[1] === undefined ? 20 : Number(rest[1])
          const { messages } = (await runCommand(peer, { cmd: 'history', with: rest[0], limit })) as {
            messages: Array<{ from: string; text: string; sentAt: number; status: string }>
          }
          if (messages.length === 0) show(`no messages with ${e(rest[0])}`)
          for (const m of messages) show(`[${time(m.sentAt)}] ${e(m.from)}: ${e(m.text)}  (${m.status})`)
          return false
        }
        case 'send': {
          const m = /^\/send\s+(\S+)\s+(.+)$/.exec(trimmed)
          if (m === null) {
            show('usage: /send <user> <path>')
            return false
          }
          const r = (await runCommand(peer, { cmd: 'send-file', to: m[1], path: m[2].trim() })) as {
            transferId: string
            name: string
            size: number
          }
          names.set(r.transferId, r.name)
          show(
            `  offering ${e(r.name)} (${formatBytes(r.size)}) to ${e(m[1])} [${short(r.transferId)}]; /cancel ${short(r.transferId)} to stop`
          )
          return false
        }
        case 'accept': {
          if (rest[0] === undefined) {
            show('usage: /accept <id> [dir]')
            return false
          }
          const dir = trimmed.replace(/^\/accept\s+\S+\s*/, '')
          const r = (await runCommand(peer, {
            cmd: 'accept-file',
            transferId: resolveId(rest[0]),
            ...(dir === '' ? {} : { dir })
          })) as { path: string }
          show(`  accepted: writing ${e(r.path)}`)
          return false
        }
        case 'reject':
        case 'cancel': {
          if (rest[0] === undefined) {
            show(`usage: /${word} <id>`)
            return false
          }
          await runCommand(peer, {
            cmd: word === 'reject' ? 'reject-file' : 'cancel-file',
            transferId: resolveId(rest[0])
          })
          return false
        }
        case 'transfers': {
          const all = peer.transfers()
          if (all.length === 0) show('no transfers yet')
          for (const t of all) show(describe(t))
          return false
        }
        case 'help':
          show(INTERACTIVE_HELP)
          return false
        case 'quit':
          return true
        default:
          show(`unknown command /${e(word)}; /help lists them`)
          return false
      }
    } catch (err) {
      const reply = errorReply(undefined, err) as unknown as { error: { code: string; message: string } }
      show(`! ${reply.error.code}: ${e(reply.error.message)}`)
      return false
    }
  }

  const run = (): Promise<void> =>
    new Promise(resolve => {
      show(`Logged in as ${peer.username}. ${peer.who().length} online. Type /help for commands.`)
      rl.resume()
      let chain = Promise.resolve(false)
      rl.on('line', line => {
        chain = chain.then(async quit => quit || (await execute(line)))
        chain.then(quit => {
          if (quit) rl.close()
        })
      })
      rl.on('close', () => {
        chain.then(() => resolve())
      })
      rl.prompt()
    })
  return { run }
}
