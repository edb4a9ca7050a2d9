import type { Logger } from '@libp2p/interface'
import type { OnlinePeer } from '../../src/protocol/pb/tracker.ts'
import type { SocialLimits } from './limits.ts'
import type { SocialStore } from './store.ts'

/** Who is asking: a logged-in session (its account's key and canonical name). */
export interface Actor {
  readonly key: string
  readonly username: string
}

/** An online session, as presence holds it: where pushes go. */
export interface OnlineMember {
  readonly key: string
  readonly entry: OnlinePeer
  /** Returns false when the push was skipped (the session is not reading). */
  push(frame: Uint8Array): boolean
}

/** What friends and groups share: the store, the limits, the clock, presence and accounts. */
export interface SocialContext {
  readonly store: SocialStore
  readonly limits: Readonly<SocialLimits>
  readonly log: Logger
  now(): number
  /** The online session of an account (by usernameKey), if any. */
  online(key: string): OnlineMember | undefined
  /**
   * The canonical name of the account `name` names (compared case-insensitively); throws
   * INVALID_USERNAME for a name no account can have, UNKNOWN_USER when there is none.
   */
  account(name: string): string
}
