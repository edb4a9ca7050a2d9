import { DEFAULT_GROUP_MEMBER_CAP } from '../../src/protocol/constants.ts'

/**
 * The tracker's limits on friends and groups: caps that keep every list one frame and every fan-out
 * bounded, and per-session rates that hold a script to what a person does. The wire limits (lengths,
 * search results, devices) are in src/protocol/constants.ts, shared with peers.
 */

/** A friend request nobody answers goes away after two weeks, so pending lists do not fill up forever. */
export const DEFAULT_FRIEND_REQUEST_TTL_MS = 14 * 24 * 3600_000
/** After a decline the requester may not ask the same person again for a day: no asking until yes. */
export const DEFAULT_DECLINE_COOLDOWN_MS = 24 * 3600_000
/** Requests one user may have waiting: a person asks a few friends at a time; a spammer asks everyone. */
export const MAX_OUTGOING_FRIEND_REQUESTS = 50
/** Requests one user may have waiting for them: past this, a flood of strangers is refused, not stored. */
export const MAX_INCOMING_FRIEND_REQUESTS = 500
/** Friends per account: well past anyone's circle; keeps a FriendList under ~0.5 MB and status fan-out small. */
export const MAX_FRIENDS = 1000
/**
 * Groups one user is in or invited to: a GroupList holds them all in one frame (200 full groups of
 * 100 members with 8 devices each are ~9 MB of the 16 MiB a tracker frame may carry).
 */
export const MAX_GROUPS_PER_USER = 200
/** Groups one user may own at once: creating groups is cheap, so a loop of it is capped. */
export const MAX_GROUPS_OWNED = 100
/** Worst-case bytes of one GroupMember (32-char name in 4-byte UTF-8, 8 PeerIds): sizes the cap above. */
export const GROUP_MEMBER_MAX_BYTES = 460
/** Searches per session at once, then one per 2 s (5 per 10 s): each one scans every username. */
export const SEARCH_BURST = 5
export const SEARCH_REFILL_PER_SECOND = 0.5
/** Status changes per session at once, then one a second: each is pushed to every online friend. */
export const STATUS_BURST = 5
export const STATUS_REFILL_PER_SECOND = 1
/**
 * Other friend and group requests per session at once, then 3 a second: a person clicks a few times a
 * second; a script looping add/remove to push events at someone is held to that.
 */
export const SOCIAL_BURST = 30
export const SOCIAL_REFILL_PER_SECOND = 3

export interface SocialLimits {
  /** @default DEFAULT_GROUP_MEMBER_CAP (100) */
  groupMemberCap: number
  /** @default DEFAULT_FRIEND_REQUEST_TTL_MS (14 days) */
  friendRequestTtlMs: number
  /** @default DEFAULT_DECLINE_COOLDOWN_MS (24 h) */
  declineCooldownMs: number
  /** @default MAX_OUTGOING_FRIEND_REQUESTS (50) */
  maxOutgoingRequests: number
  /** @default MAX_INCOMING_FRIEND_REQUESTS (500) */
  maxIncomingRequests: number
  /** @default MAX_FRIENDS (1000) */
  maxFriends: number
  /** @default MAX_GROUPS_PER_USER (200), fewer when the member cap would make a GroupList too long */
  maxGroupsPerUser: number
  /** @default MAX_GROUPS_OWNED (100) */
  maxGroupsOwned: number
  /** @default SEARCH_BURST (5) */
  searchBurst: number
  /** @default SEARCH_REFILL_PER_SECOND (0.5) */
  searchRefillPerSecond: number
  /** @default STATUS_BURST (5) */
  statusBurst: number
  /** @default STATUS_REFILL_PER_SECOND (1) */
  statusRefillPerSecond: number
  /** @default SOCIAL_BURST (30) */
  socialBurst: number
  /** @default SOCIAL_REFILL_PER_SECOND (3) */
  socialRefillPerSecond: number
}

export const DEFAULT_SOCIAL_LIMITS: Readonly<SocialLimits> = {
  groupMemberCap: DEFAULT_GROUP_MEMBER_CAP,
  friendRequestTtlMs: DEFAULT_FRIEND_REQUEST_TTL_MS,
  declineCooldownMs: DEFAULT_DECLINE_COOLDOWN_MS,
  maxOutgoingRequests: MAX_OUTGOING_FRIEND_REQUESTS,
  maxIncomingRequests: MAX_INCOMING_FRIEND_REQUESTS,
  maxFriends: MAX_FRIENDS,
  maxGroupsPerUser: MAX_GROUPS_PER_USER,
  maxGroupsOwned: MAX_GROUPS_OWNED,
  searchBurst: SEARCH_BURST,
  searchRefillPerSecond: SEARCH_REFILL_PER_SECOND,
  statusBurst: STATUS_BURST,
  statusRefillPerSecond: STATUS_REFILL_PER_SECOND,
  socialBurst: SOCIAL_BURST,
  socialRefillPerSecond: SOCIAL_REFILL_PER_SECOND
}

/** Bytes of a tracker frame a GroupList may use: most of the 16 MiB, the rest for names and framing. */
const GROUP_LIST_BUDGET_BYTES = 15 * 1024 * 1024

/**
 * Resolve the limits once: the defaults, what was given, and groups per user lowered so that a user's
 * GroupList of full groups still fits one frame (above a member cap of ~170).
 */
export function resolveLimits(given: Partial<SocialLimits> = {}, groupMemberCap?: number): SocialLimits {
  const limits = { ...DEFAULT_SOCIAL_LIMITS, ...given }
  if (groupMemberCap !== undefined) limits.groupMemberCap = groupMemberCap
  const fits = Math.floor(GROUP_LIST_BUDGET_BYTES / (limits.groupMemberCap * GROUP_MEMBER_MAX_BYTES))
  if (given.maxGroupsPerUser === undefined)
    limits.maxGroupsPerUser = Math.max(1, Math.min(limits.maxGroupsPerUser, fits))
  return limits
}

/** Expired friend requests and cool-downs are ignored at once and dropped from the store this often. */
export const SOCIAL_SWEEP_INTERVAL_MS = 3600_000
