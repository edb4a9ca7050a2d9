#!/usr/bin/env node
/**
 * The `p2pchat` command: one binary, one subcommand per role.
 */
import { P2PChatError } from './errors.ts'
import { VERSION } from './version.ts'

const HELP = `Usage: p2pchat <command> [options]

Commands:
  tracker     run a tracker: accounts, logins, the online list (p2pchat tracker --help)
  peer        log in and chat directly with other peers    (p2pchat peer --help)

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
    default:
      process.stderr.write(`p2pchat: unknown command "${command}"\n\n${HELP}`)
      return 2
  }
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  err => {
    if (err instanceof P2PChatError && err.code === 'INVALID_OPTION') {
      process.stderr.write(`p2pchat: ${err.message}\nRun with --help to see the options.\n`)
      process.exit(2)
    }
    process.stderr.write(
      `p2pchat: ${err instanceof P2PChatError ? `${err.code}: ` : ''}${err?.message ?? err}\n`
    )
    process.exit(1)
  }
)
