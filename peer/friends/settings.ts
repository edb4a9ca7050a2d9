import { join } from 'node:path'
import { Low } from 'lowdb'
import { InvalidCommandError } from '../../src/errors.ts'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'
import type { Presence } from '../api/schema.ts'
import { PRESENCES } from './friends-book.ts'

/** This device's settings for the account, in its data directory (written atomically and durably). */
export const SETTINGS_FILE_NAME = 'settings.json'
const SETTINGS_VERSION = 1

/** Who may send messages and file offers: anyone logged in (the default), or friends only. */
export type Privacy = 'anyone' | 'friends'
export const PRIVACY_MODES: readonly Privacy[] = ['anyone', 'friends']

/** Our own status, as we last set it: set again at every login (the tracker forgets it at logout). */
export interface OwnStatus {
  presence: Presence
  text: string
}
export const DEFAULT_STATUS: Readonly<OwnStatus> = { presence: 'online', text: '' }

interface SettingsFile {
  version: number
  privacy: Privacy
  /** Friends' username keys as last heard from the tracker: privacy works while it is away. */
  friends: string[]
  /** Absent in files written before it was kept: then online, without text. */
  status?: OwnStatus
}

function validate(data: unknown): SettingsFile {
  const f = data as SettingsFile
  if (
    typeof f !== 'object' ||
    f === null ||
    f.version !== SETTINGS_VERSION ||
    !PRIVACY_MODES.includes(f.privacy) ||
    !Array.isArray(f.friends) ||
    !f.friends.every(k => typeof k === 'string') ||
    (f.status !== undefined &&
      (typeof f.status !== 'object' ||
        f.status === null ||
        !PRESENCES.includes(f.status.presence) ||
        typeof f.status.text !== 'string'))
  ) {
    throw new Error(
      `expected {"version": ${SETTINGS_VERSION}, "privacy": "anyone" | "friends", "friends": […], "status"?: {"presence": "online" | "away" | "busy", "text": "…"}}`
    )
  }
  return f
}

/**
 * The privacy setting, enforced by this peer on inbound chat and file streams, and our own status, said
 * again to the tracker at every login (docs/api.md).
 */
export class PeerSettings {
  readonly #db: Low<SettingsFile>

  constructor(dataDir: string) {
    this.#db = new Low(new DurableJSONFile<SettingsFile>(join(dataDir, SETTINGS_FILE_NAME), { validate }), {
      version: SETTINGS_VERSION,
      privacy: 'anyone',
      friends: []
    })
  }

  async open(): Promise<void> {
    await this.#db.read()
  }

  get privacy(): Privacy {
    return this.#db.data.privacy
  }

  get friends(): readonly string[] {
    return this.#db.data.friends
  }

  /** Our status as last set (online, without text, until the user sets one). */
  get status(): Readonly<OwnStatus> {
    return this.#db.data.status ?? DEFAULT_STATUS
  }

  /** Remember our status (already checked, and taken by the tracker); resolves once it is on disk. */
  async setStatus(status: OwnStatus): Promise<void> {
    const previous = this.#db.data.status
    if (previous?.presence === status.presence && previous.text === status.text) return
    this.#db.data.status = { presence: status.presence, text: status.text }
    try {
      await this.#db.write()
    } catch (err) {
      this.#db.data.status = previous
      throw err
    }
  }

  /** Replace the cached friends (username keys); written only when it changed. */
  async setFriends(keys: string[]): Promise<void> {
    const sorted = [...new Set(keys)].sort()
    if (sorted.join('\n') === [...this.#db.data.friends].sort().join('\n')) return
    this.#db.data.friends = sorted
    await this.#db.write()
  }

  /** Change it; resolves once it is on disk. */
  async setPrivacy(mode: unknown): Promise<Privacy> {
    if (typeof mode !== 'string' || !PRIVACY_MODES.includes(mode as Privacy)) {
      throw new InvalidCommandError(`"mode" must be one of: ${PRIVACY_MODES.join(', ')}`)
    }
    const previous = this.#db.data.privacy
    this.#db.data.privacy = mode as Privacy
    try {
      await this.#db.write()
    } catch (err) {
      this.#db.data.privacy = previous
      throw err
    }
    return mode as Privacy
  }
}
