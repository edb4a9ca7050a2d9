import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it, vi } from 'vitest'
import type { TrackerEvent } from '../../peer/api/schema.ts'
import type { TrackerClientEventDetails } from '../../peer/core/tracker-client.ts'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import {
  connectPeer,
  nextEvent,
  onCleanup,
  PASSWORD,
  startNode,
  startPeerClient,
  startTracker,
  tempDir
} from '../fixtures/nodes.ts'
import { CLI, spawnScript } from '../fixtures/processes.ts'
import { startRedis } from '../fixtures/redis.ts'

type Left = TrackerClientEventDetails['left']

const HEARTBEAT_MS = 1_000

/** How long the process is given to notice Redis going and coming back. */
const WAIT = { timeout: 10_000, interval: 25 }

describe('a tracker killed with -9 while sharing Redis', () => {
  it('says when it loses Redis and is back; killed, its sessions are evicted by the others within 3 heartbeat intervals and its peers reconnect elsewhere', async () => {
    const redis = await startRedis()
    const survivor = await startTracker({ store: redis.url, heartbeatMs: HEARTBEAT_MS, coalesceMs: 20 })
    const proc = spawnScript(CLI, [
      'tracker',
      '--store',
      redis.url,
      '--heartbeat',
      String(HEARTBEAT_MS / 1000),
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--data',
      await tempDir('p2pchat-doomed-'),
      '--scrypt-log-n',
      '10'
    ])
    const storeLine = await proc.waitLine(l => l.startsWith('Store: '))
    expect(storeLine).toMatch(
      /^Store: redis:\/\/127\.0\.0\.1:\d+\/0 \(0 accounts, shared with 1 other tracker\(s\) now\)/
    )
    const address = (await proc.waitLine(l => /^\s+\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//.test(l))).trim()

    const watcher = await connectPeer(survivor, 'watcher')
    const node = await startNode()
    const victim = await TrackerClient.connect(node, multiaddr(address))
    onCleanup(() => victim.close())
    const joined = nextEvent(watcher.client, 'joined', (u: { user: string }) => u.user === 'victim')
    await victim.register('victim', PASSWORD)
    await victim.login('victim', PASSWORD, [])
    await joined

    // Redis lost and back: the tracker process says so on stderr, by itself, and keeps its session.
    await redis.stop()
    await vi.waitFor(
      () =>
        expect(proc.stderr()).toMatch(
          /p2pchat tracker: lost redis:\/\/127\.0\.0\.1:\d+\/0 \(.+\): refusing logins/
        ),
      WAIT
    )
    await redis.start()
    await vi.waitFor(
      () =>
        expect(proc.stderr()).toMatch(
          /redis:\/\/127\.0\.0\.1:\d+\/0 is back: state reloaded, serving logins again/
        ),
      WAIT
    )
    await vi.waitFor(() => expect(survivor.storeHealth.up).toBe(true), WAIT)
    expect(survivor.presence.byKey('victim')).toBeDefined()

    // A peer given both trackers: on the doomed one first.
    const mover = await startPeerClient({ getMultiaddrs: () => [address] }, 'mover', {
      tracker: [address, survivor.getMultiaddrs()[0].toString()]
    })
    expect(mover.trackerAddr).toBe(address)
    await vi.waitFor(() => expect(survivor.presence.byKey('mover')).toBeDefined(), WAIT)

    const left = nextEvent<Left>(watcher.client, 'left', l => l.user === 'victim', 10_000)
    const moved = nextEvent<TrackerEvent>(mover, 'tracker', t => t.state === 'connected', 10_000)
    const killedAt = Date.now()
    proc.child.kill('SIGKILL')
    // The one that cannot move on is evicted by the survivor once the dead tracker's lease runs out.
    expect(await left).toEqual({ user: 'victim', reason: 'timeout' })
    const elapsed = Date.now() - killedAt
    expect(elapsed).toBeLessThan(3 * HEARTBEAT_MS)
    // The one given both reconnected to the survivor by itself (its new login replaced the stale session).
    expect((await moved).tracker).toBe(survivor.getMultiaddrs()[0].toString())
    expect(survivor.presence.byKey('mover')?.remote).toBeFalsy()
    expect(survivor.clusterCounters.trackersEvicted).toBe(1)
    expect(survivor.presence.byKey('victim')).toBeUndefined()
    expect(await survivor.clusterTrackers()).toEqual([survivor.peerId.toString()])

    // The account is the deployment's, not the dead tracker's: it logs in on the survivor.
    const back = await connectPeer(survivor, 'victim', { register: false })
    expect([...back.client.online.keys()].sort()).toEqual(['mover', 'victim', 'watcher'])
  })
})
