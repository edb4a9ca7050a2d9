import { logger } from '@libp2p/logger'
import { describe, expect, it } from 'vitest'
import { UnknownUserError } from '../../src/errors.ts'
import { FriendEventKind, MAX_GROUP_MEMBER_CAP } from '../../src/protocol/constants.ts'
import { TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import type { Actor, OnlineMember, SocialContext } from '../../tracker/social/context.ts'
import { Friends } from '../../tracker/social/friends.ts'
import type { SocialLimits } from '../../tracker/social/limits.ts'
import { DEFAULT_SOCIAL_LIMITS, MAX_GROUPS_PER_USER, resolveLimits } from '../../tracker/social/limits.ts'
import { SocialStore } from '../../tracker/social/store.ts'
import { checkText } from '../../tracker/social/text.ts'
import { onCleanup, tempDir } from '../fixtures/nodes.ts'

/** A friends service over a real store, with a clock and online sessions the test controls. */
async function setup(limits: Partial<SocialLimits> = {}) {
  const store = new SocialStore({ dataDir: await tempDir('p2pchat-friends-'), log: logger('p2pchat:test') })
  await store.open()
  onCleanup(() => store.close())
  const clock = { now: 1_700_000_000_000 }
  const online = new Map<string, OnlineMember & { pushed: TrackerMessage[] }>()
  const accounts = ['alice', 'bob', 'carol']
  const ctx: SocialContext = {
    store,
    limits: { ...DEFAULT_SOCIAL_LIMITS, ...limits },
    log: logger('p2pchat:test'),
    now: () => clock.now,
    online: key => online.get(key),
    account: name => {
      const found = accounts.find(a => a === name.toLowerCase())
      if (found === undefined) throw new UnknownUserError(`no ${name}`)
      return found
    }
  }
  const login = (name: string) => {
    const pushed: TrackerMessage[] = []
    const member = {
      key: name,
      username: name,
      entry: { username: name, peerId: new Uint8Array(), addrs: [], since: 0, reachable: false, relay: [] },
      pushed,
      // Frames are length-prefixed: one length byte for these small pushes.
      push: (frame: Uint8Array) => pushed.push(TrackerMessage.decode(frame.subarray(1))) > 0
    }
    online.set(name, member)
    return member
  }
  return { store, clock, friends: new Friends(ctx), login, online }
}

const actor = (name: string): Actor => ({ key: name, username: name })

describe('Friends', () => {
  it('sweeps expired requests and cool-downs out of the store', async () => {
    const { store, clock, friends } = await setup({ friendRequestTtlMs: 1000, declineCooldownMs: 5000 })
    await friends.add(actor('alice'), 'bob')
    await friends.add(actor('carol'), 'bob')
    await friends.answer(actor('bob'), 'carol', false)
    expect(store.counts.pendingRequests).toBe(1)
    clock.now += 1000
    friends.sweep()
    expect(store.counts.pendingRequests).toBe(0)
    expect(store.pair('alice', 'bob')).toBeUndefined()
    // The cool-down lasts longer than the request did.
    expect(store.pair('bob', 'carol')?.cool?.from).toBe('carol')
    clock.now += 4000
    friends.sweep()
    expect(store.pair('bob', 'carol')).toBeUndefined()
  })

  it('pushes each event to whoever is online, and only once', async () => {
    const { friends, login } = await setup()
    const bob = login('bob')
    await friends.add(actor('alice'), 'bob')
    expect(bob.pushed).toEqual([
      {
        id: 0,
        friendEvent: { kind: FriendEventKind.REQUEST, username: 'alice', presence: 0, statusText: '' }
      }
    ])
    const alice = login('alice')
    await friends.answer(actor('bob'), 'alice', true)
    expect(alice.pushed.map(m => m.friendEvent)).toEqual([
      { kind: FriendEventKind.ADDED, username: 'bob', presence: 0, statusText: '' }
    ])
    expect(bob.pushed.map(m => m.friendEvent?.kind)).toEqual([FriendEventKind.REQUEST, FriendEventKind.ADDED])
  })

  it('refuses to make friends past the cap on either side', async () => {
    const { friends } = await setup({ maxFriends: 1 })
    await friends.add(actor('alice'), 'bob')
    await friends.answer(actor('bob'), 'alice', true)
    await expect(friends.add(actor('alice'), 'carol')).rejects.toMatchObject({ code: 'LIMIT_REACHED' })
    // carol may ask; alice cannot accept while she is at the cap.
    await friends.add(actor('carol'), 'alice')
    await expect(friends.answer(actor('alice'), 'carol', true)).rejects.toMatchObject({
      code: 'LIMIT_REACHED'
    })
  })
})

describe('social text and limits', () => {
  it('accepts display text and refuses control characters and direction overrides', () => {
    expect(checkText('Bobby 🐢 👩‍👩‍👧', 'x', 0, 64)).toBe('Bobby 🐢 👩‍👩‍👧')
    expect(checkText('zoe\u0308', 'x', 0, 64)).toBe('zoë')
    expect(checkText('', 'x', 0, 64)).toBe('')
    // Characters, not UTF-16 units or bytes: 64 emoji fit.
    expect(checkText('🐢'.repeat(64), 'x', 0, 64)).toHaveLength(128)
    for (const bad of [
      '🐢'.repeat(65),
      'a\u0000',
      'a\r',
      '\u0085',
      'a\u2028b',
      '\u202Eabc',
      '\u2066x',
      '\u200F'
    ]) {
      expect(() => checkText(bad, 'x', 0, 64)).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }))
    }
    expect(() => checkText('', 'a name', 1, 64)).toThrow(/a name must be 1–64 characters/)
  })

  it('lowers groups per user when a large member cap would overflow a GroupList frame', () => {
    expect(resolveLimits().maxGroupsPerUser).toBe(MAX_GROUPS_PER_USER)
    expect(resolveLimits({}, 170).maxGroupsPerUser).toBe(MAX_GROUPS_PER_USER)
    const big = resolveLimits({}, MAX_GROUP_MEMBER_CAP)
    expect(big.groupMemberCap).toBe(MAX_GROUP_MEMBER_CAP)
    expect(big.maxGroupsPerUser).toBeLessThan(40)
    expect(big.maxGroupsPerUser).toBeGreaterThan(0)
    // Given explicitly, it is taken as given.
    expect(resolveLimits({ maxGroupsPerUser: 500 }, 1000).maxGroupsPerUser).toBe(500)
  })
})
