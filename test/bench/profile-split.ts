import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Where a tracker's CPU went, from a V8 CPU profile (`node --cpu-prof`): every sample is put in the
 * first category (in the order below) that one of its stack frames belongs to, and the shares are of
 * the busy samples (idle excluded), as issue 15's profile split them.
 */

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Categories, most specific first: a frame of the first that matches decides. */
const CATEGORIES: Array<[string, (f: ProfileNode['callFrame']) => boolean]> = [
  ['scrypt', f => /scrypt/i.test(f.functionName) || f.url.includes('password-hash')],
  ['identify', f => f.url.includes('@libp2p/identify')],
  ['getConnections', f => f.functionName === 'getConnections'],
  ['snapshot', f => f.url.includes('snapshot-frames') || /^snapshot/.test(f.functionName)],
  // Pushing deltas to every session: Presence.flush and what it calls (yamux, Noise, socket writes).
  ['fanOut', f => f.url.includes('tracker/presence') && f.functionName === 'flush'],
  [
    'noiseHandshake',
    f =>
      f.url.includes('libp2p-noise') &&
      /handshake|performHandshake|secureInbound|secureOutbound|readPayload|writeE|readE|mixKey/i.test(
        f.functionName
      )
  ],
  ['garbageCollection', f => f.functionName === '(garbage collector)'],
  ['writes', f => /^(writeBuffer|writev|writeUtf8String|writeGeneric)$/.test(f.functionName)],
  ['noiseEncryption', f => f.url.includes('libp2p-noise') || f.url.includes('chacha')],
  ['yamux', f => f.url.includes('libp2p-yamux') || f.url.includes('libp2p/mplex')],
  ['login', f => f.url.includes('tracker/') && /login|signIn|check|verify/i.test(f.functionName)]
]

/** Shares of busy CPU by category (fractions summing to 1), and the busy share of the profile. */
export function splitProfile(profile: CpuProfile): { busyShare: number; split: Record<string, number> } {
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const categoryOf = new Map<number, string>()
  const classify = (id: number): string => {
    const known = categoryOf.get(id)
    if (known !== undefined) return known
    const leaf = byId.get(id)!.callFrame.functionName
    let category = leaf === '(idle)' ? 'idle' : leaf === '(program)' ? 'program' : 'other'
    if (category === 'other') {
      const stack: ProfileNode['callFrame'][] = []
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
        stack.push(byId.get(at)!.callFrame)
      for (const [name, matches] of CATEGORIES) {
        if (stack.some(matches)) {
          category = name
          break
        }
      }
    }
    categoryOf.set(id, category)
    return category
  }
  const micros: Record<string, number> = {}
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    const c = classify(id)
    micros[c] = (micros[c] ?? 0) + dt
    total += dt
  })
  const busy = total - (micros.idle ?? 0)
  const split: Record<string, number> = {}
  for (const [c, us] of Object.entries(micros).sort((a, b) => b[1] - a[1])) {
    if (c !== 'idle') split[c] = Math.round((us / busy) * 1000) / 1000
  }
  return { busyShare: total === 0 ? 0 : Math.round((busy / total) * 1000) / 1000, split }
}

/** The split of the one .cpuprofile in `dir`. */
export async function splitProfileIn(
  dir: string
): Promise<{ busyShare: number; split: Record<string, number> }> {
  const files = (await readdir(dir)).filter(f => f.endsWith('.cpuprofile'))
  if (files.length !== 1) throw new Error(`expected one .cpuprofile in ${dir}, found ${files.length}`)
  return splitProfile(JSON.parse(await readFile(join(dir, files[0]), 'utf8')) as CpuProfile)
}
