import type {
  EventDetails,
  FriendInfo,
  GroupInfo,
  GroupMessageEvent,
  HistoryEntry,
  Presence,
  TrackerState,
  UserInfo
} from '../../api/schema.ts'
import { sameUser, userKey } from './format.ts'

export type FileOfferEvent = EventDetails['file-offer']

/** The shapes the main window shows, and the pure helpers that build them from replies and events. */

export type Via = 'direct' | 'reversed' | 'relayed'
export type MessageStatus = HistoryEntry['status']

/** `u:<user key>` for a one-to-one conversation, `g:<group id>` for a group. */
export type ConvKey = string

export interface ChatMessage {
  messageId: string
  from: string
  to?: string
  text: string
  sentAt: number
  own: boolean
  /** One-to-one messages: queued, sent, delivered, refused (received ones are delivered). */
  status?: MessageStatus
  via?: Via
  /** What the page knows besides: "queued: bob is offline…", the last delivery error. */
  note?: string
}

export interface Conversation {
  key: ConvKey
  kind: 'user' | 'group'
  /** The username (as spelled by the account) or the group id. */
  id: string
  messages: ChatMessage[]
  limit: number
  loaded: boolean
  loading: boolean
  /** The last `history` filled its limit: there may be earlier messages. */
  hasMore: boolean
  error?: string
}

export type TransferStatus = 'progress' | 'done' | 'failed'

export interface TransferView {
  transferId: string
  direction: 'send' | 'receive'
  peer: string
  name: string
  size: number
  bytes: number
  /** `hashing`, `offered`, `transferring`, `verifying`, `partial`… as the server says. */
  phase: string
  status: TransferStatus
  bytesPerSec: number
  path?: string
  via?: Via
  /** How the content travels once accepted: its own TLS connection (`bulk`) or the file stream. */
  carrier?: 'bulk' | 'stream'
  error?: { code: string; message: string }
  startedAt: number
}

export interface UploadView {
  uploadId: number
  name: string
  to: string
  loaded: number
  total: number
  error?: string
}

export interface Toast {
  id: number
  text: string
}

export interface TrackerView {
  state: TrackerState
  message?: string
  /** Unix ms of the next attempt, when the server said. */
  retryAt?: number
}

export interface ChatState {
  me: string
  peerId?: string
  tracker: TrackerView
  /** Everyone online but me, sorted by name. */
  online: UserInfo[]
  friends: FriendInfo[]
  incoming: string[]
  outgoing: string[]
  groups: GroupInfo[]
  /** Every group's name as last heard, kept after leaving it (its conversation still shows it). */
  groupNames: Record<string, string>
  conversations: Record<ConvKey, Conversation>
  unread: Record<ConvKey, number>
  selected?: ConvKey
  offers: FileOfferEvent[]
  transfers: TransferView[]
  uploads: UploadView[]
  toasts: Toast[]
  presence: Presence
  statusText: string
  /** The latest thing worth announcing to a screen reader (aria-live). */
  announce: string
}

export function initialState(me: string, peerId: string | undefined, tracker: TrackerState): ChatState {
  return {
    me,
    peerId,
    tracker: { state: tracker },
    online: [],
    friends: [],
    incoming: [],
    outgoing: [],
    groups: [],
    groupNames: {},
    conversations: {},
    unread: {},
    offers: [],
    transfers: [],
    uploads: [],
    toasts: [],
    presence: 'online',
    statusText: '',
    announce: ''
  }
}

export const DEFAULT_HISTORY_LIMIT = 50

export function userConv(user: string): ConvKey {
  return `u:${userKey(user)}`
}

export function groupConv(group: string): ConvKey {
  return `g:${group}`
}

export function emptyConversation(key: ConvKey, kind: 'user' | 'group', id: string): Conversation {
  return {
    key,
    kind,
    id,
    messages: [],
    limit: DEFAULT_HISTORY_LIMIT,
    loaded: false,
    loading: false,
    hasMore: false
  }
}

export function fromHistory(entry: HistoryEntry, me: string): ChatMessage {
  return {
    messageId: entry.messageId,
    from: entry.from,
    to: entry.to,
    text: entry.text,
    sentAt: entry.sentAt,
    own: sameUser(entry.from, me),
    status: entry.status
  }
}

export function fromGroupMessage(entry: GroupMessageEvent, me: string): ChatMessage {
  return {
    messageId: entry.messageId,
    from: entry.from,
    text: entry.text,
    sentAt: entry.sentAt,
    own: sameUser(entry.from, me)
  }
}

/**
 * History replaces what the page holds, keeping what only live events told (via, notes) and any message
 * that arrived after the history was read.
 */
export function mergeHistory(existing: ChatMessage[], history: ChatMessage[]): ChatMessage[] {
  const known = new Map(existing.map(m => [m.messageId, m]))
  const merged = history.map(m => {
    const old = known.get(m.messageId)
    if (old === undefined) return m
    const status = rankStatus(old.status) > rankStatus(m.status) ? old.status : m.status
    return { ...m, status, via: old.via, note: status === 'delivered' ? undefined : old.note }
  })
  const seen = new Set(history.map(m => m.messageId))
  const newest = history.length > 0 ? history[history.length - 1]!.sentAt : 0
  for (const m of existing) if (!seen.has(m.messageId) && m.sentAt >= newest) merged.push(m)
  return merged
}

const STATUS_RANK: Record<MessageStatus, number> = { queued: 0, sent: 1, delivered: 2, refused: 2 }

function rankStatus(status: MessageStatus | undefined): number {
  return status === undefined ? -1 : STATUS_RANK[status]
}

/** Add a message once (a sender may retry; another tab may have added it). */
export function appendMessage(conv: Conversation, message: ChatMessage): Conversation {
  if (conv.messages.some(m => m.messageId === message.messageId)) return conv
  return { ...conv, messages: [...conv.messages, message] }
}

export function updateMessage(
  conv: Conversation,
  messageId: string,
  patch: (m: ChatMessage) => ChatMessage
): Conversation | undefined {
  const index = conv.messages.findIndex(m => m.messageId === messageId)
  if (index < 0) return undefined
  const messages = conv.messages.slice()
  messages[index] = patch(messages[index]!)
  return { ...conv, messages }
}

/** Codes after which a message is never retried (peer/chat: the history marks it `refused`). */
export const REFUSED_CODES = new Set(['TEXT_TOO_LONG', 'INVALID_MESSAGE', 'NOT_A_FRIEND'])

export function sortByName<T>(items: T[], name: (item: T) => string): T[] {
  return items.slice().sort((a, b) => name(a).localeCompare(name(b)))
}

export function upsert<T>(items: T[], item: T, same: (a: T, b: T) => boolean): T[] {
  const index = items.findIndex(i => same(i, item))
  if (index < 0) return [...items, item]
  const copy = items.slice()
  copy[index] = item
  return copy
}

/** A friend's name as you see it: their alias when you gave one. */
export function displayName(user: string, friends: FriendInfo[]): string {
  const friend = friends.find(f => sameUser(f.user, user))
  return friend !== undefined && friend.alias !== '' ? friend.alias : user
}

/** Is `me` a member (not just invited) of the group? */
export function isMember(group: GroupInfo, me: string): boolean {
  return group.members.some(m => sameUser(m.user, me))
}

/** What a presence dot shows: the same colour for the same person everywhere. */
export type PresenceView = Presence | 'offline'

export const PRESENCE_LABELS: Record<PresenceView, string> = {
  online: 'online',
  away: 'away',
  busy: 'busy',
  offline: 'offline'
}

/**
 * Someone's presence, derived one way for every place that shows it: online when the online list has
 * them (the tracker's view, kept current by joined/left), with the friend's own presence when they are a
 * friend; otherwise offline. The friends list's `online` flag can lag behind (a tracker restart), so it
 * never contradicts the online list.
 */
export function presenceOf(state: Pick<ChatState, 'online' | 'friends'>, user: string): PresenceView {
  if (!state.online.some(u => sameUser(u.user, user))) return 'offline'
  const friend = state.friends.find(f => sameUser(f.user, user))
  return friend?.presence ?? 'online'
}

/** Remember the names of groups (to show them after leaving). */
export function withGroupNames(names: Record<string, string>, groups: GroupInfo[]): Record<string, string> {
  let changed = false
  const next = { ...names }
  for (const g of groups) {
    if (next[g.group] !== g.name) {
      next[g.group] = g.name
      changed = true
    }
  }
  return changed ? next : names
}
