import { RELAY_V2_STOP_CODEC } from '@libp2p/circuit-relay-v2'
import type { ConnectionGater, PeerId, Stream } from '@libp2p/interface'
import type { P2PChatNode } from '../../src/node.ts'

/**
 * A peer uses one relay: its tracker's. libp2p's relay transport would take a relayed connection (a STOP
 * stream) from any node that reaches it — and reserve a slot on that node on the spot, advertising
 * `<stranger>/p2p-circuit/p2p/<us>` as our address (found by test/integration/nat-attacks.test.ts). Here
 * a STOP stream from anyone but the tracker is reset before libp2p reads it, and the gater refuses a
 * relayed connection through any other relay.
 */

/** The gater half: relayed connections only through the tracker. */
export function trackerOnlyRelayGater(
  tracker: PeerId
): Pick<ConnectionGater, 'denyInboundRelayedConnection'> {
  return {
    denyInboundRelayedConnection: relay => !relay.equals(tracker)
  }
}

/** Replace the relay transport's STOP handler with one that serves only the tracker. Call after start(). */
export async function acceptStopOnlyFrom(node: P2PChatNode, tracker: PeerId): Promise<void> {
  const registrar = (node as unknown as { components: { registrar: RegistrarLike } }).components.registrar
  let record: ReturnType<RegistrarLike['getHandler']>
  try {
    record = registrar.getHandler(RELAY_V2_STOP_CODEC)
  } catch {
    return // no relay transport on this node
  }
  const original = record.handler
  await node.handle(
    RELAY_V2_STOP_CODEC,
    (stream, connection) => {
      if (!connection.remotePeer.equals(tracker)) {
        stream.abort(new Error('relayed connections are taken only through our tracker'))
        return
      }
      return original(stream, connection)
    },
    { ...record.options, force: true }
  )
}

interface RegistrarLike {
  getHandler(protocol: string): {
    handler: (
      stream: Stream,
      connection: Parameters<Parameters<P2PChatNode['handle']>[1]>[1]
    ) => void | Promise<void>
    options: Record<string, unknown>
  }
}
