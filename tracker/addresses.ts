import type { Multiaddr } from '@multiformats/multiaddr'
import { CODE_IP4, CODE_IP6, CODE_P2P, multiaddr } from '@multiformats/multiaddr'
import { InvalidAddressError } from '../src/errors.ts'
import { MAX_ADDR_BYTES, MAX_PEER_ADDRS } from '../src/protocol/constants.ts'

const UNSPECIFIED = new Set(['0.0.0.0', '::'])

/**
 * The addresses the tracker publishes for a peer: what it declared, with unspecified hosts (0.0.0.0, ::)
 * replaced by the host the tracker saw it connect from, then the observed address itself. `/p2p/`
 * components are stripped (the PeerId travels separately, from Noise). Throws `InvalidAddressError`.
 */
export function publishedAddrs(declared: Uint8Array[], observed: Multiaddr): Multiaddr[] {
  if (declared.length > MAX_PEER_ADDRS) {
    throw new InvalidAddressError(
      `at most ${MAX_PEER_ADDRS} addresses may be published, got ${declared.length}`
    )
  }
  const observedHost = hostOf(observed)
  const out = new Map<string, Multiaddr>()
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
    if ((host.code === CODE_IP4 || host.code === CODE_IP6) && UNSPECIFIED.has(host.value ?? '')) {
      // Only the observed host of the same family can stand in for an unspecified one.
      if (observedHost === undefined || observedHost.code !== host.code) continue
      components[0] = { code: host.code, name: host.name, value: observedHost.value }
    }
    const fixed = multiaddr(components.map(c => ({ code: c.code, name: c.name, value: c.value })))
    out.set(fixed.toString(), fixed)
  }
  const observedTransport = multiaddr(
    observed
      .getComponents()
      .filter(c => c.code !== CODE_P2P)
      .map(c => ({ code: c.code, name: c.name, value: c.value }))
  )
  if (observedTransport.getComponents().length > 0) out.set(observedTransport.toString(), observedTransport)
  return [...out.values()]
}

function hostOf(addr: Multiaddr): { code: number; value?: string } | undefined {
  const first = addr.getComponents()[0]
  return first !== undefined && (first.code === CODE_IP4 || first.code === CODE_IP6) ? first : undefined
}
