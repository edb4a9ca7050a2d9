import type { KeyObject } from 'node:crypto'
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto'
import type { AbortOptions, ConnectionEncrypter, PrivateKey } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import { equalBytes } from './bytes.ts'

/**
 * Noise handshakes without the work that is the same every time. A tracker answering a reconnect storm
 * spends a quarter of its CPU in Noise responder handshakes (issue 15), most of it rebuilding keys:
 *
 * - X25519: @chainsafe/libp2p-noise turns both keys back into Node key objects from DER for every
 *   Diffie-Hellman (a responder handshake does three, plus one key pair exported to DER): 157 µs per DH
 *   and 110 µs per key pair here, against 44 µs for a DH with ready key objects. Here every private key's
 *   key object is made once (the static key on its first use, an ephemeral one when it is generated), and
 *   a remote public key's once per handshake (the remote ephemeral key is used twice).
 * - The identity signature: every handshake signs the same static Noise key with the same identity key
 *   (`noise-libp2p-static-key:` + key). Ed25519 signatures are deterministic (RFC 8032), so the last one
 *   is kept and given again for the same bytes instead of importing the key and signing anew.
 *
 * The keys, the shared secrets, the signatures and the wire format are the same; only the work is less.
 */

/** DER prefixes of an X25519 private key (PKCS#8) and public key (SPKI), RFC 8410. */
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20
])
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00])

export const X25519_KEY_BYTES = 32

export interface X25519KeyPair {
  publicKey: Uint8Array
  privateKey: Uint8Array
}

/** Key objects by the byte arrays Noise holds: gone with the handshake that held them. */
const privateKeyObjects = new WeakMap<Uint8Array, KeyObject>()
const publicKeyObjects = new WeakMap<Uint8Array, KeyObject>()

/** A fresh key pair; its private key object is kept for the DHs that follow. */
export function generateX25519KeyPair(): X25519KeyPair {
  const pair = generateKeyPairSync('x25519')
  const publicKey = pair.publicKey.export({ type: 'spki', format: 'der' }).subarray(SPKI_PREFIX.length)
  const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'der' }).subarray(PKCS8_PREFIX.length)
  privateKeyObjects.set(privateKey, pair.privateKey)
  return { publicKey, privateKey }
}

/** The shared secret of `privateKey` and `publicKey` (32 bytes), as Noise's DH. */
export function x25519SharedKey(privateKey: Uint8Array, publicKey: Uint8Array | Uint8ArrayList): Uint8Array {
  const publicBytes = publicKey instanceof Uint8Array ? publicKey : publicKey.subarray()
  if (privateKey.byteLength !== X25519_KEY_BYTES || publicBytes.byteLength !== X25519_KEY_BYTES) {
    throw new Error(`X25519 keys are ${X25519_KEY_BYTES} bytes`)
  }
  return diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: publicKeyObject(publicBytes) })
}

const privateKeyObject = (bytes: Uint8Array): KeyObject =>
  cached(privateKeyObjects, bytes, der =>
    createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, der]), format: 'der', type: 'pkcs8' })
  )

const publicKeyObject = (bytes: Uint8Array): KeyObject =>
  cached(publicKeyObjects, bytes, der =>
    createPublicKey({ key: Buffer.concat([SPKI_PREFIX, der]), format: 'der', type: 'spki' })
  )

function cached(keys: WeakMap<Uint8Array, KeyObject>, bytes: Uint8Array, make: (b: Uint8Array) => KeyObject) {
  let key = keys.get(bytes)
  if (key === undefined) {
    key = make(bytes)
    keys.set(bytes, key)
  }
  return key
}

/** What a Noise encrypter (@chainsafe/libp2p-noise's `Noise`) has that this replaces. */
interface NoiseCrypto {
  crypto?: {
    generateKeypair(): X25519KeyPair
    dh(keypair: X25519KeyPair, publicKey: Uint8Array | Uint8ArrayList): Uint8Array
  }
}

/** `key`, whose `sign` gives the last signature again for the same bytes (Ed25519 is deterministic). */
export function memoizedSigner(key: PrivateKey): PrivateKey {
  if (key.type !== 'Ed25519') return key
  let last: { data: Uint8Array; signature: Uint8Array } | undefined
  const sign = (data: Uint8Array | Uint8ArrayList, options?: AbortOptions) => {
    const bytes = data instanceof Uint8Array ? data : data.subarray()
    if (last !== undefined && equalBytes(last.data, bytes)) return last.signature
    const signature = key.sign(bytes, options)
    if (signature instanceof Uint8Array) last = { data: Uint8Array.from(bytes), signature }
    return signature
  }
  return new Proxy(key, {
    get(target, prop) {
      if (prop === 'sign') return sign
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

/** Wrap `noise()` so that its handshakes use the X25519 and the signer above; the rest stays Noise's own. */
export function fastNoiseKeys<C extends { privateKey: PrivateKey }>(
  factory: (components: C) => ConnectionEncrypter
): (components: C) => ConnectionEncrypter {
  return components => {
    // libp2p's components are a proxy that throws for anything not set: read through, never spread.
    const signer = memoizedSigner(components.privateKey)
    const encrypter = factory(
      new Proxy(components, {
        get: (target, prop) => (prop === 'privateKey' ? signer : Reflect.get(target, prop))
      })
    )
    const crypto = (encrypter as NoiseCrypto).crypto
    if (crypto !== undefined) {
      crypto.generateKeypair = generateX25519KeyPair
      crypto.dh = (keypair, publicKey) => x25519SharedKey(keypair.privateKey, publicKey)
    }
    return encrypter
  }
}
