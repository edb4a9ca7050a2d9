import { lpStream } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import { TRACKER_PROTOCOL } from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ClientMessage, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { DEFAULT_REGISTRATION_BURST } from '../../tracker/tracker.ts'
import {
  connectPeer,
  onCleanup,
  PASSWORD,
  startNode,
  startNodeFrom,
  startTracker
} from '../fixtures/nodes.ts'

/** Send `count` registrations at once on one raw session and collect the replies (until all came or the stream ends). */
async function flood(tracker: Tracker, count: number, prefix: string): Promise<Map<number, TrackerMessage>> {
  const node = await startNode()
  const stream = await node.dialProtocol(tracker.getMultiaddrs()[0], TRACKER_PROTOCOL)
  const lp = lpStream(stream, { maxDataLength: 64 * 1024 })
  for (let id = 1; id <= count; id++) {
    stream.send(
      lengthPrefixed(
        ClientMessage.encode({ id, register: { username: `${prefix}${id}`, password: PASSWORD } })
      )
    )
  }
  const replies = new Map<number, TrackerMessage>()
  while (replies.size < count) {
    let reply: TrackerMessage
    try {
      reply = TrackerMessage.decode(await lp.read({ signal: AbortSignal.timeout(20_000) }))
    } catch {
      break
    }
    if (reply.id !== 0) replies.set(reply.id, reply)
  }
  return replies
}

describe('registration flood', () => {
  it('answers every one of 500 pipelined registrations from one host and keeps logins fast', async () => {
    const tracker = await startTracker({
      coalesceMs: 10,
      scryptLogN: 14,
      // The deadline has its own test below; here the flood is answered by the per-host budget.
      loginTimeoutMs: 20_000,
      registrationBurst: DEFAULT_REGISTRATION_BURST
    })
    const owner = await connectPeer(tracker, 'owner')
    await owner.client.logout()
    const began = performance.now()
    const replies = flood(tracker, 500, 'spam')
    // While it lasts, the owner logs in again from the same host as the flood.
    const again = await TrackerClient.connect(owner.node, tracker.getMultiaddrs()[0])
    onCleanup(() => again.close())
    const loginBegan = performance.now()
    await again.login('owner', PASSWORD)
    const loginMs = performance.now() - loginBegan
    const answered = await replies
    expect(answered.size).toBe(500)
    const codes = new Map<string, number>()
    for (const reply of answered.values()) {
      const code = reply.registered !== undefined ? 'REGISTERED' : (reply.error?.code ?? '?')
      codes.set(code, (codes.get(code) ?? 0) + 1)
      if (reply.error?.code === 'RATE_LIMITED' || reply.error?.code === 'BUSY') {
        expect(reply.error.retryAfterMs).toBeGreaterThan(0)
      }
    }
    // The burst is 20 per host (the owner's registration took one); the rest were told to wait. On a
    // slow run the refill (20 a minute, one per 3 s) may have added one or two.
    expect(codes.get('REGISTERED')).toBeGreaterThanOrEqual(19)
    expect(codes.get('REGISTERED')).toBeLessThanOrEqual(21)
    expect([...codes.keys()].sort()).toEqual(['RATE_LIMITED', 'REGISTERED'])
    expect(tracker.accountCount).toBe(1 + codes.get('REGISTERED')!)
    expect(loginMs).toBeLessThan(2_000)
    expect(performance.now() - began).toBeLessThan(20_000)
  })

  it('limits registrations per source host, not for everyone', async () => {
    const tracker = await startTracker({ registrationBurst: 2, registrationsPerMinute: 1 })
    const { client } = await connectPeer(tracker, 'first', { login: false })
    await client.register('second', PASSWORD)
    const refused = await client.register('third', PASSWORD).catch(e => e)
    expect(refused).toMatchObject({ code: 'RATE_LIMITED' })
    expect(refused.retryAfterMs).toBeGreaterThan(30_000)
    // Another host has its own budget.
    const elsewhere = await startNodeFrom('127.0.0.2')
    const other = await TrackerClient.connect(elsewhere, tracker.getMultiaddrs()[0])
    onCleanup(() => other.close())
    await expect(other.register('third', PASSWORD)).resolves.toBeDefined()
  })

  it('answers requests queued behind a slow one with TIMEOUT when the login deadline passes', async () => {
    // Registrations at the real cost (~0.3 s each) on one session with a 200 ms deadline.
    const tracker = await startTracker({
      scryptLogN: 17,
      loginTimeoutMs: 200,
      registrationBurst: DEFAULT_REGISTRATION_BURST
    })
    const replies = await flood(tracker, 5, 'slow')
    expect(replies.size).toBe(5)
    expect(replies.get(1)?.registered?.username).toBe('slow1')
    for (const id of [2, 3, 4, 5]) expect(replies.get(id)?.error?.code).toBe('TIMEOUT')
  })
})
