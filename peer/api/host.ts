import { AlreadyLoggedInError, NotLoggedInError } from '../../src/errors.ts'
import type { PeerClient } from '../core/peer-client.ts'
import type { CommandArgs, EventName, PeerEvents, Replies, SessionInfo } from './schema.ts'

type Listener = (e: CustomEvent) => void

/**
 * What an API channel runs commands against: the session commands (`login`, `logout`, `session`)
 * go to the host, every other one to its logged-in peer; the channel forwards the host's events.
 * A `p2pchat peer` process is one peer for its whole life (PeerHost); the web app logs peers in and
 * out from its page (peer/web's WebSession).
 */
export interface ApiHost {
  /** The logged-in peer; undefined while logged out (commands other than the session's get NOT_LOGGED_IN). */
  readonly peer: PeerClient | undefined
  login(args: CommandArgs<'login'>): Promise<Replies['login']>
  /** Log out, revoking this device's resumption credential (`everywhere`: every device's). */
  logout(args: CommandArgs<'logout'>): Promise<Replies['logout']>
  /** A logout ends the front-end too (a `p2pchat peer` process exits; the web app shows its login page). */
  readonly endsOnLogout: boolean
  session(): SessionInfo
  addEventListener(name: EventName, listener: Listener): void
  removeEventListener(name: EventName, listener: Listener): void
}

/** The host of a peer started with its account on the command line: logged in until it stops. */
export class PeerHost implements ApiHost {
  readonly peer: PeerClient
  readonly endsOnLogout = true

  constructor(peer: PeerClient) {
    this.peer = peer
  }

  async login(): Promise<Replies['login']> {
    throw new AlreadyLoggedInError(
      `this peer is logged in as ${this.peer.username} for as long as it runs; start another to log in as someone else`
    )
  }

  /** The peer stops (the process exits after the reply); its next start needs the password. */
  async logout(args: CommandArgs<'logout'>): Promise<Replies['logout']> {
    await this.peer.logout({ everywhere: args.everywhere === true })
    return {}
  }

  session(): SessionInfo {
    return {
      state: this.peer.trackerState,
      user: this.peer.username,
      peerId: this.peer.node?.peerId.toString(),
      // The one in use now: with several trackers, the peer may have moved on from the first.
      tracker: this.peer.trackerAddr,
      lastUser: this.peer.username
    }
  }

  addEventListener(name: EventName, listener: Listener): void {
    this.peer.addEventListener(name, listener as (e: PeerEvents[typeof name]) => void)
  }

  removeEventListener(name: EventName, listener: Listener): void {
    this.peer.removeEventListener(name, listener as (e: PeerEvents[typeof name]) => void)
  }
}

/** The peer a command other than a session command runs on; NOT_LOGGED_IN while there is none. */
export function loggedInPeer(host: ApiHost): PeerClient {
  const peer = host.peer
  if (peer === undefined) throw new NotLoggedInError('not logged in: log in first ("login")')
  return peer
}
