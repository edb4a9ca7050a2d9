import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { CircuitRelayServerInit, CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import type { Identify } from '@libp2p/identify'
import { identify } from '@libp2p/identify'
import type { ConnectionGater, PrivateKey } from '@libp2p/interface'
import { mplex } from '@libp2p/mplex'
import type { Ping } from '@libp2p/ping'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import type { Libp2p } from 'libp2p'
import { createLibp2p } from 'libp2p'
import { batchedWrites } from './batched-writes.ts'
import { connectionList } from './connection-list.ts'
import { fastNoiseKeys } from './fast-noise-keys.ts'
import type { SelfAddresses } from './self-addresses.ts'
import { selfAddresses } from './self-addresses.ts'
import { installYamuxWindowUpdateThreshold } from './yamux-window.ts'

export type MuxerName = 'yamux' | 'mplex'

export type P2PChatNode = Libp2p<{
  /** Peers only: a tracker answers no identify requests (below). */
  identify?: Identify
  ping: Ping
  self: SelfAddresses
  connectionList: object
  /** A tracker's circuit relay, when it runs one. */
  relay?: CircuitRelayService
}>

/** Connection limits of a server: many peers, many of them arriving from one NAT or one test host. */
export const SERVER_MAX_CONNECTIONS = 50_000
/**
 * js-libp2p's default refuses a host's 6th connection within one second; behind a NAT (or in a load
 * test) thousands of peers share one address, so a server accepts this many per host per second.
 */
export const SERVER_INBOUND_CONNECTION_THRESHOLD = 10_000
/**
 * Handshakes (Noise + muxer negotiation) a server runs at once; more are refused (reset) and retried by
 * clients. A tracker's handshake guard sets its own limits below this cap and raises it (`NodeInit`).
 */
export const SERVER_MAX_PENDING_CONNECTIONS = 512
/**
 * A handshake may wait this long on a busy server: during a login storm the event loop is shared with
 * fan-out, and a slow handshake that succeeds beats a fast failure that makes the client retry.
 */
export const SERVER_INBOUND_UPGRADE_TIMEOUT_MS = 30_000
/**
 * Connections the kernel queues for a server until it accepts them (Linux caps this at
 * net.core.somaxconn, 4096 by default). A flood that reconnects as soon as it is refused keeps about one
 * connection per attacking socket in this queue; past Node's default of 511 a real client's SYN is dropped
 * and its kernel retries only 1 s later (measured: bench:handshake).
 */
export const SERVER_LISTEN_BACKLOG = 4096
/** A peer talks to the tracker and to the people it chats with: a few hundred connections is plenty. */
export const PEER_MAX_CONNECTIONS = 1_000

export interface NodeInit {
  /** The node's identity; its PeerId is what Noise proves to every remote. */
  privateKey: PrivateKey
  /**
   * Multiaddrs to listen on.
   * @default [] (dial only)
   */
  listen?: string[]
  /**
   * `server` raises the connection limits for a tracker.
   * @default 'peer'
   */
  role?: 'server' | 'peer'
  /**
   * Stream muxers offered, in order of preference. mplex is deprecated upstream (no flow control) and
   * kept second so mplex-only peers still interoperate.
   * @default ['yamux', 'mplex']
   */
  muxers?: MuxerName[]
  /**
   * Extra checks on connections (the tracker's dial-back probes, its handshake limits).
   * @default {} (libp2p's gater: nothing denied)
   */
  connectionGater?: ConnectionGater
  /**
   * Server only: be a circuit relay (v2) with these settings; peers always can dial and listen through one.
   * @default undefined (no relay)
   */
  relay?: CircuitRelayServerInit
  /**
   * Server only: handshakes libp2p runs at once before refusing more. It checks this before the
   * connection gater, so a gater that limits handshakes itself needs this above its own total.
   * @default SERVER_MAX_PENDING_CONNECTIONS (512)
   */
  maxPendingConnections?: number
  /**
   * Server only: the longest an inbound handshake may take before libp2p aborts it.
   * @default SERVER_INBOUND_UPGRADE_TIMEOUT_MS (30 s)
   */
  inboundUpgradeTimeoutMs?: number
}

/** Build (not start) the libp2p node every p2pchat process runs: TCP, Noise, yamux then mplex, identify, ping. */
export async function createNode(init: NodeInit): Promise<P2PChatNode> {
  installYamuxWindowUpdateThreshold()
  const server = init.role === 'server'
  const muxers = init.muxers ?? ['yamux', 'mplex']
  const streamMuxers = muxers.map(name =>
    name === 'yamux'
      ? // App heartbeats (and chat acks) prove liveness; yamux pings would add a write per connection
        // every 30 s on top, which a tracker with 10,000 peers pays 333 times a second.
        yamux({ enableKeepAlive: false })
      : mplex()
  )
  return createLibp2p({
    privateKey: init.privateKey,
    addresses: { listen: init.listen ?? [] },
    // A peer reaches (and is reached by) peers nobody can dial through its tracker's relay.
    transports: server ? [tcp({ backlog: SERVER_LISTEN_BACKLOG })] : [tcp(), circuitRelayTransport()],
    // One connection's frames written in one tick leave as one Noise message and one write; handshakes
    // keep their X25519 key objects and their identity signature instead of making them anew.
    connectionEncrypters: [batchedWrites(fastNoiseKeys(noise()))],
    connectionGater: init.connectionGater,
    streamMuxers,
    connectionManager: server
      ? {
          maxConnections: SERVER_MAX_CONNECTIONS,
          inboundConnectionThreshold: SERVER_INBOUND_CONNECTION_THRESHOLD,
          maxIncomingPendingConnections: init.maxPendingConnections ?? SERVER_MAX_PENDING_CONNECTIONS,
          inboundUpgradeTimeout: init.inboundUpgradeTimeoutMs ?? SERVER_INBOUND_UPGRADE_TIMEOUT_MS
        }
      : { maxConnections: PEER_MAX_CONNECTIONS },
    // libp2p's monitor opens a ping stream on every connection every 10 s; on a tracker with 10,000
    // peers that is 1,000 streams/s doing what the tracker's own heartbeats already do.
    connectionMonitor: { enabled: false },
    services: {
      // Peers identify each other (the relay transport needs it). A tracker needs nothing identify
      // tells and answers none: every request cost it a freshly signed peer record (7 % of its time in a
      // login storm); its relay is reserved at an explicit /p2p-circuit address, which needs no identify.
      ...(server ? {} : { identify: identify() }),
      ping: ping(),
      self: selfAddresses(),
      // A flat list of connections instead of libp2p's quadratic one, read for every inbound connection.
      connectionList: connectionList(),
      // No DCUtR on peers (docs/nat.md): over TCP here it never succeeds, and it dials whatever addresses
      // the other side of a relayed connection announces, DNS names included (test/integration/nat-attacks).
      ...(server && init.relay !== undefined ? { relay: circuitRelayServer(init.relay) } : {})
    }
  })
}
