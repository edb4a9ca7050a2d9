import { describe, expect, it } from 'vitest'
import { errorReply, parseCommand } from '../../peer/api/commands.ts'
import { TextTooLongError } from '../../src/errors.ts'

describe('command schema', () => {
  it('parses commands and keeps the id', () => {
    expect(parseCommand('{"id":"1","cmd":"who"}')).toEqual({ id: '1', cmd: 'who' })
    expect(parseCommand('{"cmd":"msg","to":"bob","text":"hi"}')).toMatchObject({ cmd: 'msg', to: 'bob' })
  })

  it.each([
    ['not json', 'not JSON'],
    ['[1,2]', 'JSON object'],
    ['"who"', 'JSON object'],
    ['{"cmd":"fly"}', 'unknown command'],
    ['{"cmd":42}', 'unknown command'],
    ['{"id":7,"cmd":"who"}', '"id" must be a string']
  ])('refuses %s with INVALID_COMMAND', (line, text) => {
    expect(() => parseCommand(line)).toThrow(
      expect.objectContaining({ code: 'INVALID_COMMAND', message: expect.stringContaining(text) })
    )
  })

  it('turns errors into replies with their code', () => {
    expect(errorReply('9', new TextTooLongError('too long'))).toEqual({
      id: '9',
      ok: false,
      error: { code: 'TEXT_TOO_LONG', message: 'too long' }
    })
    expect(errorReply(undefined, new Error('boom'))).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom' }
    })
  })
})
