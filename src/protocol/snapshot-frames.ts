import * as varint from 'uint8-varint'
import { lengthPrefixed } from './frame.ts'
import type { LoggedIn, OnlinePeer } from './pb/tracker.ts'
import {
  LoggedIn as LoggedInCodec,
  OnlinePeer as OnlinePeerCodec,
  PresenceState,
  TrackerMessage
} from './pb/tracker.ts'

/**
 * The online list on the wire, assembled from bytes encoded once. A login reply carries the whole list,
 * so during a reconnect storm encoding it with protons for every login cost O(N) object encodes per
 * login (issue 15's profile: 11 % of the tracker's time). Protobuf lets a message be built by
 * concatenating its fields, repeated ones included: each online entry is encoded once, when it joins
 * (`snapshotEntry`), a snapshot is the version field followed by the entries' bytes, and the login reply
 * and the snapshot reply wrap those bytes. The result decodes exactly as `TrackerMessage` (the field
 * order differs from protons' own, which protobuf decoders accept).
 */

/** Field keys: (field number << 3) | wire type (0 varint, 2 length-delimited), from tracker.proto. */
const SNAPSHOT_VERSION_KEY = (1 << 3) | 0
const SNAPSHOT_PEERS_KEY = (2 << 3) | 2
const LOGGED_IN_SNAPSHOT_KEY = (4 << 3) | 2
const MESSAGE_ID_KEY = (1 << 3) | 0
const MESSAGE_LOGGED_IN_KEY = (4 << 3) | 2
const MESSAGE_SNAPSHOT_KEY = (5 << 3) | 2
const PRESENCE_STATE_SNAPSHOT_KEY = (2 << 3) | 2

/** A varint field: key, then the value. */
function varintField(key: number, value: number): Uint8Array {
  const out = new Uint8Array(varint.encodingLength(key) + varint.encodingLength(value))
  varint.encode(key, out, 0)
  varint.encode(value, out, varint.encodingLength(key))
  return out
}

/** The key and length of a length-delimited field whose body is `length` bytes. */
function delimitedHeader(key: number, length: number): Uint8Array {
  const out = new Uint8Array(varint.encodingLength(key) + varint.encodingLength(length))
  varint.encode(key, out, 0)
  varint.encode(length, out, varint.encodingLength(key))
  return out
}

/** One online entry as a `Snapshot.peers` field: encoded once per join, reused in every snapshot. */
export function snapshotEntry(entry: OnlinePeer): Uint8Array {
  const body = OnlinePeerCodec.encode(entry)
  return concat([delimitedHeader(SNAPSHOT_PEERS_KEY, body.byteLength), body])
}

/** A `Snapshot` message body from its version and its entries' `snapshotEntry` bytes. */
export function snapshotBody(version: number, entries: Iterable<Uint8Array>): Uint8Array {
  return concat([version === 0 ? new Uint8Array() : varintField(SNAPSHOT_VERSION_KEY, version), ...entries])
}

/** The length-prefixed frame of `TrackerMessage{id, snapshot}`. */
export function snapshotFrame(id: number, snapshot: Uint8Array): Uint8Array {
  return lengthPrefixed(
    concat([
      id === 0 ? new Uint8Array() : varintField(MESSAGE_ID_KEY, id),
      delimitedHeader(MESSAGE_SNAPSHOT_KEY, snapshot.byteLength),
      snapshot
    ])
  )
}

/**
 * The length-prefixed frame of `TrackerMessage{id, loggedIn: {...loggedIn, snapshot}}`; without
 * `snapshot` (a login that gets `listDelta` instead) the reply as protons encodes it.
 */
export function loggedInFrame(
  id: number,
  loggedIn: Omit<LoggedIn, 'snapshot'>,
  snapshot?: Uint8Array
): Uint8Array {
  if (snapshot === undefined) return lengthPrefixed(TrackerMessage.encode({ id, loggedIn }))
  const rest = LoggedInCodec.encode({ ...loggedIn, snapshot: undefined })
  const snapshotHeader = delimitedHeader(LOGGED_IN_SNAPSHOT_KEY, snapshot.byteLength)
  const bodyLength = rest.byteLength + snapshotHeader.byteLength + snapshot.byteLength
  return lengthPrefixed(
    concat([
      id === 0 ? new Uint8Array() : varintField(MESSAGE_ID_KEY, id),
      delimitedHeader(MESSAGE_LOGGED_IN_KEY, bodyLength),
      rest,
      snapshotHeader,
      snapshot
    ])
  )
}

/** The tracker's record of its list (`PresenceState`), around the snapshot body presence keeps. */
export function presenceStateBytes(
  listId: Uint8Array,
  snapshot: Uint8Array,
  savedAt: number,
  bootTime: number,
  heldSince = 0
): Uint8Array {
  return concat([
    PresenceState.encode({ listId: new Uint8Array(listId), savedAt, bootTime, heldSince }),
    delimitedHeader(PRESENCE_STATE_SNAPSHOT_KEY, snapshot.byteLength),
    snapshot
  ])
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.byteLength
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}
