import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ChatFrame } from '../../src/protocol/pb/chat.ts'
import { FileFrame } from '../../src/protocol/pb/file.ts'
import { GroupFrame } from '../../src/protocol/pb/group.ts'
import type { OnlinePeer } from '../../src/protocol/pb/tracker.ts'
import { ClientMessage, LeaveReason, NoticeKind, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import { leaveReasonCode, noticeCode } from '../../src/protocol/presence-names.ts'

/**
 * Valid messages of every type of every protocol, empty and optional fields included: the starting
 * points the mutators work from (a mutated valid message gets much further into a decoder than noise).
 */

/** An Ed25519 PeerId as identity-multihash bytes (fixed key bytes: any 32 bytes parse). */
export const PEER_ID_BYTES = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...new Array(32).fill(7)])
/** /ip4/127.0.0.1/tcp/4001 and /ip6/::1/tcp/9 as binary multiaddrs. */
const ADDR_V4 = Uint8Array.from([0x04, 127, 0, 0, 1, 0x06, 0x0f, 0xa1])
const ADDR_V6 = Uint8Array.from([0x29, ...new Array(15).fill(0), 1, 0x06, 0x00, 0x09])

/** A group id as the tracker makes them: 16 base64url characters. */
const GROUP_ID = 'AbCdEfGhIjKl-_09'

const entry: OnlinePeer = {
  username: 'ü-ser',
  peerId: PEER_ID_BYTES,
  addrs: [ADDR_V4, ADDR_V6],
  since: 1_700_000_000_123,
  reachable: true,
  // The relay of another tracker (several trackers on one store).
  relay: [ADDR_V4]
}

/** Every ClientMessage body; logins use `user`/`password` so a fuzz run can reach logged-in paths. */
export function clientMessages(user = 'fuzzer', password = 'correct horse battery'): ClientMessage[] {
  return [
    { id: 0 },
    { id: 1, register: { username: '', password: '' } },
    { id: 2, register: { username: 'fz-new', password: 'p'.repeat(40) } },
    {
      id: 3,
      login: {
        username: user,
        password,
        resume: new Uint8Array(),
        addrProof: new Uint8Array(),
        addrs: [],
        listId: new Uint8Array(),
        listVersion: 0
      }
    },
    {
      id: 4,
      login: {
        username: user,
        password,
        resume: new Uint8Array(),
        addrProof: new Uint8Array(),
        addrs: [ADDR_V4, ADDR_V6, new Uint8Array()],
        listId: new Uint8Array(16).fill(4),
        listVersion: 2 ** 40
      }
    },
    {
      id: 4,
      login: {
        username: user,
        password: '',
        resume: new Uint8Array(45).fill(1),
        addrProof: new Uint8Array(45).fill(2),
        addrs: [],
        listId: new Uint8Array(),
        listVersion: 0
      }
    },
    {
      id: 4,
      login: {
        username: user,
        password,
        resume: new Uint8Array([1]),
        addrProof: new Uint8Array(),
        addrs: [],
        listId: new Uint8Array(3),
        listVersion: 1
      }
    },
    { id: 8, password: { oldPassword: password, newPassword: '' } },
    { id: 5, heartbeat: { ack: false } },
    { id: 6, heartbeat: { ack: true } },
    { id: 7, logout: { revoke: false, everywhere: false } },
    { id: 7, logout: { revoke: true, everywhere: true } },
    { id: 0xffff_ffff, snapshot: {} },
    { id: 8, lookup: { peerId: new Uint8Array() } },
    { id: 9, lookup: { peerId: PEER_ID_BYTES } },
    { id: 10, account: { username: '' } },
    { id: 11, account: { username: 'Zoe\u0308-ü_1.x' } },
    { id: 12, register: { username: 'a', password: 'x' }, heartbeat: { ack: true }, snapshot: {} },
    // Friends and groups: empty fields, then typical ones.
    { id: 13, friendAdd: { username: '' } },
    { id: 14, friendAdd: { username: 'Zoë' } },
    { id: 15, friendAnswer: { username: '', accept: false } },
    { id: 16, friendAnswer: { username: 'bob', accept: true } },
    { id: 17, friendRemove: { username: 'bob' } },
    { id: 18, friendAlias: { username: '', alias: '' } },
    { id: 19, friendAlias: { username: 'bob', alias: 'Bobby 🐢' } },
    { id: 20, friendList: {} },
    { id: 21, search: { query: '' } },
    { id: 22, search: { query: 'ali' } },
    { id: 23, status: { presence: 0, text: '' } },
    { id: 24, status: { presence: 2, text: 'in a meeting' } },
    { id: 25, status: { presence: 0xffff_ffff, text: 'x'.repeat(80) } },
    { id: 26, groupCreate: { name: '', open: false } },
    { id: 27, groupCreate: { name: 'Climbing club', open: true } },
    { id: 28, groupInvite: { group: GROUP_ID, username: 'bob' } },
    { id: 29, groupJoin: { group: GROUP_ID } },
    { id: 30, groupJoin: { group: '' } },
    { id: 31, groupLeave: { group: GROUP_ID } },
    { id: 32, groupKick: { group: GROUP_ID, username: 'bob' } },
    { id: 33, groupRename: { group: GROUP_ID, name: 'Bouldering' } },
    { id: 34, groupList: {} }
  ]
}

export const trackerMessages: TrackerMessage[] = [
  { id: 0 },
  { id: 1, error: { code: 'AUTH_FAILED', message: 'wrong password', retryAfterMs: 0 } },
  { id: 2, error: { code: 'RATE_LIMITED', message: '', retryAfterMs: 30_000 } },
  { id: 3, registered: { username: 'alice' } },
  {
    id: 4,
    loggedIn: {
      username: 'alice',
      heartbeatMs: 10_000,
      addrs: [],
      snapshot: { version: 0, peers: [] },
      relay: false,
      relayDataLimit: 0,
      relayDurationLimitMs: 0,
      trackerVersion: '',
      addrProof: new Uint8Array(),
      listId: new Uint8Array()
    }
  },
  {
    id: 5,
    loggedIn: {
      username: 'a',
      heartbeatMs: 1,
      addrs: [ADDR_V4],
      snapshot: { version: 2 ** 40, peers: [entry] },
      relay: false,
      relayDataLimit: 0,
      relayDurationLimitMs: 0,
      trackerVersion: '0.1.0',
      credential: { token: new Uint8Array(45).fill(7), expiresAt: 1_700_000_000_123 },
      addrProof: new Uint8Array(45).fill(3),
      listId: new Uint8Array(16).fill(5)
    }
  },
  {
    id: 6,
    loggedIn: {
      username: 'a',
      heartbeatMs: 1,
      addrs: [],
      relay: true,
      relayDataLimit: 1,
      relayDurationLimitMs: 1,
      trackerVersion: '0.1.0',
      addrProof: new Uint8Array(),
      listId: new Uint8Array(16).fill(6),
      listDelta: {
        baseVersion: 7,
        events: [
          { version: 8, joined: entry, reason: 0 },
          { version: 9, left: 'b', reason: 3 }
        ]
      }
    }
  },
  { id: 7, credential: { token: new Uint8Array(), expiresAt: 0 } },
  { id: 6, snapshot: { version: 9, peers: [entry, { ...entry, username: 'b', addrs: [] }] } },
  { id: 0, delta: { baseVersion: 0, events: [] } },
  {
    id: 0,
    delta: {
      baseVersion: 41,
      events: [
        { version: 42, joined: entry, reason: leaveReasonCode(LeaveReason.LOGOUT) },
        { version: 43, left: 'ü-ser', reason: leaveReasonCode(LeaveReason.TIMEOUT) },
        { version: 44, left: '', reason: leaveReasonCode(LeaveReason.DISCONNECT) },
        { version: 45, left: 'x', reason: leaveReasonCode(LeaveReason.REPLACED) }
      ]
    }
  },
  { id: 0, notice: { kind: noticeCode(NoticeKind.SHUTDOWN), message: 'bye' } },
  { id: 0, notice: { kind: noticeCode(NoticeKind.REPLACED_BY_NEW_LOGIN), message: '' } },
  { id: 0, notice: { kind: noticeCode(NoticeKind.EVICTED), message: 'late' } },
  { id: 0, error: { code: 'INVALID_MESSAGE', message: 'frame does not decode', retryAfterMs: 0 } },
  { id: 7, ack: {} },
  { id: 8, peer: entry },
  {
    id: 9,
    peer: { username: '', peerId: new Uint8Array(), addrs: [], since: 0, reachable: false, relay: [] }
  },
  { id: 10, account: { username: '', exists: false } },
  { id: 11, account: { username: 'Zoë', exists: true } },
  { id: 12, friends: { friends: [], incoming: [], outgoing: [] } },
  {
    id: 13,
    friends: {
      friends: [
        {
          username: 'bob',
          alias: 'Bobby',
          online: true,
          lastSeen: 0,
          reachable: true,
          presence: 2,
          statusText: 'busy',
          peerId: PEER_ID_BYTES
        },
        {
          username: 'Zoë',
          alias: '',
          online: false,
          lastSeen: 1_700_000_000_123,
          reachable: false,
          presence: 0,
          statusText: '',
          peerId: new Uint8Array()
        }
      ],
      incoming: ['carol'],
      outgoing: ['dave', 'ü-ser']
    }
  },
  { id: 14, searchResult: { usernames: [] } },
  { id: 15, searchResult: { usernames: ['alice', 'malice'] } },
  { id: 0, friendEvent: { kind: 0, username: 'bob', presence: 0, statusText: '' } },
  { id: 0, friendEvent: { kind: 4, username: 'bob', presence: 1, statusText: 'back at 3' } },
  { id: 0, friendEvent: { kind: 0xffff_ffff, username: '', presence: 0xffff_ffff, statusText: '' } },
  { id: 16, groups: { groups: [] } },
  { id: 17, group: { id: '', name: '', owner: '', open: false, members: [], invited: [], version: 0 } },
  {
    id: 18,
    groups: {
      groups: [
        {
          id: GROUP_ID,
          name: 'Climbing club',
          owner: 'alice',
          open: true,
          members: [
            { username: 'alice', online: true, peerIds: [PEER_ID_BYTES, PEER_ID_BYTES] },
            { username: 'bob', online: false, peerIds: [] }
          ],
          invited: ['carol'],
          version: 2 ** 40
        }
      ]
    }
  },
  { id: 0, groupEvent: { kind: 0, by: '' } },
  {
    id: 0,
    groupEvent: {
      kind: 2,
      group: { id: GROUP_ID, name: 'x', owner: 'bob', open: false, members: [], invited: [], version: 7 },
      by: 'bob'
    }
  }
]

export const chatFrames: ChatFrame[] = [
  {},
  { message: { messageId: '', text: '', sentAt: 0 } },
  { message: { messageId: 'AAAAAAAAAAAAAAAAAAAAAA', text: 'héllo 👋\n', sentAt: 1_700_000_000_000 } },
  { message: { messageId: 'fz_1', text: 'x'.repeat(300), sentAt: 2 ** 52 } },
  { ack: { messageId: 'AAAAAAAAAAAAAAAAAAAAAA', error: '' } },
  { ack: { messageId: 'x', error: 'TEXT_TOO_LONG' } },
  { message: { messageId: 'a', text: 'b', sentAt: 1 }, ack: { messageId: 'a', error: '' } }
]

const SHA = new Uint8Array(32).fill(0xab)

const POST = {
  content: {
    groupId: 'AAAAAAAAAAAAAAAA',
    author: 'alice',
    authorPeerId: new Uint8Array(38).fill(7),
    seq: 1,
    messageId: 'AAAAAAAAAAAAAAAAAAAAAA',
    sentAt: 1_700_000_000_000,
    text: 'héllo group'
  },
  signature: new Uint8Array(64).fill(9)
}

/** Group frames (peer/groups): posts, acks, sync requests and batches, empty and full. */
export const groupFrames: GroupFrame[] = [
  {},
  { post: POST },
  { post: { signature: new Uint8Array() } },
  { ack: { messageId: 'AAAAAAAAAAAAAAAAAAAAAA', error: '' } },
  { ack: { messageId: 'x', error: 'NOT_AUTHORIZED' } },
  {
    syncRequest: {
      id: 1,
      groupId: 'AAAAAAAAAAAAAAAA',
      have: [{ author: 'alice', seq: 3 }],
      onlyListed: false
    }
  },
  { syncRequest: { id: 0, groupId: '', have: [], onlyListed: true } },
  { syncBatch: { id: 1, posts: [POST, POST], done: true, more: false, error: '', retryAfterMs: 0 } },
  { syncBatch: { id: 2, posts: [], done: true, more: false, error: 'RATE_LIMITED', retryAfterMs: 500 } }
]

/** Control frames; the data frame is built by hand (file-frames.ts) and has its own seeds. */
export const fileFrames: FileFrame[] = [
  {},
  { offer: { transferId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'hello.txt', size: 10, sha256: SHA } },
  { offer: { transferId: '', name: '', size: 0, sha256: new Uint8Array() } },
  { offer: { transferId: 'fz', name: '../../etc/passwd\u202e', size: 2 ** 53 - 1, sha256: SHA } },
  { answer: { accept: true, offset: 0, prefixSha256: new Uint8Array(), error: '', message: '' } },
  { answer: { accept: true, offset: 4, prefixSha256: SHA, error: '', message: '' } },
  { answer: { accept: false, offset: 0, prefixSha256: new Uint8Array(), error: 'REJECTED', message: 'no' } },
  { start: { offset: 0, bulk: false } },
  { start: { offset: 123_456, bulk: true } },
  {
    answer: {
      accept: true,
      offset: 0,
      prefixSha256: new Uint8Array(),
      error: '',
      message: '',
      bulk: { port: 40123, key: new Uint8Array(32).fill(7) }
    }
  },
  { result: { error: '', message: '' } },
  { result: { error: 'CHECKSUM_MISMATCH', message: 'bad' } },
  { cancel: { message: '' } },
  { cancel: { message: 'stop' } },
  { data: new Uint8Array() },
  { data: Uint8Array.of(1, 2, 3) }
]

export const clientSeeds = (user?: string, password?: string): Uint8Array[] =>
  clientMessages(user, password).map(m => ClientMessage.encode(m))
export const trackerSeeds = (): Uint8Array[] => trackerMessages.map(m => TrackerMessage.encode(m))
export const chatSeeds = (): Uint8Array[] => chatFrames.map(m => ChatFrame.encode(m))
export const fileSeeds = (): Uint8Array[] => fileFrames.map(m => FileFrame.encode(m))
export const groupSeeds = (): Uint8Array[] => groupFrames.map(m => GroupFrame.encode(m))

/** Bodies of hand-built data frames: tag 0x2a, a varint length, the bytes. */
export function dataFrameBody(chunk: Uint8Array): Uint8Array {
  return Uint8Array.from([0x2a, ...lengthPrefixed(chunk)])
}
