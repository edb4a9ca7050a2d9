import type { KeyObject } from 'node:crypto'
import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto'
import { join } from 'node:path'
import { ResumeRefusedError } from '../src/errors.ts'
import { DurableJSONFile } from '../src/storage/durable-json-file.ts'
import { usernameKey } from '../src/usernames.ts'
import type { Account } from './accounts-file.ts'
import type { RedisStore } from './store/redis-store.ts'
import { REDIS_KEY_PREFIX } from './store/redis-store.ts'

/**
 * Resumable sessions: after a password login the tracker hands the peer a credential it presents
 * instead of the password next time (a network blip, a tracker restart), so a reconnect costs an HMAC,
 * not a password hash. A credential is `version | issuedAt | sessionGen | HMAC-SHA256(secret, …)` over
 * the account, the PeerId it was issued to, its issue time and the account's session generation: the
 * tracker keeps nothing per credential, a credential only works on a connection whose Noise handshake
 * proves that PeerId (stolen alone it is useless), and it is revoked by
 * - a password change or "log out everywhere": the account's `sessionGen` moves on;
 * - a logout of that device: the account remembers when (`revoked[peerId]`), and credentials that
 *   device got until then stop working;
 * - its age: `ttlMs` after the password login (absolute: resuming does not extend it).
 * The secret is kept with the tracker's store (a file in the data directory, or a Redis key that every
 * tracker of the deployment shares), so credentials survive restarts and work on any of the trackers.
 */

/** Default lifetime of a credential, from the password login that got it. */
export const DEFAULT_RESUME_TTL_DAYS = 30
export const DAY_MS = 24 * 60 * 60 * 1000
/** Longest lifetime `--resume-days` takes: a year (a stolen device key stays useful no longer). */
export const MAX_RESUME_DAYS = 365
/** Bytes of the HMAC secret: SHA-256's block-strength key. */
export const RESUME_SECRET_BYTES = 32
/** File in the tracker's data directory holding the secret (lowdb store). */
export const RESUME_SECRET_FILE_NAME = 'resume-secret.json'
/** The secret on Redis: set once by whichever tracker comes first, then shared. */
export const RESUME_SECRET_KEY = `${REDIS_KEY_PREFIX}resume-secret`
/**
 * A credential issued this far in the future is still taken: trackers sharing a store may disagree on
 * the time by this much (NTP keeps them far closer).
 */
export const RESUME_CLOCK_SKEW_MS = 5 * 60 * 1000

const VERSION = 1
const MAC_BYTES = 32
/** version (1) | issuedAt ms (8) | sessionGen (4) | mac (32). */
export const CREDENTIAL_BYTES = 1 + 8 + 4 + MAC_BYTES
const CONTEXT = Buffer.from('p2pchat resume v1\0')
const ADDR_CONTEXT = Buffer.from('p2pchat addresses v1\0')
/** version (1) | expiresAt ms (8) | mac (32). */
export const ADDR_PROOF_BYTES = 1 + 8 + MAC_BYTES

export interface IssuedCredential {
  token: Uint8Array
  expiresAt: number
}

interface SecretFile {
  version: number
  secret: string
}

function validateSecretFile(data: unknown): SecretFile {
  const f = data as SecretFile
  if (
    f?.version !== 1 ||
    typeof f.secret !== 'string' ||
    Buffer.from(f.secret, 'base64').length !== RESUME_SECRET_BYTES
  ) {
    throw new Error(`expected {"version": 1, "secret": "<${RESUME_SECRET_BYTES} bytes, base64>"}`)
  }
  return f
}

const secretFile = (dataDir: string): DurableJSONFile<SecretFile> =>
  new DurableJSONFile<SecretFile>(join(dataDir, RESUME_SECRET_FILE_NAME), { validate: validateSecretFile })

/** The secret in the data directory, if there is one (`DataCorruptError` for a damaged file). */
export async function readFileSecret(dataDir: string): Promise<Buffer | undefined> {
  const held = await secretFile(dataDir).read()
  return held === null ? undefined : Buffer.from(held.secret, 'base64')
}

/** Keep `secret` in the data directory (atomically, mode 0600). */
export async function writeFileSecret(dataDir: string, secret: Buffer): Promise<void> {
  await secretFile(dataDir).write({ version: 1, secret: secret.toString('base64') })
}

/** The secret in the data directory: read, or created on first use. */
export async function loadFileSecret(dataDir: string): Promise<Buffer> {
  const held = await readFileSecret(dataDir)
  if (held !== undefined) return held
  const secret = randomBytes(RESUME_SECRET_BYTES)
  await writeFileSecret(dataDir, secret)
  return secret
}

/** The secret on Redis: the first tracker sets it (SET NX), every tracker reads the one that won. */
export async function loadRedisSecret(redis: RedisStore): Promise<Buffer> {
  const fresh = randomBytes(RESUME_SECRET_BYTES).toString('base64')
  await redis.client.set(RESUME_SECRET_KEY, fresh, 'NX')
  const stored = await redis.client.get(RESUME_SECRET_KEY)
  const secret = Buffer.from(stored ?? '', 'base64')
  if (secret.length !== RESUME_SECRET_BYTES) {
    throw new Error(`Redis key ${RESUME_SECRET_KEY} does not hold a ${RESUME_SECRET_BYTES}-byte secret`)
  }
  return secret
}

/** Issues and checks credentials with one secret; `ttlMs` 0 turns resumption off. */
export class ResumeKeys {
  /** A key object made once: an HMAC keyed with raw bytes builds one per call (a reconnect storm's logins). */
  readonly #secret: KeyObject
  readonly ttlMs: number

  constructor(secret: Buffer, ttlMs: number) {
    this.#secret = createSecretKey(secret)
    this.ttlMs = ttlMs
  }

  get enabled(): boolean {
    return this.ttlMs > 0
  }

  /** A credential for `account` on the device `peerId` (multihash bytes), issued now. */
  issue(account: Account, peerId: Uint8Array, now = Date.now()): IssuedCredential {
    const token = Buffer.alloc(CREDENTIAL_BYTES)
    token.writeUInt8(VERSION, 0)
    token.writeBigUInt64BE(BigInt(now), 1)
    token.writeUInt32BE(account.sessionGen ?? 0, 9)
    this.#mac(account, peerId, token.subarray(0, 13)).copy(token, 13)
    return { token, expiresAt: now + this.ttlMs }
  }

  /**
   * Check a credential presented by `peerId` (Noise-proven) for `account` (undefined: no such account).
   * Returns its expiry; throws `ResumeRefusedError`, the same for every reason, so nothing is learnt
   * about the account from the answer (the log line says which).
   */
  verify(
    account: Account | undefined,
    peerId: Uint8Array,
    peerKey: string,
    token: Uint8Array,
    now = Date.now()
  ): { expiresAt: number } {
    const why = this.#problem(account, peerId, peerKey, token, now)
    if (why !== undefined) {
      throw new ResumeRefusedError(
        'this resumption credential is not valid (anymore): log in with the password',
        {
          cause: why
        }
      )
    }
    return { expiresAt: Number(Buffer.from(token).readBigUInt64BE(1)) + this.ttlMs }
  }

  #problem(
    account: Account | undefined,
    peerId: Uint8Array,
    peerKey: string,
    token: Uint8Array,
    now: number
  ): string | undefined {
    if (!this.enabled) return 'resumption is off on this tracker'
    if (token.byteLength !== CREDENTIAL_BYTES || token[0] !== VERSION) return 'malformed'
    if (account === undefined) return 'no such account'
    const buf = Buffer.from(token.buffer, token.byteOffset, token.byteLength)
    const expected = this.#mac(account, peerId, buf.subarray(0, 13))
    // Checked first and in constant time: what follows only reads fields the tracker wrote itself.
    if (!timingSafeEqual(expected, buf.subarray(13))) return 'not issued to this account and device'
    const issuedAt = Number(buf.readBigUInt64BE(1))
    if (issuedAt > now + RESUME_CLOCK_SKEW_MS) return 'issued in the future'
    if (now >= issuedAt + this.ttlMs) return 'expired'
    if (buf.readUInt32BE(9) !== (account.sessionGen ?? 0))
      return 'revoked (password change or log out everywhere)'
    const revokedAt = account.revoked?.[peerKey]
    if (revokedAt !== undefined && issuedAt <= revokedAt) return 'revoked (this device logged out)'
    return undefined
  }

  /**
   * An address proof: the tracker reached `peerId` at `addrs` (binary multiaddrs) and trusts that until
   * `expiresAt`. The peer presents it at its next login; a tracker (this one after a restart, or another
   * of the store) that gets the same addresses from the same PeerId trusts them without dialling back.
   */
  issueAddrProof(peerId: Uint8Array, addrs: Uint8Array[], expiresAt: number): Uint8Array {
    const proof = Buffer.alloc(ADDR_PROOF_BYTES)
    proof.writeUInt8(VERSION, 0)
    proof.writeBigUInt64BE(BigInt(Math.max(0, Math.trunc(expiresAt))), 1)
    this.#addrMac(peerId, addrs, proof.subarray(0, 9)).copy(proof, 9)
    return proof
  }

  /** Until when `proof` vouches for exactly `addrs` of `peerId`; undefined when it does not (or expired). */
  checkAddrProof(
    peerId: Uint8Array,
    addrs: Uint8Array[],
    proof: Uint8Array,
    now = Date.now()
  ): number | undefined {
    if (proof.byteLength !== ADDR_PROOF_BYTES || proof[0] !== VERSION || addrs.length === 0) return undefined
    const buf = Buffer.from(proof.buffer, proof.byteOffset, proof.byteLength)
    if (!timingSafeEqual(this.#addrMac(peerId, addrs, buf.subarray(0, 9)), buf.subarray(9))) return undefined
    const expiresAt = Number(buf.readBigUInt64BE(1))
    return expiresAt > now ? expiresAt : undefined
  }

  #addrMac(peerId: Uint8Array, addrs: Uint8Array[], header: Buffer): Buffer {
    const mac = createHmac('sha256', this.#secret).update(ADDR_CONTEXT).update(header)
    const len = Buffer.alloc(4)
    len.writeUInt32BE(peerId.byteLength)
    mac.update(len).update(peerId)
    // In a fixed order, each with its length: the same set of addresses gives the same MAC.
    for (const addr of [...addrs].map(a => Buffer.from(a)).sort(Buffer.compare)) {
      len.writeUInt32BE(addr.byteLength)
      mac.update(len).update(addr)
    }
    return mac.digest()
  }

  #mac(account: Account, peerId: Uint8Array, header: Buffer): Buffer {
    // The account as the key names it, and when it was created: a name registered again later (were
    // accounts ever deleted) is another account.
    const name = Buffer.from(usernameKey(account.username))
    const fixed = Buffer.alloc(12)
    fixed.writeUInt32BE(name.length, 0)
    fixed.writeBigUInt64BE(BigInt(Math.max(0, Math.trunc(account.createdAt))), 4)
    return createHmac('sha256', this.#secret)
      .update(CONTEXT)
      .update(fixed)
      .update(name)
      .update(peerId)
      .update(header)
      .digest()
  }
}
