import type { Stream } from '@libp2p/interface'
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { InvalidMessageError, MessageTooLargeError } from '../../src/errors.ts'
import { MAX_FILE_CONTROL_FRAME_BYTES, MAX_FILE_DATA_FRAME_BYTES } from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { FileFrame } from '../../src/protocol/pb/file.ts'

/** Protobuf tag of FileFrame.data (field 5, length-delimited). */
const DATA_TAG = 0x2a

/** A control frame (offer, answer, start, result, cancel), length-prefixed. */
export function controlFrame(frame: Omit<FileFrame, 'data'>): Uint8Array {
  return lengthPrefixed(FileFrame.encode(frame))
}

/** Refuse an offer with `err`'s code and message, and close our side (if still writable). */
/**
 * What to tell the other peer about an error of ours: never our paths or directories, which the local
 * message may name (where a file could not be written, how much room a directory has), so for those
 * codes a plain sentence; the local event keeps the details.
 */
export function messageForPeer(err: { code: string; message: string }): string {
  switch (err.code) {
    case 'NO_SPACE':
      return 'there is not enough room for the file on their disk'
    case 'INTERNAL':
      return 'the file could not be written on their side'
    case 'UNSAFE_PATH':
      return 'the chosen directory was refused on their side'
    default:
      return err.message
  }
}

export function refuseOffer(stream: Stream, err: { code: string; message: string }): void {
  if (stream.writeStatus !== 'writable') return
  stream.send(
    controlFrame({
      answer: {
        accept: false,
        offset: 0,
        prefixSha256: new Uint8Array(0),
        error: err.code,
        message: messageForPeer(err)
      }
    })
  )
  stream.close().catch(() => {})
}

/**
 * A data frame around `chunk` without copying it: `[frame length][0x2a][chunk length]` then the chunk,
 * which is byte for byte the FileFrame `{ data: chunk }`.
 */
export function dataFrame(chunk: Uint8Array): Uint8ArrayList {
  const inner = varint.encodingLength(chunk.byteLength)
  const frameLength = 1 + inner + chunk.byteLength
  const outer = varint.encodingLength(frameLength)
  const header = new Uint8Array(outer + 1 + inner)
  varint.encode(frameLength, header, 0)
  header[outer] = DATA_TAG
  varint.encode(chunk.byteLength, header, outer + 1)
  return new Uint8ArrayList(header, chunk)
}

export type IncomingFrame = { kind: 'data'; data: Uint8ArrayList } | { kind: 'control'; frame: FileFrame }

/** Read an unsigned varint at the start of `buf`; undefined when it is not complete yet. */
function readVarint(buf: Uint8ArrayList, limitBytes: number): { value: number; bytes: number } | undefined {
  let value = 0
  let scale = 1
  for (let i = 0; i < Math.min(buf.byteLength, limitBytes); i++) {
    const b = buf.get(i)
    value += (b & 0x7f) * scale
    if ((b & 0x80) === 0) return { value, bytes: i + 1 }
    scale *= 0x80
  }
  if (buf.byteLength >= limitBytes) throw new InvalidMessageError('frame length is not a valid varint')
  return undefined
}

export interface FrameReaderHandlers {
  /** Each complete frame, in order. Throwing aborts the stream with that error. */
  onFrame(frame: IncomingFrame): void
  /**
   * The remote closed its write side (`error` undefined; called after every frame it sent before, even
   * those a paused stream held back), or the stream ended otherwise: reset, aborted, or its connection
   * closed (`error` set).
   */
  onEnd(error?: Error): void
}

/**
 * Parse FileFrames from a stream's `message` events with a bounded buffer: a control frame over
 * 4 KiB or a data frame over 1 MiB aborts the stream. Data frames are handed over as slices of the
 * received buffers, never copied. Flow control is the caller's: `stream.pause()` / `resume()`.
 */
export function readFrames(stream: Stream, handlers: FrameReaderHandlers): () => void {
  const buffer = new Uint8ArrayList()
  let ended = false
  /** The remote closed its write side while what it sent before is still held by a paused stream. */
  let remoteClosed = false
  const end = (error?: Error): void => {
    if (ended) return
    ended = true
    detach()
    handlers.onEnd(error)
  }
  const onMessage = (evt: { data: Uint8Array | Uint8ArrayList }): void => {
    if (ended) return
    buffer.append(evt.data)
    try {
      while (buffer.byteLength > 0) {
        const len = readVarint(buffer, 4)
        if (len === undefined) break
        const isData = buffer.byteLength > len.bytes && buffer.get(len.bytes) === DATA_TAG
        const max = isData ? MAX_FILE_DATA_FRAME_BYTES : MAX_FILE_CONTROL_FRAME_BYTES
        if (len.value > max) throw new MessageTooLargeError(`file frame of ${len.value} bytes; limit ${max}`)
        if (buffer.byteLength < len.bytes + len.value) break
        const body = buffer.sublist(len.bytes, len.bytes + len.value)
        buffer.consume(len.bytes + len.value)
        handlers.onFrame(parse(body))
        if (ended) return
      }
    } catch (err) {
      stream.abort(err as Error)
      end(err as Error)
      return
    }
    if (remoteClosed && stream.readBufferLength === 0) onRemoteCloseWrite()
  }
  const onRemoteCloseWrite = (): void => {
    if (stream.readBufferLength > 0) {
      // The stream is paused (the reader is behind, e.g. writing to disk) and still holds frames sent
      // before the close — the last of them may be a cancel. The end comes after they are read.
      remoteClosed = true
      return
    }
    if (buffer.byteLength > 0) end(new InvalidMessageError('stream ended inside a frame'))
    else end()
  }
  const onClose = (evt: Event): void => {
    // Without the remote closing its write side first, the connection went away under the stream
    // (the other process died, the network broke): that is an error, not a clean end.
    end((evt as Event & { error?: Error }).error ?? new Error('the connection closed'))
  }
  const detach = (): void => {
    stream.removeEventListener('message', onMessage)
    stream.removeEventListener('remoteCloseWrite', onRemoteCloseWrite)
    stream.removeEventListener('close', onClose)
  }
  stream.addEventListener('message', onMessage)
  stream.addEventListener('remoteCloseWrite', onRemoteCloseWrite)
  stream.addEventListener('close', onClose)
  if (stream.remoteWriteStatus !== 'writable' && stream.readBufferLength === 0) queueMicrotask(() => end())
  return detach
}

function parse(body: Uint8ArrayList): IncomingFrame {
  if (body.byteLength > 0 && body.get(0) === DATA_TAG) {
    const rest = body.sublist(1)
    const len = readVarint(rest, 5)
    if (len !== undefined && len.bytes + len.value === rest.byteLength) {
      return { kind: 'data', data: rest.sublist(len.bytes) }
    }
  }
  let frame: FileFrame
  try {
    frame = FileFrame.decode(body)
  } catch (err) {
    throw new InvalidMessageError(`undecodable file frame: ${(err as Error).message}`)
  }
  if (frame.data !== undefined) return { kind: 'data', data: new Uint8ArrayList(frame.data) }
  return { kind: 'control', frame }
}
