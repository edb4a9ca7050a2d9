import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { beforeAll, describe, expect, it } from 'vitest'
import { GROUP_SIGNATURE_DOMAIN, MAX_GROUP_TEXT_BYTES } from '../../peer/groups/constants.ts'
import type { StoredPost } from '../../peer/groups/group-post.ts'
import {
  checkGroupId,
  contentOf,
  signedBytes,
  signPost,
  toWire,
  verifyPost
} from '../../peer/groups/group-post.ts'
import type { GroupMember } from '../../peer/groups/index.ts'
import { GroupPostContent } from '../../src/protocol/pb/group.ts'

const GROUP = 'grp_0123456789ab'
let bobKey: PrivateKey
let otherKey: PrivateKey
let members: GroupMember[]
let genuine: StoredPost

beforeAll(async () => {
  bobKey = await generateKeyPair('Ed25519')
  otherKey = await generateKeyPair('Ed25519')
  members = [
    {
      user: 'Bob',
      peerIds: [peerIdFromPrivateKey(otherKey).toString(), peerIdFromPrivateKey(bobKey).toString()]
    },
    { user: 'alice', peerIds: [] }
  ]
  genuine = await signPost(bobKey, {
    group: GROUP,
    author: 'Bob',
    seq: 3,
    messageId: 'AAAAAAAAAAAAAAAAAAAAAA',
    sentAt: 1_700_000_000_000,
    text: 'hello'
  })
})

describe('group post signatures', () => {
  it('verifies a post by a member with one of their PeerIds', async () => {
    expect(await verifyPost(toWire(genuine), members, GROUP)).toEqual(genuine)
  })

  it.each([
    ['groupId', { group: 'grp_0123456789ac' }],
    ['author', { author: 'bob' }],
    ['authorPeerId', { peerId: '' }],
    ['seq', { seq: 4 }],
    ['messageId', { messageId: 'BAAAAAAAAAAAAAAAAAAAAA' }],
    ['sentAt', { sentAt: 1_700_000_000_001 }],
    ['text', { text: 'hellp' }]
  ])('refuses a post whose %s was changed after signing', async (field, change) => {
    const changed = { ...genuine, ...change }
    // The author's other PeerId: a valid key of theirs, just not the one that signed.
    if (field === 'authorPeerId') changed.peerId = peerIdFromPrivateKey(otherKey).toString()
    await expect(verifyPost(toWire(changed), members)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })
  })

  it('signs the domain-separated encoding, not the bare protobuf', async () => {
    const content = contentOf(genuine)
    const bytes = signedBytes(content)
    expect(new TextDecoder().decode(bytes.subarray(0, GROUP_SIGNATURE_DOMAIN.length))).toBe(
      'p2pchat-group-v1'
    )
    const bare = new Uint8Array(await bobKey.sign(GroupPostContent.encode(content)))
    await expect(verifyPost({ content, signature: bare }, members)).rejects.toMatchObject({
      code: 'INVALID_MESSAGE'
    })
  })

  it('refuses authors who are not members, and posts of groups we are not in', async () => {
    await expect(verifyPost(toWire(genuine), [members[1]])).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' })
    await expect(verifyPost(toWire(genuine), undefined)).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' })
    await expect(verifyPost(toWire(genuine), members, 'grp_other_000000')).rejects.toMatchObject({
      code: 'INVALID_MESSAGE'
    })
  })

  it('refuses malformed fields and a text over 64 KiB', async () => {
    const wire = toWire(genuine)
    const bad = (c: Partial<GroupPostContent>) => ({ ...wire, content: { ...wire.content!, ...c } })
    for (const c of [
      { seq: 0 },
      { messageId: 'a/b' },
      { groupId: '../../etc/passw' },
      { authorPeerId: new Uint8Array([1, 2]) }
    ]) {
      await expect(verifyPost(bad(c), members)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' })
    }
    await expect(verifyPost({ signature: wire.signature }, members)).rejects.toMatchObject({
      code: 'INVALID_MESSAGE'
    })
    await expect(
      verifyPost(bad({ text: 'x'.repeat(MAX_GROUP_TEXT_BYTES + 1) }), members)
    ).rejects.toMatchObject({
      code: 'TEXT_TOO_LONG'
    })
    await expect(
      verifyPost({ ...wire, signature: wire.signature.subarray(1) }, members)
    ).rejects.toMatchObject({
      code: 'INVALID_MESSAGE'
    })
  })

  it('accepts only 16 base64url characters as a group id', () => {
    expect(checkGroupId('Ab9_-Ab9_-Ab9_-x')).toBe('Ab9_-Ab9_-Ab9_-x')
    for (const id of [
      '',
      'short',
      'grp_0123456789abc',
      '../../etc/passwd',
      'grp/0123456789ab',
      'grp.0123456789ab',
      'grp_0123456789a\n',
      1
    ]) {
      expect(() => checkGroupId(id)).toThrow(expect.objectContaining({ code: 'INVALID_COMMAND' }))
    }
  })
})
