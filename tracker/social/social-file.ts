import { usernameKey } from '../../src/usernames.ts'

/**
 * The tracker's social files: social.json (the lowdb snapshot) and social.journal (changes since),
 * their format and their validation. Every journal record holds the whole new state of one thing (a
 * user, a pair of users, a group) or says it is gone, so replaying a record twice, or over a snapshot
 * that already has it, changes nothing: the last record of a thing wins.
 */

/** Snapshot of friends, groups, last-seen times and devices, in the tracker's data directory. */
export const SOCIAL_FILE_NAME = 'social.json'
/** Changes since social.json was written, one JSON record per line. */
export const SOCIAL_JOURNAL_FILE_NAME = 'social.journal'
export const SOCIAL_SCHEMA_VERSION = 1

/** What the tracker keeps about an account beyond its password: when it was last seen, its devices. */
export interface UserRecord {
  /** Canonical spelling, as the account has it. */
  name: string
  /** Unix ms of its last logout or disconnect; 0 when never seen. */
  lastSeen: number
  /** PeerIds (strings) it logged in with, newest first, at most MAX_DEVICES_PER_ACCOUNT. */
  devices: string[]
}

/**
 * Two users: friends, a request from one to the other, or a cool-down after a decline (or several of
 * these: a cool-down stays while the other side asks). `a` and `b` are canonical names, `a`'s key first.
 */
export interface PairRecord {
  a: string
  b: string
  /** Friends since (Unix ms); absent when not friends. */
  since?: number
  /** `a`'s private alias for `b`, and `b`'s for `a`. */
  aliasA?: string
  aliasB?: string
  /** A pending request: who asked, when. */
  req?: { from: string; at: number }
  /** `from` was declined and may not ask again before `until`. */
  cool?: { from: string; until: number }
}

export interface GroupRecord {
  id: string
  name: string
  /** Canonical name of a member. */
  owner: string
  open: boolean
  /** In joining order: the first is the longest-standing. */
  members: Array<{ name: string; since: number }>
  invited: Array<{ name: string; by: string; at: number }>
  version: number
  createdAt: number
}

export interface SocialFile {
  version: number
  users: UserRecord[]
  pairs: PairRecord[]
  groups: GroupRecord[]
}

export type SocialRecord =
  | { t: 'user'; user: UserRecord }
  | { t: 'pair'; pair: PairRecord }
  | { t: 'unpair'; a: string; b: string }
  | { t: 'group'; group: GroupRecord }
  | { t: 'ungroup'; id: string }

const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function checkUser(u: UserRecord): void {
  if (!isObject(u) || !isName(u.name) || !isTime(u.lastSeen) || !Array.isArray(u.devices)) {
    throw new Error(`user ${JSON.stringify(u?.name)} is malformed`)
  }
  if (!u.devices.every(isName)) throw new Error(`user "${u.name}" has a malformed device`)
}

function checkPair(p: PairRecord): void {
  const ok =
    isObject(p) &&
    isName(p.a) &&
    isName(p.b) &&
    usernameKey(p.a) < usernameKey(p.b) &&
    (p.since === undefined || isTime(p.since)) &&
    (p.aliasA === undefined || typeof p.aliasA === 'string') &&
    (p.aliasB === undefined || typeof p.aliasB === 'string') &&
    (p.req === undefined || (isObject(p.req) && isName(p.req.from) && isTime(p.req.at))) &&
    (p.cool === undefined || (isObject(p.cool) && isName(p.cool.from) && isTime(p.cool.until)))
  if (!ok) throw new Error(`pair ${JSON.stringify(p?.a)}/${JSON.stringify(p?.b)} is malformed`)
}

function checkGroup(g: GroupRecord): void {
  const ok =
    isObject(g) &&
    isName(g.id) &&
    typeof g.name === 'string' &&
    isName(g.owner) &&
    typeof g.open === 'boolean' &&
    Array.isArray(g.members) &&
    g.members.length > 0 &&
    g.members.every(m => isObject(m) && isName(m.name) && isTime(m.since)) &&
    g.members.some(m => usernameKey(m.name) === usernameKey(g.owner)) &&
    Array.isArray(g.invited) &&
    g.invited.every(i => isObject(i) && isName(i.name) && typeof i.by === 'string' && isTime(i.at)) &&
    isTime(g.version) &&
    isTime(g.createdAt)
  if (!ok) throw new Error(`group ${JSON.stringify(g?.id)} is malformed`)
}

export function validateSocialFile(data: unknown): SocialFile {
  const file = data as SocialFile
  if (!isObject(file) || file.version !== SOCIAL_SCHEMA_VERSION) {
    throw new Error(
      `expected {"version": ${SOCIAL_SCHEMA_VERSION}, "users": […], "pairs": […], "groups": […]}`
    )
  }
  if (!Array.isArray(file.users) || !Array.isArray(file.pairs) || !Array.isArray(file.groups)) {
    throw new Error('"users", "pairs" and "groups" must be arrays')
  }
  for (const u of file.users) checkUser(u)
  for (const p of file.pairs) checkPair(p)
  for (const g of file.groups) checkGroup(g)
  return file
}

/** A journal line as a record, or why it is not one. */
export function parseSocialRecord(line: string): SocialRecord | string {
  try {
    return checkSocialRecord(JSON.parse(line))
  } catch (err) {
    return (err as Error).message
  }
}

/** A parsed value as a record; throws saying why it is not one. */
export function checkSocialRecord(value: unknown): SocialRecord {
  const r = value as SocialRecord
  if (!isObject(r)) throw new Error('not a record')
  switch (r.t) {
    case 'user':
      checkUser(r.user)
      break
    case 'pair':
      checkPair(r.pair)
      break
    case 'unpair':
      if (!isName(r.a) || !isName(r.b)) throw new Error('malformed unpair')
      break
    case 'group':
      checkGroup(r.group)
      break
    case 'ungroup':
      if (!isName(r.id)) throw new Error('malformed ungroup')
      break
    default:
      throw new Error(`unknown record type ${JSON.stringify((r as { t?: unknown }).t)}`)
  }
  return r
}

/** The map key of the pair of `x` and `y` (usernameKeys), the same whichever comes first. */
export function pairKey(x: string, y: string): string {
  return x < y ? `${x}\n${y}` : `${y}\n${x}`
}
