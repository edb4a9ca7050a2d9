import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dispatch } from '../../peer/api/dispatch.ts'
import type { EventDetails } from '../../peer/api/schema.ts'
import type { PeerClient } from '../../peer/core/peer-client.ts'
import { SETTINGS_FILE_NAME } from '../../peer/friends/index.ts'
import { nextEvent, startPeerClient, startTracker, tempDir } from '../fixtures/nodes.ts'

/**
 * Your own status (presence + text) across logins, and what your friends see of it: remembered in the
 * data directory, set again at every login, and friends who stayed online hear the status in force.
 */

type FriendStatus = EventDetails['friend-status']

async function friends(alice: PeerClient, bob: PeerClient): Promise<void> {
  await expect.poll(() => alice.who().length).toBe(2)
  await dispatch(alice, { cmd: 'friend-add', user: 'bob' })
  const added = nextEvent(alice, 'friend-added')
  await dispatch(bob, { cmd: 'friend-accept', user: 'alice' })
  await added
}

/** Bob as alice's `friends` lists him. */
async function bobAsListed(alice: PeerClient) {
  const { friends } = await dispatch(alice, { cmd: 'friends' })
  const bob = friends.find(f => f.user === 'bob')
  return { online: bob?.online, presence: bob?.presence, text: bob?.text }
}

const fromBob = (d: FriendStatus): boolean => d.user === 'bob'

describe('own status across logins', () => {
  it('survives a logout and login on the same data directory; a friend who stayed online hears it', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await startPeerClient(tracker, 'alice')
    const dir = join(await tempDir(), 'bob')
    const bob = await startPeerClient(tracker, 'bob', { dataDir: dir })
    await friends(alice, bob)

    const away = nextEvent<FriendStatus>(alice, 'friend-status', fromBob)
    expect(await dispatch(bob, { cmd: 'status', presence: 'away', text: 'lunch' })).toEqual({
      presence: 'away',
      text: 'lunch'
    })
    expect(await away).toEqual({ user: 'bob', presence: 'away', text: 'lunch' })
    expect(JSON.parse(await readFile(join(dir, SETTINGS_FILE_NAME), 'utf8')).status).toEqual({
      presence: 'away',
      text: 'lunch'
    })

    const left = nextEvent<{ user: string }>(alice, 'left', d => d.user === 'bob')
    await bob.stop()
    await left
    const heard = nextEvent<FriendStatus>(alice, 'friend-status', fromBob)
    const again = await startPeerClient(tracker, 'bob', { dataDir: dir, register: false })
    expect(await heard).toEqual({ user: 'bob', presence: 'away', text: 'lunch' })
    expect(await bobAsListed(alice)).toEqual({ online: true, presence: 'away', text: 'lunch' })
    // Asked without a presence, `status` says what is in force (a front-end shows it after login).
    expect(await dispatch(again, { cmd: 'status' })).toEqual({ presence: 'away', text: 'lunch' })
    await expect(dispatch(again, { cmd: 'status', text: 'no presence' })).rejects.toMatchObject({
      code: 'INVALID_COMMAND'
    })

    // Back online, by the user's choice: remembered too, so the next login stays online.
    const online = nextEvent<FriendStatus>(alice, 'friend-status', fromBob)
    await dispatch(again, { cmd: 'status', presence: 'online' })
    expect(await online).toEqual({ user: 'bob', presence: 'online', text: '' })
    await again.stop()
    await startPeerClient(tracker, 'bob', { dataDir: dir, register: false })
    await expect.poll(() => bobAsListed(alice)).toEqual({ online: true, presence: 'online', text: '' })
  })

  it('a login from another data directory (another device) resets the status, and friends hear that', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await startPeerClient(tracker, 'alice')
    const root = await tempDir()
    const bob = await startPeerClient(tracker, 'bob', { dataDir: join(root, 'laptop') })
    await friends(alice, bob)
    const busy = nextEvent<FriendStatus>(alice, 'friend-status', fromBob)
    await dispatch(bob, { cmd: 'status', presence: 'busy', text: 'coding' })
    await busy

    const left = nextEvent<{ user: string }>(alice, 'left', d => d.user === 'bob')
    await bob.stop()
    await left
    const heard = nextEvent<FriendStatus>(alice, 'friend-status', fromBob)
    await startPeerClient(tracker, 'bob', { dataDir: join(root, 'phone'), register: false })
    expect(await heard).toEqual({ user: 'bob', presence: 'online', text: '' })
    expect(await bobAsListed(alice)).toEqual({ online: true, presence: 'online', text: '' })
  })

  it('is set again after the tracker comes back (a reconnect is a new login)', async () => {
    const trackerDir = await tempDir()
    const first = await startTracker({ dataDir: trackerDir, coalesceMs: 10 })
    const port = first.getMultiaddrs()[0].toString().split('/')[4]
    const alice = await startPeerClient(first, 'alice')
    const bob = await startPeerClient(first, 'bob')
    await friends(alice, bob)
    const away = nextEvent<FriendStatus>(alice, 'friend-status', fromBob)
    await dispatch(bob, { cmd: 'status', presence: 'away', text: 'lunch' })
    await away

    const back = [alice, bob].map(p =>
      nextEvent<{ state: string }>(p, 'tracker', s => s.state === 'connected', 30_000)
    )
    await first.stop()
    await startTracker({ dataDir: trackerDir, coalesceMs: 10, listen: [`/ip4/127.0.0.1/tcp/${port}`] })
    await Promise.all(back)
    await expect
      .poll(() => bobAsListed(alice), { timeout: 15_000 })
      .toEqual({ online: true, presence: 'away', text: 'lunch' })
  })
})
