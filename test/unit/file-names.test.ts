import { describe, expect, it } from 'vitest'
import { MAX_FILE_NAME_BYTES, numberedName, sanitizeFileName } from '../../peer/files/file-names.ts'

describe('sanitizeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../x', 'x'],
    ['/etc/passwd', 'passwd'],
    ['a/b', 'b'],
    ['..\\x', 'x'],
    ['C:\\Users\\me\\secret.txt', 'secret.txt'],
    ['\\\\server\\share\\f', 'f'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['LPT1.tar.gz', '_LPT1.tar.gz'],
    ['console.log', 'console.log'],
    ['evil\u001b[31m.txt', 'evil[31m.txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['.bashrc', 'bashrc'],
    ['name. . ', 'name'],
    ['what?<>:"|*.txt', 'what_______.txt'],
    ['e\u0301te\u0301.png', '\u00e9t\u00e9.png']
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected)
  })

  it.each(['', '..', '.', '/', '../', '\\', '\u202E', ' . '])('refuses %j with INVALID_FILE_NAME', input => {
    expect(() => sanitizeFileName(input)).toThrow(expect.objectContaining({ code: 'INVALID_FILE_NAME' }))
  })

  it('cuts long names to 255 bytes on a character boundary, keeping the extension', () => {
    const long = `${'é'.repeat(300)}.tar.gz`
    const cut = sanitizeFileName(long)
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES)
    expect(cut.endsWith('.gz')).toBe(true)
    expect(cut.startsWith('éé')).toBe(true)
    expect(cut).not.toContain('\uFFFD')
  })

  it('numbers alternatives before the extension', () => {
    expect(numberedName('photo.jpg', 1)).toBe('photo (1).jpg')
    expect(numberedName('README', 2)).toBe('README (2)')
    expect(Buffer.byteLength(numberedName('x'.repeat(255), 12))).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES)
  })
})
