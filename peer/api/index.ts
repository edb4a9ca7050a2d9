/**
 * The peer's API: one typed schema of commands, replies and events (schema.ts), one dispatch that runs
 * commands against a PeerClient, and one transport-agnostic channel (ordered replies, errors for
 * unreadable input, the size limit) under the JSON-lines front-end and the web app's WebSocket.
 */
export { ApiChannel, MAX_COMMAND_BYTES } from './channel.ts'
export {
  DEFAULT_HISTORY_LIMIT,
  dispatch,
  dispatchHosted,
  errorReply,
  MAX_HISTORY_LIMIT,
  parseCommand,
  parseCommandLine
} from './dispatch.ts'
export type { ApiHost } from './host.ts'
export { loggedInPeer, PeerHost } from './host.ts'
export { jsonLinesChannel, lineSplitter, runJsonLines } from './json-lines.ts'
export * from './schema.ts'
