/**
 * A small seeded PRNG (mulberry32) for the fuzzers: the same seed gives the same inputs on every
 * machine and Node version, so a failure is reproduced from its seed alone.
 */
export class Rng {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  u32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.u32() / 0x1_0000_0000) * n)
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff
    return out
  }

  /** Mostly small lengths, sometimes larger: most interesting bugs sit at small sizes. */
  length(max: number): number {
    const r = this.int(10)
    if (r < 6) return this.int(Math.min(16, max + 1))
    if (r < 9) return this.int(Math.min(256, max + 1))
    return this.int(max + 1)
  }
}

/** The seed of iteration `i` of a run seeded with `seed`: each input is reproducible on its own. */
export function iterationSeed(seed: number, i: number): number {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'))
}
