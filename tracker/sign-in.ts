import type { Logger } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { InvalidMessageError, NotLoggedInError } from '../src/errors.ts'
import type { Credential } from '../src/protocol/pb/tracker.ts'
import type { Account, AccountStore } from './accounts.ts'
import { loginSource } from './login-throttle.ts'
import type { ResumeKeys } from './resume.ts'
import type { Session } from './session.ts'

/** What a login proved: the account, and the credential to hand out (none after a resumed login). */
export interface SignedIn {
  account: Account
  resumed: boolean
  credential?: Credential
}

export interface SignInCounters {
  /** Logins with a resumption credential instead of the password. */
  resumedLogins: number
  /** Credentials refused (expired, revoked, forged, another device's). */
  refusedResumes: number
  passwordChanges: number
}

/**
 * How a session proves its account: a password (scrypt, throttled by tracker/login-throttle) or a
 * resumption credential (tracker/resume: an HMAC, no hash), and what revokes credentials — a logout
 * that says so, "log out everywhere", a password change. Revocations are durable before they are
 * answered, on every tracker of the store.
 */
export class SignIn {
  readonly #accounts: AccountStore
  readonly #keys: ResumeKeys
  readonly #log: Logger
  readonly counters: SignInCounters = { resumedLogins: 0, refusedResumes: 0, passwordChanges: 0 }

  constructor(accounts: AccountStore, keys: ResumeKeys, log: Logger) {
    this.#accounts = accounts
    this.#keys = keys
    this.#log = log
  }

  /** Credentials are issued and taken (`--resume-days` is not 0). */
  get resumable(): boolean {
    return this.#keys.enabled
  }

  async check(session: Session, username: string, password: string, resume: Uint8Array): Promise<SignedIn> {
    const peerId = session.connection.remotePeer.toMultihash().bytes
    if (resume.byteLength === 0) {
      // The host and the Noise-proven PeerId: a device that logged in before is not held back by
      // strangers' failures.
      const account = await this.#accounts.authenticate(username, password, {
        source: loginSource(session.connection.remoteAddr),
        peer: session.peerKey
      })
      return { account, resumed: false, credential: this.#issue(account, peerId) }
    }
    if (password !== '') {
      throw new InvalidMessageError('a login carries a password or a resumption credential, not both')
    }
    let account: Account | undefined
    try {
      account = this.#accounts.find(username)
    } catch {
      // A malformed name has no account: refused like any other credential that does not fit.
    }
    try {
      this.#keys.verify(account, peerId, session.peerKey, resume)
    } catch (err) {
      this.counters.refusedResumes++
      this.#log(
        'refused a resumption credential for %s from %s: %s',
        username,
        session.peerKey,
        (err as Error).cause
      )
      throw err
    }
    this.counters.resumedLogins++
    return { account: account!, resumed: true }
  }

  /**
   * The session's user logs out: `revoke` ends this device's credentials, `everywhere` every device's.
   * Durable before it resolves (BUSY, NO_SPACE when the store cannot take it).
   */
  async revoke(session: Session, everywhere: boolean): Promise<void> {
    if (session.key === '') throw new NotLoggedInError('not logged in')
    if (everywhere) {
      await this.#accounts.revokeAll(session.key)
      this.#log('%s logged out everywhere: every credential of the account is revoked', session.username)
      return
    }
    await this.#accounts.revokeDevice(session.key, session.peerKey, Date.now(), this.#keys.ttlMs)
    this.#log('%s logged out from %s: its credentials are revoked', session.username, session.peerKey)
  }

  /**
   * Change the session's account's password (checked like a login, throttled the same): every credential
   * is revoked, and the session gets a new one.
   */
  async changePassword(session: Session, oldPassword: string, newPassword: string): Promise<Credential> {
    const account = await this.#accounts.changePassword(session.username, oldPassword, newPassword, {
      source: loginSource(session.connection.remoteAddr),
      peer: session.peerKey
    })
    this.counters.passwordChanges++
    this.#log('%s changed the password: every earlier credential is revoked', account.username)
    return (
      this.#issue(account, session.connection.remotePeer.toMultihash().bytes) ?? {
        token: new Uint8Array(),
        expiresAt: 0
      }
    )
  }

  /** Until when the login's address proof vouches for exactly `candidates` (undefined: it does not). */
  addrProofUntil(session: Session, candidates: Multiaddr[], proof: Uint8Array): number | undefined {
    if (proof.byteLength === 0 || candidates.length === 0) return undefined
    return this.#keys.checkAddrProof(
      session.connection.remotePeer.toMultihash().bytes,
      candidates.map(a => a.bytes),
      proof
    )
  }

  /** A proof that the tracker reached the session's PeerId at `addrs`, good until `until`. */
  addrProof(session: Session, addrs: Multiaddr[], until: number): Uint8Array<ArrayBuffer> {
    return new Uint8Array(
      this.#keys.issueAddrProof(
        session.connection.remotePeer.toMultihash().bytes,
        addrs.map(a => a.bytes),
        until
      )
    )
  }

  #issue(account: Account, peerId: Uint8Array): Credential | undefined {
    if (!this.#keys.enabled) return undefined
    const { token, expiresAt } = this.#keys.issue(account, peerId)
    return { token: new Uint8Array(token), expiresAt }
  }
}
