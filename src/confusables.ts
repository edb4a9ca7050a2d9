/**
 * The two Unicode TR39 (Security Mechanisms) checks usernames need: the confusable skeleton, under
 * which strings that look alike are equal, and the "highly restrictive" script profile, which refuses
 * a name that mixes scripts (Latin "p" with Cyrillic "а" in "pаypal").
 */
import { CONFUSABLES_TABLE } from './confusables-table.ts'

let prototypes: Map<string, string> | undefined

/** The table parsed on first use: a tracker needs it, a peer only if it asks. */
function prototypeMap(): Map<string, string> {
  if (prototypes !== undefined) return prototypes
  const hex = (codes: string) =>
    String.fromCodePoint(...codes.split(' ').map(h => Number.parseInt(h, 16))).normalize('NFD')
  prototypes = new Map()
  for (const entry of CONFUSABLES_TABLE.split(',')) {
    if (entry === '') continue
    const [from, to] = entry.split(':')
    prototypes.set(hex(from), hex(to))
  }
  return prototypes
}

/**
 * TR39 skeleton: NFD, each character replaced by its confusables prototype, NFD again. Strings whose
 * skeletons are equal look alike; a skeleton is not meant to be shown ("m" becomes "rn").
 */
export function skeleton(text: string): string {
  const map = prototypeMap()
  let out = ''
  for (const c of text.normalize('NFD')) out += map.get(c) ?? c
  return out.normalize('NFD')
}

// ISO 15924 codes of Unicode's scripts (PropertyValueAliases.txt, "sc"), less Common (Zyyy),
// Inherited (Zinh) and Unknown (Zzzz), which count as any script. Codes this engine's Unicode does
// not know are skipped: no character of theirs can be in its strings' properties either.
const SCRIPT_CODES =
  'Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Bhks Bopo Brah Brai Bugi Buhd Cakm ' +
  'Cans Cari Cham Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi Gara ' +
  'Geor Glag Gong Gonm Goth Gran Grek Gujr Gukh Guru Hang Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp ' +
  'Hung Ital Java Kali Kana Kawi Khar Khmr Khoj Kits Knda Krai Kthi Lana Laoo Latn Lepc Limb Lina ' +
  'Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend Merc Mero Mlym Modi Mong Mroo Mtei Mult ' +
  'Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Onao Orkh Orya Osge Osma Ougr Palm Pauc Perm ' +
  'Phag Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd Sind Sinh Sogd ' +
  'Sogo Sora Soyo Sund Sunu Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Telu Tfng Tglg Thaa Thai ' +
  'Tibt Tirh Tnsa Todr Toto Tutg Ugar Vaii Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb'

let scriptTests: Array<[string, RegExp]> | undefined

function scriptRegExps(): Array<[string, RegExp]> {
  if (scriptTests !== undefined) return scriptTests
  scriptTests = []
  for (const code of SCRIPT_CODES.split(' ')) {
    try {
      scriptTests.push([code, new RegExp(`^\\p{scx=${code}}$`, 'u')])
    } catch {
      // Unknown to this engine's Unicode version.
    }
  }
  return scriptTests
}

const ANY_SCRIPT = /^[\p{scx=Zyyy}\p{scx=Zinh}\p{sc=Zzzz}]$/u

/**
 * A character's augmented Script_Extensions (TR39 §5.1), or undefined for Common and Inherited
 * characters (digits, "_", combining marks shared by all), which go with any script. Augmented: Han
 * also counts as Japanese (Jpan), Korean (Kore) and Han-with-Bopomofo (Hanb), kana as Japanese,
 * Hangul as Korean and Bopomofo as Hanb, so "漢字かな" is one script.
 */
function augmentedScripts(c: string): Set<string> | undefined {
  if (ANY_SCRIPT.test(c)) return undefined
  const set = new Set<string>()
  for (const [code, re] of scriptRegExps()) if (re.test(c)) set.add(code)
  if (set.has('Hani')) set.add('Hanb').add('Jpan').add('Kore')
  if (set.has('Hira') || set.has('Kana')) set.add('Jpan')
  if (set.has('Hang')) set.add('Kore')
  if (set.has('Bopo')) set.add('Hanb')
  return set
}

/** Script sets a "highly restrictive" string may span besides a single script (TR39 §5.2). */
const ALLOWED_SCRIPT_MIXES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latn', 'Hani', 'Hira', 'Kana']),
  new Set(['Latn', 'Hani', 'Bopo']),
  new Set(['Latn', 'Hani', 'Hang'])
]

/**
 * Whether `text` meets TR39's "highly restrictive" profile: one script (plus Common and Inherited
 * characters), or Latin with Han and kana (Japanese), Han and Bopomofo, or Han and Hangul.
 */
export function isHighlyRestrictive(text: string): boolean {
  const sets: Array<Set<string>> = []
  for (const c of text) {
    const set = augmentedScripts(c)
    if (set !== undefined) sets.push(set)
  }
  // Single script: some script is shared by every character's set.
  if (sets.length === 0) return true
  const [first, ...rest] = sets
  for (const code of first) if (rest.every(s => s.has(code))) return true
  // Covered by an allowed mix: every character has a script in it.
  return ALLOWED_SCRIPT_MIXES.some(mix => sets.every(s => [...s].some(code => mix.has(code))))
}
