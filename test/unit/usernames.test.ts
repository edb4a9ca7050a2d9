import { describe, expect, it } from 'vitest'
import { checkPassword, normalizeUsername, usernameKey } from '../../src/usernames.ts'

describe('usernames', () => {
  it('accepts letters, digits and _ - . in any script, NFC-normalised', () => {
    expect(normalizeUsername('alice_01-x.y')).toBe('alice_01-x.y')
    expect(normalizeUsername('张伟')).toBe('张伟')
    // "e" + combining acute becomes the precomposed "é".
    expect(normalizeUsername('re\u0301ne')).toBe('r\u00e9ne')
  })

  it.each([
    ['', 'empty'],
    ['a'.repeat(33), 'too long'],
    ['a b', 'space'],
    ['a/b', 'slash'],
    ['a\u0000b', 'NUL'],
    ['a\u001bb', 'ESC'],
    ['a\u202eb', 'bidi override'],
    ['a\u200bb', 'zero-width space'],
    ['.', 'dot'],
    ['...', 'dots'],
    ['a@b', 'symbol']
  ])('refuses %j (%s) with INVALID_USERNAME', input => {
    expect(() => normalizeUsername(input)).toThrow(expect.objectContaining({ code: 'INVALID_USERNAME' }))
  })

  it('counts characters, not bytes or UTF-16 units', () => {
    expect(normalizeUsername('é'.repeat(32))).toHaveLength(32)
    expect(() => normalizeUsername('é'.repeat(33))).toThrow()
  })

  it('makes keys case-insensitive', () => {
    expect(usernameKey('Alice')).toBe(usernameKey('ALICE'))
    expect(usernameKey('RÉNE')).toBe(usernameKey('réne'))
  })

  it('bounds passwords in UTF-8 bytes', () => {
    expect(() => checkPassword('1234567')).toThrow(expect.objectContaining({ code: 'INVALID_PASSWORD' }))
    expect(() => checkPassword('12345678')).not.toThrow()
    expect(() => checkPassword('é'.repeat(512))).not.toThrow()
    expect(() => checkPassword(`${'é'.repeat(512)}x`)).toThrow(
      expect.objectContaining({ code: 'INVALID_PASSWORD' })
    )
  })
})
