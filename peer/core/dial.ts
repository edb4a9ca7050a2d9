import type { Connection, Stream } from '@libp2p/interface'
import { UnreachableError } from '../../src/errors.ts'
import type { P2PChatNode } from '../../src/node.ts'
import { DIAL_TIMEOUT_MS } from '../../src/protocol/constants.ts'
import type { ConnectionReversal } from '../nat/reversal.ts'
import { isReversed } from '../nat/reversal.ts'
import type { OnlineUser } from './tracker-client.ts'

/**
 * How a conversation flows: over a direct connection, a direct one the other side opened because we
 * asked (connection reversal), or through the tracker's relay.
 */
export type Via = 'direct' | 'reversed' | 'relayed'

/** `relayed` for a connection through a circuit relay (libp2p marks it limited), `reversed`, or `direct`. */
export function viaOf(connection: Connection): Via {
  if (connection.limits !== undefined || connection.remoteAddr.toString().includes('/p2p-circuit'))
    return 'relayed'
  return isReversed(connection) ? 'reversed' : 'direct'
}

/** The connection a stream runs on (libp2p streams do not point to theirs). */
export function connectionOf(node: Pick<Dialer, 'getConnections'>, stream: Stream): Connection | undefined {
  return node.getConnections().find(c => c.streams.includes(stream))
}

/** What dialing needs from the node. */
export type Dialer = Pick<P2PChatNode, 'dialProtocol' | 'getConnections'>

const SOCKET_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'no answer in time',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'no route to the network',
  EADDRNOTAVAIL: 'address not available',
  EPIPE: 'connection closed'
}

const ERROR_NAMES: Record<string, string> = {
  TimeoutError: 'no answer in time',
  AbortError: 'no answer in time',
  NoValidAddressesError: 'no address to dial',
  UnexpectedPeerError: 'it answered with another key',
  InvalidCryptoExchangeError: 'the encrypted handshake failed',
  EncryptionFailedError: 'the encrypted handshake failed',
  UnsupportedProtocolError: 'it does not speak this protocol',
  ProtocolNegotiationError: 'it does not speak this protocol'
}

/**
 * libp2p's dial errors in a few plain words (`connection refused`, `no answer in time`): the first
 * recognised socket code or error name found in the error, its causes or an AggregateError's errors.
 */
export function plainNetworkError(err: unknown): string {
  const seen = new Set<unknown>()
  const queue = [err]
  while (queue.length > 0) {
    const e = queue.shift() as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown }
    if (e === null || typeof e !== 'object' || seen.has(e)) continue
    seen.add(e)
    if (typeof e.code === 'string' && SOCKET_CODES[e.code] !== undefined) return SOCKET_CODES[e.code]
    if (typeof e.name === 'string' && ERROR_NAMES[e.name] !== undefined) return ERROR_NAMES[e.name]
    queue.push(e.cause)
    if (Array.isArray(e.errors)) queue.push(...e.errors)
  }
  const text = String((err as Error)?.message ?? err).split('\n')[0]
  // The relay's answers (circuit relay v2 status names) in words.
  if (/status PERMISSION_DENIED/.test(text)) {
    return 'the relay refused: one of its limits (relayed connections or bytes an hour per user), or they are not logged in'
  }
  if (/status NO_RESERVATION/.test(text)) return 'they hold no slot on the relay (reconnecting?)'
  if (/status RESOURCE_LIMIT_EXCEEDED/.test(text)) return 'the relay is full'
  return text.length > 120 ? `${text.slice(0, 117)}…` : text
}

export interface DialUserOptions {
  /** @default AbortSignal.timeout(DIAL_TIMEOUT_MS) */
  signal?: AbortSignal
  /** Ask an unreachable target to dial us, before falling back to the relay. */
  reversal?: ConnectionReversal
}

/**
 * Open a `protocol` stream to an online user: directly at the addresses the tracker published for them
 * when they are reachable; else by asking them to dial us (when we are reachable); else through the
 * tracker's relay. The addresses end in their PeerId, so Noise refuses anyone else's key; the connection
 * check guards against a connection reused from elsewhere.
 */
export async function dialUser(
  node: Dialer,
  target: OnlineUser,
  protocol: string,
  options: DialUserOptions = {}
): Promise<Stream> {
  const signal = options.signal ?? AbortSignal.timeout(DIAL_TIMEOUT_MS)
  let stream: Stream
  let reversalFailed: string | undefined
  if (!target.reachable && options.reversal?.available === true) {
    try {
      const connection = await options.reversal.connect(target, { signal })
      return await connection.newStream(protocol, { signal, runOnLimitedConnection: true })
    } catch (err) {
      // The relay may still get through (a firewall that lets the tracker in but not them out).
      reversalFailed = plainNetworkError(err)
    }
  }
  // A relayed connection to them already open is used as it is: libp2p never reuses a limited connection
  // for a dial, and would set up (and throw away) a second circuit through the tracker.
  const relayed = target.reachable
    ? undefined
    : node.getConnections(target.peerId).find(c => c.status === 'open' && c.limits !== undefined)
  if (relayed !== undefined) {
    try {
      return await relayed.newStream(protocol, { signal, runOnLimitedConnection: true })
    } catch {
      // Closing under us (cut by the relay): dial afresh below.
    }
  }
  try {
    // A relayed connection is "limited" (the relay caps its bytes and time): chat and files may use it.
    stream = await node.dialProtocol(target.addrs.length > 0 ? target.addrs : target.peerId, protocol, {
      signal,
      runOnLimitedConnection: true
    })
  } catch (err) {
    const why =
      plainNetworkError(err) + (reversalFailed === undefined ? '' : `; asked to dial back: ${reversalFailed}`)
    if (!target.reachable) {
      const relayed = target.addrs.some(a => a.toString().includes('/p2p-circuit'))
      // They can start a conversation with us only if we can be dialled (directly, or by their asking).
      const theyCan = options.reversal?.available === true ? '; they can still message you' : ''
      throw new UnreachableError(
        relayed
          ? `${target.user} is behind a NAT or firewall and the tracker's relay could not reach them (${why})${theyCan}`
          : `${target.user} is behind a NAT or firewall (the tracker could not connect to them), and so are you, and the tracker does not relay: a forwarded port or --upnp on either side is needed (docs/nat.md)`,
        { cause: err }
      )
    }
    throw new UnreachableError(`${target.user} is online but cannot be reached directly (${why})`, {
      cause: err
    })
  }
  if (node.getConnections(target.peerId).length === 0) {
    stream.abort(new Error('no connection to the expected PeerId'))
    throw new UnreachableError(`${target.user} did not answer with their key`)
  }
  return stream
}
