import type { AbortOptions } from '@libp2p/interface'
import { InvalidMessageError } from '../../src/errors.ts'
import type { ClientMessage, FriendList, Group, TrackerMessage } from '../../src/protocol/pb/tracker.ts'

export type {
  Friend,
  FriendEvent,
  FriendList,
  Group,
  GroupEvent,
  GroupMember
} from '../../src/protocol/pb/tracker.ts'

/** What the social requests need of a tracker session: `TrackerClient.request`. */
export interface TrackerRequester {
  request(body: Omit<Partial<ClientMessage>, 'id'>, options?: AbortOptions): Promise<TrackerMessage>
}

/**
 * Friend and group requests on a tracker session (docs/protocol.md "Friends" and "Groups"), reached as
 * `trackerClient.social`. Each resolves with the tracker's answer as the protobuf types decode it; an
 * error reply rejects with its typed error (`UNKNOWN_USER`, `NOT_A_FRIEND`, `UNKNOWN_GROUP`,
 * `RATE_LIMITED` with `retryAfterMs`…). Pushes arrive as the client's `friend-event` and `group-event`.
 */
export class TrackerSocial {
  readonly #client: TrackerRequester

  constructor(client: TrackerRequester) {
    this.#client = client
  }

  /** Ask `user` to be friends (accepts at once if they asked us). */
  async friendAdd(user: string, options?: AbortOptions): Promise<void> {
    await this.#client.request({ friendAdd: { username: user } }, options)
  }

  /** Accept or decline `user`'s pending request. */
  async friendAnswer(user: string, accept: boolean, options?: AbortOptions): Promise<void> {
    await this.#client.request({ friendAnswer: { username: user, accept } }, options)
  }

  /** End the friendship with `user`, or withdraw our pending request to them. */
  async friendRemove(user: string, options?: AbortOptions): Promise<void> {
    await this.#client.request({ friendRemove: { username: user } }, options)
  }

  /** Our private name for friend `user` (≤ 64 characters); '' clears it. */
  async friendAlias(user: string, alias: string, options?: AbortOptions): Promise<void> {
    await this.#client.request({ friendAlias: { username: user, alias } }, options)
  }

  /** Our friends (with presence, status, last seen, alias), and requests both ways. */
  async friendList(options?: AbortOptions): Promise<FriendList> {
    return expect((await this.#client.request({ friendList: {} }, options)).friends, 'friend list')
  }

  /** Usernames containing `query` (1–32 characters), prefix matches first, at most 50. */
  async search(query: string, options?: AbortOptions): Promise<string[]> {
    const reply = await this.#client.request({ search: { query } }, options)
    return expect(reply.searchResult, 'search result').usernames
  }

  /** Our presence (`PresenceStatus`: 0 online, 1 away, 2 busy) and status text (≤ 80 characters). */
  async setStatus(presence: number, text: string, options?: AbortOptions): Promise<void> {
    await this.#client.request({ status: { presence, text } }, options)
  }

  /** A new group, owned by us; `open`: anyone with its id may join. */
  async groupCreate(name: string, open: boolean, options?: AbortOptions): Promise<Group> {
    return this.#group({ groupCreate: { name, open } }, options)
  }

  async groupInvite(id: string, user: string, options?: AbortOptions): Promise<Group> {
    return this.#group({ groupInvite: { group: id, username: user } }, options)
  }

  async groupJoin(id: string, options?: AbortOptions): Promise<Group> {
    return this.#group({ groupJoin: { group: id } }, options)
  }

  /** Leave the group, or decline an invitation to it. */
  async groupLeave(id: string, options?: AbortOptions): Promise<void> {
    await this.#client.request({ groupLeave: { group: id } }, options)
  }

  /** Owner only: remove a member, or withdraw an invitation. */
  async groupKick(id: string, user: string, options?: AbortOptions): Promise<Group> {
    return this.#group({ groupKick: { group: id, username: user } }, options)
  }

  /** Owner only. */
  async groupRename(id: string, name: string, options?: AbortOptions): Promise<Group> {
    return this.#group({ groupRename: { group: id, name } }, options)
  }

  /** The groups we are in, and those we are invited to. */
  async groupList(options?: AbortOptions): Promise<Group[]> {
    return expect((await this.#client.request({ groupList: {} }, options)).groups, 'group list').groups
  }

  async #group(body: Omit<Partial<ClientMessage>, 'id'>, options?: AbortOptions): Promise<Group> {
    return expect((await this.#client.request(body, options)).group, 'group')
  }
}

function expect<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new InvalidMessageError(`the tracker sent no ${what}`)
  return value
}
