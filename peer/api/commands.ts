import { InvalidCommandError, P2PChatError } from '../../src/errors.ts'
import type { PeerClient, PeerClientEvents } from '../core/peer-client.ts'

/**
 * The one command/event schema every front-end speaks: JSON-lines on stdin/stdout, the interactive
 * CLI (which turns `/msg bob hi` into `{"cmd":"msg","to":"bob","text":"hi"}`), and the WebSocket API.
 * docs/api.md documents it.
 */

/** Longest command line accepted, in bytes: a 64 KiB text JSON-escaped is at most ~384 KiB. */
export const MAX_COMMAND_BYTES = 1024 * 1024
/** Most history entries one `history` command returns. */
export const MAX_HISTORY_LIMIT = 10_000
export const DEFAULT_HISTORY_LIMIT = 50

export const COMMANDS = [
  'who',
  'msg',
  'history',
  'send-file',
  'accept-file',
  'reject-file',
  'cancel-file',
  'transfers',
  'quit',
  'help'
] as const
export type CommandName = (typeof COMMANDS)[number]

export interface Reply {
  id?: string
  ok: boolean
  [key: string]: unknown
}

/** Event names front-ends receive, with the same names as PeerClient's events. */
export const EVENT_NAMES: Array<keyof PeerClientEvents> = [
  'ready',
  'joined',
  'left',
  'message',
  'delivered',
  'tracker',
  'error',
  'file-offer',
  'file-accepted',
  'file-progress',
  'file-done',
  'file-failed'
]

function field(
  cmd: Record<string, unknown>,
  name: string,
  type: 'string' | 'number',
  required: boolean
): unknown {
  const value = cmd[name]
  if (value === undefined || value === null) {
    if (required) throw new InvalidCommandError(`"${cmd.cmd}" needs "${name}"`)
    return undefined
  }
  if (typeof value !== type) throw new InvalidCommandError(`"${name}" must be a ${type}`)
  return value
}

/** Parse one JSON-lines command. Throws InvalidCommandError; `id` is recovered when possible. */
export function parseCommand(line: string): Record<string, unknown> & { cmd: CommandName; id?: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch (err) {
    throw new InvalidCommandError(`not JSON: ${(err as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidCommandError('a command is a JSON object like {"id":"1","cmd":"who"}')
  }
  const cmd = parsed as Record<string, unknown>
  if (cmd.id !== undefined && typeof cmd.id !== 'string')
    throw new InvalidCommandError('"id" must be a string')
  if (typeof cmd.cmd !== 'string' || !(COMMANDS as readonly string[]).includes(cmd.cmd)) {
    throw Object.assign(
      new InvalidCommandError(
        `unknown command ${JSON.stringify(cmd.cmd)}; try one of ${COMMANDS.join(', ')}`
      ),
      {
        id: cmd.id
      }
    )
  }
  return cmd as Record<string, unknown> & { cmd: CommandName; id?: string }
}

/** Run a parsed command against the peer; returns the reply fields (without id/ok). */
export async function runCommand(
  peer: PeerClient,
  cmd: Record<string, unknown> & { cmd: CommandName }
): Promise<Record<string, unknown>> {
  switch (cmd.cmd) {
    case 'who':
      return { users: peer.who() }
    case 'msg': {
      const to = field(cmd, 'to', 'string', true) as string
      const text = field(cmd, 'text', 'string', true) as string
      const stored = await peer.send(to, text)
      return { messageId: stored.messageId }
    }
    case 'history': {
      const user = field(cmd, 'with', 'string', true) as string
      const limit = (field(cmd, 'limit', 'number', false) as number | undefined) ?? DEFAULT_HISTORY_LIMIT
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
        throw new InvalidCommandError(`"limit" must be a whole number from 1 to ${MAX_HISTORY_LIMIT}`)
      }
      return {
        messages: peer.history(user, limit).map(({ messageId, from, to, text, sentAt, status }) => ({
          messageId,
          from,
          to,
          text,
          sentAt,
          status
        }))
      }
    }
    case 'send-file': {
      const to = field(cmd, 'to', 'string', true) as string
      const path = field(cmd, 'path', 'string', true) as string
      const t = await peer.sendFile(to, path)
      return { transferId: t.transferId, name: t.name, size: t.size }
    }
    case 'accept-file': {
      const transferId = field(cmd, 'transferId', 'string', true) as string
      const dir = field(cmd, 'dir', 'string', false) as string | undefined
      const t = await peer.acceptFile(transferId, dir)
      return { transferId, path: t.path }
    }
    case 'reject-file':
      peer.rejectFile(field(cmd, 'transferId', 'string', true) as string)
      return {}
    case 'cancel-file':
      peer.cancelFile(field(cmd, 'transferId', 'string', true) as string)
      return {}
    case 'transfers':
      return { transfers: peer.transfers() }
    case 'help':
      return { commands: [...COMMANDS], events: EVENT_NAMES }
    case 'quit':
      return {}
  }
}

/** The reply for an error: its stable code and message. */
export function errorReply(id: string | undefined, err: unknown): Reply {
  const e =
    err instanceof P2PChatError ? err : new P2PChatError('INTERNAL', (err as Error)?.message ?? String(err))
  return { ...(id === undefined ? {} : { id }), ok: false, error: { code: e.code, message: e.message } }
}
