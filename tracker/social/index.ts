/**
 * Friends and groups on the tracker (docs/protocol.md "Friends" and "Groups"). The tracker keeps who is
 * friends with whom, pending requests, private aliases, per-session statuses, who is in which group,
 * and each account's last-seen time and last PeerIds; group messages themselves go peer to peer.
 *
 * `Social` is what the tracker wires in: `handle()` answers a session's friend and group requests
 * (rate-limited per session), `joined()`/`left()` follow presence, `registered()` feeds the username
 * search. It takes only what it uses (`SocialComponents`): presence's `byKey` and the accounts' lookup.
 */
import type { Logger } from '@libp2p/interface'
import { InvalidMessageError, RateLimitedError, UnknownUserError } from '../../src/errors.ts'
import {
  MAX_SEARCH_RESULTS,
  SEARCH_QUERY_MAX_CHARS,
  SEARCH_QUERY_MIN_CHARS
} from '../../src/protocol/constants.ts'
import type { ClientMessage, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import type { JournalHandle } from '../../src/storage/journal.ts'
import type { SocialLog } from '../store/types.ts'
import { TokenBucket } from '../token-bucket.ts'
import type { Actor, OnlineMember, SocialContext } from './context.ts'
import { Friends } from './friends.ts'
import { Groups } from './groups.ts'
import type { SocialLimits } from './limits.ts'
import { resolveLimits, SOCIAL_SWEEP_INTERVAL_MS } from './limits.ts'
import { UsernameIndex } from './search.ts'
import type { SocialCounts } from './store.ts'
import { SocialStore } from './store.ts'
import { checkText } from './text.ts'

export * from './limits.ts'
export { SOCIAL_FILE_NAME, SOCIAL_JOURNAL_FILE_NAME } from './social-file.ts'
export { SOCIAL_FOLD_RECORDS, USER_FLUSH_INTERVAL_MS } from './store.ts'
export type { Actor, OnlineMember, SocialCounts, SocialLimits }
export { UsernameIndex }

/** The ClientMessage bodies `Social.handle` answers. */
export const SOCIAL_REQUESTS = [
  'friendAdd',
  'friendAnswer',
  'friendRemove',
  'friendAlias',
  'friendList',
  'search',
  'status',
  'groupCreate',
  'groupInvite',
  'groupJoin',
  'groupLeave',
  'groupKick',
  'groupRename',
  'groupList'
] as const satisfies ReadonlyArray<keyof ClientMessage>

/**
 * Requests that change nothing stored: answered from the replica even while a shared store is lost, so
 * peers keep their friend and group lists (group chat resolves groups from them).
 */
export const READ_ONLY_SOCIAL_REQUESTS = ['friendList', 'groupList', 'search', 'status'] as const

/** Whether a friend or group request only reads (or sets an in-memory status). */
export function isReadOnlySocial(message: ClientMessage): boolean {
  return READ_ONLY_SOCIAL_REQUESTS.some(body => message[body] !== undefined)
}

/** Whether a message carries a friend or group request. */
export function isSocialRequest(message: ClientMessage): boolean {
  return SOCIAL_REQUESTS.some(body => message[body] !== undefined)
}

/** A logged-in session: who asks, and where its pushes go. */
export interface SocialSession extends Actor, OnlineMember {
  readonly peerKey: string
}

export interface SocialComponents {
  /** The tracker's data directory (social.json and social.journal go there on lowdb). */
  dataDir: string
  /** Where the state is kept when not in lowdb files (tracker/store). */
  backend?: SocialLog
  log: Logger
  /** Online sessions by usernameKey, and all of them. */
  presence: {
    byKey(key: string): OnlineMember | undefined
    members(): Iterable<{ readonly entry: { readonly username: string }; readonly remote?: boolean }>
  }
  /** Accounts: one by name (throws INVALID_USERNAME for an impossible name), and every name. */
  accounts: { find(name: string): { username: string } | undefined; usernames(): Iterable<string> }
}

export interface SocialInit {
  /**
   * Members a group may have.
   * @default DEFAULT_GROUP_MEMBER_CAP (100)
   */
  groupMemberCap?: number
  /**
   * Caps, expiries and per-session rates; each one not given is its default (limits.ts).
   * @default DEFAULT_SOCIAL_LIMITS
   */
  limits?: Partial<SocialLimits>
  /**
   * The clock for request expiry, cool-downs and last-seen times, Unix ms (tests move it).
   * @default Date.now
   */
  now?: () => number
  /** @default SOCIAL_FOLD_RECORDS (10,000) */
  foldRecords?: number
  /** @default USER_FLUSH_INTERVAL_MS (5 s) */
  userFlushMs?: number
  /** Opens the journal for appending (tests hand in one that fails like a full disk). */
  openJournal?: (path: string) => Promise<JournalHandle>
}

interface Buckets {
  search: TokenBucket
  status: TokenBucket
  social: TokenBucket
}

export class Social {
  readonly limits: Readonly<SocialLimits>
  readonly #components: SocialComponents
  readonly #store: SocialStore
  readonly #friends: Friends
  readonly #groups: Groups
  readonly #index = new UsernameIndex()
  readonly #now: () => number
  readonly #buckets = new WeakMap<SocialSession, Buckets>()
  #sweepTimer?: ReturnType<typeof setInterval>

  constructor(components: SocialComponents, init: SocialInit = {}) {
    this.#components = components
    this.limits = resolveLimits(init.limits, init.groupMemberCap)
    this.#now = init.now ?? Date.now
    this.#store = new SocialStore({
      dataDir: components.dataDir,
      backend: components.backend,
      log: components.log,
      foldRecords: init.foldRecords,
      userFlushMs: init.userFlushMs,
      openJournal: init.openJournal
    })
    const ctx: SocialContext = {
      store: this.#store,
      limits: this.limits,
      log: components.log,
      now: () => this.#now(),
      online: key => components.presence.byKey(key),
      account: name => {
        const account = components.accounts.find(name)
        if (account === undefined) throw new UnknownUserError(`there is no account "${name}"`)
        return account.username
      }
    }
    this.#friends = new Friends(ctx)
    this.#groups = new Groups(ctx)
  }

  /** Open the store and index the usernames. */
  async start(): Promise<void> {
    await this.#store.open()
    this.#index.addAll(this.#components.accounts.usernames())
    this.#sweepTimer = setInterval(() => this.#friends.sweep(), SOCIAL_SWEEP_INTERVAL_MS)
    this.#sweepTimer.unref?.()
  }

  /** Write what is batched (last-seen times, devices) and close the store. */
  async stop(): Promise<void> {
    clearInterval(this.#sweepTimer)
    // Sessions still online are leaving with the tracker: that is when they were last seen.
    const now = this.#now()
    for (const member of this.#components.presence.members()) {
      // Sessions on other trackers (a shared store) are theirs to record.
      if (!member.remote) this.#store.recordLeave(member.entry.username, now)
    }
    await this.#store.close()
  }

  /** Friendships, pending requests and groups, for /stats and /metrics. */
  get counts(): SocialCounts {
    return this.#store.counts
  }

  /**
   * Several trackers: `publish` tells the others when a session here sets its status; `statusElsewhere`
   * is what they call here, so friend lists show statuses set on any tracker.
   */
  shareStatuses(publish: (session: OnlineMember, presence: number, text: string) => void): void {
    this.#friends.onStatus = publish
  }

  /** A session on another tracker set its status (`sessionId` names it: a stale message is ignored). */
  statusElsewhere(key: string, sessionId: string, presence: number, text: string): void {
    const member = this.#components.presence.byKey(key)
    if (member === undefined || (member as { sessionId?: string }).sessionId !== sessionId) return
    this.#friends.statusElsewhere(member, presence, text)
  }

  /** A newly registered account can be found. */
  registered(username: string): void {
    this.#index.add(username)
  }

  /**
   * A session joined presence: remember its PeerId for the account's groups. Returns whether the account
   * logged in from that PeerId before (a reconnection, not a new device).
   */
  joined(session: SocialSession): boolean {
    const isNew = this.#store.recordLogin(session.username, session.peerKey)
    if (isNew) this.#groups.devicesChanged(session.username)
    return !isNew
  }

  /** A session left presence (any reason): its account was last seen now; its status ends. */
  left(session: SocialSession): void {
    this.#store.recordLeave(session.username, this.#now())
    this.#friends.left(session)
  }

  /** Answer a friend or group request of a logged-in session; throws the error to reply with. */
  async handle(session: SocialSession, m: ClientMessage): Promise<Partial<TrackerMessage>> {
    if (m.search !== undefined) {
      this.#take(session, 'search', 'searches')
      const query = checkText(
        m.search.query,
        'a search query',
        SEARCH_QUERY_MIN_CHARS,
        SEARCH_QUERY_MAX_CHARS
      )
      return { searchResult: { usernames: this.#index.search(query, MAX_SEARCH_RESULTS, session.key) } }
    }
    if (m.status !== undefined) {
      this.#take(session, 'status', 'status changes')
      this.#friends.setStatus(session, m.status.presence, m.status.text)
      return { ack: {} }
    }
    this.#take(session, 'social', 'friend and group requests')
    const f = this.#friends
    const g = this.#groups
    if (m.friendAdd !== undefined) await f.add(session, m.friendAdd.username)
    else if (m.friendAnswer !== undefined)
      await f.answer(session, m.friendAnswer.username, m.friendAnswer.accept)
    else if (m.friendRemove !== undefined) await f.remove(session, m.friendRemove.username)
    else if (m.friendAlias !== undefined) await f.alias(session, m.friendAlias.username, m.friendAlias.alias)
    else if (m.friendList !== undefined) return { friends: f.list(session) }
    else if (m.groupCreate !== undefined)
      return { group: await g.create(session, m.groupCreate.name, m.groupCreate.open) }
    else if (m.groupInvite !== undefined)
      return { group: await g.invite(session, m.groupInvite.group, m.groupInvite.username) }
    else if (m.groupJoin !== undefined) return { group: await g.join(session, m.groupJoin.group) }
    else if (m.groupLeave !== undefined) await g.leave(session, m.groupLeave.group)
    else if (m.groupKick !== undefined)
      return { group: await g.kick(session, m.groupKick.group, m.groupKick.username) }
    else if (m.groupRename !== undefined)
      return { group: await g.rename(session, m.groupRename.group, m.groupRename.name) }
    else if (m.groupList !== undefined) return { groups: { groups: g.list(session) } }
    else throw new InvalidMessageError('not a friend or group request')
    return { ack: {} }
  }

  /** Take a token from one of the session's buckets (bad requests pay too), or throw RATE_LIMITED. */
  #take(session: SocialSession, which: keyof Buckets, what: string): void {
    let buckets = this.#buckets.get(session)
    if (buckets === undefined) {
      const l = this.limits
      buckets = {
        search: new TokenBucket({ capacity: l.searchBurst, refillPerSecond: l.searchRefillPerSecond }),
        status: new TokenBucket({ capacity: l.statusBurst, refillPerSecond: l.statusRefillPerSecond }),
        social: new TokenBucket({ capacity: l.socialBurst, refillPerSecond: l.socialRefillPerSecond })
      }
      this.#buckets.set(session, buckets)
    }
    const wait = buckets[which].take()
    if (wait > 0) {
      throw new RateLimitedError(`too many ${what}: try again in ${Math.ceil(wait / 1000)} s`, {
        retryAfterMs: wait
      })
    }
  }
}
