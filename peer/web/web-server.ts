import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from '@libp2p/interface'
import { WebSocketServer } from 'ws'
import { BusyError, ListenFailedError, NotLoggedInError, toP2PChatError } from '../../src/errors.ts'
import { DEFAULT_MAX_FILE_BYTES } from '../../src/protocol/constants.ts'
import { MAX_COMMAND_BYTES } from '../api/channel.ts'
import { errorReply } from '../api/dispatch.ts'
import { receiveUpload } from './uploads.ts'
import {
  allowedHosts,
  allowedOrigins,
  contentSecurityPolicy,
  newToken,
  requestToken,
  securityHeaders,
  tokenMatches
} from './web-guard.ts'
import type { WebSession } from './web-session.ts'
import { serveSocket } from './web-socket.ts'

/** `p2pchat web` listens here unless told otherwise. */
export const DEFAULT_WEB_PORT = 7070
export const DEFAULT_WEB_HOST = '127.0.0.1'
/** Tabs open at once; more are refused (each holds a channel and its event listeners). */
export const MAX_WEB_SOCKETS = 32
/** Uploads streaming at once; more get BUSY (each may be as large as --max-file-size). */
export const MAX_CONCURRENT_UPLOADS = 4
/** Where the page's WebSocket connects. */
export const WEB_API_PATH = '/api'

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

/** Built page files: dist/web, found from the compiled module (dist/peer/web) or from the source tree. */
export function defaultAssetsDir(): string {
  const candidates = [
    fileURLToPath(new URL('../../web/', import.meta.url)),
    fileURLToPath(new URL('../../dist/web/', import.meta.url))
  ]
  return candidates.find(dir => existsSync(join(dir, 'index.html'))) ?? candidates[0]
}

export interface WebServerInit {
  session: WebSession
  /** @default 127.0.0.1 */
  host?: string
  /** 0 picks a free port. @default 7070 */
  port?: number
  /** @default dist/web */
  assetsDir?: string
  /** Largest upload (a file to send). @default 64 GiB, as --max-file-size */
  maxUploadBytes?: number
  log: Logger
}

/**
 * The web app's server: the built page, its WebSocket API and file uploads, all behind the token the
 * printed URL carries, on loopback by default. Requests naming another Host (DNS rebinding) or coming
 * from another Origin are refused before anything runs.
 */
export class WebServer {
  readonly token = newToken()
  readonly #init: WebServerInit
  readonly #assetsDir: string
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_COMMAND_BYTES })
  #server?: Server
  #hosts = new Set<string>()
  #origins = new Set<string>()
  #csp = ''
  #origin = ''
  #index?: Buffer
  #uploads = 0

  constructor(init: WebServerInit) {
    this.#init = init
    this.#assetsDir = init.assetsDir ?? defaultAssetsDir()
  }

  /** The address to open, token included. */
  get url(): string {
    return `${this.#origin}/?token=${this.token}`
  }

  get origin(): string {
    return this.#origin
  }

  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0
  }

  get sockets(): number {
    return this.#wss.clients.size
  }

  async start(): Promise<void> {
    const indexPath = join(this.#assetsDir, 'index.html')
    this.#index = await readFile(indexPath).catch(() => {
      throw new ListenFailedError(`the web app is not built (no ${indexPath}): run npm run build`)
    })
    const host = this.#init.host ?? DEFAULT_WEB_HOST
    const server = createServer((req, res) => {
      this.#handle(req, res).catch(err => this.#fail(res, err))
    })
    server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket as Socket, head))
    await new Promise<void>((resolve, reject) => {
      server.once('error', err => {
        const e = err as NodeJS.ErrnoException
        const where = `${host}:${this.#init.port ?? DEFAULT_WEB_PORT}`
        reject(
          new ListenFailedError(
            e.code === 'EADDRINUSE'
              ? `${where} is in use (another p2pchat web?): give --port N, or --port 0 for any free port`
              : `cannot listen on ${where}: ${e.message}`
          )
        )
      })
      server.listen(this.#init.port ?? DEFAULT_WEB_PORT, host, () => resolve())
    })
    this.#server = server
    this.#hosts = allowedHosts(host, this.port)
    this.#origins = allowedOrigins(this.#hosts)
    // On every interface the printed address is this machine's loopback one; else the one bound.
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
    this.#origin = `http://${shown.includes(':') ? `[${shown}]` : shown}:${this.port}`
    this.#csp = contentSecurityPolicy(this.#origin)
  }

  async stop(): Promise<void> {
    for (const ws of this.#wss.clients) ws.close(1001, 'p2pchat web is stopping')
    this.#wss.close()
    const server = this.#server
    if (server === undefined) return
    this.#server = undefined
    server.closeAllConnections()
    await new Promise<void>(resolve => server.close(() => resolve()))
  }

  /** The request's target as a URL; undefined for one that does not parse (`//[`). */
  #target(req: IncomingMessage): URL | undefined {
    try {
      return new URL(req.url ?? '/', this.#origin)
    } catch {
      return undefined
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res, this.#csp)
    if (!this.#hosts.has(req.headers.host ?? '')) {
      this.#text(res, 421, 'This server answers only to its own address, as p2pchat web printed it.\n')
      return
    }
    const url = this.#target(req)
    if (url === undefined) {
      this.#text(res, 400, 'Bad request target.\n')
      return
    }
    if (url.pathname === '/upload') {
      await this.#upload(req, res, url)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      this.#text(res, 405, 'Only GET and HEAD here.\n')
      return
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!tokenMatches(this.token, url.searchParams.get('token'))) {
        this.#text(
          res,
          401,
          'This page needs the address with its token, as `p2pchat web` printed it (…/?token=…).\n'
        )
        return
      }
      res.setHeader('Cache-Control', 'no-store')
      this.#send(req, res, 200, 'text/html; charset=utf-8', this.#index!)
      return
    }
    const asset = /^\/(assets\/)?([\w][\w.-]*)$/.exec(url.pathname)
    const type = asset === null ? undefined : CONTENT_TYPES[extname(asset[2])]
    if (asset === null || type === undefined) {
      this.#text(res, 404, 'Not found.\n')
      return
    }
    const body = await readFile(join(this.#assetsDir, asset[1] ?? '', asset[2])).catch(() => undefined)
    if (body === undefined) {
      this.#text(res, 404, 'Not found.\n')
      return
    }
    // Built assets carry a content hash in their names: cache them for good.
    res.setHeader('Cache-Control', asset[1] ? 'public, max-age=31536000, immutable' : 'no-cache')
    this.#send(req, res, 200, type, body)
  }

  async #upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // A page elsewhere cannot send the custom header without a CORS preflight, which gets no CORS
    // answer here; the Origin check refuses the rest.
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      this.#text(res, 405, 'POST a file here.\n')
      return
    }
    if (!this.#originOk(req) || !tokenMatches(this.token, requestToken(req, url))) {
      req.resume()
      this.#json(res, 403, errorReply(undefined, new NotLoggedInError('not allowed: wrong token or origin')))
      return
    }
    const peer = this.#init.session.peer
    if (peer === undefined) {
      req.resume()
      this.#json(res, 409, errorReply(undefined, new NotLoggedInError('log in before sending files')))
      return
    }
    if (this.#uploads >= MAX_CONCURRENT_UPLOADS) {
      req.resume()
      this.#json(
        res,
        503,
        errorReply(
          undefined,
          new BusyError(`${MAX_CONCURRENT_UPLOADS} files are uploading already: wait for one`)
        )
      )
      return
    }
    const max = this.#init.maxUploadBytes ?? DEFAULT_MAX_FILE_BYTES
    const name = req.headers['x-file-name']
    this.#uploads++
    try {
      const upload = await receiveUpload(req, peer.dataDir, typeof name === 'string' ? name : undefined, max)
      this.#init.log('upload %s: %d bytes', upload.name, upload.size)
      this.#json(res, 200, upload)
    } finally {
      this.#uploads--
    }
  }

  #upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const refusal = this.#refuseUpgrade(req)
    if (refusal !== undefined) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      socket.destroy()
      return
    }
    this.#wss.handleUpgrade(req, socket, head, ws => {
      serveSocket(ws, this.#init.session, this.#init.log)
    })
  }

  /** The status line refusing a WebSocket, or undefined to accept it. */
  #refuseUpgrade(req: IncomingMessage): string | undefined {
    // Anything thrown here would end the process (the 'upgrade' listener is synchronous): no throws.
    if (!this.#hosts.has(req.headers.host ?? '')) return '421 Misdirected Request'
    const url = this.#target(req)
    if (url === undefined) return '400 Bad Request'
    if (url.pathname !== WEB_API_PATH) return '404 Not Found'
    // A page on another site can open a WebSocket to us (the browser sends its Origin): refuse it.
    if (!this.#originOk(req)) {
      this.#init.log('WebSocket from origin %s refused', req.headers.origin)
      return '403 Forbidden'
    }
    if (!tokenMatches(this.token, url.searchParams.get('token'))) return '401 Unauthorized'
    if (this.#wss.clients.size >= MAX_WEB_SOCKETS) return '503 Service Unavailable'
    return undefined
  }

  #originOk(req: IncomingMessage): boolean {
    const origin = req.headers.origin
    return typeof origin === 'string' && this.#origins.has(origin)
  }

  #fail(res: ServerResponse, err: unknown): void {
    const e = toP2PChatError(err)
    this.#init.log('request failed: %s %s', e.code, e.message)
    if (res.headersSent) {
      res.destroy()
      return
    }
    const status = e.code === 'INTERNAL' ? 500 : e.code === 'FILE_TOO_LARGE' ? 413 : 400
    this.#json(res, status, errorReply(undefined, e))
  }

  #send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: Buffer): void {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.byteLength })
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  #text(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end(text)
  }

  #json(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
    res.end(JSON.stringify(value))
  }
}
