import { join } from 'node:path'
import { Low } from 'lowdb'
import { InvalidCommandError } from '../../src/errors.ts'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'

/** This device's settings for the account, in its data directory (written atomically and durably). */
export const SETTINGS_FILE_NAME = 'settings.json'
const SETTINGS_VERSION = 1

/** Who may send messages and file offers: anyone logged in (the default), or friends only. */
export type Privacy = 'anyone' | 'friends'
export const PRIVACY_MODES: readonly Privacy[] = ['anyone', 'friends']

interface SettingsFile {
  version: number
  privacy: Privacy
  /** Friends' username keys as last heard from the tracker: privacy works while it is away. */
  friends: string[]
}

function validate(data: unknown): SettingsFile {
  const f = data as SettingsFile
  if (
    typeof f !== 'object' ||
    f === null ||
    f.version !== SETTINGS_VERSION ||
    !PRIVACY_MODES.includes(f.privacy) ||
    !Array.isArray(f.friends) ||
    !f.friends.every(k => typeof k === 'string')
  ) {
    throw new Error(
      `expected {"version": ${SETTINGS_VERSION}, "privacy": "anyone" | "friends", "friends": […]}`
    )
  }
  return f
}

/** The privacy setting, enforced by this peer on inbound chat and file streams (docs/api.md). */
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
