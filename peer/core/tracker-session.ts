import type { AbortOptions, Logger, PeerId } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { Backoff } from '../../src/backoff.ts'
import {
  AuthFailedError,
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
import type { OnlineUser } from './tracker-client.ts'
import { TrackerClient } from './tracker-client.ts'

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
  /** The tracker's multiaddr, ending in /p2p/<tracker PeerId>. */
  tracker: string
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
 * The peer's link to the tracker: register (once), log in, and log in again with exponential back-off
 * and jitter whenever the session is lost. Errors a retry cannot fix (wrong password, a name taken by
 * someone else) and a login elsewhere end it for good, with the reason in a `state` event.
 */
export class TrackerSession extends TypedEventEmitter<TrackerSessionEvents> {
  readonly #init: TrackerSessionInit
  readonly #node: TrackerSessionComponents['node']
  readonly #backoff = new Backoff({
    baseMs: RECONNECT_BASE_MS,
    maxMs: RECONNECT_MAX_MS,
    factor: RECONNECT_FACTOR
  })
  #client?: TrackerClient
  #state: TrackerState = 'connecting'
  #message?: string
  #everLoggedIn = false
  #registered = false
  #created = false
  #stopped = false
  #timer?: ReturnType<typeof setTimeout>
  /** The account name with the tracker's spelling, once logged in. */
  username: string

  constructor(components: TrackerSessionComponents, init: TrackerSessionInit) {
    super()
    this.#node = components.node
    this.#init = init
    this.username = init.user
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

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    clearTimeout(this.#timer)
    const client = this.client
    if (client !== undefined) await client.logout({ signal: AbortSignal.timeout(2_000) }).catch(() => {})
    this.#setState('stopped')
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

  /** One connection and login; on failure either throws (first attempt, final error) or schedules another. */
  async #attempt(first: boolean): Promise<void> {
    if (this.#stopped) return
    const tooLong = this.#passwordTooLong()
    if (tooLong !== undefined) {
      // Known before connecting: the tracker would refuse it (or the whole frame) every time.
      this.#fail(tooLong)
      if (first) throw tooLong
      return
    }
    let client: TrackerClient
    try {
      client = await TrackerClient.connect(this.#node as P2PChatNode, this.#init.tracker)
    } catch (err) {
      this.#init.log('tracker not reachable: %s', (err as Error).message)
      const plain = plainNetworkError(err)
      const keyHint = /key|handshake/.test(plain)
        ? '; is the /p2p/ id in the tracker address the one it printed?'
        : ''
      this.#retry(`the tracker cannot be reached (${plain})${keyHint}`)
      return
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
        return
      }
      this.#retry(`the tracker did not log us in (${e.code ?? 'error'}: ${e.message})`, e.retryAfterMs)
      return
    }
    if (this.#stopped) {
      // stop() came while this login was on its way: do not leave a session behind.
      await client.logout({ signal: AbortSignal.timeout(2_000) }).catch(() => {})
      return
    }
    this.#backoff.reset()
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
      this.safeDispatchEvent('lost', { detail: { client } })
      if (this.#stopped) return
      if (replaced !== undefined) {
        this.#stopped = true
        this.#setState(
          'replaced',
          `${this.username} logged in from another place; this session has stopped`,
          'SESSION_CLOSED'
        )
        return
      }
      this.#retry(why)
    })
    this.safeDispatchEvent('session', { detail: { client, reconnected } })
    const created = this.#created
    this.#created = false
    this.#setState('connected', undefined, undefined, undefined, created)
  }

  #passwordTooLong(): InvalidPasswordError | undefined {
    const bytes = new TextEncoder().encode(this.#init.password).byteLength
    if (bytes <= PASSWORD_MAX_BYTES) return undefined
    return new InvalidPasswordError(
      `the password is ${bytes} bytes; a tracker accepts at most ${PASSWORD_MAX_BYTES}: use a shorter one`
    )
  }

  async #login(client: TrackerClient): Promise<void> {
    let taken = false
    if (this.#init.register && !this.#registered) {
      try {
        await client.register(this.#init.user, this.#init.password)
        this.#created = true
      } catch (err) {
        if ((err as P2PChatError).code !== 'USERNAME_TAKEN') throw err
        taken = true
      }
      this.#registered = true
    }
    try {
      await client.login(this.#init.user, this.#init.password, this.#init.listenAddrs())
      this.#init.published?.(client.publishedAddrs, client)
    } catch (err) {
      if (taken && err instanceof AuthFailedError) {
        // --register with a name someone else has: say so, not "wrong password".
        throw new UsernameTakenError(
          `the name "${this.#init.user}" is taken by another account (its password is not this one): pick another name, or log in with that account's password`
        )
      }
      throw err
    }
  }

  #retry(why: string, atLeastMs?: number): void {
    if (this.#stopped) return
    const wait = this.#backoff.next(atLeastMs)
    this.#setState('reconnecting', why, undefined, wait)
    this.#timer = setTimeout(() => {
      this.#attempt(false).catch(err => this.#fail(err))
    }, wait)
    this.#timer.unref?.()
  }

  #fail(err: unknown): void {
    this.#stopped = true
    const e = toP2PChatError(err)
    this.#setState('failed', e.message, e.code)
  }

  #setState(state: TrackerState, message?: string, code?: string, retryInMs?: number, created = false): void {
    // The same state for the same reason is not news (a tracker down for an hour is one line, not 200).
    if (this.#state === state && this.#message === message) return
    this.#state = state
    this.#message = message
    const detail: TrackerEvent = { state }
    if (message !== undefined) detail.message = message
    if (code !== undefined) detail.code = code
    if (retryInMs !== undefined) detail.retryInMs = retryInMs
    if (created) detail.accountCreated = true
    this.safeDispatchEvent('state', { detail })
  }
}
