/**
 * When each session was last heard from, kept in a Map whose insertion order is the order of last
 * activity: touching moves a session to the end, so the ones due for eviction are always at the front
 * and a sweep costs O(evicted + 1), never a scan of everyone.
 */
export class Liveness<S> {
  readonly #lastSeen = new Map<S, number>()

  touch(session: S, now: number): void {
    this.#lastSeen.delete(session)
    this.#lastSeen.set(session, now)
  }

  forget(session: S): void {
    this.#lastSeen.delete(session)
  }

  get size(): number {
    return this.#lastSeen.size
  }

  /** Remove and return the sessions last seen at or before `deadline`. */
  expire(deadline: number): S[] {
    const expired: S[] = []
    for (const [session, seen] of this.#lastSeen) {
      if (seen > deadline) break
      expired.push(session)
    }
    for (const session of expired) this.#lastSeen.delete(session)
    return expired
  }
}
