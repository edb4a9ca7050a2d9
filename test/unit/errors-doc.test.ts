import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/errors.ts'

describe('docs/errors.md', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  const documented = [...doc.matchAll(/^\| `([A-Z_]+)`\s*\|/gm)].map(m => m[1])

  it('lists every error code the code can produce', () => {
    expect(ERROR_CODES.filter(code => !documented.includes(code))).toEqual([])
  })

  it('lists no code that does not exist', () => {
    expect(documented.filter(code => !ERROR_CODES.includes(code))).toEqual([])
  })
})
