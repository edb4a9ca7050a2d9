import { TypedEventEmitter } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import type { TrackerClient } from '../../peer/core/tracker-client.ts'
import type { GroupService } from '../../peer/groups/index.ts'
import { GroupsHub } from '../../peer/groups/index.ts'
import type { Group } from '../../src/protocol/pb/tracker.ts'

const ID = 'AAAAAAAAAAAAAAAA'
const group = (version: number, members: string[]): Group => ({
  id: ID,
  name: 'g',
  owner: members[0],
  open: true,
  members: members.map(username => ({ username, online: true, peerIds: [] })),
  invited: [],
  version
})

/** A tracker session whose join reply is slower than the push that follows the join. */
function fakeClient(reply: Group) {
  const events = new TypedEventEmitter<{ 'group-event': CustomEvent<unknown> }>()
  const client = Object.assign(events, {
    closed: false,
    social: {
      groupList: async () => [],
      groupJoin: async () => {
        // The tracker pushes the newer state first, then replies with the state at its write.
        events.safeDispatchEvent('group-event', {
          detail: { kind: 0, group: group(19, ['ann', 'bob', 'cat', 'me']), by: '' }
        })
        return reply
      }
    }
  })
  return client as unknown as TrackerClient
}

describe('GroupsHub', () => {
  it('keeps the newer member list when a reply is overtaken by a push', async () => {
    const catchUps: string[] = []
    const client = fakeClient(group(11, ['ann', 'me']))
    const hub = new GroupsHub({
      client: () => client,
      locate: () => undefined,
      self: () => 'me',
      service: {
        catchUp: async (g: string) => {
          catchUps.push(g)
          return { received: 0 }
        },
        forget: () => {}
      } as unknown as GroupService,
      log: Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false }) as never
    })
    await hub.follow(client)
    const { group: joined } = await hub.join(ID)
    // The reply (version 11, 2 members) does not replace the push (version 19, 4 members).
    expect(joined.members.map(m => m.user)).toEqual(['ann', 'bob', 'cat', 'me'])
    expect(hub.members(ID)?.map(m => m.user)).toEqual(['ann', 'bob', 'cat', 'me'])
    // Decoded once per version: the same array until the group changes.
    expect(hub.members(ID)).toBe(hub.members(ID))
    expect(catchUps).toEqual([ID])
  })
})
