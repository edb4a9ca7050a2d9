import * as varint from 'uint8-varint'
import { TrackerMessage } from './pb/tracker.ts'

/** Prefix `body` with its unsigned-varint length, as lpStream/pbStream read it. */
export function lengthPrefixed(body: Uint8Array): Uint8Array {
  const prefix = varint.encodingLength(body.byteLength)
  const out = new Uint8Array(prefix + body.byteLength)
  varint.encode(body.byteLength, out, 0)
  out.set(body, prefix)
  return out
}

/** Encode a tracker message once into the bytes that go on the wire, to send to many streams. */
export function trackerFrame(message: Partial<TrackerMessage>): Uint8Array {
  return lengthPrefixed(TrackerMessage.encode({ id: 0, ...message }))
}
