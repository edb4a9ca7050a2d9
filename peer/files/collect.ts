import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * Received file content arrives in buffers of its own outside the JS heap (TLS's 16 KiB records on the
 * bulk path, decrypted frames on the stream). V8 collects those only once 64 MiB more of them exist
 * than after its last full collection — a swing of that much and more in the receiver's memory, and on
 * a big heap a full mark of it each time. A young-generation collection frees the ones already written,
 * cheaply: one per `everyBytes` received, and a full one every `fullEvery`-th time (buffers still
 * queued for the disk at a young collection move to the old generation).
 */
export class ReceiveCollector {
  readonly #everyBytes: number
  readonly #fullEvery: number
  #since = 0
  #count = 0

  constructor(everyBytes: number, fullEvery: number) {
    this.#everyBytes = everyBytes
    this.#fullEvery = fullEvery
  }

  /** Count `bytes` received; collect when it is time. */
  add(bytes: number): void {
    this.#since += bytes
    if (this.#since < this.#everyBytes) return
    this.#since = 0
    collectGarbage(++this.#count % this.#fullEvery === 0 ? 'major' : 'minor')
  }
}

let gc: ((options: { type: 'major' | 'minor' }) => void) | undefined

/** V8's own gc(), without starting Node with --expose-gc (the flag only adds it to new contexts). */
export function collectGarbage(type: 'major' | 'minor'): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as (options: { type: 'major' | 'minor' }) => void
  }
  gc({ type })
}
