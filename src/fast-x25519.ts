import type { KeyObject } from 'node:crypto'
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto'
import type { ConnectionEncrypter } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * Noise's X25519 with Node's key objects kept instead of rebuilt. @chainsafe/libp2p-noise turns both
 * keys back into key objects from DER for every Diffie-Hellman (a responder handshake does three, plus
 * one key pair exported to DER): 157 µs per DH and 110 µs per key pair here, against 44 µs for a DH
 * with ready key objects. A tracker answering a reconnect storm spends most of its handshake time there
 * (issue 15's storm profile: 15 % of the busy samples in key-object construction). Here the key object of
 * every private key is made once (the static key on its first use, an ephemeral one when it is generated)
 * and a remote public key's once per handshake (the remote ephemeral key is used twice). The keys, the
 * shared secrets and the wire format are the same; only the work to get them is less.
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

function privateKeyObject(bytes: Uint8Array): KeyObject {
  let key = privateKeyObjects.get(bytes)
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, bytes]), format: 'der', type: 'pkcs8' })
    privateKeyObjects.set(bytes, key)
  }
  return key
}

function publicKeyObject(bytes: Uint8Array): KeyObject {
  let key = publicKeyObjects.get(bytes)
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, bytes]), format: 'der', type: 'spki' })
    publicKeyObjects.set(bytes, key)
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

/** Wrap `noise()` so that its handshakes use the X25519 above; everything else stays Noise's own. */
export function fastX25519<C>(
  factory: (components: C) => ConnectionEncrypter
): (components: C) => ConnectionEncrypter {
  return components => {
    const encrypter = factory(components)
    const crypto = (encrypter as NoiseCrypto).crypto
    if (crypto !== undefined) {
      crypto.generateKeypair = generateX25519KeyPair
      crypto.dh = (keypair, publicKey) => x25519SharedKey(keypair.privateKey, publicKey)
    }
    return encrypter
  }
}
