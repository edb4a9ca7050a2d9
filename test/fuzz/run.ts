/**
 * The long fuzz run: `npm run fuzz -- --iterations N --seed S [--target NAME] [--max-ms MS]`.
 * Prints inputs per second for every decoder and each failure with the seed, iteration and input hex;
 * exits 1 on any failure. Reproduce one failure with `--target NAME --seed S --iteration I`, or check
 * an input directly with `--target NAME --hex HEX`.
 */
import { parseArgs } from 'node:util'
import { checkOne, type FuzzResult, runTarget } from './engine.ts'
import { fromHex, Rng } from './prng.ts'
import { decoderTargets } from './targets.ts'

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    target: { type: 'string' },
    iteration: { type: 'string' },
    hex: { type: 'string' },
    'max-ms': { type: 'string', default: '100' },
    help: { type: 'boolean', short: 'h' }
  }
})

if (values.help) {
  console.log(
    'usage: npm run fuzz -- [--iterations N] [--seed S] [--target NAME] [--iteration I] [--hex HEX] [--max-ms MS]'
  )
  console.log(
    `targets: ${decoderTargets()
      .map(t => t.name)
      .join(', ')}`
  )
  process.exit(0)
}

const iterations = Number(values.iterations)
const seed = values.seed === undefined ? Date.now() >>> 0 : Number(values.seed) >>> 0
const maxInputMs = Number(values['max-ms'])
const targets = decoderTargets().filter(t => values.target === undefined || t.name.includes(values.target))
if (!Number.isSafeInteger(iterations) || iterations < 1 || Number.isNaN(seed) || targets.length === 0) {
  console.error('need --iterations ≥ 1, a numeric --seed, and a --target that matches (see --help)')
  process.exit(2)
}

if (values.hex !== undefined) {
  // One given input: the checks that draw from the PRNG (chunking) use the seed.
  let failed = false
  for (const t of targets) {
    const { error, ms } = checkOne(t, fromHex(values.hex), new Rng(seed), maxInputMs)
    console.log(`${t.name}: ${error ?? 'ok'} (${ms.toFixed(2)} ms)`)
    failed ||= error !== undefined
  }
  process.exit(failed ? 1 : 0)
}

const only = values.iteration === undefined ? undefined : Number(values.iteration)
console.log(
  `fuzzing ${targets.length} decoder(s), ${only === undefined ? iterations : 1} input(s) each, seed ${seed}`
)
const results: FuzzResult[] = []
for (const target of targets) {
  const r = runTarget(target, { iterations, seed, maxInputMs, only })
  results.push(r)
  console.log(
    `${r.target.padEnd(24)} ${String(r.iterations).padStart(9)} inputs in ${(r.ms / 1000).toFixed(2)} s ` +
      `(${Math.round(r.perSecond).toLocaleString('en')}/s), slowest ${r.maxInputMs.toFixed(2)} ms, ` +
      `largest ${r.maxInputBytes} B, ${r.failures.length} failure(s)`
  )
  for (const f of r.failures) {
    console.log(`  FAIL ${f.target} seed=${f.seed} iteration=${f.iteration}: ${f.error}`)
    console.log(`    input (${f.hex.length / 2} B): ${f.hex}`)
    console.log(
      `    reproduce: npm run fuzz -- --target ${f.target} --seed ${f.seed} --iteration ${f.iteration}`
    )
  }
}
const failures = results.reduce((n, r) => n + r.failures.length, 0)
console.log(failures === 0 ? 'no failures' : `${failures} failure(s)`)
process.exit(failures === 0 ? 0 : 1)
