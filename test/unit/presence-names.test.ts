import { describe, expect, it } from 'vitest'
import { LeaveReason, NoticeKind } from '../../src/protocol/pb/tracker.ts'
import {
  LEAVE_REASON_NAMES,
  leaveReasonName,
  NOTICE_NAMES,
  noticeName
} from '../../src/protocol/presence-names.ts'

describe('presence names', () => {
  it('names every leave reason once', () => {
    const names = Object.values(LeaveReason)
      .filter(v => typeof v === 'string')
      .map(v => leaveReasonName(v as LeaveReason))
    expect(names.sort()).toEqual([...LEAVE_REASON_NAMES].sort())
    expect(leaveReasonName(LeaveReason.TIMEOUT)).toBe('timeout')
  })

  it('names every notice kind once', () => {
    const names = Object.values(NoticeKind)
      .filter(v => typeof v === 'string')
      .map(v => noticeName(v as NoticeKind))
    expect(names.sort()).toEqual([...NOTICE_NAMES].sort())
    expect(noticeName(NoticeKind.REPLACED_BY_NEW_LOGIN)).toBe('replaced')
  })

  it('gives a value from a newer tracker a name this version knows', () => {
    expect(leaveReasonName('GONE_FISHING' as LeaveReason)).toBe('disconnect')
    expect(noticeName('MAINTENANCE' as NoticeKind)).toBe('shutdown')
  })
})
