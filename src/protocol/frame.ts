import { TrackerMessage } from './pb/tracker.ts'

/** Prefix `body` with its unsigned-varint length, as lpStream/pbStream read it. */
export function lengthPrefixed(body: Uint8Array): Uint8Array {
  let len = body.byteLength
  let prefixLen = 1
  while (len >= 0x80) {
    len = Math.floor(len / 128)
    prefixLen++
  }
  const out = new Uint8Array(prefixLen + body.byteLength)
  let value = body.byteLength
  let i = 0
  while (value >= 0x80) {
    out[i++] = (value & 0x7f) | 0x80
    value = Math.floor(value / 128)
  }
  out[i] = value
  out.set(body, prefixLen)
  return out
}

/** Encode a tracker message once into the bytes that go on the wire, to send to many streams. */
export function trackerFrame(message: Partial<TrackerMessage>): Uint8Array {
  return lengthPrefixed(TrackerMessage.encode({ id: 0, ...message }))
}
