import { randomBytes } from 'node:crypto'
import {
  InvalidMessageError,
  LimitReachedError,
  NotAMemberError,
  NotAuthorizedError,
  NotInvitedError,
  UnknownGroupError
} from '../../src/errors.ts'
import {
  GROUP_ID_CHARS,
  GROUP_NAME_MAX_CHARS,
  GROUP_NAME_MIN_CHARS,
  GroupEventKind
} from '../../src/protocol/constants.ts'
import { trackerFrame } from '../../src/protocol/frame.ts'
import type { Group } from '../../src/protocol/pb/tracker.ts'
import { usernameKey } from '../../src/usernames.ts'
import type { Actor, SocialContext } from './context.ts'
import type { GroupRecord } from './social-file.ts'
import { checkText } from './text.ts'

/**
 * Groups: the tracker keeps who is in them (the messages go peer to peer). The creator owns a group
 * and is its first member. In an open group any member invites and anyone with the id joins; in a
 * closed one only the owner invites and only invitees join. The owner kicks and renames; when the
 * owner leaves, the longest-standing member takes over, and the last member out deletes the group.
 * Every change bumps the group's version and is pushed to every member and invitee online.
 */
export class Groups {
  readonly #ctx: SocialContext

  constructor(ctx: SocialContext) {
    this.#ctx = ctx
  }

  async create(me: Actor, nameInput: string, open: boolean): Promise<Group> {
    const name = checkGroupName(nameInput)
    const { store, limits } = this.#ctx
    this.#checkRoom(me.key, 'you are')
    let owned = 0
    for (const g of store.groupsOf(me.key)) if (usernameKey(g.owner) === me.key) owned++
    if (owned >= limits.maxGroupsOwned) {
      throw new LimitReachedError(
        `you own ${owned} groups, the most one account may: delete or hand over one`
      )
    }
    let id: string
    do id = randomBytes((GROUP_ID_CHARS * 3) / 4).toString('base64url')
    while (store.group(id) !== undefined)
    const now = this.#ctx.now()
    const group: GroupRecord = {
      id,
      name,
      owner: me.username,
      open,
      members: [{ name: me.username, since: now }],
      invited: [],
      version: 1,
      createdAt: now
    }
    const saved = store.putGroup(group)
    const wire = this.toWire(group)
    await saved
    return wire
  }

  async invite(me: Actor, id: string, userInput: string): Promise<Group> {
    const group = this.#visible(me, id)
    if (memberIndex(group, me.key) < 0)
      throw new NotAuthorizedError('only members invite: join the group first')
    if (!group.open && usernameKey(group.owner) !== me.key) {
      throw new NotAuthorizedError('only the owner invites to a closed group')
    }
    const them = this.#ctx.account(userInput)
    const themKey = usernameKey(them)
    if (memberIndex(group, themKey) >= 0 || invitedIndex(group, themKey) >= 0) return this.toWire(group)
    const cap = this.#ctx.limits.groupMemberCap
    if (group.members.length >= cap) throw new LimitReachedError(`the group is full (${cap} members)`)
    if (group.invited.length >= cap) {
      throw new LimitReachedError(`${cap} invitations to this group are waiting already`)
    }
    this.#checkRoom(themKey, `${them} is`)
    group.invited.push({ name: them, by: me.username, at: this.#ctx.now() })
    return this.#commit(group, me.username, new Map([[themKey, GroupEventKind.INVITED]]))
  }

  async join(me: Actor, id: string): Promise<Group> {
    const group = this.#group(id)
    if (memberIndex(group, me.key) >= 0) return this.toWire(group)
    const invited = invitedIndex(group, me.key)
    if (invited < 0 && !group.open) {
      throw new NotInvitedError('this group is closed: ask its owner for an invitation')
    }
    const cap = this.#ctx.limits.groupMemberCap
    if (group.members.length >= cap) throw new LimitReachedError(`the group is full (${cap} members)`)
    if (invited < 0) this.#checkRoom(me.key, 'you are')
    else group.invited.splice(invited, 1)
    group.members.push({ name: me.username, since: this.#ctx.now() })
    return this.#commit(group, me.username)
  }

  /** Leave a group, or decline an invitation to it. */
  async leave(me: Actor, id: string): Promise<void> {
    const group = this.#visible(me, id)
    const member = memberIndex(group, me.key)
    if (member < 0) {
      group.invited.splice(invitedIndex(group, me.key), 1)
      await this.#commit(group, me.username, new Map([[me.key, GroupEventKind.REMOVED]]))
      return
    }
    group.members.splice(member, 1)
    if (group.members.length === 0) {
      // The last member out: the group goes, and its invitations with it.
      group.version++
      const saved = this.#ctx.store.deleteGroup(group)
      const gone = new Map(
        [me.key, ...group.invited.map(i => usernameKey(i.name))].map(k => [k, GroupEventKind.REMOVED])
      )
      this.#publish(group, me.username, gone)
      await saved
      return
    }
    if (usernameKey(group.owner) === me.key) group.owner = group.members[0].name
    await this.#commit(group, me.username, new Map([[me.key, GroupEventKind.REMOVED]]))
  }

  /** Owner only: remove a member, or withdraw an invitation. */
  async kick(me: Actor, id: string, userInput: string): Promise<Group> {
    const group = this.#visible(me, id)
    if (usernameKey(group.owner) !== me.key) throw new NotAuthorizedError('only the owner removes members')
    const them = this.#ctx.account(userInput)
    const themKey = usernameKey(them)
    if (themKey === me.key)
      throw new InvalidMessageError('you cannot remove yourself: leave the group instead')
    const member = memberIndex(group, themKey)
    const invited = invitedIndex(group, themKey)
    if (member >= 0) group.members.splice(member, 1)
    else if (invited >= 0) group.invited.splice(invited, 1)
    else throw new NotAMemberError(`${them} is neither a member of this group nor invited to it`)
    return this.#commit(group, me.username, new Map([[themKey, GroupEventKind.REMOVED]]))
  }

  /** Owner only. */
  async rename(me: Actor, id: string, nameInput: string): Promise<Group> {
    const group = this.#visible(me, id)
    if (usernameKey(group.owner) !== me.key) throw new NotAuthorizedError('only the owner renames the group')
    const name = checkGroupName(nameInput)
    if (name === group.name) return this.toWire(group)
    group.name = name
    return this.#commit(group, me.username)
  }

  /** The groups `me` is in or invited to, oldest first. */
  list(me: Actor): Group[] {
    return [...this.#ctx.store.groupsOf(me.key)]
      .sort((x, y) => x.createdAt - y.createdAt)
      .map(g => this.toWire(g))
  }

  /**
   * `name` logged in from a PeerId new to the account: its groups' members need the new key to check
   * that device's signatures, so each group it is in changes (version, push).
   */
  devicesChanged(name: string): void {
    const key = usernameKey(name)
    for (const group of [...this.#ctx.store.groupsOf(key)]) {
      if (memberIndex(group, key) < 0) continue
      this.#commit(group, name).catch(err =>
        this.#ctx.log.error('could not store group %s: %e', group.id, err)
      )
    }
  }

  toWire(group: GroupRecord): Group {
    const { store } = this.#ctx
    return {
      id: group.id,
      name: group.name,
      owner: group.owner,
      open: group.open,
      members: group.members.map(m => {
        const key = usernameKey(m.name)
        return {
          username: m.name,
          online: this.#ctx.online(key) !== undefined,
          peerIds: store.deviceBytes(key)
        }
      }),
      invited: group.invited.map(i => i.name),
      version: group.version
    }
  }

  /** Bump the version, store, tell everyone (`special`: some get another kind than UPDATED). */
  async #commit(group: GroupRecord, by: string, special = new Map<string, number>()): Promise<Group> {
    group.version++
    const saved = this.#ctx.store.putGroup(group)
    const wire = this.#publish(group, by, special)
    await saved
    return wire
  }

  /** Push the group to its members and invitees (UPDATED) and to `special`'s keys (their kind). */
  #publish(group: GroupRecord, by: string, special: Map<string, number>): Group {
    const wire = this.toWire(group)
    const frames = new Map<number, Uint8Array>()
    const frame = (kind: number): Uint8Array => {
      let f = frames.get(kind)
      if (f === undefined) {
        f = trackerFrame({ groupEvent: { kind, group: wire, by } })
        frames.set(kind, f)
      }
      return f
    }
    const keys = new Set([...group.members, ...group.invited].map(m => usernameKey(m.name)))
    for (const key of special.keys()) keys.add(key)
    for (const key of keys) this.#ctx.online(key)?.push(frame(special.get(key) ?? GroupEventKind.UPDATED))
    return wire
  }

  /** The group, whoever asks (join by id). */
  #group(id: string): GroupRecord {
    const group = typeof id === 'string' ? this.#ctx.store.group(id) : undefined
    if (group === undefined) throw new UnknownGroupError('no group has this id')
    return group
  }

  /** The group, if `me` is a member or invited: to anyone else it does not exist. */
  #visible(me: Actor, id: string): GroupRecord {
    const group = this.#ctx.store.group(id)
    if (group === undefined || (memberIndex(group, me.key) < 0 && invitedIndex(group, me.key) < 0)) {
      throw new UnknownGroupError('you are in no group with this id')
    }
    return group
  }

  /** Throws unless `key` may be in one more group. */
  #checkRoom(key: string, who: string): void {
    const max = this.#ctx.limits.maxGroupsPerUser
    if (this.#ctx.store.groupCount(key) >= max) {
      throw new LimitReachedError(`${who} in ${max} groups (or invited to them), the most an account may be`)
    }
  }
}

function memberIndex(group: GroupRecord, key: string): number {
  return group.members.findIndex(m => usernameKey(m.name) === key)
}

function invitedIndex(group: GroupRecord, key: string): number {
  return group.invited.findIndex(i => usernameKey(i.name) === key)
}

function checkGroupName(input: string): string {
  const name = checkText(input, 'a group name', GROUP_NAME_MIN_CHARS, GROUP_NAME_MAX_CHARS)
  if (name.trim() === '') throw new InvalidMessageError('a group name cannot be blank')
  return name
}
