import { isHighlyRestrictive, skeleton } from './confusables.ts'
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
 * These are the rules every name meets, old or new; registering also needs `checkUsernameScripts`
 * and a free `usernameSkeleton`.
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

/**
 * The key that identifies an account: case-insensitive, NFC. Accounts are stored under it, and peers
 * compare names, name their data directory and file their history with it, so it must not change.
 */
export function usernameKey(name: string): string {
  return name.normalize('NFC').toLowerCase().normalize('NFC')
}

/**
 * The key under which a new name must be unique, so that no one registers a look-alike of someone
 * else's: the TR39 skeleton of the name NFKC-normalised and case-folded, case-folded again (a
 * skeleton keeps capitals: "0" becomes "O"). `аlice` (Cyrillic а), `ａｌｉｃｅ`, `ɑlice` and `alıce`
 * all share the one of `alice`. Lossy ("m" and "rn" share one) and never shown or stored: names that
 * share a usernameKey share this one, not the other way round.
 */
export function usernameSkeleton(name: string): string {
  return foldUsername(skeleton(foldUsername(usernameKey(name)))).normalize('NFD')
}

/**
 * NFKC with full case folding, near enough: JavaScript has no `casefold`, and upper- then lower-casing
 * folds what lower-casing alone keeps apart ("ß" and "ss", "ς" and "σ", "ı" and "i").
 * src/confusables-generate.ts uses the same fold to choose the table's entries.
 */
function foldUsername(text: string): string {
  return text.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().normalize('NFKC')
}

/**
 * The rule a name must meet to be registered, on top of `normalizeUsername`'s: one script (TR39
 * "highly restrictive": a single script with digits and `_ - .`, or Latin with Japanese, Chinese or
 * Korean). Throws `InvalidUsernameError`. Only registration applies it, so accounts made before it
 * can still log in and be messaged.
 */
export function checkUsernameScripts(name: string): void {
  if (!isHighlyRestrictive(name)) {
    throw new InvalidUsernameError(
      'username must be written in one script, not a mix (such as Latin with Cyrillic)'
    )
  }
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
