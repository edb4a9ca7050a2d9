import type { Stream } from '@libp2p/interface'
import { UnreachableError } from '../../src/errors.ts'
import type { P2PChatNode } from '../../src/node.ts'
import { DIAL_TIMEOUT_MS } from '../../src/protocol/constants.ts'
import type { OnlineUser } from './tracker-client.ts'

/**
 * Open a `protocol` stream to an online user at the addresses the tracker published for them. The
 * addresses end in their PeerId, so Noise refuses anyone else's key; the connection check guards
 * against a connection reused from elsewhere.
 */
export async function dialUser(
  node: P2PChatNode,
  target: OnlineUser,
  protocol: string,
  signal: AbortSignal = AbortSignal.timeout(DIAL_TIMEOUT_MS)
): Promise<Stream> {
  let stream: Stream
  try {
    stream = await node.dialProtocol(target.addrs.length > 0 ? target.addrs : target.peerId, protocol, {
      signal
    })
  } catch (err) {
    throw new UnreachableError(`cannot reach ${target.user}: ${(err as Error).message}`, { cause: err })
  }
  if (node.getConnections(target.peerId).length === 0) {
    stream.abort(new Error('no connection to the expected PeerId'))
    throw new UnreachableError(`${target.user} did not answer with their key`)
  }
  return stream
}
