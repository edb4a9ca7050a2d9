/**
 * Group messages on /p2pchat/group/1.0.0, peer to peer. The tracker says who is in a group (and which
 * PeerIds each member has logged in with); the messages never pass through it.
 *
 * - **Posts are signed.** Each carries the group id, the author's username and PeerId, a per-(author,
 *   group) seq (1, 2, 3…, persisted), a random messageId, sentAt and the text, signed with the author's
 *   libp2p Ed25519 key over "p2pchat-group-v1" + the protobuf of those fields. A receiver checks the
 *   signature with the key inside the PeerId, that PeerId against the author's `peerIds`, and that the
 *   author is a current member — so a member who passes a post on cannot forge or alter it.
 * - **Push.** `send` stores the post (fsynced), then pushes it to every member online now: one reused
 *   stream per member, acks as in chat, 16 members at a time, a few retries with back-off.
 * - **Pull.** `catchUp` asks up to 3 online members at once (the next when one fails) for the posts
 *   after our per-author cursors (the highest seq we have with none missing below it); they answer in
 *   batches. A live post that skips seqs is held while the gap is fetched from whoever sent it, then
 *   from others. Any member can answer, so a conversation outlives its authors' presence.
 * - **Once, in order.** An author's posts are stored only in seq order; (author, seq) and messageId
 *   dedupe, across restarts (the journal is replayed). `group-message` fires once per post, after it is
 *   on disk; a catch-up's posts are fired together at its end, sorted by (sentAt, author, seq).
 * - **Storage.** <dataDir>/groups/<groupId>.jsonl, one post per fsynced line (src/storage/journal.ts:
 *   a torn tail from a crash is cut off at start), sealed into `<groupId>.NNNNNN.jsonl` segments every
 *   8 MiB. The newest 10,000 posts per group are in memory (history, id dedupe, sync answers); older
 *   ones stay on disk, are not in `history()`, and are read back from the files only to answer a member
 *   who is further behind than that. Per-author cursors are kept for the whole history.
 *
 *
 * API: `start()`/`stop()`; `send(group, text)` → the stored `GroupMessage` (no event for our own
 * sends); `catchUp(group)` → `{ received }`; `history(group, limit = 50)`; `forget(group)`;
 * `settled()` (every queued push acked or given up); event `group-message`. Errors are P2PChatErrors:
 * INVALID_COMMAND (group id), TEXT_TOO_LONG, NOT_AUTHORIZED (not a member), NO_SPACE, UNREACHABLE.
 *
 * Wiring (PeerClient): `node` the libp2p node; `privateKey` the node's key; `self` the logged-in name;
 * `dial` = `(t, p, o) => dialUser(node, t, p, { ...o, reversal })`; `identify` = `(s, c) =>
 * identifyStream(directory, s, c, log)`; `membership` from the tracker's group state. Call `catchUp(g)`
 * for each group after login (before the first `send` from a fresh data directory: our seq continues
 * from what we have of our own posts) and when we are added to one; `forget(g)` when we leave or are
 * removed; forward `group-message`.
 *
 * Known limits: posts by someone who is no longer a member are neither served nor accepted (the rule
 * is "the author is a current member"); a conversation over the tracker's relay is bounded by the
 * relay's per-connection byte limit (catch-up prefers members the tracker could dial back).
 */
import type { Connection, Logger, PrivateKey, Stream } from '@libp2p/interface'
import type { P2PChatNode } from '../../src/node.ts'
import type { JournalHandle } from '../../src/storage/journal.ts'
import type { OnlineUser } from '../core/tracker-client.ts'

export * from './constants.ts'
export { checkGroupId, isGroupId } from './group-post.ts'
export { GroupService } from './group-service.ts'
export type { GroupsHubComponents, GroupsHubEvents } from './groups-hub.ts'
export { GroupsHub, groupInfo } from './groups-hub.ts'

/** A group message as front-ends see it. */
export interface GroupMessage {
  /** The tracker's group id. */
  group: string
  messageId: string
  /** The author's username (as the tracker spells it). */
  from: string
  text: string
  /** Author's clock, Unix ms. */
  sentAt: number
  /** The author's sequence number in this group: 1, 2, 3… */
  seq: number
}

export interface GroupEvents {
  /** A post of another member (or one of ours from another device), once, after it is on disk. */
  'group-message': CustomEvent<GroupMessage>
}

/** A member as the tracker lists them. */
export interface GroupMember {
  user: string
  /** Every PeerId (text form) the account has logged in with: the keys its posts may be signed with. */
  peerIds: string[]
}

/** The tracker's view of group membership (kept current by the tracker session). */
export interface GroupMembership {
  /** Current members of `group`; undefined when we are not a member or do not know the group. */
  members(group: string): GroupMember[] | undefined
  /** Members of `group` online now, dialable; without ourselves. */
  online(group: string): OnlineUser[]
}

export interface GroupDialOptions {
  /** @default AbortSignal.timeout(DIAL_TIMEOUT_MS) (set by the service on every dial) */
  signal?: AbortSignal
}

/** What the group service uses. */
export interface GroupComponents {
  /** The libp2p node: to handle the protocol and find the connection a stream runs on. */
  node: Pick<P2PChatNode, 'handle' | 'unhandle' | 'getConnections'>
  /** The node's Ed25519 key: our posts are signed with it (its PeerId must be among our `peerIds`). */
  privateKey: PrivateKey
  /** Our username. */
  self(): string
  /** Open a `protocol` stream to an online member (direct, reversed or relayed). */
  dial(target: OnlineUser, protocol: string, options?: GroupDialOptions): Promise<Stream>
  /**
   * The username bound to an inbound stream's Noise-authenticated PeerId, or undefined (the stream is
   * then aborted with NOT_AUTHORIZED).
   */
  identify(stream: Stream, connection: Connection): Promise<string | undefined>
  membership: GroupMembership
}

export interface GroupServiceInit {
  /** The peer's data directory; journals go to <dataDir>/groups/. */
  dataDir: string
  log: Logger
  /** @default MAX_GROUP_MESSAGES_IN_MEMORY (10,000) */
  maxMessagesInMemory?: number
  /** @default GROUP_SEGMENT_BYTES (8 MiB) */
  segmentBytes?: number
  /** @default GROUP_ACK_TIMEOUT_MS (10 s) */
  ackTimeoutMs?: number
  /** @default SYNC_BATCH_TIMEOUT_MS (15 s) */
  syncBatchTimeoutMs?: number
  /** @default PUSH_RETRY_BASE_MS (2 s) */
  pushRetryBaseMs?: number
  /** @default GAP_RETRY_BASE_MS (2 s) */
  gapRetryBaseMs?: number
  /** @default `fs.open(path, 'a', 0o600)` (tests hand in one that fails like a full disk) */
  openJournal?: (path: string) => Promise<JournalHandle>
}
