import { mkdir, open, readFile, rename } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Adapter } from 'lowdb'
import { DataCorruptError } from '../errors.ts'

export interface DurableJSONFileInit<T> {
  /**
   * Checks the parsed document and returns it typed; throw to reject it as corrupt.
   * @default accept any JSON value
   */
  validate?: (data: unknown) => T
  /**
   * File mode of the written file.
   * @default 0o600 (accounts and history are private)
   */
  mode?: number
}

/**
 * A lowdb adapter whose writes are atomic and durable: write a temp file, fsync it, rename it over the
 * old one, fsync the directory. A crash leaves either the old or the new file, never half of one.
 * Writes are coalesced: while one is in flight, later calls wait and only the newest data is written next.
 * A file that exists but does not parse is an error, never an empty database.
 */
export class DurableJSONFile<T> implements Adapter<T> {
  readonly path: string
  readonly #validate: (data: unknown) => T
  readonly #mode: number
  #inFlight: Promise<void> | null = null
  #next: { data: T; done: PromiseWithResolvers<void> } | null = null

  constructor(path: string, init: DurableJSONFileInit<T> = {}) {
    this.path = path
    this.#validate = init.validate ?? (data => data as T)
    this.#mode = init.mode ?? 0o600
  }

  async read(): Promise<T | null> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
    if (text.trim() === '') {
      throw new DataCorruptError(
        `${this.path} is empty (truncated?): restore it from a backup or move it away`
      )
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (err) {
      throw new DataCorruptError(
        `${this.path} is not valid JSON (${(err as Error).message}): restore it from a backup or move it away`,
        { cause: err }
      )
    }
    try {
      return this.#validate(parsed)
    } catch (err) {
      throw new DataCorruptError(
        `${this.path} does not hold the expected data (${(err as Error).message}): restore it from a backup or move it away`,
        { cause: err }
      )
    }
  }

  write(data: T): Promise<void> {
    if (this.#inFlight === null) {
      this.#inFlight = this.#run(data)
      return this.#inFlight
    }
    // Coalesce: whoever is waiting gets the newest data written once, after the current write.
    if (this.#next === null) this.#next = { data, done: Promise.withResolvers<void>() }
    else this.#next.data = data
    return this.#next.done.promise
  }

  async #run(data: T): Promise<void> {
    try {
      await writeFileDurably(this.path, `${JSON.stringify(data)}\n`, this.#mode)
    } finally {
      const next = this.#next
      this.#next = null
      this.#inFlight = null
      if (next !== null) {
        this.#inFlight = this.#run(next.data)
        this.#inFlight.then(next.done.resolve, next.done.reject)
      }
    }
  }
}

/** Write `content` to `path` so that after a crash the file is either the old one or the new one. */
export async function writeFileDurably(
  path: string,
  content: string | Uint8Array,
  mode = 0o600
): Promise<void> {
  const dir = dirname(path)
  await mkdir(dir, { recursive: true })
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`)
  const fh = await open(tmp, 'w', mode)
  try {
    await fh.writeFile(content)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
  await fsyncDir(dir)
}

/** fsync a directory, so a rename or a new file in it survives a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r')
  try {
    await dh.sync()
  } finally {
    await dh.close()
  }
}
