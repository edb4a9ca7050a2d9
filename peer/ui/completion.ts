/** Commands whose first argument is a username, and those whose first argument is a transfer id. */
const USER_ARG = new Set(['msg', 'history', 'send'])
const ID_ARG = new Set(['accept', 'reject', 'cancel', 'discard'])

export interface CompletionSources {
  commands: readonly string[]
  /** Who is online now. */
  users(): string[]
  /** Transfer ids (shortened) the user may mean. */
  transferIds(): string[]
}

/**
 * Tab completion for readline: `/m⇥` → `/msg `, `/msg b⇥` → `/msg bob `, `/accept 3k⇥` → the id.
 * Names match case-insensitively; several matches are listed, as shells do.
 */
export function completer(sources: CompletionSources): (line: string) => [string[], string] {
  return line => {
    const m = /^\/(\S*)$/.exec(line)
    if (m !== null) {
      const hits = sources.commands.filter(c => c.startsWith(m[1])).map(c => `/${c} `)
      return [hits, line]
    }
    const arg = /^\/(\S+)\s+(\S*)$/.exec(line)
    if (arg !== null) {
      const [, cmd, partial] = arg
      const pool = USER_ARG.has(cmd) ? sources.users() : ID_ARG.has(cmd) ? sources.transferIds() : []
      const lower = partial.toLowerCase()
      const hits = [...new Set(pool)].filter(x => x.toLowerCase().startsWith(lower)).map(x => `${x} `)
      return [hits, partial]
    }
    return [[], line]
  }
}
