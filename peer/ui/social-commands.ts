import { InvalidCommandError } from '../../src/errors.ts'
import type { Command, GroupInfo, PeerCommandName, Replies } from '../api/schema.ts'
import type { PeerClient } from '../core/peer-client.ts'
import type { Style } from './format.ts'
import { formatMultiline, formatTime } from './format.ts'
import { escapeTerminal as e } from './terminal.ts'

/**
 * The interactive CLI's friends and groups: slash commands (each one API command through `dispatch`)
 * and how the social events are shown. Groups are named by id, a unique id prefix of 4+ characters,
 * or a unique name.
 */

export const SOCIAL_SLASH_COMMANDS = [
  ['friends', '', 'your friends (online first) and friend requests'],
  ['add', '<user>', 'ask <user> to be your friend'],
  ['accept-friend', '<user>', 'accept a friend request'],
  ['decline', '<user>', 'decline a friend request'],
  ['remove', '<user>', 'stop being friends'],
  ['alias', '<user> [name]', 'your private name for a friend (none: clear it)'],
  ['search', '<text>', 'usernames containing <text>'],
  ['status', 'online|away|busy [text]', 'your status, shown to friends'],
  ['privacy', '[anyone|friends]', 'who may message you and offer files'],
  ['group', 'create|invite|join|leave|kick|rename|list …', 'groups (/group alone for details)'],
  ['g', '<group> <text>', 'post to a group (peer to peer)'],
  ['ghistory', '<group> [n]', 'the last n messages of a group']
] as const

const GROUP_USAGE = `/group create <name> [open]   /group invite <group> <user>   /group join <group>
/group leave <group>   /group kick <group> <user>   /group rename <group> <name>   /group list`

export interface SocialUi {
  peer: PeerClient
  style: Style
  show(line: string): void
  run<K extends PeerCommandName>(command: Command<K>): Promise<Replies[K]>
}

/** `name (id, n members)` for a group. */
function describeGroup(g: GroupInfo): string {
  const online = g.members.filter(m => m.online).length
  const members = `${g.members.length} ${g.members.length === 1 ? 'member' : 'members'}`
  return `${e(g.name)} [${g.group}] ${members}, ${online} online${g.open ? ', open' : ''}; owner ${e(g.owner)}`
}

/** The group meant by `ref`: an id, a unique id prefix (4+), or a unique name. */
async function resolveGroup(ui: SocialUi, ref: string): Promise<string> {
  const { groups } = await ui.run({ cmd: 'groups' })
  const byId = groups.filter(g => g.group === ref || (ref.length >= 4 && g.group.startsWith(ref)))
  const byName = groups.filter(g => g.name.toLowerCase() === ref.toLowerCase())
  const found = byId.length > 0 ? byId : byName
  if (found.length === 1) return found[0].group
  if (found.length > 1)
    throw new InvalidCommandError(`"${ref}" names several groups: give more of the id (/group list)`)
  // Not one of ours: perhaps an id someone gave us to join.
  if (/^[A-Za-z0-9_-]{16}$/.test(ref)) return ref
  throw new InvalidCommandError(`no group "${ref}" (/group list shows yours)`)
}

/** Run a social slash command; false when `word` is not one. */
export async function runSocialCommand(
  ui: SocialUi,
  word: string,
  rest: string[],
  line: string
): Promise<boolean> {
  const { show, style: s } = ui
  const usage = (args: string): true => {
    show(`usage: /${word} ${args}`)
    return true
  }
  switch (word) {
    case 'friends': {
      const r = await ui.run({ cmd: 'friends' })
      if (r.friends.length === 0) show('no friends yet: /search <text>, then /add <user>')
      for (const f of r.friends) {
        const name = f.alias === '' ? e(f.user) : `${e(f.alias)} (${e(f.user)})`
        const state = f.online
          ? s.green(f.presence) + (f.text === '' ? '' : ` "${e(f.text)}"`)
          : s.dim(f.lastSeen > 0 ? `last seen ${formatTime(f.lastSeen)}` : 'offline')
        show(`  ${name}  ${state}`)
      }
      if (r.incoming.length > 0)
        show(`asking to be your friend: ${r.incoming.map(e).join(', ')} (/accept-friend, /decline)`)
      if (r.outgoing.length > 0) show(s.dim(`waiting for an answer from: ${r.outgoing.map(e).join(', ')}`))
      return true
    }
    case 'add': {
      if (rest[0] === undefined) return usage('<user>')
      const r = await ui.run({ cmd: 'friend-add', user: rest[0] })
      show(r.pending ? `  asked ${e(r.user)} to be your friend` : `  you and ${e(r.user)} are friends now`)
      return true
    }
    case 'accept-friend':
    case 'decline':
    case 'remove': {
      if (rest[0] === undefined) return usage('<user>')
      const cmd =
        word === 'accept-friend' ? 'friend-accept' : word === 'decline' ? 'friend-decline' : 'friend-remove'
      await ui.run({ cmd, user: rest[0] })
      return true
    }
    case 'alias': {
      if (rest[0] === undefined) return usage('<user> [name]')
      const alias = line.replace(/^\/alias\s+\S+\s*/, '')
      await ui.run({ cmd: 'friend-alias', user: rest[0], alias })
      show(
        alias === '' ? `  no alias for ${e(rest[0])}` : `  ${e(rest[0])} shows as ${e(alias)} (to you only)`
      )
      return true
    }
    case 'search': {
      const query = line.replace(/^\/search\s*/, '')
      if (query === '') return usage('<text>')
      const { users } = await ui.run({ cmd: 'search', query })
      show(users.length === 0 ? `  nobody matches "${e(query)}"` : `  ${users.map(e).join(', ')}`)
      return true
    }
    case 'status': {
      if (rest[0] === undefined) return usage('online|away|busy [text]')
      const text = line.replace(/^\/status\s+\S+\s*/, '')
      const r = await ui.run({ cmd: 'status', presence: rest[0], text })
      show(`  you are ${r.presence}${r.text === '' ? '' : `: ${e(r.text)}`}`)
      return true
    }
    case 'privacy': {
      const r = await ui.run({ cmd: 'privacy', ...(rest[0] === undefined ? {} : { mode: rest[0] }) })
      show(
        r.mode === 'friends'
          ? '  messages and file offers from friends only'
          : '  messages and file offers from anyone'
      )
      return true
    }
    case 'g': {
      const m = /^\/g\s+(\S+)\s([\s\S]+)$/.exec(line)
      if (m === null) return usage('<group> <text>')
      const r = await ui.run({ cmd: 'group-msg', group: await resolveGroup(ui, m[1]), text: m[2] })
      if (r.online === 0)
        show(s.dim('  nobody else is online: members get it from whoever is online when they come back'))
      return true
    }
    case 'ghistory': {
      if (rest[0] === undefined) return usage('<group> [n]')
      const limit = rest[1] === undefined ? undefined : Number(rest[1])
      const { messages } = await ui.run({
        cmd: 'history',
        group: await resolveGroup(ui, rest[0]),
        ...(limit === undefined ? {} : { limit })
      })
      if (messages.length === 0) show('no messages in this group yet')
      for (const m of messages) {
        const plain = `${formatTime(m.sentAt)} ${m.from}: `
        show(formatMultiline(`${s.dim(formatTime(m.sentAt))} ${s.cyan(e(m.from))}: `, plain.length, m.text))
      }
      return true
    }
    case 'group':
      return runGroupCommand(ui, rest, line)
    default:
      return false
  }
}

async function runGroupCommand(ui: SocialUi, rest: string[], line: string): Promise<true> {
  const { show } = ui
  const [sub, a, b] = rest
  const named = (re: RegExp): string | undefined => re.exec(line)?.[1]
  switch (sub) {
    case 'create': {
      const m = /^\/group\s+create\s+(.+?)(\s+open)?$/.exec(line)
      if (m === null) break
      const { group } = await ui.run({ cmd: 'group-create', name: m[1], open: m[2] !== undefined })
      show(`  created ${describeGroup(group)}`)
      return true
    }
    case 'invite':
    case 'kick': {
      if (a === undefined || b === undefined) break
      const cmd = sub === 'invite' ? 'group-invite' : 'group-kick'
      const { group } = await ui.run({ cmd, group: await resolveGroup(ui, a), user: b })
      show(`  ${describeGroup(group)}`)
      return true
    }
    case 'join':
    case 'leave': {
      if (a === undefined) break
      const id = await resolveGroup(ui, a)
      if (sub === 'join')
        show(`  joined ${describeGroup((await ui.run({ cmd: 'group-join', group: id })).group)}`)
      else {
        await ui.run({ cmd: 'group-leave', group: id })
        show(`  left [${id}]`)
      }
      return true
    }
    case 'rename': {
      const name = named(/^\/group\s+rename\s+\S+\s+(.+)$/)
      if (a === undefined || name === undefined) break
      const { group } = await ui.run({ cmd: 'group-rename', group: await resolveGroup(ui, a), name })
      show(`  ${describeGroup(group)}`)
      return true
    }
    case 'list': {
      const { groups } = await ui.run({ cmd: 'groups' })
      if (groups.length === 0) show('no groups yet: /group create <name>')
      for (const g of groups)
        show(
          `  ${describeGroup(g)}${g.invited.length > 0 ? `; invited: ${g.invited.map(e).join(', ')}` : ''}`
        )
      return true
    }
  }
  show(GROUP_USAGE)
  return true
}

/** Show the social events: requests, answers, status, group changes and group messages. */
export function listenSocial(ui: SocialUi, stamp: () => string): void {
  const { peer, style: s, show } = ui
  peer.addEventListener('friend-request', ev =>
    show(
      `${stamp()} ${s.green('*')} ${e(ev.detail.from)} asks to be your friend: /accept-friend ${e(ev.detail.from)} or /decline`
    )
  )
  peer.addEventListener('friend-added', ev =>
    show(`${stamp()} ${s.green('*')} you and ${e(ev.detail.user)} are friends`)
  )
  peer.addEventListener('friend-removed', ev =>
    show(`${stamp()} ${s.dim('*')} you and ${e(ev.detail.user)} are no longer friends`)
  )
  peer.addEventListener('friend-declined', ev =>
    show(`${stamp()} ${s.dim('*')} ${e(ev.detail.user)} declined your friend request`)
  )
  peer.addEventListener('friend-status', ev => {
    const { user, presence, text } = ev.detail
    show(`${stamp()} ${s.dim('*')} ${e(user)} is ${presence}${text === '' ? '' : `: ${e(text)}`}`)
  })
  peer.addEventListener('group-invited', ev =>
    show(
      `${stamp()} ${s.green('*')} ${e(ev.detail.by)} invited you to ${describeGroup(ev.detail.group)}: /group join ${ev.detail.group.group}`
    )
  )
  peer.addEventListener('group-removed', ev =>
    show(
      `${stamp()} ${s.dim('*')} you are no longer in ${e(ev.detail.group.name)}${ev.detail.by === '' ? '' : ` (${e(ev.detail.by)})`}`
    )
  )
  peer.addEventListener('group-message', ev => {
    const m = ev.detail
    const group = peer.social.groups.name(m.group) ?? m.group.slice(0, 8)
    const plain = `${formatTime(m.sentAt)} [${group}] ${m.from}: `
    show(
      formatMultiline(
        `${s.dim(formatTime(m.sentAt))} ${s.dim(`[${e(group)}]`)} ${s.cyan(e(m.from))}: `,
        plain.length,
        m.text
      )
    )
  })
}
