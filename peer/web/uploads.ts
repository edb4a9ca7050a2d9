import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { FileTooLargeError, InvalidFileNameError } from '../../src/errors.ts'
import { fsyncDir } from '../../src/storage/durable-json-file.ts'
import { formatBytes } from '../../src/units.ts'
import { MAX_FILE_NAME_BYTES, sanitizeFileName, truncateName } from '../files/file-names.ts'

/** Files the page hands over to be sent wait here, inside the account's data directory. */
export const UPLOADS_DIR = 'uploads'
/**
 * An upload is kept this long after it arrived, so an interrupted transfer can resume from it when
 * sent again; older ones are removed whenever a new one arrives.
 */
export const UPLOAD_KEEP_MS = 24 * 3600_000

const PART_SUFFIX = '.part'

export interface Upload {
  path: string
  name: string
  size: number
}

/**
 * Store a file the page posted (the browser cannot hand the peer a path): its bytes, counted and
 * bounded while they stream, to `<dataDir>/uploads/<random>/<name>.part`, then synced and renamed
 * to `<name>` — a crash never leaves a half file under the final name.
 */
export async function receiveUpload(
  req: IncomingMessage,
  dataDir: string,
  rawName: string | undefined,
  maxBytes: number
): Promise<Upload> {
  let decoded: string
  try {
    decoded = decodeURIComponent(rawName ?? '')
  } catch {
    throw new InvalidFileNameError('X-File-Name must be the file name, URI-encoded')
  }
  // Room for the `.part` it streams to first, within the file system's 255 bytes.
  const name = truncateName(sanitizeFileName(decoded), MAX_FILE_NAME_BYTES - PART_SUFFIX.length)
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new FileTooLargeError(
      `${name} is ${formatBytes(declared)}; this peer sends files up to ${formatBytes(maxBytes)} (--max-file-size)`
    )
  }
  const root = join(dataDir, UPLOADS_DIR)
  await pruneUploads(root)
  const dir = join(root, randomBytes(8).toString('hex'))
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const part = join(dir, `${name}${PART_SUFFIX}`)
  let size = 0
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.byteLength
      if (size > maxBytes) {
        done(new FileTooLargeError(`the upload passed ${formatBytes(maxBytes)} (--max-file-size)`))
        return
      }
      done(null, chunk)
    }
  })
  try {
    await pipeline(req, counter, createWriteStream(part, { mode: 0o600 }))
    const handle = await open(part, 'r+')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
    const path = join(dir, name)
    await rename(part, path)
    await fsyncDir(dir)
    return { path, name, size }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

/** Remove uploads older than UPLOAD_KEEP_MS (best effort: a busy or vanished one is left). */
export async function pruneUploads(root: string, now = Date.now()): Promise<void> {
  const entries = await readdir(root).catch(() => [] as string[])
  for (const entry of entries) {
    const dir = join(root, entry)
    const info = await stat(dir).catch(() => undefined)
    if (info?.isDirectory() && now - info.mtimeMs > UPLOAD_KEEP_MS) {
      await rm(dir, { recursive: true, force: true }).catch(() => {})
    }
  }
}
