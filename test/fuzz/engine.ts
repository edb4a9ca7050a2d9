import { iterationSeed, Rng, toHex } from './prng.ts'
import type { FuzzTarget } from './targets.ts'

/** One input for which a property did not hold (or that took too long), with what reproduces it. */
export interface FuzzFailureReport {
  target: string
  seed: number
  iteration: number
  hex: string
  error: string
}

export interface FuzzResult {
  target: string
  iterations: number
  ms: number
  perSecond: number
  /** Slowest single input, ms. */
  maxInputMs: number
  maxInputBytes: number
  failures: FuzzFailureReport[]
}

export interface FuzzRunOptions {
  iterations: number
  seed: number
  /**
   * An input whose check takes longer than this is a failure (a decoder must not loop or blow up).
   * @default 100
   */
  maxInputMs?: number
  /** Stop collecting after this many failures. @default 10 */
  maxFailures?: number
  /** Run only this iteration (to reproduce one failure). */
  only?: number
}

/** A target's own seed stream, so adding a target does not change another's inputs. */
function targetSeed(seed: number, name: string): number {
  let h = seed >>> 0
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0
  return h
}

/** The PRNG of one iteration: generating the input and checking it both draw from it. */
export function iterationRng(target: string, seed: number, iteration: number): Rng {
  return new Rng(iterationSeed(targetSeed(seed, target), iteration))
}

/** Check one input against a target, timing it; returns the error text or undefined. */
export function checkOne(
  target: FuzzTarget,
  input: Uint8Array,
  rng: Rng,
  maxInputMs: number
): { error?: string; ms: number } {
  const started = performance.now()
  let error: string | undefined
  try {
    target.check(input, rng)
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}` : `non-Error thrown: ${String(err)}`
  }
  const ms = performance.now() - started
  if (error === undefined && ms > maxInputMs) error = `took ${ms.toFixed(1)} ms (limit ${maxInputMs} ms)`
  return { error, ms }
}

/** Run `iterations` inputs against a target. */
export function runTarget(target: FuzzTarget, opts: FuzzRunOptions): FuzzResult {
  const maxInputMs = opts.maxInputMs ?? 100
  const maxFailures = opts.maxFailures ?? 10
  const failures: FuzzFailureReport[] = []
  let maxMs = 0
  let maxBytes = 0
  let done = 0
  const started = performance.now()
  const first = opts.only ?? 0
  const last = opts.only ?? opts.iterations - 1
  for (let i = first; i <= last && failures.length < maxFailures; i++) {
    const rng = iterationRng(target.name, opts.seed, i)
    const input = target.generate(rng)
    const { error, ms } = checkOne(target, input, rng, maxInputMs)
    done++
    // The first inputs also pay for compiling the decoder: not a property of the input.
    if (i - first >= 20) maxMs = Math.max(maxMs, ms)
    maxBytes = Math.max(maxBytes, input.byteLength)
    if (error !== undefined && !(i - first < 20 && error.startsWith('took'))) {
      failures.push({ target: target.name, seed: opts.seed, iteration: i, hex: toHex(input), error })
    }
  }
  const ms = performance.now() - started
  return {
    target: target.name,
    iterations: done,
    ms,
    perSecond: done / (ms / 1000),
    maxInputMs: maxMs,
    maxInputBytes: maxBytes,
    failures
  }
}
