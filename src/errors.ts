/**
 * Error classes with stable codes. Tests and clients match on `code`, never on message text; every code
 * is listed in docs/errors.md (test/unit/errors-doc.test.ts keeps the two in step).
 */

export class P2PChatError extends Error {
  /** Stable machine-readable code, e.g. `AUTH_FAILED`. */
  readonly code: string
  /** For rate limits: how long until trying again makes sense. */
  readonly retryAfterMs?: number

  constructor(code: string, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.name = new.target.name
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs
  }
}

/** Build a subclass whose code is fixed, so `new InvalidMessageError('…')` always carries `INVALID_MESSAGE`. */
function withCode(code: string) {
  return class extends P2PChatError {
    static readonly code = code
    constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
      super(code, message, options)
    }
  }
}

/** A frame that does not decode, or a message with no body or a body the receiver does not know. */
export class InvalidMessageError extends withCode('INVALID_MESSAGE') {}
/** A frame larger than the protocol allows; the stream is closed after the reply. */
export class MessageTooLargeError extends withCode('MESSAGE_TOO_LARGE') {}
/** A username that breaks the rules (length, characters). */
export class InvalidUsernameError extends withCode('INVALID_USERNAME') {}
/** A password that is too short or too long. */
export class InvalidPasswordError extends withCode('INVALID_PASSWORD') {}
/** Registration of a username that exists (compared case-insensitively). */
export class UsernameTakenError extends withCode('USERNAME_TAKEN') {}
/** Unknown user or wrong password: one error for both so accounts cannot be enumerated. */
export class AuthFailedError extends withCode('AUTH_FAILED') {}
/** Too many failed logins for this account; `retryAfterMs` says when to try again. */
export class RateLimitedError extends withCode('RATE_LIMITED') {}
/** The request needs a logged-in session. */
export class NotLoggedInError extends withCode('NOT_LOGGED_IN') {}
/** The session is already logged in; log out first. */
export class AlreadyLoggedInError extends withCode('ALREADY_LOGGED_IN') {}
/** A published address that is not a valid multiaddr, or too many of them. */
export class InvalidAddressError extends withCode('INVALID_ADDRESS') {}
/** The tracker is overloaded (too many password hashes queued); try again shortly. */
export class BusyError extends withCode('BUSY') {}
/** The session did not log in in time, or a request got no answer in time. */
export class TimeoutError extends withCode('TIMEOUT') {}
/** A data file exists but cannot be parsed; start-up stops rather than replace it with an empty one. */
export class DataCorruptError extends withCode('DATA_CORRUPT') {}
/** Another process holds the data directory's lock. */
export class DataLockedError extends withCode('DATA_LOCKED') {}
/** A command-line option or environment variable with a bad value. */
export class InvalidOptionError extends withCode('INVALID_OPTION') {}
/** The tracker closed the session (shutdown, replaced by a newer login, evicted). */
export class SessionClosedError extends withCode('SESSION_CLOSED') {}
/** No logged-in account is bound to this PeerId (or to this username). */
export class UnknownPeerError extends withCode('UNKNOWN_PEER') {}
/** A chat text over the size limit. */
export class TextTooLongError extends withCode('TEXT_TOO_LONG') {}
/** A user who is not known to the tracker, or not online when that is required. */
export class UnknownUserError extends withCode('UNKNOWN_USER') {}
/** The peer could not be reached at any of its addresses, or answered with another key. */
export class UnreachableError extends withCode('UNREACHABLE') {}
/** A stream from a PeerId that is not a logged-in account. */
export class NotAuthorizedError extends withCode('NOT_AUTHORIZED') {}
/** A command that the peer front-end does not know, or with missing or bad arguments. */
export class InvalidCommandError extends withCode('INVALID_COMMAND') {}
/** A file name with nothing usable left once path parts and unsafe characters are removed. */
export class InvalidFileNameError extends withCode('INVALID_FILE_NAME') {}
/** A file to send that does not exist, is not a regular file, cannot be read, or changed while sent. */
export class FileUnreadableError extends withCode('FILE_UNREADABLE') {}
/** The receiver declined the file offer. */
export class RejectedError extends withCode('REJECTED') {}
/** Nobody answered the file offer in time. */
export class ExpiredError extends withCode('EXPIRED') {}
/** One side cancelled the transfer; its partial file is removed. */
export class CancelledError extends withCode('CANCELLED') {}
/** The offer is over the receiver's size limit. */
export class FileTooLargeError extends withCode('FILE_TOO_LARGE') {}
/**
 * Not friends: the recipient accepts messages and file offers from friends only (its privacy setting),
 * or a friends-only operation named someone who is not a friend.
 */
export class NotAFriendError extends withCode('NOT_A_FRIEND') {}
/** The only way to the receiver is the tracker's relay, and the file is more than it carries per connection. */
export class RelayLimitError extends withCode('RELAY_LIMIT') {}
/** Not enough free space in the download directory for the rest of the file. */
export class NoSpaceError extends withCode('NO_SPACE') {}
/** A download directory outside the configured one (directly or through a symlink). */
export class UnsafePathError extends withCode('UNSAFE_PATH') {}
/** The received bytes do not have the SHA-256 that was offered; nothing is kept. */
export class ChecksumMismatchError extends withCode('CHECKSUM_MISMATCH') {}
/** The sender sent fewer or more bytes than it offered; nothing is kept. */
export class SizeMismatchError extends withCode('SIZE_MISMATCH') {}
/** A login (the web app's login screen) could not reach the tracker at the address given. */
export class TrackerUnreachableError extends withCode('TRACKER_UNREACHABLE') {}
/** The connection broke mid-transfer; the partial file is kept and sending again resumes it. */
export class InterruptedError extends withCode('INTERRUPTED') {}
/** No transfer with this id (or not in a state where that command applies). */
export class UnknownTransferError extends withCode('UNKNOWN_TRANSFER') {}
/** A process could not listen where it was told to (port taken, address not on this host). */
export class ListenFailedError extends withCode('LISTEN_FAILED') {}
/** Port mapping (`--upnp`): no UPnP IGD or NAT-PMP gateway answered within the discovery timeout. */
export class NoGatewayError extends withCode('NO_GATEWAY') {}
/** Port mapping: the gateway's external address is private (double or carrier-grade NAT). */
export class DoubleNatError extends withCode('DOUBLE_NAT') {}
/** Port mapping: the gateway reports no usable external IPv4 address (its internet link is down). */
export class NoExternalAddressError extends withCode('NO_EXTERNAL_ADDRESS') {}
/** Port mapping: the gateway answered a request (external address, mapping) with an error. */
export class MappingRefusedError extends withCode('MAPPING_REFUSED') {}
/** Port mapping: the gateway did not answer a request within the request timeout. */
export class GatewayTimeoutError extends withCode('GATEWAY_TIMEOUT') {}
/** A friend request to someone who is already a friend. */
export class AlreadyFriendsError extends withCode('ALREADY_FRIENDS') {}
/** Answering a friend request that does not exist (never sent, withdrawn, answered or expired). */
export class NoSuchRequestError extends withCode('NO_SUCH_REQUEST') {}
/** Joining a closed group without an invitation. */
export class NotInvitedError extends withCode('NOT_INVITED') {}
/** No group with this id, or one the asker is neither a member of nor invited to. */
export class UnknownGroupError extends withCode('UNKNOWN_GROUP') {}
/** The named user is neither a member of the group nor invited to it. */
export class NotAMemberError extends withCode('NOT_A_MEMBER') {}
/** A cap on friends, friend requests or groups is reached; waiting does not help, removing something does. */
export class LimitReachedError extends withCode('LIMIT_REACHED') {}
/** A resumption credential the tracker does not take (expired, revoked, another device's): log in with the password. */
export class ResumeRefusedError extends withCode('RESUME_REFUSED') {}
/** An unexpected failure inside the service; the details are in its log. */
export class InternalError extends withCode('INTERNAL') {}

/** Every error class with a fixed code, for docs and tests. */
export const ERROR_CLASSES = [
  InvalidMessageError,
  MessageTooLargeError,
  InvalidUsernameError,
  InvalidPasswordError,
  UsernameTakenError,
  AuthFailedError,
  RateLimitedError,
  NotLoggedInError,
  AlreadyLoggedInError,
  InvalidAddressError,
  BusyError,
  TimeoutError,
  DataCorruptError,
  DataLockedError,
  InvalidOptionError,
  SessionClosedError,
  UnknownPeerError,
  TextTooLongError,
  UnknownUserError,
  UnreachableError,
  NotAuthorizedError,
  InvalidCommandError,
  InvalidFileNameError,
  FileUnreadableError,
  RejectedError,
  ExpiredError,
  CancelledError,
  FileTooLargeError,
  RelayLimitError,
  NotAFriendError,
  NoSpaceError,
  UnsafePathError,
  ChecksumMismatchError,
  SizeMismatchError,
  TrackerUnreachableError,
  InterruptedError,
  UnknownTransferError,
  ListenFailedError,
  NoGatewayError,
  DoubleNatError,
  NoExternalAddressError,
  MappingRefusedError,
  GatewayTimeoutError,
  AlreadyFriendsError,
  NoSuchRequestError,
  NotInvitedError,
  UnknownGroupError,
  NotAMemberError,
  LimitReachedError,
  ResumeRefusedError,
  InternalError
] as const

export const ERROR_CODES: readonly string[] = ERROR_CLASSES.map(c => c.code)

/** Rebuild a typed error from a code received over the wire; unknown codes keep their code. */
export function errorFromCode(code: string, message: string, retryAfterMs?: number): P2PChatError {
  const cls = ERROR_CLASSES.find(c => c.code === code)
  const options = retryAfterMs ? { retryAfterMs } : undefined
  return cls ? new cls(message, options) : new P2PChatError(code, message, options)
}

/** Any thrown value as a P2PChatError: its own code, or INTERNAL for what was not expected. */
export function toP2PChatError(err: unknown): P2PChatError {
  if (err instanceof P2PChatError) return err
  return new InternalError(String((err as Error)?.message ?? err), { cause: err })
}
