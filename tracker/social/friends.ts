import {
  AlreadyFriendsError,
  InvalidMessageError,
  LimitReachedError,
  NoSuchRequestError,
  NotAFriendError,
  RateLimitedError
} from '../../src/errors.ts'
import {
  FriendEventKind,
  MAX_FRIEND_ALIAS_CHARS,
  MAX_STATUS_TEXT_CHARS,
  PresenceStatus
} from '../../src/protocol/constants.ts'
import { trackerFrame } from '../../src/protocol/frame.ts'
import type { Friend, FriendEvent, FriendList } from '../../src/protocol/pb/tracker.ts'
import { usernameKey } from '../../src/usernames.ts'
import type { Actor, OnlineMember, SocialContext } from './context.ts'
import type { PairRecord } from './social-file.ts'
import { checkText } from './text.ts'

/** A session's status: shown to friends while that session is the account's online one. */
interface Status {
  session: OnlineMember
  presence: number
  text: string
}

const NO_STATUS = { presence: PresenceStatus.ONLINE, text: '' }

/**
 * Friendships: mutual, made by a request and an accept (or two requests crossing), ended by either
 * side. Requests expire, one user has a bounded number waiting, and a declined requester waits before
 * asking the same person again. Every change is one pair record (store.ts) and is pushed as a
 * FriendEvent to whichever of the two is online. Statuses are per session, in memory only.
 */
export class Friends {
  readonly #ctx: SocialContext
  readonly #status = new Map<string, Status>()
  /**
   * The status an account's friends last heard pushed, when not plain online (kept past its session):
   * a later login that sets another status — even plain online, from another device — is pushed, so
   * a friend who stayed online is not left with the old one.
   */
  readonly #told = new Map<string, { presence: number; text: string }>()

  /** Called when a session here sets a status (several trackers: the others are told). */
  onStatus?: (session: OnlineMember, presence: number, text: string) => void

  constructor(ctx: SocialContext) {
    this.#ctx = ctx
  }

  /** Ask `input` to be friends, or accept at once when they asked first. */
  async add(me: Actor, input: string): Promise<void> {
    const { them, themKey, pair, now } = this.#lookup(me, input)
    if (pair?.since !== undefined) throw new AlreadyFriendsError(`${them} is your friend already`)
    if (pair?.req !== undefined) {
      // They asked first: this is a yes. We asked already: one request per pair, nothing to do.
      if (usernameKey(pair.req.from) === themKey) await this.#befriend(pair, now)
      return
    }
    if (pair?.cool !== undefined && usernameKey(pair.cool.from) === me.key) {
      const wait = pair.cool.until - now
      throw new RateLimitedError(
        `${them} declined your request: you can ask again in ${Math.ceil(wait / 3600_000)} h`,
        { retryAfterMs: wait }
      )
    }
    const { limits } = this.#ctx
    if (this.#count(me.key, now, 'friends') >= limits.maxFriends) {
      throw new LimitReachedError(`you have ${limits.maxFriends} friends, the most an account may have`)
    }
    if (this.#count(me.key, now, 'outgoing') >= limits.maxOutgoingRequests) {
      throw new LimitReachedError(
        `you have ${limits.maxOutgoingRequests} friend requests waiting for an answer: wait for some, or withdraw them`
      )
    }
    if (this.#count(themKey, now, 'incoming') >= limits.maxIncomingRequests) {
      throw new LimitReachedError(`${them} has too many friend requests waiting: try again later`)
    }
    const saved = this.#save({ ...(pair ?? newPair(me.username, them)), req: { from: me.username, at: now } })
    this.#push(themKey, FriendEventKind.REQUEST, me.username)
    await saved
  }

  /** Accept or decline the request `input` sent us. */
  async answer(me: Actor, input: string, accept: boolean): Promise<void> {
    const { them, themKey, pair, now } = this.#lookup(me, input)
    if (pair?.req === undefined || usernameKey(pair.req.from) !== themKey) {
      throw new NoSuchRequestError(`${them} has no friend request waiting for your answer`)
    }
    if (accept) return this.#befriend(pair, now)
    const { req: _, ...rest } = pair
    const saved = this.#save({
      ...rest,
      cool: { from: them, until: now + this.#ctx.limits.declineCooldownMs }
    })
    this.#push(themKey, FriendEventKind.DECLINED, me.username)
    await saved
  }

  /** End a friendship, or withdraw our pending request; both sides are told REMOVED. */
  async remove(me: Actor, input: string): Promise<void> {
    const { them, themKey, pair } = this.#lookup(me, input)
    const asked = pair?.req !== undefined && usernameKey(pair.req.from) === me.key
    if (pair === undefined || (pair.since === undefined && !asked)) {
      throw new NotAFriendError(`${them} is not your friend`)
    }
    // Friends have no request between them, so this drops the friendship or our request; a cool-down stays.
    const { since: _, aliasA: _a, aliasB: _b, req: _r, ...rest } = pair
    const saved = this.#save(rest)
    this.#push(themKey, FriendEventKind.REMOVED, me.username)
    this.#push(me.key, FriendEventKind.REMOVED, them)
    await saved
  }

  /** Our private name for a friend; empty clears it. */
  async alias(me: Actor, input: string, aliasInput: string): Promise<void> {
    const alias = checkText(aliasInput, 'an alias', 0, MAX_FRIEND_ALIAS_CHARS)
    const { them, pair } = this.#lookup(me, input)
    if (pair?.since === undefined) throw new NotAFriendError(`${them} is not your friend`)
    const mine = usernameKey(pair.a) === me.key ? 'aliasA' : 'aliasB'
    const { [mine]: _, ...rest } = pair
    await this.#save(alias === '' ? rest : { ...rest, [mine]: alias })
  }

  list(me: Actor): FriendList {
    const now = this.#ctx.now()
    const friends: Friend[] = []
    const incoming: string[] = []
    const outgoing: string[] = []
    for (const stored of this.#ctx.store.pairsOf(me.key)) {
      const pair = this.#live(stored, now)
      const mineIsA = usernameKey(pair.a) === me.key
      const other = mineIsA ? pair.b : pair.a
      if (pair.since !== undefined)
        friends.push(this.#friend(other, (mineIsA ? pair.aliasA : pair.aliasB) ?? ''))
      if (pair.req !== undefined) (usernameKey(pair.req.from) === me.key ? outgoing : incoming).push(other)
    }
    const byKey = (x: string, y: string): number => (usernameKey(x) < usernameKey(y) ? -1 : 1)
    friends.sort((x, y) => byKey(x.username, y.username))
    return { friends, incoming: incoming.sort(byKey), outgoing: outgoing.sort(byKey) }
  }

  /**
   * Set the session's status and tell its online friends, when it changed or is not what they last
   * heard (a new login starts online; a peer sets its saved status again, and friends must hear it).
   */
  setStatus(me: Actor & OnlineMember, presenceInput: number, textInput: string): void {
    // A value this tracker does not know (a newer peer's) is plain online, as peers read it.
    const presence = presenceInput <= PresenceStatus.BUSY ? presenceInput : PresenceStatus.ONLINE
    const text = checkText(textInput, 'a status text', 0, MAX_STATUS_TEXT_CHARS)
    const current = this.status(me.key)
    const told = this.#told.get(me.key) ?? NO_STATUS
    const same = (s: { presence: number; text: string }): boolean =>
      s.presence === presence && s.text === text
    if (same(current) && same(told)) return
    this.#status.set(me.key, { session: me, presence, text })
    if (presence === NO_STATUS.presence && text === NO_STATUS.text) this.#told.delete(me.key)
    else this.#told.set(me.key, { presence, text })
    this.onStatus?.(me, presence, text)
    const frame = friendEventFrame(FriendEventKind.STATUS, me.username, presence, text)
    for (const pair of this.#ctx.store.pairsOf(me.key)) {
      if (pair.since === undefined) continue
      this.#ctx.online(usernameKey(usernameKey(pair.a) === me.key ? pair.b : pair.a))?.push(frame)
    }
  }

  /**
   * A session on another tracker (a shared store) set its status, and that tracker told its friends:
   * remember it, so friend lists read here show it too.
   */
  statusElsewhere(member: OnlineMember, presence: number, text: string): void {
    if (presence === NO_STATUS.presence && text === NO_STATUS.text) this.#status.delete(member.key)
    else this.#status.set(member.key, { session: member, presence, text })
  }

  /** The status of `key`'s online session (online, no text, unless it set one). */
  status(key: string): { presence: number; text: string } {
    const status = this.#status.get(key)
    return status !== undefined && this.#ctx.online(key) === status.session ? status : NO_STATUS
  }

  /** A session left presence: its status goes with it. */
  left(session: OnlineMember): void {
    if (this.#status.get(session.key)?.session === session) this.#status.delete(session.key)
  }

  /** Drop expired requests and cool-downs from the store (they are ignored meanwhile). */
  sweep(): void {
    const now = this.#ctx.now()
    const stale: PairRecord[] = []
    for (const pair of this.#ctx.store.allPairs()) if (this.#live(pair, now) !== pair) stale.push(pair)
    for (const pair of stale) {
      this.#save(this.#live(pair, now)).catch(err => this.#ctx.log.error('could not sweep a pair: %e', err))
    }
  }

  #lookup(me: Actor, input: string) {
    const them = this.#ctx.account(input)
    const themKey = usernameKey(them)
    if (themKey === me.key) throw new InvalidMessageError('you cannot be your own friend')
    const now = this.#ctx.now()
    const stored = this.#ctx.store.pair(me.key, themKey)
    return { them, themKey, now, pair: stored === undefined ? undefined : this.#live(stored, now) }
  }

  async #befriend(pair: PairRecord, now: number): Promise<void> {
    const { limits } = this.#ctx
    for (const name of [pair.a, pair.b]) {
      if (this.#count(usernameKey(name), now, 'friends') >= limits.maxFriends) {
        throw new LimitReachedError(`${name} has ${limits.maxFriends} friends, the most an account may have`)
      }
    }
    const { req: _, cool: _c, ...rest } = pair
    const saved = this.#save({ ...rest, since: now })
    this.#push(usernameKey(pair.a), FriendEventKind.ADDED, pair.b)
    this.#push(usernameKey(pair.b), FriendEventKind.ADDED, pair.a)
    await saved
  }

  /** The pair without its expired request or cool-down (the same object when nothing expired). */
  #live(pair: PairRecord, now: number): PairRecord {
    const reqExpired = pair.req !== undefined && pair.req.at + this.#ctx.limits.friendRequestTtlMs <= now
    const coolOver = pair.cool !== undefined && pair.cool.until <= now
    if (!reqExpired && !coolOver) return pair
    const live = { ...pair }
    if (reqExpired) delete live.req
    if (coolOver) delete live.cool
    return live
  }

  #save(pair: PairRecord): Promise<void> {
    const empty = pair.since === undefined && pair.req === undefined && pair.cool === undefined
    return empty ? this.#ctx.store.deletePair(pair) : this.#ctx.store.putPair(pair)
  }

  #count(key: string, now: number, what: 'friends' | 'outgoing' | 'incoming'): number {
    let n = 0
    for (const stored of this.#ctx.store.pairsOf(key)) {
      if (what === 'friends') {
        if (stored.since !== undefined) n++
        continue
      }
      const req = this.#live(stored, now).req
      if (req !== undefined && (usernameKey(req.from) === key) === (what === 'outgoing')) n++
    }
    return n
  }

  #friend(name: string, alias: string): Friend {
    const key = usernameKey(name)
    const session = this.#ctx.online(key)
    const status = session === undefined ? NO_STATUS : this.status(key)
    return {
      username: name,
      alias,
      online: session !== undefined,
      lastSeen: this.#ctx.store.lastSeen(key),
      reachable: session?.entry.reachable ?? false,
      presence: status.presence,
      statusText: status.text,
      peerId: session?.entry.peerId ?? new Uint8Array()
    }
  }

  #push(key: string, kind: number, username: string): void {
    this.#ctx.online(key)?.push(friendEventFrame(kind, username))
  }
}

function friendEventFrame(kind: number, username: string, presence = 0, statusText = ''): Uint8Array {
  const friendEvent: FriendEvent = { kind, username, presence, statusText }
  return trackerFrame({ friendEvent })
}

/** A new pair of `x` and `y`, in key order. */
function newPair(x: string, y: string): PairRecord {
  return usernameKey(x) < usernameKey(y) ? { a: x, b: y } : { a: y, b: x }
}
