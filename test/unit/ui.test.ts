import { describe, expect, it } from 'vitest'
import { completer } from '../../peer/ui/completion.ts'
import { formatMultiline, formatTime, wantsColor } from '../../peer/ui/format.ts'
import { SLASH_COMMANDS } from '../../peer/ui/interactive.ts'
import { formatBytes } from '../../src/units.ts'

describe('completer', () => {
  const complete = completer({
    commands: SLASH_COMMANDS.map(([name]) => name),
    users: () => ['Bob', 'bobby', 'carol', 'bobby'],
    transferIds: () => ['3kP0abcd', '3kQ1efgh', 'Zz9yxwvu']
  })

  it('completes commands after a slash', () => {
    expect(complete('/m')).toEqual([['/msg '], '/m'])
    expect(complete('/h')).toEqual([['/history ', '/help '], '/h'])
    expect(complete('/')[0]).toEqual(SLASH_COMMANDS.map(([name]) => `/${name} `))
    expect(complete('/x')).toEqual([[], '/x'])
  })

  it('completes the names of people online after /msg, /history and /send, ignoring case', () => {
    expect(complete('/msg bo')).toEqual([['Bob ', 'bobby '], 'bo'])
    expect(complete('/msg BOBB')).toEqual([['bobby '], 'BOBB'])
    expect(complete('/history C')).toEqual([['carol '], 'C'])
    expect(complete('/send ')).toEqual([['Bob ', 'bobby ', 'carol '], ''])
    expect(complete('/msg dan')).toEqual([[], 'dan'])
  })

  it('completes transfer ids after /accept, /reject, /cancel and /discard, not names', () => {
    expect(complete('/accept 3kP')).toEqual([['3kP0abcd '], '3kP'])
    expect(complete('/reject 3k')).toEqual([['3kP0abcd ', '3kQ1efgh '], '3k'])
    expect(complete('/cancel zz')).toEqual([['Zz9yxwvu '], 'zz'])
    expect(complete('/discard bo')).toEqual([[], 'bo'])
    expect(complete('/accept car')).toEqual([[], 'car'])
  })

  it('offers nothing for plain text, a message being typed, or commands without arguments', () => {
    expect(complete('hello')).toEqual([[], 'hello'])
    expect(complete('hello bo')).toEqual([[], 'hello bo'])
    expect(complete('/msg bob hel')).toEqual([[], '/msg bob hel'])
    expect(complete('/who bo')).toEqual([[], 'bo'])
    expect(complete('')).toEqual([[], ''])
  })
})

describe('formatTime', () => {
  const at = new Date(2026, 10, 23, 14, 5, 59).getTime()

  it('shows hours and minutes for a time today', () => {
    expect(formatTime(at, new Date(2026, 10, 23, 23, 59).getTime())).toBe('14:05')
    expect(formatTime(new Date(2026, 10, 23, 0, 7).getTime(), at)).toBe('00:07')
  })

  it('adds the date for any other day, also yesterday and the same day of another month or year', () => {
    expect(formatTime(at, new Date(2026, 10, 24, 0, 1).getTime())).toBe('2026-11-23 14:05')
    expect(formatTime(at, new Date(2026, 11, 23, 14, 5).getTime())).toBe('2026-11-23 14:05')
    expect(formatTime(at, new Date(2027, 10, 23, 14, 5).getTime())).toBe('2026-11-23 14:05')
    expect(formatTime(new Date(2026, 0, 2, 3, 4).getTime(), at)).toBe('2026-01-02 03:04')
  })
})

describe('wantsColor', () => {
  it('colours only a terminal', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true)
    expect(wantsColor({ isTTY: false }, {})).toBe(false)
    expect(wantsColor({}, {})).toBe(false)
    expect(wantsColor({ isTTY: false }, { TERM: 'xterm-256color' })).toBe(false)
  })

  it('honours NO_COLOR when set to anything but the empty string, and TERM=dumb', () => {
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
    expect(wantsColor({ isTTY: true }, { NO_COLOR: 'false' })).toBe(false)
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true)
    expect(wantsColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false)
    expect(wantsColor({ isTTY: true }, { TERM: 'xterm-256color' })).toBe(true)
  })
})

describe('formatMultiline', () => {
  it('puts the first line after the prefix and indents the others to its visible width', () => {
    expect(formatMultiline('14:05 bob: ', 11, 'one')).toBe('14:05 bob: one')
    expect(formatMultiline('14:05 bob: ', 11, 'one\ntwo\r\nthree\rfour')).toBe(
      ['14:05 bob: one', `${' '.repeat(11)}two`, `${' '.repeat(11)}three`, `${' '.repeat(11)}four`].join('\n')
    )
    // A coloured prefix is wider in characters than on screen: the indent follows what is seen.
    const coloured = '\u001b[2m14:05\u001b[22m \u001b[36mbob\u001b[39m: '
    expect(formatMultiline(coloured, 11, 'a\nb').split('\n')[1]).toBe(`${' '.repeat(11)}b`)
  })

  it('escapes ESC and other controls in every line, so no line can move the cursor or fake a sender', () => {
    const out = formatMultiline(
      'bob: ',
      5,
      '\u001b[31mred\n\u001b[2Jclear\nmallory: \u202Eevil\u2028x\u0085y'
    )
    expect(out).toBe(
      ['bob: \\e[31mred', '     \\e[2Jclear', '     mallory: \\u202eevil\\u2028x\\x85y'].join('\n')
    )
    expect(out).not.toContain('\u001b')
    for (const line of out.split('\n').slice(1)) expect(line.startsWith('     ')).toBe(true)
  })
})

describe('formatBytes', () => {
  it('uses binary units with one decimal above bytes', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1024)).toBe('1.0 KiB')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(52_428_800)).toBe('50.0 MiB')
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GiB')
    expect(formatBytes(64 * 1024 ** 3)).toBe('64.0 GiB')
  })

  it('moves to the next unit when rounding reaches 1024 (1 MiB - 1 byte is not "1024.0 KiB")', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB')
    expect(formatBytes(1024 ** 3 - 1)).toBe('1.0 GiB')
  })
})

describe('typedPath', () => {
  it('takes away surrounding quotes and expands a leading ~', async () => {
    const { typedPath } = await import('../../peer/ui/interactive.ts')
    const { homedir } = await import('node:os')
    expect(typedPath('  "/tmp/we ird.bin" ')).toBe('/tmp/we ird.bin')
    expect(typedPath("'a b'")).toBe('a b')
    expect(typedPath('~/photos/cat.jpg')).toBe(`${homedir()}/photos/cat.jpg`)
    expect(typedPath('~')).toBe(homedir())
    // Only a leading ~/ is the home directory; quotes must match.
    expect(typedPath('a~/b')).toBe('a~/b')
    expect(typedPath('"half')).toBe('"half')
  })
})
