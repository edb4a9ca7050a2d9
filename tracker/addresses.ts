import type { Multiaddr } from '@multiformats/multiaddr'
import { CODE_IP4, CODE_IP6, CODE_P2P, multiaddr } from '@multiformats/multiaddr'
import { InvalidAddressError } from '../src/errors.ts'
import { MAX_ADDR_BYTES, MAX_PEER_ADDRS } from '../src/protocol/constants.ts'

const UNSPECIFIED = new Set(['0.0.0.0', '::'])

/**
 * Addresses of one login the tracker dials back at most: a peer listens on a port or two per address
 * family; more candidates would let one login make the tracker dial many ports of the peer's host.
 */
export const MAX_DIAL_BACK_CANDIDATES = 4

/** What a peer declared, sorted into what the tracker will try to verify and what it drops, and why. */
export interface AddressCandidates {
  /** On the host the peer connected from, in the order declared, at most `MAX_DIAL_BACK_CANDIDATES`. */
  candidates: Multiaddr[]
  /** Declared but not dialled: a DNS name, another address family. */
  elsewhere: Multiaddr[]
}

/**
 * The addresses the tracker may dial back to verify a peer's declared listen addresses. Every IP host of
 * the peer's family — unspecified (0.0.0.0, ::), a LAN address behind a NAT, anything else — becomes the
 * host the tracker saw the peer connect from, keeping the port: a peer listening on 192.168.1.2:4002
 * behind a router that forwards 4002 is verified at <router's public address>:4002. `/p2p/` components
 * are stripped (the PeerId travels separately, from Noise). The tracker never dials a host the peer did
 * not connect from, so a login cannot aim it at someone else.
 * The observed address itself is not a candidate: its port is the peer's outgoing one, where nothing
 * listens. Throws `InvalidAddressError` for too many, too long or undecodable addresses.
 */
export function dialBackCandidates(declared: Uint8Array[], observed: Multiaddr): AddressCandidates {
  if (declared.length > MAX_PEER_ADDRS) {
    throw new InvalidAddressError(
      `at most ${MAX_PEER_ADDRS} addresses may be published, got ${declared.length}`
    )
  }
  const observedHost = hostOf(observed)
  const candidates = new Map<string, Multiaddr>()
  const elsewhere = new Map<string, Multiaddr>()
  for (const bytes of declared) {
    if (bytes.byteLength === 0 || bytes.byteLength > MAX_ADDR_BYTES) {
      throw new InvalidAddressError(`an address must be 1–${MAX_ADDR_BYTES} bytes, got ${bytes.byteLength}`)
    }
    let addr: Multiaddr
    try {
      addr = multiaddr(bytes)
    } catch (err) {
      throw new InvalidAddressError(`not a valid multiaddr: ${(err as Error).message}`)
    }
    const components = addr.getComponents().filter(c => c.code !== CODE_P2P)
    if (components.length === 0) continue
    const host = components[0]
    const isIp = host.code === CODE_IP4 || host.code === CODE_IP6
    if (isIp && UNSPECIFIED.has(host.value ?? '') && observedHost?.code !== host.code) {
      // An unspecified host of the other family: there is no host to put in its place.
      continue
    }
    const sameFamily = isIp && observedHost !== undefined && observedHost.code === host.code
    if (sameFamily) components[0] = { code: host.code, name: host.name, value: observedHost.value }
    const fixed = multiaddr(components.map(c => ({ code: c.code, name: c.name, value: c.value })))
    if (!sameFamily) {
      elsewhere.set(fixed.toString(), fixed)
    } else if (!candidates.has(fixed.toString()) && candidates.size < MAX_DIAL_BACK_CANDIDATES) {
      candidates.set(fixed.toString(), fixed)
    }
  }
  return { candidates: [...candidates.values()], elsewhere: [...elsewhere.values()] }
}

function hostOf(addr: Multiaddr): { code: number; value?: string } | undefined {
  const first = addr.getComponents()[0]
  return first !== undefined && (first.code === CODE_IP4 || first.code === CODE_IP6) ? first : undefined
}
