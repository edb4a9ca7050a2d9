import type { Multiaddr } from '@multiformats/multiaddr'
import { CODE_P2P } from '@multiformats/multiaddr'

/**
 * How long an address confirmed from outside (the tracker's dial-back, or an operator's listen address)
 * counts as verified before it needs confirming again. The tracker re-verifies at every login, and its
 * own listen addresses are what its operator chose, so this is long.
 */
export const CONFIRMED_ADDRESS_TTL_MS = 24 * 60 * 60_000

/** The parts of libp2p's components this service uses (internal interfaces, so only these methods). */
export interface SelfAddressesComponents {
  transportManager: { getAddrs(): Multiaddr[]; listen(addrs: Multiaddr[]): Promise<void> }
  addressManager: {
    confirmObservedAddr(addr: Multiaddr, options?: { ttl?: number; type?: 'transport' }): void
  }
}

/**
 * A node's own addresses, as its transports listen on them. libp2p 3's `getMultiaddrs()` leaves out a
 * listen address on a public IP until something (AutoNAT) has confirmed it can be reached there, so a
 * peer on a public address would declare nothing and a tracker on one would print nothing. The tracker
 * confirms a peer's addresses itself, by dialling back; this is how both sides see and confirm them.
 */
export interface SelfAddresses {
  /** Every address a transport listens on (0.0.0.0 expanded to the interfaces), without `/p2p/`. */
  listenAddrs(): Multiaddr[]
  /** Count these (host and port, no `/p2p/`) as verified, so `getMultiaddrs()` and identify include them. */
  confirm(addrs: Multiaddr[], ttlMs?: number): void
  /** Listen on more addresses: `<relay>/p2p-circuit` reserves a slot on that relay. */
  listen(addrs: Multiaddr[]): Promise<void>
}

export function selfAddresses(): (components: SelfAddressesComponents) => SelfAddresses {
  return components => ({
    listenAddrs: () =>
      components.transportManager
        .getAddrs()
        .filter(a => !a.toString().includes('/p2p-circuit'))
        .map(withoutPeerId),
    listen: addrs => components.transportManager.listen(addrs),
    confirm: (addrs, ttlMs = CONFIRMED_ADDRESS_TTL_MS) => {
      for (const addr of addrs) // 'transport': our own listen address (libp2p only tracks one once it has listed it).
        components.addressManager.confirmObservedAddr(withoutPeerId(addr), { ttl: ttlMs, type: 'transport' })
    }
  })
}

function withoutPeerId(addr: Multiaddr): Multiaddr {
  return addr.getComponents().some(c => c.code === CODE_P2P) ? addr.decapsulateCode(CODE_P2P) : addr
}
