import { describe, expect, it } from 'vitest'
import { escapeTerminal } from '../../peer/ui/terminal.ts'

describe('escapeTerminal', () => {
  it('makes every control, bidi and separator character visible', () => {
    expect(escapeTerminal('a\u001b[31mb')).toBe('a\\e[31mb')
    expect(escapeTerminal('x\ny\r\tz')).toBe('x\\ny\\r\\tz')
    expect(escapeTerminal('\u0000\u0007\u007f\u009b')).toBe('\\x00\\x07\\x7f\\x9b')
    expect(escapeTerminal('\u202Eabc\u2066\u2028')).toBe('\\u202eabc\\u2066\\u2028')
  })

  it('leaves ordinary text, including non-Latin scripts and emoji, alone', () => {
    const text = 'héllo 世界 👋 — "quotes" & <tags>'
    expect(escapeTerminal(text)).toBe(text)
  })
})
