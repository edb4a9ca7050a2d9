import type { Connection, PeerId } from '@libp2p/interface'

/**
 * libp2p 3's connection manager lists its connections (`getConnections()` with no peer) by
 * concatenating one array per peer into a new array each time: quadratic in the connections (25 ms at
 * 10,000, 0.5 s at 20,000, 6.6 s at 50,000). It does so for every inbound connection (the limit check)
 * and again on every `connection:open` (the pruner), so a tracker taking thousands of peers back after a
 * restart spent more time listing connections than serving them. This service keeps one flat list,
 * updated where the manager updates its map (set, delete, clear), and answers with a copy of it.
 */

/** The parts of libp2p's connection manager and its PeerMap this touches. */
interface ConnectionMap {
  get(peer: PeerId): Connection[] | undefined
  set(peer: PeerId, connections: Connection[]): unknown
  delete(peer: PeerId): unknown
  clear(): void
}

interface ConnectionManagerLike {
  getConnectionsMap(): ConnectionMap
  getConnections(peer?: PeerId): Connection[]
}

/** A service factory (`services: { connectionList: connectionList() }`); it exposes nothing. */
export function connectionList(): (components: { connectionManager: unknown }) => object {
  return components => {
    const manager = components.connectionManager as ConnectionManagerLike
    const map = manager.getConnectionsMap()
    const all: Connection[] = []
    /** Each connection's index in `all`. */
    const at = new Map<Connection, number>()
    /** What each peer's list held at the last update, to find what a `set` added or removed. */
    const held = new Map<string, Connection[]>()
    const add = (c: Connection): void => {
      if (at.has(c)) return
      at.set(c, all.length)
      all.push(c)
    }
    const remove = (c: Connection): void => {
      const i = at.get(c)
      if (i === undefined) return
      at.delete(c)
      const last = all.pop()!
      if (i < all.length) {
        all[i] = last
        at.set(last, i)
      }
    }
    const set = map.set.bind(map)
    const del = map.delete.bind(map)
    const clear = map.clear.bind(map)
    map.set = (peer, connections) => {
      const result = set(peer, connections)
      const key = peer.toString()
      const before = held.get(key) ?? []
      for (const c of before) if (!connections.includes(c)) remove(c)
      for (const c of connections) add(c)
      held.set(key, [...connections])
      return result
    }
    map.delete = peer => {
      const result = del(peer)
      const key = peer.toString()
      for (const c of held.get(key) ?? []) remove(c)
      held.delete(key)
      return result
    }
    map.clear = () => {
      clear()
      all.length = 0
      at.clear()
      held.clear()
    }
    manager.getConnections = (peer?: PeerId) => {
      if (peer !== undefined && peer !== null) return map.get(peer) ?? []
      // A copy: callers may sort or filter what they get.
      return all.slice()
    }
    return {}
  }
}
