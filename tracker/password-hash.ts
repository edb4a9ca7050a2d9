import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { BusyError } from '../src/errors.ts'

/** OWASP's scrypt recommendation: N=2^17 (128 MiB), r=8, p=1. */
export const DEFAULT_SCRYPT_LOG_N = 17
export const SCRYPT_R = 8
export const SCRYPT_P = 1
/** Below this a hash costs under a millisecond: fine for a lab benchmark, never for real accounts. */
export const MIN_SCRYPT_LOG_N = 10
export const MAX_SCRYPT_LOG_N = 20
const KEY_BYTES = 32
const SALT_BYTES = 16
/**
 * Hashes waiting for the thread pool beyond this are refused with BUSY: each takes ~0.3 s of a core,
 * so a longer queue only makes every login time out instead of some being told to come back.
 */
export const MAX_QUEUED_HASHES = 64
/** What a BUSY reply tells the client to wait. */
export const BUSY_RETRY_AFTER_MS = 1_000
/**
 * Registration hashes running at once. Node runs scrypt on 4 libuv threads; registrations may take two,
 * so a sign-up flood from many hosts leaves logins two threads (and memory for two 128 MiB hashes).
 */
export const REGISTRATION_HASHES_AT_ONCE = 2
/** Registrations waiting for one of those; more are refused with BUSY at once instead of piling up. */
export const MAX_QUEUED_REGISTRATIONS = 16

export interface PasswordHash {
  /** log2 of scrypt's N; stored per account so the cost can be raised later. */
  logN: number
  r: number
  p: number
  salt: string
  hash: string
}

function scryptAsync(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN
  // scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) is below OWASP's 128 MiB.
  const maxmem = 128 * N * r * p + 32 * 1024 * 1024
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

/** Hashes and verifies passwords with scrypt, with a bounded queue. */
export class PasswordHasher {
  readonly logN: number
  #queued = 0
  /** Registration hashes running, and the ones waiting for a turn (FIFO). */
  #registering = 0
  readonly #registrationQueue: Array<() => void> = []
  readonly #dummy: Promise<PasswordHash>

  constructor(logN = DEFAULT_SCRYPT_LOG_N) {
    this.logN = logN
    // Verifying against this for unknown users costs the same as a real check, so timing tells nothing.
    this.#dummy = this.#hashNow('p2pchat-dummy-password')
    this.#dummy.catch(() => {})
  }

  /**
   * Hash a new password (a registration): at most `REGISTRATION_HASHES_AT_ONCE` run at once, at most
   * `MAX_QUEUED_REGISTRATIONS` wait, more are refused with BUSY.
   */
  async hash(password: string): Promise<PasswordHash> {
    if (this.#registering >= REGISTRATION_HASHES_AT_ONCE) {
      if (this.#registrationQueue.length >= MAX_QUEUED_REGISTRATIONS) {
        throw new BusyError('the tracker is busy creating accounts: try again in a moment', {
          retryAfterMs: BUSY_RETRY_AFTER_MS
        })
      }
      await new Promise<void>(resolve => this.#registrationQueue.push(resolve))
    } else {
      this.#registering++
    }
    try {
      return await this.#limited(() => this.#hashNow(password))
    } finally {
      // Hand the turn straight to the next waiter, or give it back.
      const next = this.#registrationQueue.shift()
      if (next !== undefined) next()
      else this.#registering--
    }
  }

  async verify(password: string, stored: PasswordHash | undefined): Promise<boolean> {
    const target = stored ?? (await this.#dummy)
    return this.#limited(async () => {
      const key = await scryptAsync(
        password,
        Buffer.from(target.salt, 'base64'),
        target.logN,
        target.r,
        target.p
      )
      const expected = Buffer.from(target.hash, 'base64')
      return key.length === expected.length && timingSafeEqual(key, expected) && stored !== undefined
    })
  }

  async #hashNow(password: string): Promise<PasswordHash> {
    const salt = randomBytes(SALT_BYTES)
    const key = await scryptAsync(password, salt, this.logN, SCRYPT_R, SCRYPT_P)
    return {
      logN: this.logN,
      r: SCRYPT_R,
      p: SCRYPT_P,
      salt: salt.toString('base64'),
      hash: key.toString('base64')
    }
  }

  async #limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#queued >= MAX_QUEUED_HASHES) {
      throw new BusyError('the tracker is busy checking passwords: try again in a moment', {
        retryAfterMs: BUSY_RETRY_AFTER_MS
      })
    }
    this.#queued++
    try {
      return await fn()
    } finally {
      this.#queued--
    }
  }
}
