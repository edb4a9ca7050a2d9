import { logger } from '@libp2p/logger'
import { lpStream } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import type { TrackerEvent } from '../../peer/api/schema.ts'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import { TrackerSession } from '../../peer/core/tracker-session.ts'
import type { P2PChatError } from '../../src/errors.ts'
import type { MuxerName, P2PChatNode } from '../../src/node.ts'
import { MAX_CLIENT_MESSAGE_BYTES, TRACKER_PROTOCOL } from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { connectPeer, nextEvent, onCleanup, PASSWORD, startNode, startTracker } from '../fixtures/nodes.ts'

const MIB = 1024 * 1024
/** What a user might put in a password file by mistake: a whole 1 MiB file. */
const HUGE_PASSWORD = 'p'.repeat(MIB)

/** A TrackerSession on `node`, with its state events collected. */
function trackerSession(
  node: Pick<P2PChatNode, 'dialProtocol'>,
  tracker: Tracker,
  user: string,
  password: string
): { session: TrackerSession; states: TrackerEvent[] } {
  const session = new TrackerSession(
    { node },
    {
      tracker: tracker.getMultiaddrs()[0].toString(),
      user,
      password,
      register: true,
      listenAddrs: () => [],
      log: logger('p2pchat:test:session')
    }
  )
  const states: TrackerEvent[] = []
  session.addEventListener('state', e => states.push(e.detail))
  onCleanup(() => session.stop())
  return { session, states }
}

describe('tracker: a frame over the limit', () => {
  it.each<MuxerName>([
    'yamux',
    'mplex'
  ])('answers a 1 MiB frame with MESSAGE_TOO_LARGE, ends the stream, and serves a new session (%s)', async muxer => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const node = await startNode([muxer])
    const stream = await node.dialProtocol(tracker.getMultiaddrs()[0], TRACKER_PROTOCOL)
    const lp = lpStream(stream)
    stream.send(lengthPrefixed(new Uint8Array(MIB)))
    // Before the fix the tracker's read buffer overflowed first and this read failed with a reset.
    const reply = TrackerMessage.decode(await lp.read({ signal: AbortSignal.timeout(5_000) }))
    expect(reply).toMatchObject({ id: 0, error: { code: 'MESSAGE_TOO_LARGE' } })
    // Then the tracker's side ends: nothing more arrives on this stream.
    await expect(lp.read({ signal: AbortSignal.timeout(5_000) })).rejects.toThrow()
    expect(stream.remoteWriteStatus).toBe('closed')

    // The same node, on a new session, is served as usual.
    const again = await TrackerClient.connect(node, tracker.getMultiaddrs()[0])
    onCleanup(() => again.close())
    await again.register('after', PASSWORD)
    await again.login('after', PASSWORD)
    expect(tracker.presence.byKey('after')?.peerKey).toBe(node.peerId.toString())
  })

  it('fails the pending request with the refusal the tracker sent before closing, not SESSION_CLOSED', async () => {
    const tracker = await startTracker()
    const { client } = await connectPeer(tracker, 'alice', { register: false, login: false })
    const closed = nextEvent<{ error?: P2PChatError }>(client, 'closed')
    client.sendRaw(lengthPrefixed(new Uint8Array(MIB)))
    const err = await client.request({ snapshot: {} }).catch((e: P2PChatError) => e)
    expect((err as P2PChatError).code).toBe('MESSAGE_TOO_LARGE')
    expect((await closed).error).toMatchObject({ code: 'MESSAGE_TOO_LARGE' })
  })
})

describe('peer: a login too large to send', () => {
  it('TrackerClient refuses a 1 MiB password locally: nothing reaches the tracker, the session stays usable', async () => {
    const tracker = await startTracker()
    const { client } = await connectPeer(tracker, 'alice', { register: false, login: false })
    await expect(client.register('alice', HUGE_PASSWORD)).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' })
    await expect(client.login('alice', HUGE_PASSWORD)).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' })
    // A frame just over the limit is refused too; one that fits is sent.
    const justOver = 'x'.repeat(MAX_CLIENT_MESSAGE_BYTES)
    await expect(client.login('alice', justOver)).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' })
    expect(tracker.counters).toMatchObject({ registrations: 0, logins: 0, failedLogins: 0 })
    // Had any of them been sent the tracker would have closed this stream; it is still open and served.
    expect(client.closed).toBe(false)
    await client.register('alice', PASSWORD)
    await client.login('alice', PASSWORD)
    expect(tracker.counters).toMatchObject({ registrations: 1, logins: 1, failedLogins: 0 })
  })

  it('TrackerSession refuses a password over PASSWORD_MAX_BYTES before connecting, for good', async () => {
    const tracker = await startTracker()
    const dials: unknown[] = []
    const node = {
      dialProtocol: (...args: unknown[]) => {
        dials.push(args)
        return Promise.reject(new Error('must not dial'))
      }
    } as unknown as Pick<P2PChatNode, 'dialProtocol'>
    const { session, states } = trackerSession(node, tracker, 'alice', HUGE_PASSWORD)
    await expect(session.start()).rejects.toMatchObject({ code: 'INVALID_PASSWORD' })
    expect(dials).toEqual([])
    expect(session.state).toBe('failed')
    expect(states.map(s => s.state)).toEqual(['failed'])
    expect(states[0].code).toBe('INVALID_PASSWORD')
  })

  it('TrackerSession stops on MESSAGE_TOO_LARGE instead of reconnecting', async () => {
    const tracker = await startTracker()
    const node = await startNode()
    // A name far past any limit makes the register frame too large; only the frame check sees it.
    const { session, states } = trackerSession(node, tracker, 'n'.repeat(MAX_CLIENT_MESSAGE_BYTES), PASSWORD)
    await expect(session.start()).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' })
    expect(session.state).toBe('failed')
    expect(states.map(s => s.state)).not.toContain('reconnecting')
    expect(tracker.counters).toMatchObject({ registrations: 0, logins: 0, failedLogins: 0 })
  })
})
