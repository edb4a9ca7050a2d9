import { RELAY_V2_STOP_CODEC } from '@libp2p/circuit-relay-v2'
import type { ConnectionGater, PeerId, Stream } from '@libp2p/interface'
import type { P2PChatNode } from '../../src/node.ts'

/**
 * A peer uses only its trackers' relays (the one it is logged in to holds its slot; with several trackers
 * sharing one store, a peer logged in elsewhere reaches us through its own). libp2p's relay transport
 * would take a relayed connection (a STOP stream) from any node that reaches it — and reserve a slot on
 * that node on the spot, advertising `<stranger>/p2p-circuit/p2p/<us>` as our address (found by
 * test/integration/nat-attacks.test.ts). Here a STOP stream from anyone but a configured tracker is reset
 * before libp2p reads it, and the gater refuses a relayed connection through any other relay.
 */

function isTracker(trackers: PeerId | PeerId[], peer: PeerId): boolean {
  return (Array.isArray(trackers) ? trackers : [trackers]).some(t => t.equals(peer))
}

/** The gater half: relayed connections only through the trackers. */
export function trackerOnlyRelayGater(
  trackers: PeerId | PeerId[]
): Pick<ConnectionGater, 'denyInboundRelayedConnection'> {
  return {
    denyInboundRelayedConnection: relay => !isTracker(trackers, relay)
  }
}

/** Replace the relay transport's STOP handler with one that serves only the trackers. Call after start(). */
export async function acceptStopOnlyFrom(node: P2PChatNode, trackers: PeerId | PeerId[]): Promise<void> {
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
      if (!isTracker(trackers, connection.remotePeer)) {
        stream.abort(new Error('relayed connections are taken only through our trackers'))
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
