import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { P2PChatNode } from '../../src/node.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { mutate } from './mutate.ts'
import type { Rng } from './prng.ts'

/**
 * Live-session fuzzing: mutated frames written to a real service over a real stream. A stream the
 * service closes or resets (as it may, for garbage) is replaced by a new one; what must hold is that
 * the service answers what it should and keeps serving others, which the caller checks afterwards.
 */

export interface LiveFuzzStats {
  frames: number
  streams: number
  /** Frames whose outer length prefix was a lie (the stream is then given up). */
  framingLies: number
  /** Replies read back, all of which decoded. */
  replies: number
  undecodableReplies: number
}

export interface LiveFuzzInit<R> {
  node: Pick<P2PChatNode, 'dialProtocol'>
  addr: Multiaddr
  protocol: string
  rng: Rng
  seeds: Uint8Array[]
  frames: number
  maxBytes: number
  decodeReply(bytes: Uint8Array): R
  /** Called with each reply (e.g. to resolve probes). */
  onReply?(reply: R): void
  /** Frames to write first on every new stream (a file stream starts with an offer). */
  preamble?(rng: Rng): Uint8Array[]
  /** After every `probeEvery` frames: await a proof of life on this stream (returns false if it closed). */
  probe?(stream: Stream): Promise<boolean>
  probeEvery?: number
}

interface Open {
  stream: Stream
  done: Promise<void>
}

async function open<R>(init: LiveFuzzInit<R>, stats: LiveFuzzStats): Promise<Open> {
  let lastError: unknown
  // The service may still be counting a just-reset stream against its per-connection limit.
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const stream = await init.node.dialProtocol(init.addr, init.protocol, {
        signal: AbortSignal.timeout(5_000)
      })
      stats.streams++
      const lp = lpStream(stream, { maxDataLength: 16 * 1024 * 1024 })
      const done = (async () => {
        while (true) {
          let bytes: Uint8Array
          try {
            bytes = (await lp.read()).subarray()
          } catch {
            return
          }
          stats.replies++
          let reply: R
          try {
            reply = init.decodeReply(bytes)
          } catch {
            stats.undecodableReplies++
            continue
          }
          init.onReply?.(reply)
        }
      })()
      for (const frame of init.preamble?.(init.rng) ?? []) stream.send(frame)
      return { stream, done }
    } catch (err) {
      lastError = err
      await new Promise(resolve => setTimeout(resolve, 25))
    }
  }
  throw lastError
}

const usable = (s: Stream): boolean => s.status === 'open' && s.writeStatus === 'writable'

/**
 * Give up a stream the service has stopped serving and open another. The old one is reset first: the
 * service may only have closed its own side (after a logout, say), and a stream left half-open counts
 * against its per-connection stream limit, which would refuse the new one.
 */
async function replace<R>(old: Open, init: LiveFuzzInit<R>, stats: LiveFuzzStats): Promise<Open> {
  old.stream.abort(new Error('fuzz: the service stopped serving this stream'))
  return open(init, stats)
}

/** Write `init.frames` mutated frames, reopening streams the service ends. */
export async function fuzzLive<R>(init: LiveFuzzInit<R>): Promise<LiveFuzzStats> {
  const stats: LiveFuzzStats = { frames: 0, streams: 0, framingLies: 0, replies: 0, undecodableReplies: 0 }
  let current = await open(init, stats)
  const every = init.probeEvery ?? 20
  for (let i = 0; i < init.frames; i++) {
    if (!usable(current.stream)) current = await replace(current, init, stats)
    const body = mutate(init.rng, init.seeds, init.maxBytes).input
    if (init.rng.chance(0.04)) {
      // The framing itself lies: a length prefix claiming more or less than follows.
      stats.framingLies++
      current.stream.send(mutate(init.rng, [lengthPrefixed(body)], init.maxBytes + 16).input)
      await current.stream.close().catch(() => current.stream.abort(new Error('fuzz: done with this stream')))
      current = await open(init, stats)
    } else {
      current.stream.send(lengthPrefixed(body))
    }
    stats.frames++
    if (init.probe !== undefined && (i + 1) % every === 0 && usable(current.stream)) {
      if (!(await init.probe(current.stream))) current = await replace(current, init, stats)
    }
    // Let the service run between bursts (and yamux send what is queued).
    if (i % 10 === 9) await new Promise(resolve => setImmediate(resolve))
  }
  await current.stream.close().catch(() => current.stream.abort(new Error('fuzz: finished')))
  return stats
}
