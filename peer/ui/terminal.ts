/**
 * Text from the network is shown in a terminal only after every control character is made visible:
 * ESC sequences could move the cursor, rewrite earlier lines or change the title; bidi overrides could
 * make a name read backwards; a bare newline could fake a line from someone else.
 */
// C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, line/paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g

export function escapeTerminal(text: string): string {
  return text.replace(UNSAFE, ch => {
    switch (ch) {
      case '\n':
        return '\\n'
      case '\t':
        return '\\t'
      case '\r':
        return '\\r'
      case '\u001b':
        return '\\e'
      default: {
        const code = ch.charCodeAt(0)
        return code <= 0xff
          ? `\\x${code.toString(16).padStart(2, '0')}`
          : `\\u${code.toString(16).padStart(4, '0')}`
      }
    }
  })
}
