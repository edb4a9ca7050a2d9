import { InvalidPasswordError, InvalidUsernameError } from './errors.ts'
import {
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_BYTES,
  USERNAME_MAX_CHARS,
  USERNAME_MIN_CHARS
} from './protocol/constants.ts'

// Letters (with their combining marks), decimal digits, and _ - . — nothing else: no spaces, no
// control, format (bidi overrides, zero-width) or symbol characters.
const USERNAME_CHARS = /^[\p{L}\p{M}\p{Nd}_.-]+$/u

/**
 * Check a username and return its canonical (NFC) spelling; throws `InvalidUsernameError` saying why.
 */
export function normalizeUsername(input: string): string {
  if (typeof input !== 'string') throw new InvalidUsernameError('username must be a string')
  const name = input.normalize('NFC')
  const chars = [...name].length
  if (chars < USERNAME_MIN_CHARS || chars > USERNAME_MAX_CHARS) {
    throw new InvalidUsernameError(
      `username must be ${USERNAME_MIN_CHARS}–${USERNAME_MAX_CHARS} characters, got ${chars}`
    )
  }
  if (!USERNAME_CHARS.test(name)) {
    throw new InvalidUsernameError('username may contain only letters, digits, "_", "-" and "."')
  }
  // Usernames name directories on peers' machines: "." and ".." would escape them.
  if (/^\.+$/.test(name)) throw new InvalidUsernameError('username cannot be only dots')
  return name
}

/** The key under which a username is unique: case-insensitive, NFC. */
export function usernameKey(name: string): string {
  return name.normalize('NFC').toLowerCase().normalize('NFC')
}

/** Check a password's length in UTF-8 bytes; throws `InvalidPasswordError`. Never hashes. */
export function checkPassword(password: string): void {
  if (typeof password !== 'string') throw new InvalidPasswordError('password must be a string')
  const bytes = Buffer.byteLength(password, 'utf8')
  if (bytes < PASSWORD_MIN_BYTES) {
    throw new InvalidPasswordError(`password must be at least ${PASSWORD_MIN_BYTES} bytes`)
  }
  if (bytes > PASSWORD_MAX_BYTES) {
    throw new InvalidPasswordError(`password must be at most ${PASSWORD_MAX_BYTES} bytes`)
  }
}
