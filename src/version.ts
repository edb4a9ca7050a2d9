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

/**
 * Oldest Node.js major p2pchat runs on: libp2p 3 calls `Promise.withResolvers` (Node 22+). package.json's
 * `engines.node` says the same (test/e2e/launcher.test.ts keeps the two in step).
 */
export const MIN_NODE_MAJOR = 22

/**
 * Why this Node cannot run p2pchat, or undefined if it can. src/cli.ts calls it before it loads any
 * libp2p code, so this module must itself load on older Nodes (no newer APIs at top level).
 */
export function unsupportedNodeMessage(nodeVersion: string = process.versions.node): string | undefined {
  const major = Number.parseInt(nodeVersion, 10)
  if (major >= MIN_NODE_MAJOR) return undefined
  return (
    `p2pchat: needs Node.js ${MIN_NODE_MAJOR} or newer (this is v${nodeVersion}). Run it with ./p2pchat ` +
    `from the checkout, which uses the Node it installed, or install Node ${MIN_NODE_MAJOR}+.`
  )
}
