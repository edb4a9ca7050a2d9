import { escapeTerminal } from './terminal.ts'

/**
 * How the terminal front-end styles what it prints. Colour only on a terminal and only when
 * `NO_COLOR` is not set (no-color.org); piped output stays plain text.
 */
export interface Style {
  readonly enabled: boolean
  dim(text: string): string
  bold(text: string): string
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
  magenta(text: string): string
}

const sgr =
  (enabled: boolean, open: number, close: number) =>
  (text: string): string =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text

export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    dim: sgr(enabled, 2, 22),
    bold: sgr(enabled, 1, 22),
    red: sgr(enabled, 31, 39),
    green: sgr(enabled, 32, 39),
    yellow: sgr(enabled, 33, 39),
    cyan: sgr(enabled, 36, 39),
    magenta: sgr(enabled, 35, 39)
  }
}

/** Colour when `output` is a terminal and the environment does not say NO_COLOR. */
export function wantsColor(output: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return output.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb'
}

const pad = (n: number): string => String(n).padStart(2, '0')

/** `14:05` for a time today, `2026-11-23 14:05` for any other day (local time). */
export function formatTime(ms: number, now = Date.now()): string {
  const d = new Date(ms)
  const today = new Date(now)
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`
  const sameDay =
    d.getFullYear() === today.getFullYear() &&
    d.getMonth() === today.getMonth() &&
    d.getDate() === today.getDate()
  return sameDay ? hm : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`
}

/**
 * A text from the network as terminal lines: each of its lines escaped on its own, the first after
 * `prefix`, the others indented to the same column, so no line of a message can pass for a new message
 * (or anything else) at the start of a line.
 */
export function formatMultiline(prefix: string, visiblePrefixWidth: number, text: string): string {
  const lines = text.split(/\r\n|\n|\r/)
  const indent = ' '.repeat(visiblePrefixWidth)
  return lines.map((line, i) => (i === 0 ? prefix : indent) + escapeTerminal(line)).join('\n')
}
