import { InvalidFileNameError } from '../../src/errors.ts'

/** Longest file name kept, in UTF-8 bytes: the limit of ext4, APFS and NTFS (255). */
export const MAX_FILE_NAME_BYTES = 255

// Controls (C0, DEL, C1), bidi controls, zero-width and separator characters, BOM.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]/g
// Characters Windows refuses in names; harmless elsewhere, replaced so a file can be copied anywhere.
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g
// Device names Windows reserves whatever the extension: CON, CON.txt, com1.tar.gz …
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i

/**
 * The name a received file may be written under: only a base name, whatever the sender wrote. Path
 * components of any platform are dropped (`../../x` → `x`, `C:\\a\\b` → `b`), invisible and control
 * characters removed, Windows-forbidden characters replaced, reserved device names prefixed, leading
 * dots and trailing dots/spaces trimmed (no hidden or unreachable files), and the length cut to 255
 * bytes keeping the extension. Throws `InvalidFileNameError` when nothing usable is left.
 */
export function sanitizeFileName(input: string): string {
  if (typeof input !== 'string') throw new InvalidFileNameError('file name must be a string')
  let name = input.normalize('NFC').replace(INVISIBLE, '')
  // Both separators, whichever platform sent it; keep what follows the last one.
  name = name.split(/[/\\]/).pop() ?? ''
  name = name.replace(WINDOWS_FORBIDDEN, '_')
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '')
  if (name === '')
    throw new InvalidFileNameError(`no usable file name in ${JSON.stringify(input.slice(0, 100))}`)
  if (RESERVED.test(name)) name = `_${name}`
  return truncateName(name, MAX_FILE_NAME_BYTES)
}

/** Cut `name` to at most `maxBytes` UTF-8 bytes, keeping a short extension and whole characters. */
export function truncateName(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name
  const dot = name.lastIndexOf('.')
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : ''
  let stem = [...name.slice(0, name.length - ext.length)]
  while (stem.length > 0 && Buffer.byteLength(stem.join('') + ext) > maxBytes) stem = stem.slice(0, -1)
  return stem.join('') + ext
}

/** `name (1).ext`, `name (2).ext`, … for the n-th alternative to an existing file. */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.')
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, '']
  const suffix = ` (${n})`
  return truncateName(stem, MAX_FILE_NAME_BYTES - Buffer.byteLength(suffix + ext)) + suffix + ext
}
