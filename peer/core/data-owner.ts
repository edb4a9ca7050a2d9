import { join } from 'node:path'
import { InvalidOptionError } from '../../src/errors.ts'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'
import { usernameKey } from '../../src/usernames.ts'

/** File in a peer's data directory naming the account it belongs to. */
export const OWNER_FILE_NAME = 'account.json'

interface OwnerFile {
  user: string
}

function validate(data: unknown): OwnerFile {
  if (typeof (data as OwnerFile)?.user !== 'string') throw new Error('expected {"user": "<name>"}')
  return data as OwnerFile
}

/**
 * A data directory holds one account's identity and history. Once an account has logged in from it,
 * the directory is that account's: starting another user on it (an exported P2PCHAT_DATA and a new
 * --user) would bind that account to this identity and show it someone else's messages.
 */
export class DataOwner {
  readonly #file: DurableJSONFile<OwnerFile>
  readonly #dataDir: string
  #owner?: string

  constructor(dataDir: string) {
    this.#dataDir = dataDir
    this.#file = new DurableJSONFile(join(dataDir, OWNER_FILE_NAME), { validate })
  }

  /** Refuse (INVALID_OPTION) when the directory belongs to another account than `user`. */
  async check(user: string): Promise<void> {
    this.#owner = (await this.#file.read())?.user
    if (this.#owner !== undefined && usernameKey(this.#owner) !== usernameKey(user)) {
      throw new InvalidOptionError(
        `the data directory ${this.#dataDir} belongs to the account "${this.#owner}", not "${user}": give "${user}" a --data of its own`
      )
    }
  }

  /** After the first successful login: the directory is `user`'s from now on. */
  async claim(user: string): Promise<void> {
    if (this.#owner !== undefined) return
    this.#owner = user
    await this.#file.write({ user })
  }
}
