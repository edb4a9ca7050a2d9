import type { Readable, Writable } from 'node:stream'
import { ApiChannel, MAX_COMMAND_BYTES } from './channel.ts'
import type { ApiHost } from './host.ts'

const NEWLINE = 0x0a

/**
 * Split a byte stream into lines without ever holding more than `maxBytes` of one: a longer line is
 * reported with `onOversized` (once, with the bytes seen) and skipped up to its newline.
 */
export function lineSplitter(
  maxBytes: number,
  onLine: (line: string) => void,
  onOversized: (bytes: number) => void
): { push(chunk: Buffer): void; end(): void } {
  let parts: Buffer[] = []
  let length = 0
  let discarding = false
  const take = (piece: Buffer): void => {
    if (discarding) return
    if (length + piece.byteLength > maxBytes) {
      discarding = true
      onOversized(length + piece.byteLength)
      parts = []
      length = 0
      return
    }
    parts.push(piece)
    length += piece.byteLength
  }
  return {
    push(chunk) {
      let start = 0
      let nl = chunk.indexOf(NEWLINE, start)
      while (nl >= 0) {
        take(chunk.subarray(start, nl))
        if (!discarding) onLine(Buffer.concat(parts, length).toString('utf8'))
        parts = []
        length = 0
        discarding = false
        start = nl + 1
        nl = chunk.indexOf(NEWLINE, start)
      }
      if (start < chunk.byteLength) take(chunk.subarray(start))
    },
    end() {
      // A last command without a newline still counts.
      if (!discarding && length > 0) onLine(Buffer.concat(parts, length).toString('utf8'))
      parts = []
      length = 0
    }
  }
}

/**
 * JSON-lines front-end: one command per line on `input`, replies and events one per line on `output`,
 * nothing else on `output`. Resolves when `quit` has been answered or the input ends.
 */
export function runJsonLines(channel: ApiChannel, input: Readable): Promise<void> {
  const lines = lineSplitter(
    MAX_COMMAND_BYTES,
    line => channel.receive(line),
    bytes => channel.oversized(bytes)
  )
  const onData = (chunk: Buffer | string): void =>
    lines.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  input.on('data', onData)
  input.once('end', () => {
    lines.end()
    channel.close()
  })
  return channel.done.finally(() => input.off('data', onData))
}

/** A channel that writes each reply and event as one JSON line on `output`. */
export function jsonLinesChannel(host: ApiHost, output: Writable): ApiChannel {
  return new ApiChannel(host, message => {
    if (output.writableEnded || output.destroyed) return undefined
    if (output.write(`${JSON.stringify(message)}\n`)) return undefined
    // The reader is behind: wait for it before the next command (or for the stream to go away).
    return new Promise<void>(resolve => {
      const done = (): void => {
        output.off('drain', done)
        output.off('close', done)
        output.off('error', done)
        resolve()
      }
      output.on('drain', done)
      output.on('close', done)
      output.on('error', done)
    })
  })
}
