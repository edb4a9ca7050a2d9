import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PEER_HELP, parsePeerArgs } from '../../peer/cli.ts'
import { parseWebArgs } from '../../peer/web/cli.ts'

const saved = process.env.P2PCHAT_TRACKER
afterEach(() => {
  if (saved === undefined) delete process.env.P2PCHAT_TRACKER
  else process.env.P2PCHAT_TRACKER = saved
})

/** Three tracker addresses, each with a real PeerId. */
let A: string
let B: string
let C: string
beforeAll(async () => {
  const ids = await Promise.all(
    [1, 2, 3].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
  )
  ;[A, B, C] = ids.map((id, i) => `/ip4/192.0.2.${i + 1}/tcp/4001/p2p/${id}`)
})

function trackersOf(argv: string[]): string[] | undefined {
  const opts = parsePeerArgs([...argv, '--user', 'alice'])
  if (opts === 'help') throw new Error('help')
  return opts.tracker
}

describe('p2pchat peer --tracker', () => {
  it('takes one address, as before', () => {
    delete process.env.P2PCHAT_TRACKER
    expect(trackersOf(['--tracker', A])).toEqual([A])
    expect(trackersOf([])).toBeUndefined()
  })

  it('takes several: repeated, comma-separated, or both, in order, each once', () => {
    expect(trackersOf(['--tracker', A, '--tracker', B])).toEqual([A, B])
    expect(trackersOf(['--tracker', `${B}, ${A}`])).toEqual([B, A])
    expect(trackersOf(['--tracker', `${C},${A}`, '--tracker', B, '--tracker', A])).toEqual([C, A, B])
  })

  it('reads P2PCHAT_TRACKER comma-separated; a flag wins over it', () => {
    process.env.P2PCHAT_TRACKER = ` ${A} ,${B},`
    expect(trackersOf([])).toEqual([A, B])
    expect(trackersOf(['--tracker', C])).toEqual([C])
  })

  it('refuses a list with one bad address, naming it and where it came from', () => {
    const noPeerId = '/ip4/192.0.2.9/tcp/4001'
    const refused = (argv: string[]): unknown => {
      try {
        trackersOf(argv)
      } catch (err) {
        return err
      }
      throw new Error(`accepted ${argv.join(' ')}`)
    }
    for (const argv of [
      ['--tracker', `${A},${noPeerId}`],
      ['--tracker', A, '--tracker', noPeerId]
    ]) {
      const err = refused(argv) as Error & { code: string }
      expect(err.code).toBe('INVALID_OPTION')
      expect(err.message).toMatch(/^--tracker must end in \/p2p\/<tracker PeerId>/)
      expect(err.message).toContain(noPeerId)
    }
    expect(refused(['--tracker', `${A},not-a-multiaddr`])).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('not-a-multiaddr')
    })
    process.env.P2PCHAT_TRACKER = `${noPeerId},${A}`
    expect(refused([])).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/^P2PCHAT_TRACKER /)
    })
    for (const empty of ['', ',', ' , ']) {
      expect(refused(['--tracker', empty])).toMatchObject({
        code: 'INVALID_OPTION',
        message: '--tracker needs a value, not an empty string'
      })
    }
  })

  it('says so in --help', () => {
    expect(PEER_HELP).toContain('[--tracker MULTIADDR]…')
    expect(PEER_HELP).toMatch(/repeat it,\s+or comma-separate them/)
  })
})

describe('p2pchat web --tracker', () => {
  it('takes several, as p2pchat peer does', () => {
    const opts = parseWebArgs(['--tracker', A, '--tracker', B])
    expect(opts === 'help' ? undefined : opts.tracker).toEqual([A, B])
  })
})
