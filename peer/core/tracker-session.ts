import type { AbortOptions, Logger, PeerId } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { Backoff } from '../../src/backoff.ts'
import {
  AuthFailedError,
  InvalidOptionError,
  InvalidPasswordError,
  NotLoggedInError,
  type P2PChatError,
  toP2PChatError,
  UsernameTakenError
} from '../../src/errors.ts'
import type { P2PChatNode } from '../../src/node.ts'
import {
  PASSWORD_MAX_BYTES,
  RECONNECT_BASE_MS,
  RECONNECT_FACTOR,
  RECONNECT_MAX_MS
} from '../../src/protocol/constants.ts'
import type { TrackerEvent, TrackerState } from '../api/schema.ts'
import { plainNetworkError } from './dial.ts'
import type { KeptList, OnlineUser } from './tracker-client.ts'
import { TrackerClient } from './tracker-client.ts'

/** A logout waits this long for the tracker's answer (a quitting program should not hang on it). */
const LOGOUT_TIMEOUT_MS = 2_000

/**
 * Errors a retry cannot fix: the session stops instead of retrying (a wrong password never locks out).
 * MESSAGE_TOO_LARGE: the same login is the same size next time, whether refused here or by the tracker.
 */
const FINAL_CODES = new Set([
  'AUTH_FAILED',
  'USERNAME_TAKEN',
  'INVALID_USERNAME',
  'INVALID_PASSWORD',
  'INVALID_ADDRESS',
  'MESSAGE_TOO_LARGE'
])

export interface TrackerSessionInit {
  /**
   * The tracker's multiaddr, ending in /p2p/<tracker PeerId>; or several trackers sharing one store, in
   * the order to try them.
   */
  tracker: string | string[]
  user: string
  password: string
  /** Create the account on the first connection. */
  register: boolean
  /** Addresses to publish, asked at every login (they may change). */
  listenAddrs(): Multiaddr[]
  /** What the tracker published of them (verified by dialling back), after every login. */
  published?(addrs: Multiaddr[], client: TrackerClient): void
  log: Logger
}

export interface TrackerSessionComponents {
  node: Pick<P2PChatNode, 'dialProtocol'>
}

export interface TrackerSessionEvents {
  /** Logged in on a new tracker session; `reconnected` when an earlier one existed. */
  session: CustomEvent<{ client: TrackerClient; reconnected: boolean }>
  /** The logged-in session ended (the client is closed). */
  lost: CustomEvent<{ client: TrackerClient }>
  state: CustomEvent<TrackerEvent>
}

/**
 * The peer's link to the tracker: register (once), log in, and log in again whenever the session is lost.
 * With several trackers (one store behind them, so any of them knows the account), a lost or refused
 * one hands over to the next in the list at once, round-robin; only after a whole round without a login
 * does it wait, with exponential back-off and jitter (one tracker: every failure is a round). Errors a
 * retry cannot fix (wrong password, a name taken by someone else) and a login elsewhere end it for good,
 * with the reason in a `state` event.
 */
export class TrackerSession extends TypedEventEmitter<TrackerSessionEvents> {
  readonly #init: TrackerSessionInit
  readonly #node: TrackerSessionComponents['node']
  readonly #backoff = new Backoff({
    baseMs: RECONNECT_BASE_MS,
    maxMs: RECONNECT_MAX_MS,
    factor: RECONNECT_FACTOR
  })
  readonly #trackers: string[]
  /** The tracker in use, being tried, or to try next. */
  #index = 0
  /** Trackers tried since the last login or pause without one (a lost session counts as one). */
  #missed = 0
  /** What each tracker asked for at its last refusal: wait at least this long (BUSY, RATE_LIMITED). */
  readonly #retryAfter = new Map<string, number>()
  #client?: TrackerClient
  #state: TrackerState = 'connecting'
  #message?: string
  /** The tracker the last state event was about. */
  #stateTracker: string
  #everLoggedIn = false
  #registered = false
  /** Registration found the name taken (then a refused login means "taken", not "wrong password"). */
  #nameTaken = false
  #created = false
  #stopped = false
  #timer?: ReturnType<typeof setTimeout>
  /** The password now (a password change replaces it). */
  #password: string
  /**
   * The tracker's resumption credential from the last password login, presented at the next login
   * (a network blip, a tracker restart) instead of the password: no password hash for the tracker.
   * Kept in memory only: on disk it would log in whoever starts this data directory's peer, whatever
   * password they type (the web app's login screen).
   */
  #credential?: { token: Uint8Array<ArrayBuffer>; expiresAt: number }
  /** The last login's address proof: the tracker need not dial us back if our addresses are the same. */
  #addrProof?: Uint8Array<ArrayBuffer>
  /** The online list the last session ended with: the next login asks for only what changed since. */
  #keptList?: KeptList
  /** The last login was resumed with the credential (no password sent). */
  resumed = false
  /** The account name with the tracker's spelling, once logged in. */
  username: string

  constructor(components: TrackerSessionComponents, init: TrackerSessionInit) {
    super()
    this.#node = components.node
    this.#init = init
    this.#trackers = typeof init.tracker === 'string' ? [init.tracker] : [...init.tracker]
    if (this.#trackers.length === 0) throw new InvalidOptionError('no tracker address given')
    this.#stateTracker = this.#trackers[0]
    this.username = init.user
    this.#password = init.password
  }

  /** The tracker address in use now (logged in), else the one being tried or to try next. */
  get tracker(): string {
    return this.#trackers[this.#index]
  }

  get state(): TrackerState {
    return this.#state
  }

  /** Why the state is what it is, in plain words (e.g. why the tracker cannot be reached). */
  get message(): string | undefined {
    return this.#message
  }

  /** The logged-in session, if there is one now. */
  get client(): TrackerClient | undefined {
    return this.#client !== undefined && !this.#client.closed ? this.#client : undefined
  }

  /**
   * First connection. Rejects with errors the user must fix; a tracker that cannot be reached yet (or
   * that is busy) is retried in the background, with `state` events saying so.
   */
  async start(): Promise<void> {
    await this.#attempt(true)
  }

  /**
   * End the session. `revoke` (the user logged out): this device's resumption credentials are revoked
   * on the tracker (`everywhere`: every device's); rejects when the tracker could not do it. Without:
   * the program merely quits.
   */
  async stop(options: { revoke?: boolean; everywhere?: boolean } = {}): Promise<void> {
    const revoke = options.revoke === true || options.everywhere === true
    this.#credential = undefined
    if (this.#stopped) return
    this.#stopped = true
    clearTimeout(this.#timer)
    const client = this.client
    let failure: unknown
    if (client !== undefined) {
      await client
        .logout({ signal: AbortSignal.timeout(LOGOUT_TIMEOUT_MS), revoke, everywhere: options.everywhere })
        .catch(err => {
          failure = err
        })
    } else if (revoke) {
      failure = new NotLoggedInError(
        "not logged in to the tracker: it could not revoke this device's credential"
      )
    }
    this.#setState('stopped')
    if (revoke && failure !== undefined) throw toP2PChatError(failure)
  }

  /**
   * Change the account's password on the tracker. Every resumption credential is revoked there; this
   * device keeps a new one, and later password logins use the new password.
   */
  async changePassword(oldPassword: string, newPassword: string, options?: AbortOptions): Promise<void> {
    const client = this.#needClient('change the password')
    const credential = await client.changePassword(oldPassword, newPassword, options)
    this.#password = newPassword
    this.#credential = credential.token.byteLength > 0 ? credential : undefined
  }

  /** Ask the tracker who is bound to `peerId`. */
  async lookup(peerId: PeerId, options: AbortOptions): Promise<OnlineUser> {
    return this.#needClient('check who a connection belongs to').lookup(peerId, options)
  }

  /** Connection reversal: ask the tracker to have `peerId` dial us. */
  async requestDial(peerId: PeerId, options?: AbortOptions): Promise<void> {
    return this.#needClient('ask a peer to connect').requestDial(peerId, options)
  }

  /** The account's spelling if `user` has an account, else undefined. */
  async accountExists(user: string, options?: AbortOptions): Promise<string | undefined> {
    return this.#needClient(`check that "${user}" has an account`).accountExists(user, options)
  }

  #needClient(what: string): TrackerClient {
    const client = this.client
    if (client === undefined) {
      throw new NotLoggedInError(`not logged in to the tracker (${this.#state}): cannot ${what} now`)
    }
    return client
  }

  /**
   * Log in on the trackers in turn from the current one: after a failure the next at once, until one
   * logs us in or a whole round failed (then a back-off). Throws a final error on the first attempt
   * (start); later ones end the session with it.
   */
  async #attempt(first: boolean): Promise<void> {
    while (!this.#stopped) {
      const failure = await this.#attemptOne(first)
      if (failure === undefined || this.#stopped) return
      const tracker = this.tracker
      if (failure.retryAfterMs === undefined) this.#retryAfter.delete(tracker)
      else this.#retryAfter.set(tracker, failure.retryAfterMs)
      if (!this.#moveOn()) {
        this.#init.log('%s: %s; trying %s next', tracker, failure.why, this.tracker)
        continue
      }
      this.#pause(failure.why, tracker)
      return
    }
  }

  /** One connection and login to the current tracker: undefined when logged in (or final), else why not. */
  async #attemptOne(first: boolean): Promise<{ why: string; retryAfterMs?: number } | undefined> {
    const tooLong = this.#passwordTooLong()
    if (tooLong !== undefined) {
      // Known before connecting: every tracker would refuse it (or the whole frame) every time.
      this.#fail(tooLong)
      if (first) throw tooLong
      return undefined
    }
    const tracker = this.tracker
    let client: TrackerClient
    try {
      client = await TrackerClient.connect(this.#node as P2PChatNode, tracker)
    } catch (err) {
      this.#init.log('tracker %s not reachable: %s', tracker, (err as Error).message)
      const plain = plainNetworkError(err)
      const keyHint = /key|handshake/.test(plain)
        ? '; is the /p2p/ id in the tracker address the one it printed?'
        : ''
      return { why: `the tracker cannot be reached (${plain})${keyHint}` }
    }
    try {
      await this.#login(client)
    } catch (err) {
      client.close()
      const e = err as P2PChatError
      if (e.code !== undefined && FINAL_CODES.has(e.code)) {
        // Said the same way at start and later (a `failed` state with the code); at start it also rejects.
        this.#fail(e)
        if (first) throw err
        return undefined
      }
      return {
        why: `the tracker did not log us in (${e.code ?? 'error'}: ${e.message})`,
        retryAfterMs: e.retryAfterMs
      }
    }
    if (this.#stopped) {
      // stop() came while this login was on its way: do not leave a session behind.
      await client.logout({ signal: AbortSignal.timeout(2_000) }).catch(() => {})
      return undefined
    }
    this.#loggedIn(client)
    return undefined
  }

  /**
   * One more tracker of the round failed: point at the next one. True when that completes a round (every
   * tracker tried once), so it is time to pause.
   */
  #moveOn(): boolean {
    this.#index = (this.#index + 1) % this.#trackers.length
    this.#missed++
    if (this.#missed < this.#trackers.length) return false
    this.#missed = 0
    return true
  }

  /**
   * A whole round failed, `last` the tracker tried last: wait (back-off, at least what the tracker tried
   * next asked for), then another round.
   */
  #pause(why: string, last: string): void {
    const count = this.#trackers.length
    const message = count === 1 ? why : `none of the ${count} trackers logged us in (the last: ${why})`
    this.#retry(message, this.#retryAfter.get(this.tracker), last)
  }

  /** The logged-in session was lost: the next tracker at once, or (one tracker) after a back-off. */
  #lost(why: string): void {
    if (this.#stopped) return
    const from = this.tracker
    this.#retryAfter.clear()
    if (this.#moveOn()) {
      this.#pause(why, from)
      return
    }
    this.#init.log('%s: %s; trying %s next', from, why, this.tracker)
    this.#setState('reconnecting', { message: `${why}; trying the next tracker`, tracker: from })
    this.#attempt(false).catch(err => this.#fail(err))
  }

  #loggedIn(client: TrackerClient): void {
    this.#backoff.reset()
    this.#missed = 0
    this.#retryAfter.clear()
    this.username = client.username ?? this.#init.user
    const reconnected = this.#everLoggedIn
    this.#everLoggedIn = true
    this.#client = client
    let replaced: string | undefined
    let why = 'the connection to the tracker was lost'
    client.addEventListener('notice', e => {
      if (e.detail.kind === 'replaced') replaced = e.detail.message
      else if (e.detail.kind === 'shutdown') why = 'the tracker is shutting down'
      else why = `the tracker ended the session (${e.detail.message})`
      this.#init.log('tracker notice: %s %s', e.detail.kind, e.detail.message)
    })
    client.addEventListener('closed', () => {
      if (this.#client !== client) return
      this.#client = undefined
      this.#keptList = client.keptList()
      this.safeDispatchEvent('lost', { detail: { client } })
      if (this.#stopped) return
      if (replaced !== undefined) {
        // A login elsewhere (on any tracker of the store): final, whichever trackers are left to try.
        this.#stopped = true
        this.#setState('replaced', {
          message: `${this.username} logged in from another place; this session has stopped`,
          code: 'SESSION_CLOSED'
        })
        return
      }
      this.#lost(why)
    })
    this.safeDispatchEvent('session', { detail: { client, reconnected } })
    const created = this.#created
    this.#created = false
    this.#setState('connected', { accountCreated: created })
  }

  #passwordTooLong(): InvalidPasswordError | undefined {
    const bytes = new TextEncoder().encode(this.#password).byteLength
    if (bytes <= PASSWORD_MAX_BYTES) return undefined
    return new InvalidPasswordError(
      `the password is ${bytes} bytes; a tracker accepts at most ${PASSWORD_MAX_BYTES}: use a shorter one`
    )
  }

  /** Register on whichever tracker answers first (once: they share the accounts), then log in. */
  async #login(client: TrackerClient): Promise<void> {
    if (this.#init.register && !this.#registered) {
      try {
        await client.register(this.#init.user, this.#password)
        this.#created = true
      } catch (err) {
        if ((err as P2PChatError).code !== 'USERNAME_TAKEN') throw err
        this.#nameTaken = true
      }
      this.#registered = true
    }
    if (await this.#resume(client)) {
      this.#init.published?.(client.publishedAddrs, client)
      return
    }
    try {
      await client.login(this.#init.user, this.#password, this.#init.listenAddrs(), {
        addrProof: this.#addrProof,
        list: this.#keptList
      })
      this.#addrProof = client.addrProof
      this.resumed = false
      // None issued (resumption off on this tracker): the old one is of no use either.
      this.#credential = client.credential
      this.#init.published?.(client.publishedAddrs, client)
    } catch (err) {
      if (this.#nameTaken && err instanceof AuthFailedError) {
        // --register with a name someone else has: say so, not "wrong password".
        throw new UsernameTakenError(
          `the name "${this.#init.user}" is taken by another account (its password is not this one): pick another name, or log in with that account's password`
        )
      }
      throw err
    }
  }

  /**
   * Log in with the credential if one is held: true when that worked. A refused one is forgotten and
   * the password follows on the same connection (AUTH_FAILED too: a tracker too old to know credentials
   * reads it as an empty password). Other errors (BUSY, a lost connection) are the login's.
   */
  async #resume(client: TrackerClient): Promise<boolean> {
    const held = this.#credential
    if (held === undefined || held.expiresAt <= Date.now()) return false
    try {
      await client.login(this.#init.user, '', this.#init.listenAddrs(), {
        resume: held.token,
        addrProof: this.#addrProof,
        list: this.#keptList
      })
      this.#addrProof = client.addrProof
      this.resumed = true
      return true
    } catch (err) {
      const code = (err as P2PChatError).code
      if (code !== 'RESUME_REFUSED' && code !== 'AUTH_FAILED') throw err
      this.#init.log('the tracker refused our credential (%s): logging in with the password', code)
      this.#credential = undefined
      return false
    }
  }

  #retry(why: string, atLeastMs: number | undefined, last: string): void {
    if (this.#stopped) return
    const wait = this.#backoff.next(atLeastMs)
    this.#setState('reconnecting', { message: why, retryInMs: wait, tracker: last })
    this.#timer = setTimeout(() => {
      this.#attempt(false).catch(err => this.#fail(err))
    }, wait)
    this.#timer.unref?.()
  }

  #fail(err: unknown): void {
    this.#stopped = true
    const e = toP2PChatError(err)
    this.#setState('failed', { message: e.message, code: e.code })
  }

  /** `about.tracker`: the one the state is about; by default the current one (in use, or being tried). */
  #setState(state: TrackerState, about: Partial<Omit<TrackerEvent, 'state'>> = {}): void {
    const { message, code, retryInMs, accountCreated } = about
    const tracker = about.tracker ?? this.tracker
    // The same state for the same reason is not news (a tracker down for an hour is one line, not 200).
    if (this.#state === state && this.#message === message && this.#stateTracker === tracker) return
    this.#state = state
    this.#message = message
    this.#stateTracker = tracker
    const detail: TrackerEvent = { state, tracker }
    if (message !== undefined) detail.message = message
    if (code !== undefined) detail.code = code
    if (retryInMs !== undefined) detail.retryInMs = retryInMs
    if (accountCreated === true) detail.accountCreated = true
    this.safeDispatchEvent('state', { detail })
  }
}
