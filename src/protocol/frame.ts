import { TrackerMessage } from './pb/tracker.ts'

/** Bytes `value` takes as an unsigned varint (protobuf, multiformats). */
export function varintLength(value: number): number {
  let n = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    n++
  }
  return n
}

/** Write `value` as an unsigned varint into `out` at `offset`; returns the offset after it. */
export function writeVarint(value: number, out: Uint8Array, offset: number): number {
  while (value >= 0x80) {
    out[offset++] = (value % 0x80) | 0x80
    value = Math.floor(value / 0x80)
  }
  out[offset++] = value
  return offset
}

/** Prefix `body` with its unsigned-varint length, as lpStream/pbStream read it. */
export function lengthPrefixed(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(varintLength(body.byteLength) + body.byteLength)
  out.set(body, writeVarint(body.byteLength, out, 0))
  return out
}

/** Encode a tracker message once into the bytes that go on the wire, to send to many streams. */
export function trackerFrame(message: Partial<TrackerMessage>): Uint8Array {
  return lengthPrefixed(TrackerMessage.encode({ id: 0, ...message }))
}
