import type { FriendInfo, UserInfo } from '../../api/schema.ts'
import type { PresenceView } from './chat-state.ts'
import { PRESENCE_LABELS } from './chat-state.ts'
import { formatLastSeen } from './format.ts'

/** Presence and reachability in words, the same in the sidebar and the conversation header. */

/** A friend's second line: presence and status text while online, when last seen otherwise. */
export function friendLine(f: FriendInfo, presence: PresenceView): string {
  if (presence === 'offline') return formatLastSeen(f.lastSeen)
  const word = PRESENCE_LABELS[presence]
  return f.text !== '' ? `${word} · ${f.text}` : word
}

/** How messages reach someone, in plain words (the tooltip and the conversation header say more). */
export function reachHint(u: UserInfo): string {
  return u.reachable ? 'direct connection' : 'via relay'
}

export function reachTitle(u: UserInfo): string {
  return u.reachable
    ? 'Direct connection: messages and files go straight between your computers.'
    : 'Via relay: they are behind a router that cannot be dialled, so a chat starts through the ' +
        "tracker's relay or by asking them to call back."
}
