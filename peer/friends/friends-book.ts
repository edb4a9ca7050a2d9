import type { AbortOptions } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { InvalidCommandError, NotLoggedInError } from '../../src/errors.ts'
import type { FriendList } from '../../src/protocol/pb/tracker.ts'
import { normalizeUsername, usernameKey } from '../../src/usernames.ts'
import type { EventDetails, FriendInfo, Presence } from '../api/schema.ts'
import type { TrackerClient } from '../core/tracker-client.ts'
import type { PeerSettings } from './settings.ts'

/** Presence names, by the number the tracker uses (unknown numbers read as online). */
export const PRESENCES: readonly Presence[] = ['online', 'away', 'busy']
/** A status text is at most this long (the tracker checks too). */
export const MAX_STATUS_TEXT_CHARS = 80

/** FriendEvent.kind numbers (docs/protocol.md). */
const KIND = { REQUEST: 0, ADDED: 1, REMOVED: 2, DECLINED: 3, STATUS: 4 } as const

export type FriendEvents = {
  [K in
    | 'friend-request'
    | 'friend-added'
    | 'friend-removed'
    | 'friend-declined'
    | 'friend-status']: CustomEvent<EventDetails[K]>
}

export function presenceName(n: number): Presence {
  return PRESENCES[n] ?? 'online'
}

/** The current tracker session's client, or undefined while there is none. */
export type ClientSource = () => TrackerClient | undefined

/**
 * Friends, as the tracker keeps them (who-knows-whom lives there): requests, answers, aliases, search,
 * status. The set of friends is also cached on this device (settings.json), so the friends-only privacy
 * setting keeps working while the tracker is away; our own status is kept there too and set again at
 * every login. Pushes from the tracker become events; requests that
 * arrived while we were offline are announced at login, once per request.
 */
export class FriendsBook extends TypedEventEmitter<FriendEvents> {
  readonly #client: ClientSource
  readonly #settings: PeerSettings
  /** Incoming requests already announced in this run (key): a re-login does not announce them again. */
  readonly #announced = new Set<string>()

  constructor(client: ClientSource, settings: PeerSettings) {
    super()
    this.#client = client
    this.#settings = settings
  }

  /** Whether `user` is a friend, as last heard from the tracker (kept across restarts). */
  isFriend(user: string): boolean {
    return this.#settings.friends.includes(usernameKey(user))
  }

  /**
   * A new tracker session (a login, also after a reconnect): say our saved status again (a new session
   * starts online, and friends must hear the status in force), listen to its pushes, then refresh the
   * list and announce waiting requests.
   */
  async follow(client: TrackerClient): Promise<void> {
    // Sent before anything else on this session, so a `status` the user gives right after login wins.
    const saved = this.#settings.status
    const restored = client.social.setStatus(PRESENCES.indexOf(saved.presence), saved.text).then(
      () => undefined,
      (err: unknown) => err
    )
    client.addEventListener('friend-event', e => {
      const { kind, username, presence, statusText } = e.detail
      const user = username
      if (kind === KIND.REQUEST) this.#announce(user)
      else if (kind === KIND.ADDED) {
        this.#remember(user, true)
        this.safeDispatchEvent('friend-added', { detail: { user } })
      } else if (kind === KIND.REMOVED) {
        this.#remember(user, false)
        this.safeDispatchEvent('friend-removed', { detail: { user } })
      } else if (kind === KIND.DECLINED) this.safeDispatchEvent('friend-declined', { detail: { user } })
      else if (kind === KIND.STATUS) {
        this.safeDispatchEvent('friend-status', {
          detail: { user, presence: presenceName(presence), text: statusText }
        })
      }
    })
    const list = await client.social.friendList()
    await this.#settings.setFriends(list.friends.map(f => usernameKey(f.username)))
    for (const from of list.incoming) this.#announce(from)
    // A status the tracker refused does not keep waiting requests from being announced.
    const failed = await restored
    if (failed !== undefined) throw failed
  }

  #announce(from: string): void {
    const key = usernameKey(from)
    if (this.#announced.has(key)) return
    this.#announced.add(key)
    this.safeDispatchEvent('friend-request', { detail: { from } })
  }

  #remember(user: string, friend: boolean): void {
    const key = usernameKey(user)
    const now = this.#settings.friends.filter(k => k !== key)
    if (friend) now.push(key)
    this.#settings.setFriends(now).catch(() => {})
  }

  #need(what: string): TrackerClient {
    const client = this.#client()
    if (client === undefined || client.closed) {
      throw new NotLoggedInError(`not connected to the tracker: cannot ${what} now`)
    }
    return client
  }

  /** Ask `user` to be friends; `pending` false when they had asked us (friends at once). */
  async add(user: string, options?: AbortOptions): Promise<{ user: string; pending: boolean }> {
    const name = normalizeUsername(user)
    const client = this.#need('send a friend request')
    const theyAsked = (await client.social.friendList(options)).incoming.some(
      u => usernameKey(u) === usernameKey(name)
    )
    await client.social.friendAdd(name, options)
    return { user: name, pending: !theyAsked }
  }

  async answer(user: string, accept: boolean, options?: AbortOptions): Promise<{ user: string }> {
    const name = normalizeUsername(user)
    await this.#need('answer a friend request').social.friendAnswer(name, accept, options)
    this.#announced.delete(usernameKey(name))
    return { user: name }
  }

  async remove(user: string, options?: AbortOptions): Promise<{ user: string }> {
    const name = normalizeUsername(user)
    await this.#need('remove a friend').social.friendRemove(name, options)
    this.#remember(name, false)
    return { user: name }
  }

  async alias(user: string, alias: string, options?: AbortOptions): Promise<{ user: string; alias: string }> {
    const name = normalizeUsername(user)
    await this.#need('set an alias').social.friendAlias(name, alias, options)
    return { user: name, alias }
  }

  /** Friends, online first then by name, and requests both ways. */
  async list(
    options?: AbortOptions
  ): Promise<{ friends: FriendInfo[]; incoming: string[]; outgoing: string[] }> {
    const list: FriendList = await this.#need('list friends').social.friendList(options)
    await this.#settings.setFriends(list.friends.map(f => usernameKey(f.username)))
    const friends = list.friends
      .map(f => ({
        user: f.username,
        alias: f.alias,
        online: f.online,
        lastSeen: f.online ? 0 : f.lastSeen,
        reachable: f.reachable,
        presence: presenceName(f.presence),
        text: f.statusText
      }))
      .sort((a, b) => Number(b.online) - Number(a.online) || a.user.localeCompare(b.user))
    return { friends, incoming: list.incoming, outgoing: list.outgoing }
  }

  async search(query: string, options?: AbortOptions): Promise<{ users: string[] }> {
    return { users: await this.#need('search').social.search(query, options) }
  }

  async setStatus(
    presence: string,
    text = '',
    options?: AbortOptions
  ): Promise<{ presence: Presence; text: string }> {
    const n = PRESENCES.indexOf(presence as Presence)
    if (n < 0) throw new InvalidCommandError(`"presence" must be one of: ${PRESENCES.join(', ')}`)
    if ([...text].length > MAX_STATUS_TEXT_CHARS) {
      throw new InvalidCommandError(`a status text is at most ${MAX_STATUS_TEXT_CHARS} characters`)
    }
    await this.#need('set your status').social.setStatus(n, text, options)
    // Remembered once the tracker took it: the next login (a restart, another PeerClient) sets it again.
    await this.#settings.setStatus({ presence: presence as Presence, text })
    return { presence: presence as Presence, text }
  }
}
