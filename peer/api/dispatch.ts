import { InvalidCommandError, toP2PChatError } from '../../src/errors.ts'
import type { PeerClient } from '../core/peer-client.ts'
import { checkGroupId } from '../groups/index.ts'
import type { ApiHost } from './host.ts'
import { loggedInPeer } from './host.ts'
import type { Command, CommandArgs, CommandName, ErrorReply, PeerCommandName, Replies } from './schema.ts'
import { COMMAND_FIELDS, COMMAND_NAMES, EVENT_NAMES } from './schema.ts'

/** Most history entries one `history` command returns. */
export const MAX_HISTORY_LIMIT = 10_000
/** `history` without a `limit`: in every front-end. */
export const DEFAULT_HISTORY_LIMIT = 50

const isCommandName = (name: unknown): name is CommandName =>
  typeof name === 'string' && Object.hasOwn(COMMAND_FIELDS, name)

/**
 * Check a decoded JSON value against the schema: an object with a known `cmd`, a string `id` if any,
 * every required field with its type, no unknown fields. Throws INVALID_COMMAND carrying the `id`
 * when it could be read, so the error reply can be matched to its command.
 */
export function parseCommand(value: unknown): Command {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidCommandError('a command is a JSON object like {"id":"1","cmd":"who"}')
  }
  const obj = value as Record<string, unknown>
  const id = typeof obj.id === 'string' ? obj.id : undefined
  const fail = (message: string): never => {
    throw Object.assign(new InvalidCommandError(message), { id })
  }
  if (obj.id !== undefined && typeof obj.id !== 'string') fail('"id" must be a string')
  if (obj.cmd === undefined) fail(`no "cmd": a command names one of ${COMMAND_NAMES.join(', ')}`)
  if (!isCommandName(obj.cmd)) {
    return fail(`unknown command ${JSON.stringify(obj.cmd)}; try one of ${COMMAND_NAMES.join(', ')}`)
  }
  const fields: Record<string, string> = COMMAND_FIELDS[obj.cmd]
  for (const key of Object.keys(obj)) {
    if (key !== 'cmd' && key !== 'id' && !Object.hasOwn(fields, key)) {
      const takes = Object.keys(fields)
      fail(`"${obj.cmd}" has no field "${key}"; it takes ${takes.length > 0 ? takes.join(', ') : 'none'}`)
    }
  }
  for (const [key, spec] of Object.entries(fields)) {
    const type = spec.replace('?', '')
    const v = obj[key]
    if (v === undefined || v === null) {
      if (!spec.endsWith('?')) fail(`"${obj.cmd}" needs "${key}" (a ${type})`)
    } else if (typeof v !== type) {
      fail(`"${key}" must be a ${type}`)
    }
  }
  return obj as Command
}

/** Parse one line of JSON into a command (see parseCommand). */
export function parseCommandLine(line: string): Command {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (err) {
    throw new InvalidCommandError(`not JSON: ${(err as Error).message}`)
  }
  return parseCommand(value)
}

type Handlers = {
  [K in PeerCommandName]: (peer: PeerClient, args: CommandArgs<K>) => Promise<Replies[K]>
}

const HANDLERS: Handlers = {
  who: async peer => ({ users: peer.who(), tracker: peer.trackerState, asOf: peer.onlineAsOf }),
  msg: async (peer, { to, text }) => {
    const stored = await peer.send(to, text)
    return { messageId: stored.messageId, to: stored.to, online: peer.isOnline(stored.to) }
  },
  history: async (peer, args) => {
    const limit = args.limit ?? DEFAULT_HISTORY_LIMIT
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
      throw new InvalidCommandError(`"limit" must be a whole number from 1 to ${MAX_HISTORY_LIMIT}`)
    }
    if ((args.with === undefined) === (args.group === undefined)) {
      throw new InvalidCommandError('"history" takes one of "with" (a user) or "group" (a group id)')
    }
    if (args.group !== undefined) {
      checkGroupId(args.group)
      return { messages: peer.social.groupService.history(args.group, limit) }
    }
    const messages = peer.history(args.with!, limit)
    return {
      messages: messages.map(({ conversation, messageId, from, to, text, sentAt, status }) => ({
        conversation,
        messageId,
        from,
        to,
        text,
        sentAt,
        status
      }))
    }
  },
  'send-file': async (peer, { to, path }) => {
    const t = await peer.sendFile(to, path)
    return { transferId: t.transferId, name: t.name, size: t.size, to: t.peer }
  },
  'accept-file': async (peer, { transferId, dir }) => {
    const t = await peer.acceptFile(transferId, dir)
    return { transferId, path: t.path ?? '' }
  },
  'reject-file': async (peer, { transferId }) => {
    peer.rejectFile(transferId)
    return { transferId }
  },
  'cancel-file': async (peer, { transferId }) => {
    peer.cancelFile(transferId)
    return { transferId }
  },
  'discard-file': async (peer, { transferId }) => ({ transferId, path: await peer.discardFile(transferId) }),
  transfers: async peer => ({ transfers: await peer.transfers() }),
  'friend-add': (peer, { user }) => peer.social.friends.add(user),
  'friend-accept': (peer, { user }) => peer.social.friends.answer(user, true),
  'friend-decline': (peer, { user }) => peer.social.friends.answer(user, false),
  'friend-remove': (peer, { user }) => peer.social.friends.remove(user),
  'friend-alias': (peer, { user, alias }) => peer.social.friends.alias(user, alias),
  friends: peer => peer.social.friends.list(),
  search: (peer, { query }) => peer.social.friends.search(query),
  status: async (peer, { presence, text }) => {
    if (presence !== undefined) return peer.social.friends.setStatus(presence, text)
    if (text !== undefined) throw new InvalidCommandError('"text" goes with a "presence"')
    return { ...peer.social.settings.status }
  },
  privacy: async (peer, { mode }) => ({
    mode: mode === undefined ? peer.social.settings.privacy : await peer.social.settings.setPrivacy(mode)
  }),
  'group-create': (peer, { name, open }) => peer.social.groups.create(name, open),
  'group-invite': (peer, { group, user }) => peer.social.groups.invite(group, user),
  'group-join': (peer, { group }) => peer.social.groups.join(group),
  'group-leave': (peer, { group }) => peer.social.groups.leave(group),
  'group-kick': (peer, { group, user }) => peer.social.groups.kick(group, user),
  'group-rename': (peer, { group, name }) => peer.social.groups.rename(group, name),
  groups: peer => peer.social.groups.list(),
  'group-msg': (peer, { group, text }) => peer.social.groups.send(group, text),
  password: async (peer, { old, new: next }) => {
    await peer.changePassword(old, next)
    return {}
  },
  help: async () => ({ commands: [...COMMAND_NAMES], events: [...EVENT_NAMES] }),
  quit: async () => ({})
}

/**
 * Run one command against the peer and return its reply fields. Every front-end goes through here
 * (channels through `dispatchHosted`); the reply type follows from the command's name.
 */
export function dispatch<K extends PeerCommandName>(
  peer: PeerClient,
  command: Command<K>
): Promise<Replies[K]> {
  const handler = HANDLERS[command.cmd as K] as (
    peer: PeerClient,
    args: CommandArgs<K>
  ) => Promise<Replies[K]>
  return handler(peer, command as unknown as CommandArgs<K>)
}

/** Run any command: the session's on the host, the rest on its logged-in peer. */
export async function dispatchHosted(host: ApiHost, command: Command): Promise<Replies[CommandName]> {
  switch (command.cmd) {
    case 'login': {
      const { cmd: _cmd, id: _id, ...args } = command
      return host.login(args)
    }
    case 'logout':
      return host.logout({ everywhere: command.everywhere })
    case 'session':
      return host.session()
    case 'help':
    case 'quit':
      // Answered while logged out too: a page asks for help before anyone logs in.
      return HANDLERS[command.cmd](undefined as never, {} as never)
    default:
      return dispatch(loggedInPeer(host), command)
  }
}

/** The reply for an error: its stable code and message. */
export function errorReply(id: string | undefined, err: unknown): ErrorReply {
  const e = toP2PChatError(err)
  return { ...(id === undefined ? {} : { id }), ok: false, error: { code: e.code, message: e.message } }
}
