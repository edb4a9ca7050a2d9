import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { COMMAND_FIELDS, COMMAND_NAMES, EVENT_NAMES } from '../../peer/api/schema.ts'
import { SLASH_COMMANDS } from '../../peer/ui/interactive.ts'

/** The rows of the markdown table under `## heading`: first cell name, second cell text. */
function table(doc: string, heading: string): Map<string, string> {
  const section = doc.split(/^## /m).find(s => s.startsWith(heading))
  if (section === undefined) throw new Error(`docs/api.md has no "## ${heading}"`)
  const rows = new Map<string, string>()
  for (const m of section.matchAll(/^\| `([a-z-]+)` \| ([^|]*) \|/gm)) rows.set(m[1], m[2])
  return rows
}

/** Backticked field names in a cell, `?` kept, notes in parentheses left out: "`to`, `dir?` (…)" → ['to', 'dir?']. */
function fields(cell: string): string[] {
  return [...cell.replace(/\([^)]*\)/g, '').matchAll(/`([a-zA-Z]+\??)`/g)].map(m => m[1])
}

describe('docs/api.md', () => {
  const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')

  it('documents exactly the commands of the schema, each with its fields', () => {
    const rows = table(doc, 'Commands')
    expect([...rows.keys()].sort()).toEqual([...COMMAND_NAMES].sort())
    for (const name of COMMAND_NAMES) {
      const spec: Record<string, string> = COMMAND_FIELDS[name]
      const want = Object.entries(spec).map(([k, t]) => (t.endsWith('?') ? `${k}?` : k))
      expect(fields(rows.get(name)!), name).toEqual(want)
    }
  })

  it('documents exactly the events of the schema', () => {
    expect([...table(doc, 'Events').keys()].sort()).toEqual([...EVENT_NAMES].sort())
  })

  it('names every interactive command', () => {
    const section = doc.split(/^## /m).find(s => s.startsWith('Interactive CLI'))!
    for (const [name] of SLASH_COMMANDS) expect(section).toContain(`/${name}`)
  })
})
