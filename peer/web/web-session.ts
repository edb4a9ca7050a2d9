import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import {
  AlreadyLoggedInError,
  BusyError,
  InvalidAddressError,
  NotLoggedInError,
  P2PChatError,
  TrackerUnreachableError,
  toP2PChatError
} from '../../src/errors.ts'
import { DurableJSONFile } from '../../src/storage/durable-json-file.ts'
import { normalizeUsername, usernameKey } from '../../src/usernames.ts'
import type { ApiHost } from '../api/host.ts'
import type { CommandArgs, EventName, PeerEvents, Replies, SessionInfo } from '../api/schema.ts'
import { EVENT_NAMES } from '../api/schema.ts'
import { PeerClient } from '../core/peer-client.ts'
import { trackerAddress } from '../peer-options.ts'

/** Where `p2pchat web` keeps accounts' data (each in `<root>/<user>`, as `p2pchat peer` does) and web.json. */
export const DEFAULT_WEB_DATA_ROOT = join(homedir(), '.p2pchat')
/** The login screen's memory: the last tracker and username that logged in. */
export const WEB_SETTINGS_FILE = 'web.json'

/** What the login screen offers next time. */
interface WebSettings {
  /** As typed (several trackers: comma-separated). */
  tracker?: string
  lastUser?: string
}

export interface WebSessionInit {
  /**
   * Accounts' data directories are `<dataRoot>/<user>` (case-folded), the same as `p2pchat peer`'s
   * default, so the web app and the terminal share history.
   * @default ~/.p2pchat
   */
  dataRoot?: string
  /** Offered on the login screen when no login here has succeeded yet (several: comma-separated). */
  tracker?: string
  /** Passed to every PeerClient this session starts (listen, downloads, file limits, UPnP). */
  peer?: {
    listen?: string[]
    downloadsDir?: string
    maxFileBytes?: number
    fileOfferTimeoutMs?: number
    upnp?: boolean
    fileBulk?: false
  }
  log: Logger
}

/**
 * The login screen's tracker address, or several comma-separated (trackers sharing one store, tried in
 * turn), each checked as `--tracker` is; a bad one is INVALID_ADDRESS here.
 */
function checkTrackerAddresses(value: string): string[] {
  const parts = value
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
  if (parts.length === 0)
    throw new InvalidAddressError('no tracker address: give the one the tracker printed')
  try {
    return [...new Set(parts.map(part => trackerAddress('the tracker address', part)))]
  } catch (err) {
    throw new InvalidAddressError((err as Error).message)
  }
}

/**
 * The web app's host: logs one account in and out at a time, on behalf of every open tab. It re-emits
 * the logged-in peer's events and its own `session` event, so a tab's channel forwards one stream
 * whoever is logged in. The login screen's address and name are remembered in `<dataRoot>/web.json`.
 */
export class WebSession extends TypedEventEmitter<PeerEvents> implements ApiHost {
  peer: PeerClient | undefined
  readonly dataRoot: string
  readonly #init: WebSessionInit
  readonly #file: DurableJSONFile<WebSettings>
  #settings: WebSettings = {}
  #busy = false
  #detach?: () => void
  /** A peer stopping after a logout: a login waits for it (the same account's data is still locked). */
  #stopping: Promise<void> = Promise.resolve()
  /** Events of a peer whose login is not decided yet: tabs get them only if it succeeds. */
  #held: Array<{ name: EventName; detail: unknown }> | undefined

  constructor(init: WebSessionInit) {
    super()
    this.#init = init
    this.dataRoot = init.dataRoot ?? DEFAULT_WEB_DATA_ROOT
    this.#file = new DurableJSONFile<WebSettings>(join(this.dataRoot, WEB_SETTINGS_FILE), {
      validate: data => {
        const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>
        return {
          tracker: typeof d.tracker === 'string' ? d.tracker : undefined,
          lastUser: typeof d.lastUser === 'string' ? d.lastUser : undefined
        }
      }
    })
  }

  /** Read what the login screen remembers (a corrupt web.json is reported, never silently emptied). */
  async open(): Promise<void> {
    this.#settings = (await this.#file.read()) ?? {}
  }

  /** The data directory of `user` under this session's root. */
  dataDirOf(user: string): string {
    return join(this.dataRoot, usernameKey(normalizeUsername(user)))
  }

  session(): SessionInfo {
    const peer = this.peer
    // Logged in: the tracker in use now (with several, the peer may have moved on from the first).
    const tracker = peer?.trackerAddr ?? this.#settings.tracker ?? this.#init.tracker
    return {
      state: peer === undefined ? 'logged-out' : peer.trackerState,
      ...(peer === undefined ? {} : { user: peer.username, peerId: peer.node?.peerId.toString() }),
      ...(tracker === undefined ? {} : { tracker }),
      ...(this.#settings.lastUser === undefined ? {} : { lastUser: this.#settings.lastUser })
    }
  }

  async login(args: CommandArgs<'login'>): Promise<Replies['login']> {
    if (this.peer !== undefined) {
      throw new AlreadyLoggedInError(`${this.peer.username} is logged in here: log out first`)
    }
    if (this.#busy) throw new BusyError('a login is already in progress')
    const trackers = checkTrackerAddresses(args.tracker)
    normalizeUsername(args.user)
    this.#busy = true
    try {
      await this.#stopping
      const dataDir = this.dataDirOf(args.user)
      // A first login that fails (a mistyped name, a taken one) leaves no directory of its own behind.
      const fresh = !existsSync(dataDir)
      const peer = new PeerClient({
        ...this.#init.peer,
        tracker: trackers,
        user: args.user,
        password: args.password,
        register: args.register === true,
        dataDir
      })
      this.#held = []
      this.#forward(peer)
      const failed = async (): Promise<void> => {
        this.#detach?.()
        this.#held = undefined
        await peer.stop()
        if (fresh) await rm(dataDir, { recursive: true, force: true }).catch(() => {})
      }
      try {
        await peer.start()
      } catch (err) {
        await failed()
        throw err
      }
      if (peer.trackerState !== 'connected') {
        // A login screen needs an answer: a peer retrying in the background would look logged in.
        const why = peer.trackerMessage ?? 'the tracker cannot be reached'
        await failed()
        throw new TrackerUnreachableError(`${why}; check the address and that the tracker runs`)
      }
      this.peer = peer
      // What arrived during the login (the outbox, requests, group catch-up), in order, before the reply.
      const held = this.#held
      this.#held = undefined
      for (const { name, detail } of held) this.safeDispatchEvent(name, { detail } as never)
      this.#settings = { tracker: trackers.join(', '), lastUser: peer.username }
      await this.#file.write(this.#settings).catch(err => {
        this.#init.log.error('cannot remember the login in %s: %s', this.#file.path, err.message)
      })
      this.#init.log('logged in as %s', peer.username)
      this.safeDispatchEvent('session', { detail: this.session() })
      return { user: peer.username, peerId: peer.node!.peerId.toString(), tracker: peer.trackerState }
    } finally {
      this.#busy = false
    }
  }

  readonly endsOnLogout = false

  /**
   * Log out: the tracker revokes this device's resumption credential (`everywhere`: every device's)
   * and the peer stops. Logged out here even when the tracker could not revoke it (the error says so).
   */
  async logout(args: CommandArgs<'logout'> = {}): Promise<Replies['logout']> {
    if (this.peer === undefined) throw new NotLoggedInError('nobody is logged in here')
    await this.#end('logged out', { everywhere: args.everywhere === true })
    return {}
  }

  /** Log out whoever is logged in (the web app stopping). */
  async stop(): Promise<void> {
    if (this.peer !== undefined) await this.#end('p2pchat web stopped')
  }

  /** Stop the logged-in peer; `logout`: the user logged out (its credential is revoked). */
  async #end(reason: string, logout?: { everywhere: boolean }): Promise<void> {
    const peer = this.peer
    if (peer === undefined) return
    this.peer = undefined
    this.#detach?.()
    let failure: unknown
    this.#stopping = (logout === undefined ? peer.stop() : peer.logout(logout)).catch(err => {
      failure = err
      this.#init.log.error('stopping %s: %s', peer.username, err.message)
    })
    await this.#stopping
    this.safeDispatchEvent('session', { detail: { ...this.session(), reason } })
    if (logout !== undefined && failure !== undefined) {
      const e = toP2PChatError(failure)
      throw new P2PChatError(
        e.code,
        `logged out here, but the tracker could not revoke this device's credential: ${e.message}`
      )
    }
  }

  /** Re-emit the peer's events as ours; a session the tracker ends for good ends here too. */
  #forward(peer: PeerClient): void {
    const offs = EVENT_NAMES.filter(name => name !== 'session').map(name => {
      const listener = (e: CustomEvent): void => {
        if (this.#held !== undefined) {
          this.#held.push({ name, detail: e.detail })
          return
        }
        this.safeDispatchEvent(name as EventName, { detail: e.detail } as never)
        if (name === 'tracker' && this.peer === peer) {
          const { state, message } = e.detail as PeerEvents['tracker']['detail']
          if (state === 'failed' || state === 'replaced') {
            void this.#end(message ?? state).catch(err => this.#init.log.error('logout: %s', err.message))
          }
        }
      }
      peer.addEventListener(name, listener as never)
      return () => peer.removeEventListener(name, listener as never)
    })
    this.#detach = () => {
      for (const off of offs) off()
    }
  }
}
