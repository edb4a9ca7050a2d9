import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Connection, PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { connectionList } from '../../src/connection-list.ts'

/** libp2p's PeerMap: a Map keyed by the PeerId's string. */
class PeerMap<T> {
  readonly #map = new Map<string, T>()
  get(peer: PeerId): T | undefined {
    return this.#map.get(peer.toString())
  }
  set(peer: PeerId, value: T): this {
    this.#map.set(peer.toString(), value)
    return this
  }
  delete(peer: PeerId): boolean {
    return this.#map.delete(peer.toString())
  }
  clear(): void {
    this.#map.clear()
  }
  values(): IterableIterator<T> {
    return this.#map.values()
  }
}

/** A connection manager as libp2p 3 keeps it: a PeerMap of arrays, listed by concatenation. */
function manager(): {
  connections: PeerMap<Connection[]>
  getConnections(peer?: PeerId): Connection[]
  getConnectionsMap(): PeerMap<Connection[]>
} {
  const connections = new PeerMap<Connection[]>()
  return {
    connections,
    getConnectionsMap: () => connections,
    getConnections(peer?: PeerId) {
      if (peer !== undefined) return connections.get(peer) ?? []
      let all: Connection[] = []
      for (const c of connections.values()) all = all.concat(c)
      return all
    }
  }
}

describe('connectionList', () => {
  it('lists what libp2p would, through opens, closes and clears as the manager makes them', async () => {
    const m = manager()
    const naive = m.getConnections.bind(m)
    connectionList()({ connectionManager: m })
    const peers = await Promise.all(
      Array.from({ length: 6 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
    )
    let id = 0
    const sorted = (list: Connection[]): string[] => list.map(c => c.id).sort()
    // Seeded, so a failure reproduces.
    let seed = 7
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed % n
    }
    for (let step = 0; step < 2_000; step++) {
      const peer = peers[random(peers.length)]
      const op = random(10)
      if (op < 5) {
        // _onConnect: push onto the stored array (the same array object), then set it again.
        const stored = m.connections.get(peer) ?? []
        stored.push({ id: String(id++), remotePeer: peer } as unknown as Connection)
        m.connections.set(peer, stored)
      } else if (op < 9) {
        // onDisconnect: a filtered copy, then delete when empty.
        const stored = m.connections.get(peer) ?? []
        if (stored.length === 0) continue
        const gone = stored[random(stored.length)]
        const rest = stored.filter(c => c !== gone)
        m.connections.set(peer, rest)
        if (rest.length === 0) m.connections.delete(peer)
      } else if (random(20) === 0) {
        m.connections.clear()
      }
      expect(sorted(m.getConnections())).toEqual(sorted(naive()))
      expect(m.getConnections(peer)).toEqual(m.connections.get(peer) ?? [])
    }
    // Callers get a copy they may sort.
    const copy = m.getConnections()
    copy.reverse()
    expect(sorted(m.getConnections())).toEqual(sorted(naive()))
  })
})
