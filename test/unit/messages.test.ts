import { describe, expect, it } from 'vitest'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ChatFrame } from '../../src/protocol/pb/chat.ts'
import { ClientMessage, LeaveReason, NoticeKind, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import { leaveReasonCode, noticeCode } from '../../src/protocol/presence-names.ts'

const peer = {
  username: 'ü-ser',
  peerId: new Uint8Array([0, 36, 8, 1]),
  addrs: [new Uint8Array([4, 127, 0, 0, 1])],
  since: 1_700_000_000_123
}

const clientMessages: ClientMessage[] = [
  { id: 0 },
  { id: 1, register: { username: '', password: '' } },
  { id: 2, register: { username: 'alice', password: 'p'.repeat(1024) } },
  { id: 3, login: { username: 'alice', password: 'secret12', addrs: [] } },
  {
    id: 4,
    login: {
      username: 'alice',
      password: 'secret12',
      addrs: [new Uint8Array([4, 0, 0, 0, 0, 6, 0x0f, 0xa1])]
    }
  },
  { id: 5, heartbeat: { ack: false } },
  { id: 5, heartbeat: { ack: true } },
  { id: 6, logout: {} },
  { id: 0xffff_ffff, snapshot: {} },
  { id: 8, lookup: { peerId: new Uint8Array() } },
  { id: 9, lookup: { peerId: new Uint8Array([0, 36, 8, 1, 18, 32]) } },
  { id: 10, account: { username: '' } },
  { id: 11, account: { username: 'Zoe\u0308-ü_1.x' } }
]

const trackerMessages: TrackerMessage[] = [
  { id: 0 },
  { id: 1, error: { code: 'AUTH_FAILED', message: 'unknown user or wrong password', retryAfterMs: 0 } },
  { id: 2, error: { code: 'RATE_LIMITED', message: '', retryAfterMs: 30_000 } },
  { id: 3, registered: { username: 'alice' } },
  {
    id: 4,
    loggedIn: {
      username: 'alice',
      heartbeatMs: 10_000,
      addrs: [],
      snapshot: { version: 0, peers: [] },
      trackerVersion: ''
    }
  },
  {
    id: 5,
    loggedIn: {
      username: 'alice',
      heartbeatMs: 1,
      addrs: peer.addrs,
      snapshot: { version: 2 ** 40, peers: [peer] },
      trackerVersion: '0.1.0'
    }
  },
  { id: 6, snapshot: { version: 9, peers: [peer, { ...peer, addrs: [] }] } },
  { id: 0, delta: { baseVersion: 0, events: [] } },
  {
    id: 0,
    delta: {
      baseVersion: 41,
      events: [
        { version: 42, joined: peer, reason: leaveReasonCode(LeaveReason.LOGOUT) },
        { version: 43, left: 'ü-ser', reason: leaveReasonCode(LeaveReason.TIMEOUT) },
        { version: 44, left: '', reason: leaveReasonCode(LeaveReason.DISCONNECT) },
        { version: 45, left: 'x', reason: leaveReasonCode(LeaveReason.REPLACED) }
      ]
    }
  },
  { id: 0, notice: { kind: noticeCode(NoticeKind.SHUTDOWN), message: 'bye' } },
  { id: 0, notice: { kind: noticeCode(NoticeKind.REPLACED_BY_NEW_LOGIN), message: '' } },
  { id: 0, notice: { kind: noticeCode(NoticeKind.EVICTED), message: 'late' } },
  { id: 7, ack: {} },
  { id: 8, peer },
  { id: 9, peer: { username: '', peerId: new Uint8Array(), addrs: [], since: 0 } },
  { id: 10, account: { username: '', exists: false } },
  { id: 11, account: { username: 'Zoë', exists: true } }
]

const chatFrames: ChatFrame[] = [
  {},
  { message: { messageId: '', text: '', sentAt: 0 } },
  { message: { messageId: 'AAAAAAAAAAAAAAAAAAAAAA', text: 'héllo 👋\n', sentAt: 1_700_000_000_000 } },
  { ack: { messageId: 'AAAAAAAAAAAAAAAAAAAAAA', error: '' } },
  { ack: { messageId: 'x', error: 'TEXT_TOO_LONG' } }
]

describe('tracker protocol messages', () => {
  it.each(
    clientMessages.map(m => [Object.keys(m).join('+'), m] as const)
  )('ClientMessage %s round-trips', (_, m) => {
    expect(ClientMessage.decode(ClientMessage.encode(m))).toEqual(m)
  })

  it.each(
    trackerMessages.map(m => [Object.keys(m).join('+'), m] as const)
  )('TrackerMessage %s round-trips', (_, m) => {
    expect(TrackerMessage.decode(TrackerMessage.encode(m))).toEqual(m)
  })

  it.each(
    chatFrames.map(m => [Object.keys(m).join('+') || 'empty', m] as const)
  )('ChatFrame %s round-trips', (_, m) => {
    expect(ChatFrame.decode(ChatFrame.encode(m))).toEqual(m)
  })

  it('refuses truncated bytes', () => {
    const bytes = ClientMessage.encode(clientMessages[3])
    expect(() => ClientMessage.decode(bytes.subarray(0, bytes.length - 3))).toThrow()
  })

  it('length-prefixes with an unsigned varint', () => {
    expect([...lengthPrefixed(new Uint8Array(3))].slice(0, 1)).toEqual([3])
    expect([...lengthPrefixed(new Uint8Array(300)).subarray(0, 2)]).toEqual([0xac, 0x02])
    expect(lengthPrefixed(new Uint8Array(300))).toHaveLength(302)
    expect([...lengthPrefixed(new Uint8Array(0))]).toEqual([0])
  })
})
