import { describe, expect, it, vi } from 'vitest'
import type { KeptList, TrackerClientEventDetails } from '../../peer/core/tracker-client.ts'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import type { P2PChatNode } from '../../src/node.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { RELAY_STATUS, rawReserve } from '../fixtures/nat-attacker.ts'
import {
  connectPeer,
  nextEvent,
  onCleanup,
  PASSWORD,
  startNode,
  startTracker,
  tempDir
} from '../fixtures/nodes.ts'

/**
 * A tracker restarted within its presence grace keeps its online list (tracker/presence-journal.ts):
 * peers that come back with the same device and addresses take their places with no event for anyone,
 * and a peer that kept its list gets only what changed since its version (LoggedIn.listDelta) instead of
 * the whole list. Whoever does not come back leaves (timeout) when the grace ends.
 */

/** Log `node` in again as `user` on `tracker`, presenting `list`. */
async function comeBack(tracker: Tracker, node: P2PChatNode, user: string, list?: KeptList) {
  const client = await TrackerClient.connect(node, tracker.getMultiaddrs()[0])
  onCleanup(() => client.close())
  await client.login(user, PASSWORD, node.getMultiaddrs(), { list })
  return client
}

/** Everything pushed to `client` so far has arrived once a request sent after it is answered. */
async function drained(tracker: Tracker, client: TrackerClient): Promise<void> {
  tracker.presence.flush()
  await client.heartbeat()
}

describe('presence kept across a tracker restart', () => {
  it('peers that come back unchanged take their places unseen, with only the changes since their version', async () => {
    const dataDir = await tempDir()
    const first = await startTracker({ dataDir })
    const alice = await connectPeer(first, 'alice')
    const bob = await connectPeer(first, 'bob')
    const carol = await connectPeer(first, 'carol')
    await drained(first, alice.client)
    const version = first.presence.version
    const listId = first.presence.listId
    await first.stop()
    const kept = {
      alice: alice.client.keptList()!,
      bob: bob.client.keptList()!,
      carol: carol.client.keptList()!
    }
    expect(kept.alice.version).toBe(version)
    expect([...kept.alice.online.keys()].sort()).toEqual(['alice', 'bob', 'carol'])

    const second = await startTracker({ dataDir, presenceGraceMs: 60_000 })
    expect(second.presenceRestore).toMatchObject({ restored: 3, held: 3, reclaimed: 0 })
    expect(second.presence.version).toBe(version)
    expect(second.presence.listId).not.toEqual(listId)
    // Held members are online for everyone meanwhile: a new peer sees them in its snapshot.
    const dave = await connectPeer(second, 'dave')
    expect([...dave.client.online.keys()].sort()).toEqual(['alice', 'bob', 'carol', 'dave'])

    const a = await comeBack(second, alice.node, 'alice', kept.alice)
    expect(a.listResumed).toBe(true)
    // Only dave's join came with the login; alice's own return is no event.
    expect(a.version).toBe(version + 1)
    expect([...a.online.keys()].sort()).toEqual(['alice', 'bob', 'carol', 'dave'])
    expect(second.presenceRestore).toMatchObject({ held: 2, reclaimed: 1, listResumes: 1 })

    let pushed = 0
    a.addEventListener('joined', () => pushed++)
    a.addEventListener('left', () => pushed++)
    const b = await comeBack(second, bob.node, 'bob', kept.bob)
    const c = await comeBack(second, carol.node, 'carol', kept.carol)
    expect(b.listResumed && c.listResumed).toBe(true)
    await drained(second, a)
    expect(pushed).toBe(0)
    expect(second.presence.version).toBe(version + 1)
    expect(second.presenceRestore).toMatchObject({ held: 0, reclaimed: 3, replaced: 0, listResumes: 3 })
    // Their sessions are live ones: a stream from bob is bound to bob, as before the restart.
    expect((await dave.client.lookup(bob.node.peerId)).user).toBe('bob')
  })

  it('a peer that comes back changed, or not at all, is seen leaving; a list it cannot vouch for gets a snapshot', async () => {
    const dataDir = await tempDir()
    const first = await startTracker({ dataDir })
    const alice = await connectPeer(first, 'alice')
    const bob = await connectPeer(first, 'bob')
    await connectPeer(first, 'carol')
    await drained(first, alice.client)
    await first.stop()
    const aliceKept = alice.client.keptList()!
    const bobKept = bob.client.keptList()!

    const second = await startTracker({ dataDir, presenceGraceMs: 3_000 })
    const a = await comeBack(second, alice.node, 'alice', aliceKept)
    const seen: string[] = []
    a.addEventListener('joined', e => seen.push(`joined ${e.detail.user}`))
    a.addEventListener('left', e => seen.push(`left ${e.detail.user} ${e.detail.reason}`))
    // bob on another device: the held entry leaves (replaced) and the new one joins.
    const carolGone = nextEvent<TrackerClientEventDetails['left']>(a, 'left', l => l.user === 'carol', 10_000)
    const b = await comeBack(second, await startNode(), 'bob', bobKept)
    expect(b.listResumed).toBe(true)
    // carol never comes back: she leaves when the grace ends.
    expect(await carolGone).toEqual({ user: 'carol', reason: 'timeout' })
    expect(seen).toEqual(['left bob replaced', 'joined bob', 'left carol timeout'])
    expect(second.presenceRestore).toMatchObject({
      restored: 3,
      held: 0,
      reclaimed: 1,
      replaced: 1,
      expired: 1
    })

    // A version this list never had (ahead of it) is not brought up to date: the whole list comes.
    const ahead = await comeBack(second, bob.node, 'bob', {
      ...bobKept,
      version: second.presence.version + 5
    })
    expect(ahead.listResumed).toBe(false)
    expect([...ahead.online.keys()].sort()).toEqual(['alice', 'bob'])
  })

  it('with --presence-grace 0, or after an absence longer than the grace, a restart starts an empty list', async () => {
    const dataDir = await tempDir()
    const first = await startTracker({ dataDir })
    const alice = await connectPeer(first, 'alice')
    await connectPeer(first, 'bob')
    await first.stop()
    const kept = alice.client.keptList()!

    const off = await startTracker({ dataDir, presenceGraceMs: 0 })
    expect(off.presenceRestore.restored).toBe(0)
    expect(off.presence.size).toBe(0)
    const a = await comeBack(off, alice.node, 'alice', kept)
    expect(a.listResumed).toBe(false)
    expect([...a.online.keys()]).toEqual(['alice'])
    await off.stop()

    // The record of the run with the grace off is still the first run's: too old for a 1 ms grace.
    await new Promise(resolve => setTimeout(resolve, 20))
    const late = await startTracker({ dataDir, presenceGraceMs: 1 })
    expect(late.presenceRestore.restored).toBe(0)
  })

  it('within one run, a peer whose session dropped gets just the events it missed', async () => {
    const tracker = await startTracker()
    const alice = await connectPeer(tracker, 'alice')
    const bob = await connectPeer(tracker, 'bob')
    // Enough others online that the few changes are smaller than the whole list.
    for (const name of ['erin', 'frank', 'grace']) await connectPeer(tracker, name)
    await drained(tracker, alice.client)
    const closed = nextEvent(alice.client, 'closed')
    alice.client.close()
    await closed
    const kept = alice.client.keptList()!
    await connectPeer(tracker, 'carol')
    await bob.client.logout()
    const a = await comeBack(tracker, alice.node, 'alice', kept)
    expect(a.listResumed).toBe(true)
    expect([...a.online.keys()].sort()).toEqual(['alice', 'carol', 'erin', 'frank', 'grace'])
    expect(a.version).toBe(tracker.presence.version)
    // A list id from elsewhere (another tracker's) is never taken for this one.
    const other = await comeBack(
      tracker,
      (await connectPeer(tracker, 'dave', { login: false })).node,
      'dave',
      {
        ...kept,
        id: new Uint8Array(16)
      }
    )
    expect(other.listResumed).toBe(false)
  })

  it('names the list anew in every run, and takes the last run’s id only up to the version it restored', async () => {
    const dataDir = await tempDir()
    const first = await startTracker({ dataDir })
    const alice = await connectPeer(first, 'alice')
    await connectPeer(first, 'bob')
    await drained(first, alice.client)
    await first.stop()
    const kept = alice.client.keptList()!

    const second = await startTracker({ dataDir })
    expect(second.presence.listId).not.toEqual(kept.id)
    // A version past what the record reached was given out by a run whose later events are lost.
    const ahead = await comeBack(second, alice.node, 'alice', { ...kept, version: kept.version + 1 })
    expect(ahead.listResumed).toBe(false)
    const again = await comeBack(second, alice.node, 'alice', kept)
    expect(again.listResumed).toBe(true)
    // This run's own id from now on.
    expect(Uint8Array.from(again.listId!)).toEqual(second.presence.listId)
  })

  it('restarted again before everyone is back, keeps the first restart’s deadline', async () => {
    const dataDir = await tempDir()
    const graceMs = 3_000
    const first = await startTracker({ dataDir })
    await connectPeer(first, 'alice')
    await connectPeer(first, 'bob')
    await first.stop()
    const second = await startTracker({ dataDir, presenceGraceMs: graceMs })
    const heldAt = Date.now()
    expect(second.presenceRestore.held).toBe(2)
    await new Promise(resolve => setTimeout(resolve, 1_200))
    await second.stop()
    const third = await startTracker({ dataDir, presenceGraceMs: graceMs })
    expect(third.presenceRestore).toMatchObject({ restored: 2, held: 2 })
    await vi.waitFor(() => expect(third.presenceRestore.expired).toBe(2), { timeout: 10_000, interval: 50 })
    // Gone when the first restart's grace ended, not a whole grace after the third start.
    expect(Date.now() - heldAt).toBeLessThan(graceMs + 1_000)
    expect(third.presence.size).toBe(0)
  })

  it('a member held for its peer gets no relay slot until that peer has logged in again', async () => {
    const dataDir = await tempDir()
    const first = await startTracker({ dataDir })
    const alice = await connectPeer(first, 'alice')
    expect(await rawReserve(alice.node, first)).toBe(RELAY_STATUS.OK)
    await first.stop()
    const second = await startTracker({ dataDir })
    expect(second.presenceRestore.held).toBe(1)
    expect(await rawReserve(alice.node, second)).toBe(RELAY_STATUS.PERMISSION_DENIED)
    await comeBack(second, alice.node, 'alice', alice.client.keptList())
    expect(await rawReserve(alice.node, second)).toBe(RELAY_STATUS.OK)
  })

  it('while peers keep coming back, waits a grace after the last one before dropping the rest', async () => {
    const dataDir = await tempDir()
    const graceMs = 2_000
    const first = await startTracker({ dataDir })
    const alice = await connectPeer(first, 'alice')
    await connectPeer(first, 'bob')
    await connectPeer(first, 'carol')
    await first.stop()
    const second = await startTracker({ dataDir, presenceGraceMs: graceMs })
    // alice is late (a storm of thousands on a busy tracker), but back before the grace ends.
    await new Promise(resolve => setTimeout(resolve, 1_200))
    await comeBack(second, alice.node, 'alice', alice.client.keptList())
    const returnedAt = Date.now()
    await vi.waitFor(() => expect(second.presenceRestore.expired).toBe(2), { timeout: 10_000, interval: 50 })
    expect(Date.now() - returnedAt).toBeGreaterThanOrEqual(graceMs - 100)
    expect([...second.presence.members()].map(m => m.entry.username)).toEqual(['alice'])
  })
})
