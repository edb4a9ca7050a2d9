import { describe, expect, it } from 'vitest'
import { ChatFrame } from '../../src/protocol/pb/chat.ts'
import { FileFrame } from '../../src/protocol/pb/file.ts'
import { ClientMessage, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import { clientSeeds } from '../fuzz/corpus.ts'
import { type FuzzResult, runTarget } from '../fuzz/engine.ts'
import { encodeVarint, mutate, scanFields } from '../fuzz/mutate.ts'
import { Rng } from '../fuzz/prng.ts'
import { decoderTargets, type FuzzTarget } from '../fuzz/targets.ts'

/** CI runs a fixed seed; `npm run fuzz -- --iterations N --seed S` runs longer or elsewhere. */
const SEED = 20_240_909
const ITERATIONS: Record<string, number> = { 'file:readFrames': 3_000 }
const DEFAULT_ITERATIONS = 5_000

function describeFailures(r: FuzzResult): string {
  return r.failures
    .map(
      f =>
        `${f.error}\n  npm run fuzz -- --target ${f.target} --seed ${f.seed} --iteration ${f.iteration}\n  input: ${f.hex}`
    )
    .join('\n')
}

describe('fuzzed decoders', () => {
  it.each(
    decoderTargets().map(t => [t.name, t] as const)
  )('%s: returns a value or throws an Error, fast', (name, target) => {
    const r = runTarget(target, { iterations: ITERATIONS[name] ?? DEFAULT_ITERATIONS, seed: SEED })
    expect(r.failures, describeFailures(r)).toEqual([])
    expect(r.iterations).toBe(ITERATIONS[name] ?? DEFAULT_ITERATIONS)
  })

  const codecs = { ClientMessage, TrackerMessage, ChatFrame, FileFrame }
  const fill = (n: number, byte: number) => new Uint8Array(n).fill(byte)
  const pathological: Record<string, Uint8Array> = {
    // Start-groups of an unknown field, nested a million deep: the skip recursion overflows the stack.
    'groups nested 1 MiB deep': fill(1024 * 1024, 0x7b),
    'groups nested 8 KiB deep, never closed': fill(8 * 1024, 0x7b),
    'a 10-byte varint id': Uint8Array.of(0x08, ...fill(9, 0xff), 0x01),
    'an 11-byte varint': Uint8Array.of(0x08, ...fill(10, 0x80), 0x00),
    'a length of 2^32 - 1 with 3 bytes': Uint8Array.of(0x12, ...encodeVarint(0xffff_ffff), 1, 2, 3),
    'a length of 2^53 - 1': Uint8Array.of(0x12, ...encodeVarint(2 ** 53 - 1)),
    'a length-delimited field nested 4000 deep': Uint8Array.from(new Array(4000).fill([0x12, 0x01]).flat()),
    'wire type 7': Uint8Array.of(0x0f, 0x00),
    'an end-group with no start': Uint8Array.of(0x0c),
    'field number 0': Uint8Array.of(0x00, 0x00, 0x00),
    '4000 empty repeated entries': Uint8Array.from(new Array(4000).fill([0x1a, 0x00]).flat())
  }
  it.each(
    Object.entries(pathological)
  )('%s: every decoder answers within 250 ms with a value or an Error', (_, input) => {
    for (const [name, codec] of Object.entries(codecs)) {
      const started = performance.now()
      let thrown: unknown
      try {
        codec.decode(input)
      } catch (err) {
        thrown = err
      }
      expect(performance.now() - started, name).toBeLessThan(250)
      if (thrown !== undefined) expect(thrown, name).toBeInstanceOf(Error)
    }
  })
})

describe('the fuzzer itself', () => {
  it('reports a failure with its seed, iteration and input, and replays it from the seed alone', () => {
    const target: FuzzTarget = {
      name: 'throws-on-0x2a',
      generate: rng => rng.bytes(rng.range(1, 8)),
      check: input => {
        if (input.includes(0x2a)) throw 'not an Error'
      }
    }
    const r = runTarget(target, { iterations: 500, seed: 1 })
    expect(r.failures.length).toBeGreaterThan(0)
    const f = r.failures[0]
    expect(f.error).toMatch(/non-Error/)
    expect(Buffer.from(f.hex, 'hex').includes(0x2a)).toBe(true)
    const again = runTarget(target, { iterations: 1, seed: 1, only: f.iteration })
    expect(again.failures[0].hex).toBe(f.hex)
  })

  it('mutates valid messages into inputs the decoders mostly refuse, and finds their fields', () => {
    const seeds = clientSeeds()
    expect(scanFields(seeds[4]).length).toBeGreaterThanOrEqual(6)
    const rng = new Rng(3)
    let refused = 0
    let changed = 0
    for (let i = 0; i < 2000; i++) {
      const { input } = mutate(rng, seeds, 8192)
      if (!seeds.some(s => Buffer.from(s).equals(input))) changed++
      try {
        ClientMessage.decode(input)
      } catch {
        refused++
      }
    }
    expect(changed).toBeGreaterThan(1600)
    // Enough get through to exercise what comes after decoding, enough fail to exercise the errors.
    expect(refused).toBeGreaterThan(300)
    expect(refused).toBeLessThan(1800)
  })
})
