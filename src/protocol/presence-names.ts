/**
 * The names the tracker's protobuf enums go by outside the wire format: in logs, metrics, peer events and
 * the JSON/WebSocket API. On the wire `PresenceEvent.reason` and `Notice.kind` are plain numbers (the
 * enums' values), so a value a newer tracker adds reaches older peers as a number they name with a
 * fallback, instead of making the whole frame fail to decode.
 */
import { LeaveReason, NoticeKind } from './pb/tracker.ts'

/** Why someone left the online list, in the order of their wire values (LeaveReason 0, 1, 2, 3). */
export const LEAVE_REASON_NAMES = ['logout', 'timeout', 'disconnect', 'replaced'] as const
export type LeaveReasonName = (typeof LEAVE_REASON_NAMES)[number]

const LEAVE_REASON_CODES: Record<LeaveReason, number> = {
  [LeaveReason.LOGOUT]: 0,
  [LeaveReason.TIMEOUT]: 1,
  [LeaveReason.DISCONNECT]: 2,
  [LeaveReason.REPLACED]: 3
}

/** The wire value of a leave reason. */
export function leaveReasonCode(reason: LeaveReason): number {
  return LEAVE_REASON_CODES[reason]
}

/** The name of a leave reason's wire value; one this version does not know (a newer tracker's) is `disconnect`. */
export function leaveReasonName(code: number): LeaveReasonName {
  return LEAVE_REASON_NAMES[code] ?? 'disconnect'
}

/** What the tracker said before closing a session, in the order of their wire values (NoticeKind 0, 1, 2). */
export const NOTICE_NAMES = ['shutdown', 'replaced', 'evicted'] as const
export type NoticeName = (typeof NOTICE_NAMES)[number]

const NOTICE_CODES: Record<NoticeKind, number> = {
  [NoticeKind.SHUTDOWN]: 0,
  [NoticeKind.REPLACED_BY_NEW_LOGIN]: 1,
  [NoticeKind.EVICTED]: 2
}

/** The wire value of a notice kind. */
export function noticeCode(kind: NoticeKind): number {
  return NOTICE_CODES[kind]
}

/** The name of a notice kind's wire value; one this version does not know is `shutdown` (the session ends either way). */
export function noticeName(code: number): NoticeName {
  return NOTICE_NAMES[code] ?? 'shutdown'
}
