import { readFileSync } from 'node:fs'

/** The package version, read once from package.json so `--version` and the protocol agree. */
export const VERSION: string = (() => {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'))
      if (pkg.name === 'p2pchat') return String(pkg.version)
    } catch {
      // Not at this depth (source vs dist): try the next.
    }
  }
  return '0.0.0'
})()
