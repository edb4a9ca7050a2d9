import { isDeepStrictEqual } from 'node:util'
import type { Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { decodeOnlinePeer } from '../../peer/core/tracker-client.ts'
import { type IncomingFrame, readFrames } from '../../peer/files/file-frames.ts'
import { MAX_GROUP_FRAME_BYTES } from '../../peer/groups/constants.ts'
import {
  MAX_CHAT_FRAME_BYTES,
  MAX_CLIENT_MESSAGE_BYTES,
  MAX_FILE_CONTROL_FRAME_BYTES
} from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ChatFrame } from '../../src/protocol/pb/chat.ts'
import { FileFrame } from '../../src/protocol/pb/file.ts'
import { GroupFrame } from '../../src/protocol/pb/group.ts'
import type { OnlinePeer } from '../../src/protocol/pb/tracker.ts'
import { ClientMessage, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import { leaveReasonName, noticeName } from '../../src/protocol/presence-names.ts'
import {
  chatSeeds,
  clientSeeds,
  dataFrameBody,
  fileFrames,
  fileSeeds,
  groupSeeds,
  trackerSeeds
} from './corpus.ts'
import { mutate } from './mutate.ts'
import type { Rng } from './prng.ts'

/** A property that does not hold for one input. */
export class FuzzFailure extends Error {
  override name = 'FuzzFailure'
}

/** One thing to fuzz: how to make an input from a seeded PRNG, and what must hold for it. */
export interface FuzzTarget {
  name: string
  generate(rng: Rng): Uint8Array
  /** Throws FuzzFailure when a property does not hold. `rng` continues the input's own stream. */
  check(input: Uint8Array, rng: Rng): void
}

/** Rough bytes a decoded value holds: an output far larger than its input is an absurd allocation. */
export function approxSize(value: unknown, depth = 0): number {
  if (depth > 64) throw new FuzzFailure('decoded value nests deeper than 64 levels')
  if (value === null || value === undefined) return 1
  if (typeof value === 'string') return value.length * 2
  if (typeof value !== 'object') return 8
  if (value instanceof Uint8Array) return value.byteLength
  let n = 16
  for (const v of Object.values(value)) n += 8 + approxSize(v, depth + 1)
  return n
}

/**
 * The value with every string made well-formed. protons decodes invalid UTF-8 into lone surrogates
 * (not U+FFFD), which encode back as U+FFFD: a known, harmless difference the round trip allows for.
 */
export function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.toWellFormed()
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value
  if (Array.isArray(value)) return value.map(wellFormed)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormed(v)]))
}

function notAnError(err: unknown): FuzzFailure {
  return new FuzzFailure(`threw a non-Error: ${typeof err} ${String(err)}`)
}

/**
 * `decode` returns a value or throws an Error; the value is bounded by the input, encodes again, and
 * decodes to itself (what the tracker re-encodes — usernames, addresses — must survive the trip).
 */
function decoderCheck<T>(
  decode: (b: Uint8Array) => T,
  encode: (v: T) => Uint8Array,
  after?: (v: T) => void
): (input: Uint8Array) => void {
  return input => {
    let value: T
    try {
      value = decode(input)
    } catch (err) {
      if (!(err instanceof Error)) throw notAnError(err)
      return
    }
    const size = approxSize(value)
    if (size > 64 * input.byteLength + 4096) {
      throw new FuzzFailure(`decoded ${input.byteLength} bytes into a value of ~${size} bytes`)
    }
    let again: T
    try {
      again = decode(encode(value))
    } catch (err) {
      throw new FuzzFailure(`a decoded value does not encode and decode again: ${(err as Error)?.message}`)
    }
    if (!isDeepStrictEqual(wellFormed(again), wellFormed(value)))
      throw new FuzzFailure('decode(encode(decode(x))) differs from decode(x)')
    after?.(value)
  }
}

/** What a peer does with the entries it is sent (decodes PeerIds and addresses): only Errors may come out. */
function useEntries(message: TrackerMessage): void {
  const entries: OnlinePeer[] = [
    ...(message.loggedIn?.snapshot?.peers ?? []),
    ...(message.snapshot?.peers ?? []),
    ...(message.delta?.events.flatMap(e => (e.joined === undefined ? [] : [e.joined])) ?? []),
    ...(message.peer === undefined ? [] : [message.peer])
  ]
  for (const entry of entries) {
    try {
      const user = decodeOnlinePeer(entry)
      user.addrs.map(String)
    } catch (err) {
      if (!(err instanceof Error)) throw notAnError(err)
    }
  }
  for (const e of message.delta?.events ?? []) leaveReasonName(e.reason)
  if (message.notice !== undefined) noticeName(message.notice.kind)
}

function decoderTarget<T>(
  name: string,
  seeds: Uint8Array[],
  maxBytes: number,
  codec: { decode(b: Uint8Array): T; encode(v: T): Uint8Array },
  after?: (v: T) => void
): FuzzTarget {
  const check = decoderCheck(
    b => codec.decode(b),
    v => codec.encode(v),
    after
  )
  return { name, generate: rng => mutate(rng, seeds, maxBytes).input, check: input => check(input) }
}

/** A stream with just what readFrames uses; listeners run synchronously so their throws are seen. */
class FakeStream {
  remoteWriteStatus = 'writable'
  readBufferLength = 0
  aborted?: unknown
  readonly listeners = new Map<string, Set<(evt: unknown) => void>>()
  addEventListener(type: string, fn: (evt: unknown) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set())
    this.listeners.get(type)!.add(fn)
  }
  removeEventListener(type: string, fn: (evt: unknown) => void): void {
    this.listeners.get(type)?.delete(fn)
  }
  emit(type: string, evt: unknown): void {
    for (const fn of [...(this.listeners.get(type) ?? [])]) fn(evt)
  }
  abort(err?: unknown): void {
    this.aborted ??= err ?? 'aborted without an error'
  }
}

/**
 * A byte stream of file frames: 1–5 frames, each a control frame or a data frame (valid or mutated),
 * framed honestly or not. One in five streams is left valid, and must parse to exactly what was sent.
 */
function fileStream(rng: Rng): Uint8Array {
  const valid = rng.chance(0.2)
  const parts: Uint8Array[] = []
  for (let n = rng.range(1, 5); n > 0; n--) {
    let body: Uint8Array
    if (rng.chance(0.4)) {
      const chunk = rng.bytes(rng.length(2048))
      body = valid ? dataFrameBody(chunk) : mutate(rng, [dataFrameBody(chunk), ...fileSeeds()], 8192).input
    } else {
      body = valid
        ? FileFrame.encode(rng.pick(fileFrames))
        : mutate(rng, fileSeeds(), MAX_FILE_CONTROL_FRAME_BYTES + 64).input
    }
    parts.push(
      valid || rng.chance(0.85) ? lengthPrefixed(body) : mutate(rng, [lengthPrefixed(body)], 8192 + 16).input
    )
  }
  return Uint8Array.from(parts.flatMap(p => [...p]))
}

type Expected = { kind: 'data'; bytes: Uint8Array } | { kind: 'control'; frame: FileFrame }

/**
 * The frames of a stream that is valid and canonical (every frame encoded exactly as our own encoder
 * and dataFrame() write it, within the size limits), parsed the slow way; undefined for anything else.
 */
function canonicalFrames(input: Uint8Array): Expected[] | undefined {
  const out: Expected[] = []
  let pos = 0
  try {
    while (pos < input.byteLength) {
      let len = 0
      let scale = 1
      let b: number
      do {
        if (pos >= input.byteLength) return undefined
        b = input[pos++]
        len += (b & 0x7f) * scale
        scale *= 128
      } while (b & 0x80)
      if (pos + len > input.byteLength) return undefined
      const body = input.subarray(pos, pos + len)
      pos += len
      const frame = FileFrame.decode(body)
      if (
        frame.data !== undefined &&
        Object.keys(frame).length === 1 &&
        Buffer.from(dataFrameBody(frame.data)).equals(body)
      ) {
        out.push({ kind: 'data', bytes: frame.data })
      } else if (
        frame.data === undefined &&
        len <= MAX_FILE_CONTROL_FRAME_BYTES &&
        Buffer.from(FileFrame.encode(frame)).equals(body)
      ) {
        out.push({ kind: 'control', frame })
      } else return undefined
    }
  } catch {
    return undefined
  }
  return out
}

function checkFileStream(input: Uint8Array, rng: Rng): void {
  const stream = new FakeStream()
  const frames: IncomingFrame[] = []
  let ended: { error?: Error } | undefined
  readFrames(stream as unknown as Stream, {
    onFrame: f => frames.push(f),
    onEnd: error => {
      if (ended !== undefined) throw new FuzzFailure('onEnd called twice')
      ended = { error }
    }
  })
  // Arbitrary chunking: frames split across, and packed into, `message` events of both kinds.
  let pos = 0
  while (pos < input.byteLength && ended === undefined) {
    const n = Math.min(input.byteLength - pos, rng.chance(0.3) ? 1 : rng.range(1, 700))
    const data = input.slice(pos, pos + n)
    pos += n
    const k = rng.int(n + 1)
    try {
      stream.emit('message', {
        data: rng.chance(0.5) ? data : new Uint8ArrayList(data.subarray(0, k), data.subarray(k))
      })
    } catch (err) {
      throw new FuzzFailure(`readFrames' message listener threw: ${(err as Error)?.message ?? String(err)}`)
    }
  }
  if (ended === undefined) stream.emit('remoteCloseWrite', {})
  if (ended === undefined) throw new FuzzFailure('the stream closed and onEnd was not called')
  const end: { error?: Error } = ended
  if (stream.aborted !== undefined && !(stream.aborted instanceof Error)) throw notAnError(stream.aborted)
  if (stream.aborted !== undefined && !(end.error instanceof Error)) {
    throw new FuzzFailure('the stream was aborted but onEnd got no error')
  }
  const dataBytes = frames.reduce((n, f) => n + (f.kind === 'data' ? f.data.byteLength : 0), 0)
  if (dataBytes > input.byteLength)
    throw new FuzzFailure(`${dataBytes} data bytes out of ${input.byteLength} in`)
  const expected = canonicalFrames(input)
  if (expected === undefined) return
  // A valid stream: everything comes out, in order, byte for byte.
  if (end.error !== undefined) throw new FuzzFailure(`a valid stream was refused: ${end.error.message}`)
  if (frames.length !== expected.length) {
    throw new FuzzFailure(`a valid stream gave ${frames.length} frames, not ${expected.length}`)
  }
  for (const [i, f] of frames.entries()) {
    const e = expected[i]
    const same =
      f.kind === 'data'
        ? e.kind === 'data' && Buffer.from(f.data.subarray()).equals(e.bytes)
        : e.kind === 'control' && isDeepStrictEqual(f.frame, e.frame)
    if (!same) throw new FuzzFailure(`frame ${i} of a valid stream parsed differently`)
  }
}

/** Every decoder of every protocol, as the services call them. */
export function decoderTargets(): FuzzTarget[] {
  return [
    decoderTarget('tracker:ClientMessage', clientSeeds(), MAX_CLIENT_MESSAGE_BYTES, ClientMessage),
    decoderTarget('peer:TrackerMessage', trackerSeeds(), 16 * 1024, TrackerMessage, useEntries),
    decoderTarget('chat:ChatFrame', chatSeeds(), MAX_CHAT_FRAME_BYTES, ChatFrame),
    decoderTarget('file:FileFrame', fileSeeds(), MAX_FILE_CONTROL_FRAME_BYTES, FileFrame),
    decoderTarget('group:GroupFrame', groupSeeds(), MAX_GROUP_FRAME_BYTES, GroupFrame),
    { name: 'file:readFrames', generate: fileStream, check: checkFileStream }
  ]
}
