import { InvalidMessageError } from '../../src/errors.ts'

/**
 * Control characters (C0, DEL, C1), line and paragraph separators, and the bidi controls that make a
 * name read as something else (U+202E "right-to-left override"). Other format characters stay: a zero
 * width joiner is part of many emoji.
 */
const FORBIDDEN = /[\p{Cc}\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/u

/**
 * Check a piece of text other users will see (alias, status, group name, search query): NFC, between
 * `min` and `max` characters (code points), no control characters. Returns it NFC-normalised; throws
 * INVALID_MESSAGE naming `what`.
 */
export function checkText(input: string, what: string, min: number, max: number): string {
  if (typeof input !== 'string') throw new InvalidMessageError(`${what} must be text`)
  const text = input.normalize('NFC')
  let chars = 0
  for (const _ of text) chars++
  if (chars < min || chars > max) {
    throw new InvalidMessageError(
      min === 0
        ? `${what} must be at most ${max} characters, got ${chars}`
        : `${what} must be ${min}–${max} characters, got ${chars}`
    )
  }
  if (FORBIDDEN.test(text)) {
    throw new InvalidMessageError(`${what} may not contain control characters or text-direction overrides`)
  }
  return text
}
