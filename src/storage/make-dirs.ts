import { mkdirSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/**
 * `mkdir -p` that cannot spin: Node's recursive mkdir loops forever on a path some file systems refuse
 * with ENOENT (`/proc/x`), so walk up to the nearest existing directory and create each level below.
 * Throws ENOTDIR for a file in the way, and the file system's own errors for the rest.
 */
export function makeDirectoriesSync(dir: string, mode?: number): void {
  const missing: string[] = []
  let p = resolve(dir)
  while (true) {
    try {
      if (!statSync(p).isDirectory()) throw notADirectory(p)
      break
    } catch (err) {
      const parent = dirname(p)
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === p) throw err
      missing.unshift(p)
      p = parent
    }
  }
  for (const m of missing) {
    try {
      mkdirSync(m, { mode })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
}

/** The same as a promise (a few system calls: done in place, rarely, when a directory is chosen). */
export async function makeDirectories(dir: string, mode?: number): Promise<void> {
  makeDirectoriesSync(dir, mode)
}

function notADirectory(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${path} is not a directory`), { code: 'ENOTDIR' })
}
