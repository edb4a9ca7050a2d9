import type { AbortOptions, Logger } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { NotLoggedInError } from '../../src/errors.ts'
import type { Group } from '../../src/protocol/pb/tracker.ts'
import { usernameKey } from '../../src/usernames.ts'
import type { EventDetails, GroupInfo } from '../api/schema.ts'
import type { OnlineUser, TrackerClient } from '../core/tracker-client.ts'
import { checkGroupId } from './group-post.ts'
import type { GroupService } from './group-service.ts'
import type { GroupMember, GroupMembership } from './index.ts'

/** GroupEvent.kind numbers (docs/protocol.md). */
const KIND = { UPDATED: 0, INVITED: 1, REMOVED: 2 } as const

/** A membership change asks members for what we missed again, at most this often per group. */
export const CATCH_UP_AGAIN_MS = 5_000

export type GroupsHubEvents = {
  [K in 'group-updated' | 'group-invited' | 'group-removed']: CustomEvent<EventDetails[K]>
}

export interface GroupsHubComponents {
  /** The current tracker session's client, if any. */
  client(): TrackerClient | undefined
  /** Who is online and where (the online directory). */
  locate(user: string): OnlineUser | undefined
  self(): string
  service: GroupService
  log: Logger
}

/** A group as the API shows it. */
export function groupInfo(g: Group): GroupInfo {
  return {
    group: g.id,
    name: g.name,
    owner: g.owner,
    open: g.open,
    members: g.members.map(m => ({ user: m.username, online: m.online })),
    invited: g.invited
  }
}

/**
 * The groups we are in or invited to, as the tracker keeps them (membership is authoritative there),
 * and the membership view the group service checks posts against. Tracker pushes become events; joining
 * a group, and every login, catches up on what was said meanwhile from any member online.
 */
export class GroupsHub extends TypedEventEmitter<GroupsHubEvents> implements GroupMembership {
  readonly #c: GroupsHubComponents
  readonly #groups = new Map<string, Group>()
  /** members() per group, decoded once per version (the group service asks for every post). */
  readonly #decoded = new Map<string, { version: number; members: GroupMember[] }>()
  /** When each group was last caught up with (a membership change asks again, at most this often). */
  readonly #lastCatchUp = new Map<string, number>()
  /** Groups caught up with in this run: our own seq continues from what the others have of us. */
  readonly #caughtUp = new Map<string, Promise<unknown>>()
  /**
   * Groups we asked to leave: not ours any more from that moment (posts refused, nothing pushed or
   * served), though the tracker, and the members it tells, may still list us until it has answered.
   */
  readonly #leaving = new Set<string>()

  constructor(components: GroupsHubComponents) {
    super()
    this.#c = components
  }

  #isMember(g: Group): boolean {
    const me = usernameKey(this.#c.self())
    return g.members.some(m => usernameKey(m.username) === me)
  }

  /** A group's name, if we know the group. */
  name(group: string): string | undefined {
    return this.#groups.get(group)?.name
  }

  members(group: string): GroupMember[] | undefined {
    const g = this.#groups.get(group)
    if (g === undefined || this.#leaving.has(group) || !this.#isMember(g)) return undefined
    const cached = this.#decoded.get(group)
    if (cached !== undefined && cached.version === g.version) return cached.members
    const members = g.members.map(m => ({
      user: m.username,
      peerIds: m.peerIds.flatMap(bytes => {
        try {
          return [peerIdFromMultihash(Digest.decode(bytes)).toString()]
        } catch {
          return []
        }
      })
    }))
    this.#decoded.set(group, { version: g.version, members })
    return members
  }

  /**
   * Keep `g` unless we already hold a newer version: the tracker pushes an update at once but replies
   * after its write, so a reply can be older than a push that arrived before it.
   */
  #store(g: Group): Group {
    const held = this.#groups.get(g.id)
    if (held !== undefined && held.version > g.version) return held
    this.#groups.set(g.id, g)
    return g
  }

  online(group: string): OnlineUser[] {
    const me = usernameKey(this.#c.self())
    const out: OnlineUser[] = []
    for (const m of this.members(group) ?? []) {
      if (usernameKey(m.user) === me) continue
      const u = this.#c.locate(m.user)
      if (u !== undefined) out.push(u)
    }
    return out
  }

  /** A new tracker session: follow its group pushes, load our groups, catch up on each. */
  async follow(client: TrackerClient): Promise<void> {
    client.addEventListener('group-event', e => this.#onEvent(e.detail.kind, e.detail.group, e.detail.by))
    const groups = await client.social.groupList()
    this.#groups.clear()
    for (const g of groups) this.#store(g)
    this.#caughtUp.clear()
    for (const g of groups) if (this.#isMember(g)) this.#catchUp(g.id)
  }

  #onEvent(kind: number, g: Group | undefined, by: string): void {
    if (g === undefined) return
    if (kind === KIND.REMOVED) {
      this.#groups.delete(g.id)
      this.#caughtUp.delete(g.id)
      this.#c.service.forget(g.id)
      this.safeDispatchEvent('group-removed', { detail: { group: groupInfo(g), by } })
      return
    }
    const was = this.#groups.get(g.id)
    if (was !== undefined && was.version > g.version) return // an older state, overtaken
    this.#groups.set(g.id, g)
    if (kind === KIND.INVITED) {
      this.safeDispatchEvent('group-invited', { detail: { group: groupInfo(g), by } })
      return
    }
    this.safeDispatchEvent('group-updated', { detail: { group: groupInfo(g) } })
    if (!this.#isMember(g)) return
    if (was === undefined || !this.#isMember(was)) this.#catchUp(g.id)
    else if (Date.now() - (this.#lastCatchUp.get(g.id) ?? 0) >= CATCH_UP_AGAIN_MS) {
      // Members change: someone may have refused us a moment ago with a list we were not on yet.
      this.#caughtUp.delete(g.id)
      this.#catchUp(g.id)
    }
  }

  /** Ask members for what we missed (once per group per run, unless asked again); never throws. */
  #catchUp(group: string): Promise<unknown> {
    let running = this.#caughtUp.get(group)
    if (running === undefined) {
      this.#lastCatchUp.set(group, Date.now())
      running = this.#c.service.catchUp(group).then(
        r => this.#c.log('caught up on %s: %d posts', group, r.received),
        err => this.#c.log('catching up on %s failed: %s', group, (err as Error).message)
      )
      this.#caughtUp.set(group, running)
    }
    return running
  }

  #need(what: string): TrackerClient {
    const client = this.#c.client()
    if (client === undefined || client.closed) {
      throw new NotLoggedInError(`not connected to the tracker: cannot ${what} now`)
    }
    return client
  }

  #keep(reply: Group): { group: GroupInfo } {
    const g = this.#store(reply)
    if (this.#isMember(g)) this.#catchUp(g.id)
    return { group: groupInfo(g) }
  }

  async create(name: string, open = false, options?: AbortOptions): Promise<{ group: GroupInfo }> {
    return this.#keep(await this.#need('create a group').social.groupCreate(name, open, options))
  }

  async invite(group: string, user: string, options?: AbortOptions): Promise<{ group: GroupInfo }> {
    checkGroupId(group)
    return this.#keep(await this.#need('invite').social.groupInvite(group, user, options))
  }

  async join(group: string, options?: AbortOptions): Promise<{ group: GroupInfo }> {
    checkGroupId(group)
    return this.#keep(await this.#need('join a group').social.groupJoin(group, options))
  }

  /**
   * Leave `group`. We stop taking its posts when we ask, not when the tracker answers: until then the
   * others (told by the tracker before us, or not yet) may still push to us. If the tracker refuses,
   * the group is ours again and we fetch what we turned away meanwhile.
   */
  async leave(group: string, options?: AbortOptions): Promise<{ group: string }> {
    checkGroupId(group)
    const client = this.#need('leave a group')
    this.#leaving.add(group)
    try {
      await client.social.groupLeave(group, options)
    } catch (err) {
      this.#leaving.delete(group)
      if (this.members(group) !== undefined) {
        this.#caughtUp.delete(group)
        this.#catchUp(group)
      }
      throw err
    }
    this.#groups.delete(group)
    this.#caughtUp.delete(group)
    this.#leaving.delete(group)
    this.#c.service.forget(group)
    return { group }
  }

  async kick(group: string, user: string, options?: AbortOptions): Promise<{ group: GroupInfo }> {
    checkGroupId(group)
    return this.#keep(await this.#need('kick a member').social.groupKick(group, user, options))
  }

  async rename(group: string, name: string, options?: AbortOptions): Promise<{ group: GroupInfo }> {
    checkGroupId(group)
    return this.#keep(await this.#need('rename a group').social.groupRename(group, name, options))
  }

  /** Our groups and invitations, fresh from the tracker when connected, else as last heard. */
  async list(options?: AbortOptions): Promise<{ groups: GroupInfo[] }> {
    const client = this.#c.client()
    if (client !== undefined && !client.closed) {
      const groups = await client.social.groupList(options)
      const ids = new Set(groups.map(g => g.id))
      for (const id of this.#groups.keys()) if (!ids.has(id)) this.#groups.delete(id)
      for (const g of groups) this.#store(g)
    }
    return { groups: [...this.#groups.values()].map(groupInfo) }
  }

  /** Post to a group (stored before this resolves, then pushed to every member online). */
  async send(
    group: string,
    text: string
  ): Promise<{ group: string; messageId: string; seq: number; online: number }> {
    checkGroupId(group)
    // On a fresh device our earlier posts are with the others: catch up first so our seq continues.
    await this.#catchUp(group)
    const m = await this.#c.service.send(group, text)
    return { group, messageId: m.messageId, seq: m.seq, online: this.online(group).length }
  }
}
