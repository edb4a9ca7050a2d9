import { Socket } from 'node:net'
import { lpStream } from '@libp2p/utils'
import { describe, expect, it, vi } from 'vitest'
import { startNode } from '../fixtures/nodes.ts'

/**
 * src/batched-writes.ts: frames written to one connection in the same tick leave in one socket write
 * (one Noise message), in order, and nothing queued is lost when the stream closes.
 */

const PROTOCOL = '/p2pchat-test/frames/1.0.0'
const FRAMES = 200

/** Two nodes; `b` collects every length-prefixed frame that arrives on PROTOCOL. */
async function pair(
  muxer: 'yamux' | 'mplex'
): Promise<{ frames: string[]; ended: Promise<void>; send(): Promise<import('@libp2p/interface').Stream> }> {
  const a = await startNode([muxer])
  const b = await startNode([muxer])
  const frames: string[] = []
  const ended = Promise.withResolvers<void>()
  await b.handle(PROTOCOL, async stream => {
    const lp = lpStream(stream)
    try {
      for (;;) frames.push(new TextDecoder().decode((await lp.read()).subarray()))
    } catch {
      ended.resolve()
    }
  })
  return {
    frames,
    ended: ended.promise,
    send: () => a.dialProtocol(b.getMultiaddrs()[0], PROTOCOL)
  }
}

const frame = (i: number): Uint8Array => {
  const body = new TextEncoder().encode(`frame ${i}`)
  return Uint8Array.from([body.byteLength, ...body])
}

describe('batched writes', () => {
  for (const muxer of ['yamux', 'mplex'] as const) {
    it(`${muxer}: ${FRAMES} frames sent in one tick take a handful of socket writes and arrive in order`, async () => {
      const { frames, send } = await pair(muxer)
      const stream = await send()
      // Let the stream's own opening frames go first.
      await new Promise(resolve => setTimeout(resolve, 50))
      const write = vi.spyOn(Socket.prototype, 'write')
      try {
        for (let i = 0; i < FRAMES; i++) stream.send(frame(i))
        await new Promise(resolve => setTimeout(resolve, 0))
        // Unbatched: a yamux frame is a header and a payload, each a Noise message of two writes.
        expect(write.mock.calls.length).toBeGreaterThan(0)
        expect(write.mock.calls.length).toBeLessThanOrEqual(4)
      } finally {
        write.mockRestore()
      }
      await vi.waitFor(() => expect(frames.length).toBe(FRAMES))
      expect(frames).toEqual(Array.from({ length: FRAMES }, (_, i) => `frame ${i}`))
    })

    it(`${muxer}: a stream closed right after sending delivers everything`, async () => {
      const { frames, ended, send } = await pair(muxer)
      const stream = await send()
      for (let i = 0; i < FRAMES; i++) stream.send(frame(i))
      await stream.close()
      await ended
      expect(frames).toHaveLength(FRAMES)
      expect(frames.at(-1)).toBe(`frame ${FRAMES - 1}`)
    })
  }
})
