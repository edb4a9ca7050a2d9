/**
 * The terminal front-end: a readline prompt over the API (InteractiveUI), with progress bars, colours
 * (off without a terminal or with NO_COLOR), Tab completion and escaping of everything from the network.
 */
export { completer } from './completion.ts'
export { createStyle, formatMultiline, formatTime, wantsColor } from './format.ts'
export { INTERACTIVE_HELP, InteractiveUI, SLASH_COMMANDS } from './interactive.ts'
export { formatDuration, renderProgress } from './progress-bar.ts'
export { escapeTerminal } from './terminal.ts'
