import { noise, pureJsCrypto } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import {
  fastNoiseKeys,
  generateX25519KeyPair,
  memoizedSigner,
  x25519SharedKey
} from '../../src/fast-noise-keys.ts'

describe('Noise handshakes without repeated key work', () => {
  it('agrees with the pure-JS X25519 on key pairs and shared secrets, cached or not', () => {
    for (let i = 0; i < 20; i++) {
      const ours = generateX25519KeyPair()
      const theirs = pureJsCrypto.generateX25519KeyPair()
      // Our public key is the one the private key implies.
      expect(pureJsCrypto.generateX25519KeyPairFromSeed(ours.privateKey).publicKey).toEqual(
        Uint8Array.from(ours.publicKey)
      )
      const expected = pureJsCrypto.generateX25519SharedKey(theirs.privateKey, ours.publicKey)
      // Private key object from generation; then again (cached public key); then keys made elsewhere.
      expect(Uint8Array.from(x25519SharedKey(ours.privateKey, theirs.publicKey))).toEqual(
        Uint8Array.from(expected)
      )
      expect(Uint8Array.from(x25519SharedKey(ours.privateKey, theirs.publicKey))).toEqual(
        Uint8Array.from(expected)
      )
      expect(Uint8Array.from(x25519SharedKey(theirs.privateKey, ours.publicKey))).toEqual(
        Uint8Array.from(expected)
      )
      expect(
        Uint8Array.from(
          x25519SharedKey(
            ours.privateKey,
            new Uint8ArrayList(theirs.publicKey.subarray(0, 5), theirs.publicKey.subarray(5))
          )
        )
      ).toEqual(Uint8Array.from(expected))
    }
  })

  it('refuses keys of the wrong length', () => {
    const ours = generateX25519KeyPair()
    expect(() => x25519SharedKey(ours.privateKey, new Uint8Array(31))).toThrow(/32 bytes/)
    expect(() => x25519SharedKey(new Uint8Array(33), ours.publicKey)).toThrow(/32 bytes/)
  })

  it('replaces the DH of the Noise encrypter it wraps (a Noise upgrade that moved it would fail here)', async () => {
    const privateKey = await generateKeyPair('Ed25519')
    // As libp2p hands them over: a proxy that throws for anything not set (so they cannot be spread).
    const components = new Proxy(
      {
        privateKey,
        peerId: peerIdFromPrivateKey(privateKey),
        logger: defaultLogger(),
        upgrader: {} as never
      },
      {
        get(target, prop) {
          if (prop === '_started') throw new Error('_started not set')
          return Reflect.get(target, prop)
        },
        ownKeys: () => ['_started']
      }
    )
    const encrypter = fastNoiseKeys(noise())(components) as unknown as {
      crypto: { generateKeypair(): unknown; dh(k: { privateKey: Uint8Array }, p: Uint8Array): Uint8Array }
    }
    expect(encrypter.crypto.generateKeypair).toBe(generateX25519KeyPair)
    const a = generateX25519KeyPair()
    const b = pureJsCrypto.generateX25519KeyPair()
    expect(Uint8Array.from(encrypter.crypto.dh(a, b.publicKey))).toEqual(
      Uint8Array.from(pureJsCrypto.generateX25519SharedKey(b.privateKey, a.publicKey))
    )
  })

  it('gives the same identity signatures as the key itself, signing anew for other bytes', async () => {
    const key = await generateKeyPair('Ed25519')
    const signer = memoizedSigner(key)
    const a = new TextEncoder().encode('noise-libp2p-static-key:one')
    const b = new TextEncoder().encode('noise-libp2p-static-key:two')
    const sa = await signer.sign(a)
    expect(await signer.sign(a)).toBe(sa)
    expect(sa).toEqual(await key.sign(a))
    const sb = await signer.sign(b)
    expect(sb).toEqual(await key.sign(b))
    expect(sb).not.toEqual(sa)
    expect(await key.publicKey.verify(b, sb)).toBe(true)
    // Everything else is the key's own.
    expect(signer.publicKey.equals(key.publicKey)).toBe(true)
    expect(signer.equals(key)).toBe(true)
    expect(signer.raw).toEqual(key.raw)
  })
})
