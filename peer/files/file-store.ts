import type { Hash } from 'node:crypto'
import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { link, lstat, open, realpath, statfs, unlink } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { Low } from 'lowdb'
import { NoSpaceError, UnsafePathError } from '../../src/errors.ts'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'
import { makeDirectories } from '../../src/storage/make-dirs.ts'
import { formatBytes } from '../../src/units.ts'
import { numberedName } from './file-names.ts'

/** File in a peer's data directory remembering accepted transfers that have not finished (for resume). */
export const PARTIALS_FILE_NAME = 'transfers.json'
const SCHEMA_VERSION = 1
/** Numbered alternatives tried before giving up on finding a free name. */
const MAX_NAME_ATTEMPTS = 10_000
/** Reading a file to hash it, this much at a time. */
const HASH_READ_BYTES = 1024 * 1024

/** An accepted incoming file whose `.part` is (or was) being written. */
export interface PartialRecord {
  /** `${sender key}:${sha256 hex}:${size}`: the same file from the same user. */
  key: string
  from: string
  name: string
  size: number
  sha256: string
  partPath: string
  updatedAt: number
}

interface PartialsFile {
  version: number
  partials: PartialRecord[]
}

function validate(data: unknown): PartialsFile {
  const file = data as PartialsFile
  if (typeof file !== 'object' || file === null || file.version !== SCHEMA_VERSION) {
    throw new Error(`expected {"version": ${SCHEMA_VERSION}, "partials": […]}`)
  }
  if (!Array.isArray(file.partials)) throw new Error('"partials" must be a list')
  for (const p of file.partials) {
    if (typeof p?.key !== 'string' || typeof p.partPath !== 'string' || typeof p.size !== 'number') {
      throw new Error('a partial record is malformed')
    }
  }
  return file
}

export function partialKey(fromKey: string, sha256Hex: string, size: number): string {
  return `${fromKey}:${sha256Hex}:${size}`
}

/** The records of unfinished accepted transfers, stored atomically in transfers.json. */
export class PartialStore {
  readonly #db: Low<PartialsFile>

  constructor(dataDir: string) {
    this.#db = new Low(new DurableJSONFile(join(dataDir, PARTIALS_FILE_NAME), { validate }), {
      version: SCHEMA_VERSION,
      partials: []
    })
  }

  async open(): Promise<void> {
    await this.#db.read()
  }

  /** Every record, oldest first. */
  all(): PartialRecord[] {
    return [...this.#db.data.partials]
  }

  find(key: string): PartialRecord | undefined {
    return this.#db.data.partials.find(p => p.key === key)
  }

  async put(record: PartialRecord): Promise<void> {
    this.#db.data.partials = [...this.#db.data.partials.filter(p => p.key !== record.key), record]
    await this.#db.write()
  }

  async remove(key: string): Promise<void> {
    const before = this.#db.data.partials.length
    this.#db.data.partials = this.#db.data.partials.filter(p => p.key !== key)
    if (this.#db.data.partials.length !== before) await this.#db.write()
  }
}

/**
 * Resolve where an accepted file goes: `dir` (relative to the download root, or absolute) must be the
 * root or inside it once every symlink is resolved. Missing directories are created, but only below
 * an existing directory that is itself inside the root. Returns the real path.
 */
export async function resolveDownloadDir(root: string, dir?: string): Promise<string> {
  await makeDirectories(root)
  const realRoot = await realpath(root)
  const wanted = dir === undefined || dir === '' ? root : isAbsolute(dir) ? dir : resolve(root, dir)
  const inside = (p: string): boolean => {
    const rel = relative(realRoot, p)
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
  }
  // The nearest existing ancestor, resolved: a symlink anywhere on the way is followed here.
  let existing = wanted
  let missing: string[] = []
  while (true) {
    try {
      existing = await realpath(existing)
      break
    } catch {
      const parent = dirname(existing)
      if (parent === existing) break
      missing = [existing.slice(parent.length).replace(/^[\\/]+/, ''), ...missing]
      existing = parent
    }
  }
  if (!inside(existing)) {
    throw new UnsafePathError(`${wanted} is outside the download directory ${realRoot}`)
  }
  const target = join(existing, ...missing)
  if (missing.length > 0) await makeDirectories(target)
  const real = await realpath(target)
  if (!inside(real)) throw new UnsafePathError(`${wanted} is outside the download directory ${realRoot}`)
  const st = await lstat(real)
  if (!st.isDirectory()) throw new UnsafePathError(`${wanted} is not a directory`)
  return real
}

/** Refuse when `dir`'s file system has less than `bytes` free for us. */
export async function checkFreeSpace(dir: string, bytes: number): Promise<void> {
  const fs = await statfs(dir)
  const free = fs.bavail * fs.bsize
  if (free < bytes) {
    throw new NoSpaceError(`${dir} has ${formatBytes(free)} free; the file needs ${formatBytes(bytes)} more`)
  }
}

/**
 * Create `<name>.part` in `dir` for a new transfer, never reusing or following an existing entry:
 * the first of name, `name (1)`, … whose final name and `.part` are both free. O_EXCL|O_NOFOLLOW means
 * a file or symlink that appears meanwhile makes this try the next number instead.
 */
export async function createPart(
  dir: string,
  name: string
): Promise<{ handle: FileHandle; partPath: string }> {
  for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
    const candidate = n === 0 ? name : numberedName(name, n)
    const finalPath = join(dir, candidate)
    if (await exists(finalPath)) continue
    const partPath = `${finalPath}.part`
    try {
      const handle = await open(
        partPath,
        constants.O_CREAT | constants.O_EXCL | constants.O_RDWR | constants.O_NOFOLLOW,
        0o644
      )
      return { handle, partPath }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw err
    }
  }
  throw new NoSpaceError(`no free name for ${name} in ${dir} after ${MAX_NAME_ATTEMPTS} tries`)
}

/** Reopen a `.part` to resume it; undefined when it is gone or no longer a plain file. */
export async function reopenPart(partPath: string): Promise<FileHandle | undefined> {
  try {
    const handle = await open(partPath, constants.O_RDWR | constants.O_NOFOLLOW)
    if (!(await handle.stat()).isFile()) {
      await handle.close()
      return undefined
    }
    return handle
  } catch {
    return undefined
  }
}

/**
 * SHA-256 state of the first `length` bytes of an open file, and how many bytes it covers (fewer when
 * the file ends sooner). Reports progress; stops with `signal`.
 */
export async function hashRange(
  handle: FileHandle,
  length: number,
  opts: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {}
): Promise<{ hash: Hash; bytes: number }> {
  const hash = createHash('sha256')
  const buf = Buffer.allocUnsafe(Math.min(HASH_READ_BYTES, Math.max(1, length)))
  let pos = 0
  while (pos < length) {
    opts.signal?.throwIfAborted()
    const { bytesRead } = await handle.read(buf, 0, Math.min(buf.byteLength, length - pos), pos)
    if (bytesRead === 0) break
    hash.update(buf.subarray(0, bytesRead))
    pos += bytesRead
    opts.onProgress?.(pos)
  }
  return { hash, bytes: pos }
}

/**
 * Give a verified `.part` its final name without ever replacing a file: link() fails if the name is
 * taken (then the next number is tried), and only then is the `.part` removed. Returns the final path.
 */
export async function publishPart(partPath: string, name: string): Promise<string> {
  const dir = dirname(partPath)
  for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
    const finalPath = join(dir, n === 0 ? name : numberedName(name, n))
    try {
      await link(partPath, finalPath)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw err
    }
    await unlink(partPath)
    const dh = await open(dir, 'r')
    await dh.sync().finally(() => dh.close())
    return finalPath
  }
  throw new NoSpaceError(`no free name for ${name} in ${dir}`)
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch {
    return false
  }
}
