import { clearLine, createInterface, cursorTo } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { errorReply, runCommand } from './commands.ts'
import type { PeerClient } from './peer-client.ts'
import { escapeTerminal } from './terminal.ts'

export const INTERACTIVE_HELP = `Commands:
  /who                     who is online
  /msg <user> <text>       send a private message (queued if they are offline)
  /history <user> [n]      the last n messages with <user> (default 20)
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
  const show = (line: string): void => {
    if (output.isTTY) {
      clearLine(output, 0)
      cursorTo(output, 0)
    }
    output.write(`${line}\n`)
    rl.prompt(true)
  }
  const e = escapeTerminal
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
