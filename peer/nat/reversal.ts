import type { AbortOptions, Connection, Logger, PeerId } from '@libp2p/interface'
import { TimeoutError, UnreachableError } from '../../src/errors.ts'
import type { P2PChatNode } from '../../src/node.ts'
import type { OnlineUser } from '../core/tracker-client.ts'

/**
 * Connection reversal (docs/nat.md): when we can be dialled and the other side cannot, ask it — through
 * the tracker session both already have — to dial us. The result is a direct connection with no relay in
 * the path; both ends mark it `reversed` so conversations and transfers can say how they flow.
 */

/** How long to wait for the other side's connection after asking: a tracker round trip plus TCP + Noise. */
export const REVERSAL_TIMEOUT_MS = 3_000
/** How long the asked side tries to dial the asker's addresses. */
export const REVERSAL_DIAL_TIMEOUT_MS = 5_000
/** After a reversal to someone failed, dials to them go straight to the relay for this long. */
export const REVERSAL_FAILURE_MEMORY_MS = 60_000

/** Connections opened by reversal, on either side (libp2p connections carry no such mark of their own). */
const reversedConnections = new WeakSet<Connection>()

/** True for a connection that was opened because one side asked the other to dial it. */
export function isReversed(connection: Connection): boolean {
  return reversedConnections.has(connection)
}

/** An open connection to `peer` without relay limits, if there is one. */
export function directConnection(
  node: Pick<P2PChatNode, 'getConnections'>,
  peer: PeerId
): Connection | undefined {
  return node.getConnections(peer).find(c => c.status === 'open' && c.limits === undefined)
}

export interface ReversalComponents {
  node: Pick<P2PChatNode, 'dial' | 'getConnections' | 'addEventListener' | 'removeEventListener'>
  /** Ask the tracker to pass a dial request to `peerId`. */
  requestDial(peerId: PeerId, options?: AbortOptions): Promise<void>
  /** The tracker reached us by dialling back at the last login: others can dial us. */
  reachable(): boolean
  log: Logger
}

export class ConnectionReversal {
  readonly #c: ReversalComponents
  /** PeerId → when a reversal to it last failed. */
  readonly #failed = new Map<string, number>()
  /** Dials we are making because someone asked, by PeerId: one at a time each. */
  readonly #answering = new Set<string>()
  /** Reversals that produced a connection, and ones that did not (for stats and tests). */
  readonly counts = { succeeded: 0, failed: 0, answered: 0 }

  constructor(components: ReversalComponents) {
    this.#c = components
  }

  /** Whether asking makes sense: only a peer others can dial can be dialled back. */
  get available(): boolean {
    return this.#c.reachable()
  }

  /**
   * A direct connection to `target` by reversal: an existing one, or the one `target` opens when asked.
   * Throws UNREACHABLE (or TIMEOUT) when it does not arrive within REVERSAL_TIMEOUT_MS.
   */
  async connect(target: OnlineUser, options: AbortOptions = {}): Promise<Connection> {
    const existing = directConnection(this.#c.node, target.peerId)
    if (existing !== undefined) return existing
    const key = target.peerId.toString()
    const failedAt = this.#failed.get(key)
    if (failedAt !== undefined && Date.now() - failedAt < REVERSAL_FAILURE_MEMORY_MS) {
      throw new UnreachableError(`${target.user} could not dial back a moment ago`)
    }
    const signal = AbortSignal.any([
      AbortSignal.timeout(REVERSAL_TIMEOUT_MS),
      ...(options.signal === undefined ? [] : [options.signal])
    ])
    let onOpen: ((e: CustomEvent<Connection>) => void) | undefined
    const arrived = new Promise<Connection>((resolve, reject) => {
      onOpen = e => {
        const c = e.detail
        if (c.remotePeer.equals(target.peerId) && c.limits === undefined) resolve(c)
      }
      this.#c.node.addEventListener('connection:open', onOpen)
      signal.addEventListener(
        'abort',
        () => reject(new TimeoutError(`${target.user} did not dial back within ${REVERSAL_TIMEOUT_MS} ms`)),
        { once: true }
      )
    })
    arrived.catch(() => {})
    try {
      await this.#c.requestDial(target.peerId, { signal })
      const connection = await arrived
      reversedConnections.add(connection)
      this.counts.succeeded++
      this.#failed.delete(key)
      this.#c.log('%s dialled back: direct connection by reversal', target.user)
      return connection
    } catch (err) {
      // It may have arrived just as the wait ended: a direct connection is a direct connection.
      const late = directConnection(this.#c.node, target.peerId)
      if (late !== undefined) {
        // Opened by them after we asked (or by anyone just now): inbound means they dialled back.
        if (late.direction === 'inbound') reversedConnections.add(late)
        return late
      }
      this.counts.failed++
      this.#failed.set(key, Date.now())
      this.#c.log('reversal to %s failed: %s', target.user, (err as Error).message)
      throw err
    } finally {
      if (onOpen !== undefined) this.#c.node.removeEventListener('connection:open', onOpen)
    }
  }

  /**
   * `from` asked (through the tracker) that we dial them: dial the addresses the tracker verified for
   * them. Never throws; one dial per asker at a time, none when a direct connection exists already.
   */
  answer(from: OnlineUser): void {
    const key = from.peerId.toString()
    if (from.addrs.length === 0 || this.#answering.has(key)) return
    if (directConnection(this.#c.node, from.peerId) !== undefined) return
    this.#answering.add(key)
    this.#c.node
      .dial(from.addrs, { signal: AbortSignal.timeout(REVERSAL_DIAL_TIMEOUT_MS) })
      .then(
        connection => {
          reversedConnections.add(connection)
          this.counts.answered++
          this.#c.log('dialled %s back at their request', from.user)
        },
        err => this.#c.log('could not dial %s back: %s', from.user, (err as Error).message)
      )
      .finally(() => this.#answering.delete(key))
  }
}
