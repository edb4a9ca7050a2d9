import { describe, expect, it } from 'vitest'
import { LeaveReason, NoticeKind, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import {
  LEAVE_REASON_NAMES,
  leaveReasonCode,
  leaveReasonName,
  NOTICE_NAMES,
  noticeCode,
  noticeName
} from '../../src/protocol/presence-names.ts'

describe('presence names', () => {
  it('names every leave reason once, through its wire value', () => {
    const named = Object.values(LeaveReason)
      .filter((v): v is LeaveReason => typeof v === 'string')
      .map(v => leaveReasonName(leaveReasonCode(v)))
    expect(named.sort()).toEqual([...LEAVE_REASON_NAMES].sort())
    expect(leaveReasonName(leaveReasonCode(LeaveReason.TIMEOUT))).toBe('timeout')
  })

  it('names every notice kind once, through its wire value', () => {
    const named = Object.values(NoticeKind)
      .filter((v): v is NoticeKind => typeof v === 'string')
      .map(v => noticeName(noticeCode(v)))
    expect(named.sort()).toEqual([...NOTICE_NAMES].sort())
    expect(noticeName(noticeCode(NoticeKind.REPLACED_BY_NEW_LOGIN))).toBe('replaced')
  })

  it('gives a value from a newer tracker a name this version knows', () => {
    expect(leaveReasonName(4)).toBe('disconnect')
    expect(noticeName(9)).toBe('shutdown')
  })

  it('decodes a delta whose leave reason this version does not know (found by the fuzzer)', () => {
    // A delta with one event: version 1, left "x", reason 4.
    const frame = Buffer.from('320b0801120708021a01782004', 'hex')
    const message = TrackerMessage.decode(frame)
    expect(message.delta?.events[0]).toMatchObject({ left: 'x', reason: 4 })
    expect(leaveReasonName(message.delta!.events[0].reason)).toBe('disconnect')
  })
})
