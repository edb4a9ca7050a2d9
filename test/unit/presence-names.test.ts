import { describe, expect, it } from 'vitest'
import { LeaveReason, NoticeKind } from '../../src/protocol/pb/tracker.ts'
import {
  LEAVE_REASON_NAMES,
  leaveReasonName,
  NOTICE_NAMES,
  noticeName
} from '../../src/protocol/presence-names.ts'

describe('presence names', () => {
  it.each([
    ['leave reason', LeaveReason, leaveReasonName, LEAVE_REASON_NAMES, LeaveReason.TIMEOUT, 'timeout'],
    ['notice kind', NoticeKind, noticeName, NOTICE_NAMES, NoticeKind.REPLACED_BY_NEW_LOGIN, 'replaced']
  ] as const)('names every %s once', (_what, values, name, names, sample, expected) => {
    const named = Object.values(values)
      .filter(v => typeof v === 'string')
      .map(v => (name as (v: string) => string)(v))
    expect(named.sort()).toEqual([...names].sort())
    expect((name as (v: string) => string)(sample)).toBe(expected)
  })

  it('gives a value from a newer tracker a name this version knows', () => {
    expect(leaveReasonName('GONE_FISHING' as LeaveReason)).toBe('disconnect')
    expect(noticeName('MAINTENANCE' as NoticeKind)).toBe('shutdown')
  })
})
