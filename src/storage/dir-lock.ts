import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { DataLockedError, InvalidOptionError } from '../errors.ts'
import { makeDirectoriesSync } from './make-dirs.ts'

/** Name of the lock file inside a data directory. */
export const LOCK_FILE_NAME = 'LOCK'

export interface DirLock {
  readonly path: string
  release(): void
}

/**
 * Take the data directory for this process alone. The lock file holds the owner's pid; a lock whose
 * owner no longer runs (a crash, a kill -9) is stale and taken over, a live owner makes this throw
 * `DataLockedError`. O_EXCL creation makes two racing starters see one winner.
 */
export function lockDataDir(dir: string): DirLock {
  try {
    makeDirectoriesSync(dir, 0o700)
  } catch (err) {
    // A file in the way, no permission: the user's choice of directory, said as such.
    throw new InvalidOptionError(`cannot use ${dir} as the data directory: ${(err as Error).message}`)
  }
  const path = join(dir, LOCK_FILE_NAME)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      try {
        writeSync(fd, `${process.pid}\n`)
      } finally {
        closeSync(fd)
      }
      return lockHandle(path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const owner = readOwner(path)
    if (owner !== null && owner !== process.pid && isRunning(owner)) {
      throw new DataLockedError(
        `${dir} is in use by process ${owner}: stop it first, or use another data directory`
      )
    }
    if (owner === process.pid) {
      throw new DataLockedError(`${dir} is already open in this process: use another data directory`)
    }
    // Stale lock from a process that is gone: remove it and try once more.
    try {
      unlinkSync(path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  throw new DataLockedError(`${dir} is being locked by another process at the same moment: try again`)
}

function lockHandle(path: string): DirLock {
  let released = false
  const release = (): void => {
    if (released) return
    released = true
    process.off('exit', release)
    try {
      unlinkSync(path)
    } catch {
      // Already gone: nothing to release.
    }
  }
  // A process that exits without stop() still frees its directory.
  process.on('exit', release)
  return { path, release }
}

function readOwner(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    // EPERM: it exists but belongs to someone else — still running.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  // A process killed a moment ago may linger as a zombie until its parent reaps it: it holds nothing.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return true // no /proc (not Linux): trust kill(0)
  }
}
