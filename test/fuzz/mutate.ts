import type { Rng } from './prng.ts'

/**
 * Mutators for protobuf frames. Some know nothing of the format (random bytes, bit flips, cuts);
 * the rest find the fields of a valid encoding and lie about them: lengths that claim more or less
 * than is there, 10-byte and non-canonical varints, wire types that do not match the field, fields
 * repeated, payloads swapped for nested garbage.
 */

/** One field found in an encoding, at any depth. */
interface Field {
  start: number
  tagEnd: number
  wire: number
  /** For length-delimited fields: where the payload starts and ends. */
  valueStart: number
  end: number
}

function readVarint(buf: Uint8Array, pos: number, end: number): { value: number; next: number } | undefined {
  let value = 0
  let scale = 1
  for (let i = pos; i < end && i < pos + 10; i++) {
    value += (buf[i] & 0x7f) * scale
    scale *= 0x80
    if ((buf[i] & 0x80) === 0) return { value, next: i + 1 }
  }
  return undefined
}

/** Every field of a well-formed encoding, nested ones included; stops quietly at anything odd. */
export function scanFields(
  buf: Uint8Array,
  start = 0,
  end = buf.byteLength,
  depth = 0,
  out: Field[] = []
): Field[] {
  let pos = start
  const found: Field[] = []
  while (pos < end) {
    const tag = readVarint(buf, pos, end)
    if (tag === undefined || tag.value >>> 3 === 0) return out
    const wire = tag.value & 7
    let valueStart = tag.next
    let fieldEnd: number
    if (wire === 0) {
      const v = readVarint(buf, tag.next, end)
      if (v === undefined) return out
      fieldEnd = v.next
    } else if (wire === 1) fieldEnd = tag.next + 8
    else if (wire === 5) fieldEnd = tag.next + 4
    else if (wire === 2) {
      const len = readVarint(buf, tag.next, end)
      if (len === undefined) return out
      valueStart = len.next
      fieldEnd = len.next + len.value
    } else return out
    if (fieldEnd > end) return out
    found.push({ start: pos, tagEnd: tag.next, wire, valueStart, end: fieldEnd })
    pos = fieldEnd
  }
  for (const f of found) {
    out.push(f)
    if (f.wire === 2 && depth < 8) scanFields(buf, f.valueStart, f.end, depth + 1, out)
  }
  return out
}

export function encodeVarint(value: number): number[] {
  const out: number[] = []
  let v = value
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return out
}

/** A varint that lies: too long (padded), 10 bytes, huge, unterminated. */
function liarVarint(rng: Rng, honest: number): number[] {
  switch (rng.int(8)) {
    case 0:
      return [...encodeVarint(honest + rng.range(1, 16))]
    case 1:
      return [...encodeVarint(Math.max(0, honest - rng.range(1, 16)))]
    case 2: {
      // Non-canonical: the same value padded with continuation bytes.
      const v = encodeVarint(honest)
      v[v.length - 1] |= 0x80
      for (let i = rng.range(0, 6); i > 0; i--) v.push(0x80)
      v.push(0)
      return v
    }
    case 3:
      return [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
    case 4:
      return encodeVarint(0xffff_ffff)
    case 5:
      return encodeVarint(rng.pick([2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 35, 0x7fff_ffff]))
    case 6:
      return [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]
    default:
      return encodeVarint(0)
  }
}

function splice(buf: Uint8Array, from: number, to: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(buf.byteLength - (to - from) + insert.length)
  out.set(buf.subarray(0, from), 0)
  out.set(insert, from)
  out.set(buf.subarray(to), from + insert.length)
  return out
}

/** Protobuf-shaped garbage: random field numbers and wire types, groups, lies, nesting. */
export function garbageMessage(rng: Rng, depth = 0, maxBytes = 512): Uint8Array {
  const parts: number[] = []
  const fields = rng.range(0, 6)
  for (let i = 0; i < fields && parts.length < maxBytes; i++) {
    const field = rng.chance(0.8) ? rng.range(1, 12) : rng.pick([0, 15, 16, 2047, 2 ** 29 - 1])
    const wire = rng.chance(0.85) ? rng.pick([0, 2, 2, 2, 1, 5]) : rng.pick([3, 4, 6, 7])
    parts.push(...encodeVarint(field * 8 + wire))
    if (wire === 0) parts.push(...(rng.chance(0.7) ? encodeVarint(rng.u32()) : liarVarint(rng, rng.int(300))))
    else if (wire === 1) parts.push(...rng.bytes(rng.chance(0.9) ? 8 : rng.int(8)))
    else if (wire === 5) parts.push(...rng.bytes(rng.chance(0.9) ? 4 : rng.int(4)))
    else if (wire === 2) {
      const body =
        depth < 4 && rng.chance(0.5)
          ? garbageMessage(rng, depth + 1, maxBytes >> 1)
          : rng.bytes(rng.length(64))
      parts.push(
        ...(rng.chance(0.85) ? encodeVarint(body.byteLength) : liarVarint(rng, body.byteLength)),
        ...body
      )
    } else if (wire === 3 && rng.chance(0.5)) {
      // A group: nested start-groups, maybe closed.
      const depthOfGroups = rng.length(200)
      for (let d = 0; d < depthOfGroups; d++) parts.push(...encodeVarint(field * 8 + 3))
      if (rng.chance(0.5)) for (let d = 0; d <= depthOfGroups; d++) parts.push(...encodeVarint(field * 8 + 4))
    }
  }
  return Uint8Array.from(parts.slice(0, Math.max(maxBytes, 16)))
}

type Mutator = (rng: Rng, buf: Uint8Array, others: readonly Uint8Array[]) => Uint8Array

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x2a, 0x03, 0x04, 0x0b, 0x0c]

const mutators: Record<string, Mutator> = {
  bitFlips(rng, buf) {
    if (buf.byteLength === 0) return rng.bytes(1)
    const out = Uint8Array.from(buf)
    for (let n = rng.range(1, 4); n > 0; n--) out[rng.int(out.byteLength)] ^= 1 << rng.int(8)
    return out
  },
  interestingByte(rng, buf) {
    if (buf.byteLength === 0) return Uint8Array.of(rng.pick(INTERESTING))
    const out = Uint8Array.from(buf)
    out[rng.int(out.byteLength)] = rng.pick(INTERESTING)
    return out
  },
  truncate(rng, buf) {
    return buf.slice(0, rng.int(buf.byteLength + 1))
  },
  cutMiddle(rng, buf) {
    const a = rng.int(buf.byteLength + 1)
    const b = a + rng.int(buf.byteLength - a + 1)
    return splice(buf, a, b, [])
  },
  insertBytes(rng, buf) {
    const at = rng.int(buf.byteLength + 1)
    return splice(buf, at, at, rng.bytes(rng.length(32)))
  },
  appendGarbage(rng, buf) {
    const g = garbageMessage(rng)
    const out = new Uint8Array(buf.byteLength + g.byteLength)
    out.set(buf)
    out.set(g, buf.byteLength)
    return out
  },
  crossover(rng, buf, others) {
    const other = rng.pick(others)
    const a = rng.int(buf.byteLength + 1)
    const b = rng.int(other.byteLength + 1)
    const out = new Uint8Array(a + other.byteLength - b)
    out.set(buf.subarray(0, a))
    out.set(other.subarray(b), a)
    return out
  },
  lengthLie(rng, buf) {
    const fields = scanFields(buf).filter(f => f.wire === 2)
    if (fields.length === 0) return mutators.appendGarbage(rng, buf, [])
    const f = rng.pick(fields)
    return splice(buf, f.tagEnd, f.valueStart, liarVarint(rng, f.end - f.valueStart))
  },
  wireTypeConfusion(rng, buf) {
    const fields = scanFields(buf)
    if (fields.length === 0) return mutators.interestingByte(rng, buf, [])
    const f = rng.pick(fields)
    const tag = readVarint(buf, f.start, f.tagEnd)!.value
    const next = rng.chance(0.6) ? (tag & ~7) | rng.int(8) : rng.range(1, 12) * 8 + (tag & 7)
    return splice(buf, f.start, f.tagEnd, encodeVarint(next))
  },
  repeatField(rng, buf) {
    const fields = scanFields(buf)
    if (fields.length === 0) return mutators.appendGarbage(rng, buf, [])
    const f = rng.pick(fields)
    const copy = buf.subarray(f.start, f.end)
    const times = rng.chance(0.8) ? rng.range(1, 3) : rng.range(4, 64)
    const insert: number[] = []
    for (let i = 0; i < times; i++) insert.push(...copy)
    return splice(buf, f.end, f.end, insert)
  },
  nestedGarbage(rng, buf) {
    const fields = scanFields(buf).filter(f => f.wire === 2)
    if (fields.length === 0) return garbageMessage(rng)
    const f = rng.pick(fields)
    const body = garbageMessage(rng, 1)
    return splice(buf, f.tagEnd, f.end, [...encodeVarint(body.byteLength), ...body])
  },
  hugeVarintValue(rng, buf) {
    const fields = scanFields(buf).filter(f => f.wire === 0)
    if (fields.length === 0) return mutators.lengthLie(rng, buf, [])
    const f = rng.pick(fields)
    return splice(buf, f.tagEnd, f.end, liarVarint(rng, rng.int(1000)))
  },
  dropField(rng, buf) {
    const fields = scanFields(buf)
    if (fields.length === 0) return buf
    const f = rng.pick(fields)
    return splice(buf, f.start, f.end, [])
  },
  randomBytes(rng) {
    return rng.bytes(rng.length(512))
  },
  garbage(rng) {
    return garbageMessage(rng)
  }
}

export const MUTATOR_NAMES = Object.keys(mutators)

/**
 * One fuzz input: a seed encoding (sometimes unchanged) through 1–4 mutations, capped at `maxBytes`.
 * Returns the input and the mutators used, for the report.
 */
export function mutate(
  rng: Rng,
  seeds: readonly Uint8Array[],
  maxBytes: number
): { input: Uint8Array; steps: string[] } {
  let buf = rng.pick(seeds)
  const steps: string[] = []
  if (rng.chance(0.03)) return { input: buf, steps: ['unchanged'] }
  for (let n = rng.chance(0.6) ? 1 : rng.range(2, 4); n > 0; n--) {
    const name = rng.pick(MUTATOR_NAMES)
    buf = mutators[name](rng, buf, seeds)
    steps.push(name)
    if (buf.byteLength > maxBytes) buf = buf.subarray(0, maxBytes)
  }
  return { input: buf, steps }
}
