import type { ChatMessageEvent, StoredMessage } from '../chat/index.ts'
import type { FileEventDetails, TransferInfo } from '../files/index.ts'

/**
 * The one schema every front-end speaks: commands in, one reply per command, events out. JSON-lines
 * (`p2pchat peer --json`), the interactive CLI and the web app's WebSocket all run commands through
 * `dispatch()` and receive the events named here; docs/api.md documents exactly these names and fields
 * (test/unit/api-doc.test.ts keeps the two in step).
 */

/** How a command field is typed on the wire; a trailing `?` makes it optional. */
type FieldSpec = 'string' | 'number' | 'boolean' | 'string?' | 'number?' | 'boolean?'

/** Every command with its fields. The names, the argument types and the parser all come from here. */
export const COMMAND_FIELDS = {
  who: {},
  msg: { to: 'string', text: 'string' },
  /** One of `with` (a user) or `group` (a group id). */
  history: { with: 'string?', group: 'string?', limit: 'number?' },
  'send-file': { to: 'string', path: 'string' },
  'accept-file': { transferId: 'string', dir: 'string?' },
  'reject-file': { transferId: 'string' },
  'cancel-file': { transferId: 'string' },
  'discard-file': { transferId: 'string' },
  transfers: {},
  'friend-add': { user: 'string' },
  'friend-accept': { user: 'string' },
  'friend-decline': { user: 'string' },
  'friend-remove': { user: 'string' },
  'friend-alias': { user: 'string', alias: 'string' },
  friends: {},
  search: { query: 'string' },
  /** Without `presence`: your status as it is. */
  status: { presence: 'string?', text: 'string?' },
  /** Without `mode`: the current setting. */
  privacy: { mode: 'string?' },
  'group-create': { name: 'string', open: 'boolean?' },
  'group-invite': { group: 'string', user: 'string' },
  'group-join': { group: 'string' },
  'group-leave': { group: 'string' },
  'group-kick': { group: 'string', user: 'string' },
  'group-rename': { group: 'string', name: 'string' },
  groups: {},
  'group-msg': { group: 'string', text: 'string' },
  /** Change the account's password: every other device must log in with the new one. */
  password: { old: 'string', new: 'string' },
  /**
   * The session commands: answered by whatever hosts the peer. The web app logs in and out through
   * them; a peer started by `p2pchat peer` is logged in for its whole life (login: ALREADY_LOGGED_IN).
   */
  login: { tracker: 'string', user: 'string', password: 'string', register: 'boolean?' },
  /** Log out: this device's resumption credential is revoked (`everywhere`: every device's). */
  logout: { everywhere: 'boolean?' },
  session: {},
  help: {},
  quit: {}
} as const satisfies Record<string, Record<string, FieldSpec>>

export type CommandName = keyof typeof COMMAND_FIELDS
export const COMMAND_NAMES = Object.keys(COMMAND_FIELDS) as CommandName[]

/** The commands the host answers (it starts and stops peers); every other one needs a logged-in peer. */
export const SESSION_COMMANDS = ['login', 'logout', 'session'] as const
export type SessionCommandName = (typeof SESSION_COMMANDS)[number]
/** Commands a PeerClient answers. */
export type PeerCommandName = Exclude<CommandName, SessionCommandName>

type FieldType<S> = S extends 'string' | 'string?'
  ? string
  : S extends 'boolean' | 'boolean?'
    ? boolean
    : number
type Args<S> = {
  -readonly [K in keyof S as S[K] extends `${string}?` ? never : K]: FieldType<S[K]>
} & {
  -readonly [K in keyof S as S[K] extends `${string}?` ? K : never]?: FieldType<S[K]>
}

/** The fields of command `K`, without `cmd` and `id`. */
export type CommandArgs<K extends CommandName> = Args<(typeof COMMAND_FIELDS)[K]>

/** One command as it arrives: `{"id":"1","cmd":"msg","to":"bob","text":"hi"}`. */
export type Command<K extends CommandName = CommandName> = K extends CommandName
  ? { cmd: K; id?: string } & CommandArgs<K>
  : never

/** Someone online, as `who` and `joined` show them. */
export interface UserInfo {
  user: string
  peerId: string
  addrs: string[]
  /**
   * Whether others can dial them directly: the tracker reached their key at `addrs` by dialling back.
   * When false they can still start chats and transfers (they dial); nobody can start one with them.
   */
  reachable: boolean
}

/**
 * The session with the tracker: `connecting` at start, `connected`, `reconnecting` while it is away
 * (chat with known peers goes on), `replaced` (this account logged in elsewhere: the peer stops),
 * `failed` (a login a retry cannot fix, e.g. AUTH_FAILED: the peer stops), `stopped`.
 */
export type TrackerState = 'connecting' | 'connected' | 'reconnecting' | 'replaced' | 'failed' | 'stopped'

/** A message as `history` lists it: as stored, without the local ordering number. */
export type HistoryEntry = Omit<StoredMessage, 'seq'>

/** `online`, `away` or `busy`, shown to friends with an optional short text. */
export type Presence = 'online' | 'away' | 'busy'

/** A friend as `friends` lists them; `alias` is yours alone; `lastSeen` (Unix ms, 0: never) while offline. */
export interface FriendInfo {
  user: string
  alias: string
  online: boolean
  lastSeen: number
  reachable: boolean
  presence: Presence
  text: string
}

/** A group as the tracker keeps it (membership is authoritative there). */
export interface GroupInfo {
  group: string
  name: string
  owner: string
  open: boolean
  members: Array<{ user: string; online: boolean }>
  invited: string[]
}

/** A group message, sent or received; `seq` counts its author's messages in the group. */
export interface GroupMessageEvent {
  group: string
  messageId: string
  from: string
  text: string
  sentAt: number
  seq: number
}

/** The fields of each command's successful reply (besides `id` and `ok: true`). */
export interface Replies {
  /**
   * Everyone online, yourself included, sorted by name. `tracker` is the session state: when it is not
   * `connected` the list is the last one heard, as of `asOf` (Unix ms).
   */
  who: { users: UserInfo[]; tracker: TrackerState; asOf: number }
  /** Stored before this reply. `online`: the recipient is online now (else it waits in the outbox). */
  msg: { messageId: string; to: string; online: boolean }
  /** `messages` for `with`; for `group`, the group's messages (`groupMessages`). */
  history: { messages: HistoryEntry[] | GroupMessageEvent[] }
  'send-file': { transferId: string; name: string; size: number; to: string }
  'accept-file': { transferId: string; path: string }
  'reject-file': { transferId: string }
  'cancel-file': { transferId: string }
  'discard-file': { transferId: string; path: string }
  transfers: { transfers: TransferInfo[] }
  /** `pending`: a request was sent; false when they had asked you already (you are friends now). */
  'friend-add': { user: string; pending: boolean }
  'friend-accept': { user: string }
  'friend-decline': { user: string }
  'friend-remove': { user: string }
  'friend-alias': { user: string; alias: string }
  /** Friends (online first), and requests waiting: `incoming` to answer, `outgoing` not answered yet. */
  friends: { friends: FriendInfo[]; incoming: string[]; outgoing: string[] }
  /** Usernames, prefix matches first, at most 50. */
  search: { users: string[] }
  status: { presence: Presence; text: string }
  privacy: { mode: 'anyone' | 'friends' }
  'group-create': { group: GroupInfo }
  'group-invite': { group: GroupInfo }
  'group-join': { group: GroupInfo }
  'group-leave': { group: string }
  'group-kick': { group: GroupInfo }
  'group-rename': { group: GroupInfo }
  groups: { groups: GroupInfo[] }
  /** Stored before this reply, then delivered to every online member; `online`: members online now. */
  'group-msg': { group: string; messageId: string; seq: number; online: number }
  /** Logged in (`tracker`: the session state, `connected` on a fresh login). */
  login: { user: string; peerId: string; tracker: TrackerState }
  password: Record<string, never>
  logout: Record<string, never>
  /**
   * Who is logged in: `user` and `peerId` unless `state` is `logged-out`. `tracker` and `lastUser`: the
   * address and name to offer on a login screen (the last ones that logged in), when known.
   */
  session: SessionInfo
  help: { commands: CommandName[]; events: EventName[] }
  quit: Record<string, never>
}

/** The host's session, as the `session` reply and event give it. */
export interface SessionInfo {
  state: 'logged-out' | TrackerState
  user?: string
  peerId?: string
  /** The tracker address in use, else the last one that logged in. */
  tracker?: string
  /** The last username that logged in here. */
  lastUser?: string
  /** Why the session ended (on `logged-out` after a login: replaced, failed, logout). */
  reason?: string
}

export type Reply<K extends CommandName = CommandName> = { id?: string; ok: true } & Replies[K]
export interface ErrorReply {
  id?: string
  ok: false
  error: { code: string; message: string }
}

/** Every event, in one list: the emitter's types, the forwarding and `help` all come from it. */
export const EVENT_NAMES = [
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
  'file-failed',
  'friend-request',
  'friend-added',
  'friend-removed',
  'friend-declined',
  'friend-status',
  'group-updated',
  'group-invited',
  'group-removed',
  'group-message',
  'session'
] as const
export type EventName = (typeof EVENT_NAMES)[number]

export type LeaveReason = 'logout' | 'timeout' | 'disconnect' | 'replaced'

/**
 * A change of the tracker session: `tracker` is the address it is about (the one logged in to when
 * `connected`; the one lost, refused or tried last otherwise — with several trackers the peer moves on
 * to the next by itself); `message` says why in plain words; `code` when it failed for good;
 * `retryInMs` when the next attempt is scheduled; `accountCreated` on the login that followed a
 * successful registration.
 */
export interface TrackerEvent {
  state: TrackerState
  tracker: string
  message?: string
  code?: string
  retryInMs?: number
  accountCreated?: boolean
}

/** The fields of each event (besides `event`). */
export interface EventDetails extends FileEventDetails {
  /** The peer is up and takes commands (logged in, or retrying: see `tracker`). */
  ready: UserInfo & { tracker: TrackerState }
  /** Someone came online (also everyone online at login). */
  joined: UserInfo
  left: { user: string; reason: LeaveReason }
  message: ChatMessageEvent
  /**
   * `via`: over a direct connection, a direct one the recipient opened because we asked (`reversed`), or
   * through the tracker's relay (docs/nat.md).
   */
  delivered: { messageId: string; to: string; via: 'direct' | 'reversed' | 'relayed' }
  tracker: TrackerEvent
  /** Something went wrong that no command is waiting for; `messageId`/`to` when about a message. */
  error: { code: string; message: string; messageId?: string; to?: string }
  /** Someone asks to be your friend (live, or at login for requests made while you were away). */
  'friend-request': { from: string }
  /** You and `user` are friends now (both sides get it). */
  'friend-added': { user: string }
  'friend-removed': { user: string }
  /** `user` declined your request. */
  'friend-declined': { user: string }
  /** A friend's presence or status text changed. */
  'friend-status': { user: string; presence: Presence; text: string }
  /** A group you are in (or invited to) changed: members, name, owner. */
  'group-updated': { group: GroupInfo }
  /** You were invited to a group (`by` whom): `group-join` it. */
  'group-invited': { group: GroupInfo; by: string }
  /** You are no longer in the group: you left, were kicked (`by` the owner), or it is gone. */
  'group-removed': { group: GroupInfo; by: string }
  'group-message': GroupMessageEvent
  /** The host logged in or out (the web app: in another tab too); `reason` says why a session ended. */
  session: SessionInfo
}

/** The PeerClient's typed events, derived from the list above (a name without details fails to compile). */
export type PeerEvents = { [K in EventName]: CustomEvent<EventDetails[K]> }

/** One event as front-ends receive it: `{"event":"message","from":"bob",…}`. */
export type EventMessage<K extends EventName = EventName> = K extends EventName
  ? { event: K } & EventDetails[K]
  : never

/** Anything a channel sends to its front-end. */
export type Outbound = Reply | ErrorReply | EventMessage
