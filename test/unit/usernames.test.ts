import { describe, expect, it } from 'vitest'
import { isHighlyRestrictive, skeleton } from '../../src/confusables.ts'
import {
  checkPassword,
  checkUsernameScripts,
  normalizeUsername,
  usernameKey,
  usernameSkeleton
} from '../../src/usernames.ts'

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

  it.each([
    ['\u0430lice', 'Cyrillic а'],
    ['\uff41\uff4c\uff49\uff43\uff45', 'fullwidth'],
    ['\u0251lice', 'Latin alpha'],
    ['al\u0131ce', 'dotless i'],
    ['ALICE', 'capitals'],
    ['al\u0456ce', 'Cyrillic і']
  ])('gives look-alike %j (%s) the skeleton of "alice"', name => {
    expect(usernameSkeleton(normalizeUsername(name))).toBe(usernameSkeleton('alice'))
  })

  it('tells apart names that only share letters, and folds digits that pass for letters', () => {
    expect(usernameSkeleton('alice')).not.toBe(usernameSkeleton('alicia'))
    expect(usernameSkeleton('bob')).not.toBe(usernameSkeleton('rob'))
    expect(usernameSkeleton('b0b')).toBe(usernameSkeleton('bob'))
    expect(usernameSkeleton('ju1ia')).toBe(usernameSkeleton('julia'))
    expect(usernameSkeleton('rnary')).toBe(usernameSkeleton('mary'))
    expect(usernameSkeleton('Zoë')).not.toBe(usernameSkeleton('Zoe'))
    // Same usernameKey, same skeleton: the skeleton only ever merges more.
    expect(usernameSkeleton('Stra\u00dfe')).toBe(usernameSkeleton('STRA\u1e9eE'))
  })

  it('keeps usernameKey as it was: peers file data and history under it', () => {
    expect(usernameKey('Alice')).toBe('alice')
    expect(usernameKey('Mary')).toBe('mary')
    expect(usernameKey('\u0430lice')).not.toBe(usernameKey('alice'))
  })

  it('computes the TR39 skeleton: NFD, prototypes, NFD', () => {
    expect(skeleton('\u0430')).toBe('a')
    expect(skeleton('m')).toBe('rn')
    expect(skeleton('0')).toBe('O')
    expect(skeleton('\u00e9')).toBe('e\u0301')
  })

  it.each([
    ['p\u0430ypal', 'Latin + Cyrillic'],
    ['\u0430lice', 'Cyrillic а in Latin'],
    ['\u03b1lice', 'Greek α in Latin'],
    ['\u0410\u043b\u0438ce', 'Cyrillic then Latin'],
    ['\u0633alim', 'Arabic + Latin'],
    ['\u30bfro\ud55c', 'katakana + Hangul'],
    ['\u0391\u0410', 'Greek + Cyrillic']
  ])('refuses mixed-script %j (%s) for registration with INVALID_USERNAME', name => {
    expect(() => checkUsernameScripts(normalizeUsername(name))).toThrow(
      expect.objectContaining({ code: 'INVALID_USERNAME' })
    )
  })

  it.each([
    ['\u0410\u043b\u0438\u0441\u0430', 'Cyrillic'],
    ['\u592a\u90ce', 'Han'],
    ['\u305f\u308d\u3046', 'Hiragana'],
    ['\uae40\ucca0\uc218', 'Hangul'],
    ['Zo\u00eb', 'Latin with diaeresis'],
    ['re\u0301ne', 'Latin with a combining accent'],
    ['\u03a3\u03c9\u03ba\u03c1\u03ac\u03c4\u03b7\u03c2', 'Greek'],
    ['\u0645\u062d\u0645\u062f_99', 'Arabic with digits and _'],
    ['\u5c71\u7530\u305f\u308d\u3046', 'Han + Hiragana'],
    ['\u30bf\u30ed\u30fc', 'Katakana with the prolonged sound mark'],
    ['tanaka\u592a\u90ce', 'Latin + Han (Japanese)'],
    ['kim\uae40', 'Latin + Hangul (Korean)'],
    ['\u3105\u3106\u4e2d', 'Bopomofo + Han'],
    ['alice_01-x.y', 'Latin with digits and _ - .'],
    ['dave.d-1_\u00fc', 'Latin']
  ])('allows single-script %j (%s)', name => {
    expect(() => checkUsernameScripts(normalizeUsername(name))).not.toThrow()
    expect(isHighlyRestrictive(name)).toBe(true)
  })

  it('still accepts mixed-script names that already exist: only registering refuses them', () => {
    expect(normalizeUsername('p\u0430ypal')).toBe('p\u0430ypal')
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
