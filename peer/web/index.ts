/**
 * The web app: `p2pchat web` serves the page (built from ./app by Vite into dist/web) and its WebSocket,
 * which speaks the peer API's schema through the same ApiChannel as JSON-lines. WebSession logs one
 * account in and out for every open tab; WebServer guards everything with the printed URL's token, the
 * Host and Origin checks and a strict Content-Security-Policy (docs/web.md).
 */
export { parseWebArgs, runWeb, WEB_HELP } from './cli.ts'
export { pruneUploads, receiveUpload, UPLOAD_KEEP_MS, UPLOADS_DIR } from './uploads.ts'
export { allowedHosts, allowedOrigins, contentSecurityPolicy, tokenMatches } from './web-guard.ts'
export type { WebServerInit } from './web-server.ts'
export { DEFAULT_WEB_HOST, DEFAULT_WEB_PORT, MAX_WEB_SOCKETS, WEB_API_PATH, WebServer } from './web-server.ts'
export type { WebSessionInit } from './web-session.ts'
export { DEFAULT_WEB_DATA_ROOT, WEB_SETTINGS_FILE, WebSession } from './web-session.ts'
