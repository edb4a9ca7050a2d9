/**
 * The names the tracker's protobuf enums go by outside the wire format: in logs, metrics, peer events and
 * the JSON/WebSocket API. One map per enum, used by both the tracker and the peers.
 */
import { LeaveReason, NoticeKind } from './pb/tracker.ts'

/** Why someone left the online list. */
export const LEAVE_REASON_NAMES = ['logout', 'timeout', 'disconnect', 'replaced'] as const
export type LeaveReasonName = (typeof LEAVE_REASON_NAMES)[number]

const LEAVE_REASONS: Record<LeaveReason, LeaveReasonName> = {
  [LeaveReason.LOGOUT]: 'logout',
  [LeaveReason.TIMEOUT]: 'timeout',
  [LeaveReason.DISCONNECT]: 'disconnect',
  [LeaveReason.REPLACED]: 'replaced'
}

/** The name of a leave reason; a value this version does not know (a newer tracker's) is `disconnect`. */
export function leaveReasonName(reason: LeaveReason): LeaveReasonName {
  return LEAVE_REASONS[reason] ?? 'disconnect'
}

/** What the tracker said before closing a session. */
export const NOTICE_NAMES = ['shutdown', 'replaced', 'evicted'] as const
export type NoticeName = (typeof NOTICE_NAMES)[number]

const NOTICES: Record<NoticeKind, NoticeName> = {
  [NoticeKind.SHUTDOWN]: 'shutdown',
  [NoticeKind.REPLACED_BY_NEW_LOGIN]: 'replaced',
  [NoticeKind.EVICTED]: 'evicted'
}

/** The name of a notice kind; a value this version does not know is `shutdown` (the session ends either way). */
export function noticeName(kind: NoticeKind): NoticeName {
  return NOTICES[kind] ?? 'shutdown'
}
