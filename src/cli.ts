#!/usr/bin/env node
/**
 * The `p2pchat` command: one binary, one subcommand per role.
 *
 * Static imports run before this module's body, and so before the Node version check below: keep them to
 * modules that load on any Node (no libp2p); the subcommands are imported only once the check passed.
 */
import { isatty } from 'node:tty'
import { P2PChatError } from './errors.ts'
import { unsupportedNodeMessage, VERSION } from './version.ts'

const HELP = `Usage: p2pchat <command> [options]

Commands:
  tracker     run a tracker: accounts, logins, the online list   (p2pchat tracker --help)
  peer        log in and chat directly with other peers          (p2pchat peer --help)
  web         the same in your browser: a local web app           (p2pchat web --help)

Options:
  -h, --help      show this help
  -v, --version   print the version
`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(HELP)
      return command === undefined ? 2 : 0
    case '-v':
    case '--version':
      process.stdout.write(`${VERSION}\n`)
      return 0
    case 'tracker': {
      const { runTracker } = await import('../tracker/cli.ts')
      return runTracker(rest)
    }
    case 'peer': {
      const { runPeer } = await import('../peer/cli.ts')
      return runPeer(rest)
    }
    case 'web': {
      const { runWeb } = await import('../peer/web/index.ts')
      return runWeb(rest)
    }
    default:
      process.stderr.write(`p2pchat: unknown command "${command}"\n\n${HELP}`)
      return 2
  }
}

const tooOld = unsupportedNodeMessage()
if (tooOld !== undefined) {
  // Before any subcommand is loaded: on an old Node libp2p would fail later with a bare TypeError.
  process.stderr.write(`${tooOld}\n`)
  process.exitCode = 1
} else {
  // Debug logging (DEBUG=p2pchat:*) colours its lines when stderr is a terminal. Unless told, the logger
  // asks the terminal (isatty) each time one is made — libp2p makes several per connection and per
  // stream, 3 % of a tracker's CPU in a reconnect storm. Asked once here, before libp2p is loaded.
  process.env.DEBUG_COLORS ??= isatty(2) ? 'yes' : 'no'
  main(process.argv.slice(2)).then(
    code => process.exit(code),
    err => {
      // One format for every error that ends the program, as docs/errors.md shows: p2pchat: CODE: message
      const code = err instanceof P2PChatError ? err.code : 'INTERNAL'
      process.stderr.write(`p2pchat: ${code}: ${err?.message ?? err}\n`)
      if (code === 'INVALID_OPTION') {
        process.stderr.write('Run with --help to see the options.\n')
        process.exit(2)
      }
      process.exit(1)
    }
  )
}
