import { randomBytes } from 'node:crypto'
import type { Logger } from '@libp2p/interface'
import type { WebSocket } from 'ws'
import { ApiChannel } from '../api/channel.ts'
import type { ApiHost } from '../api/host.ts'
import type { Outbound } from '../api/schema.ts'

/** Past this many bytes waiting to go to a tab, the next command waits until they are written. */
export const WS_HIGH_WATER_BYTES = 1024 * 1024
/**
 * A tab that reads nothing while this much piles up (events keep coming) is closed; it reconnects and
 * reloads its state rather than growing our memory without bound.
 */
export const WS_MAX_BUFFERED_BYTES = 32 * 1024 * 1024
/** A tab that answers no ping for this long is gone (a sleeping laptop, a killed browser). */
export const WS_PING_INTERVAL_MS = 30_000
/**
 * Commands read from a tab and not yet answered. Past this, the socket is not read until half are
 * answered: a tab that sends faster than it reads its replies stops being read, never queued without
 * bound.
 */
export const WS_MAX_PENDING_COMMANDS = 256
/** Close code for a tab that fell too far behind (1013: try again later). */
export const WS_CLOSE_BEHIND = 1013

/**
 * One tab: its text frames are commands for the shared session, its replies and the session's events
 * go back as text frames, through the same ApiChannel as the JSON-lines front-end.
 */
export function serveSocket(ws: WebSocket, host: ApiHost, log: Logger): ApiChannel {
  const send = (message: Outbound): Promise<void> | undefined => {
    if (ws.readyState !== ws.OPEN) return undefined
    if (ws.bufferedAmount > WS_MAX_BUFFERED_BYTES) {
      log('a tab fell %d bytes behind: closing it', ws.bufferedAmount)
      ws.close(WS_CLOSE_BEHIND, 'too far behind; reconnect')
      return undefined
    }
    const full = ws.bufferedAmount > WS_HIGH_WATER_BYTES
    if (!full) {
      ws.send(JSON.stringify(message))
      return undefined
    }
    return new Promise<void>(resolve => ws.send(JSON.stringify(message), () => resolve()))
  }
  let pending = 0
  const answered = (message: Outbound): void => {
    if (!('ok' in message)) return
    pending--
    if (ws.isPaused && pending <= WS_MAX_PENDING_COMMANDS / 2) ws.resume()
  }
  const channel = new ApiChannel(host, message => {
    answered(message)
    return send(message)
  })
  channel.forwardEvents()
  ws.on('message', (data, isBinary) => {
    // Commands are text; a binary frame gets the same INVALID_COMMAND as any unreadable one.
    const text = isBinary ? '\u0000binary frame' : data.toString()
    // Blank messages get no reply (as blank lines in JSON-lines): not counted.
    if (text.trim() === '') return
    if (++pending >= WS_MAX_PENDING_COMMANDS) ws.pause()
    channel.receive(text)
  })
  // A pong counts only if it echoes our last ping's random payload (unsolicited pongs keep nothing alive).
  let expected: Buffer | undefined
  ws.on('pong', data => {
    if (expected !== undefined && data.equals(expected)) expected = undefined
  })
  const ping = setInterval(() => {
    if (expected !== undefined) {
      ws.terminate()
      return
    }
    expected = randomBytes(8)
    ws.ping(expected)
  }, WS_PING_INTERVAL_MS)
  ping.unref()
  ws.on('close', () => {
    clearInterval(ping)
    channel.close()
  })
  ws.on('error', err => log('tab socket error: %s', err.message))
  // `quit` ends this tab's channel: close its socket once the reply is out.
  channel.done.then(() => {
    if (ws.readyState === ws.OPEN) ws.close(1000, 'quit')
  })
  return channel
}
