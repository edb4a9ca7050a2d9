import { randomBytes } from 'node:crypto'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromMultihash, peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import {
  InvalidCommandError,
  InvalidMessageError,
  NotAuthorizedError,
  TextTooLongError
} from '../../src/errors.ts'
import type { GroupPost } from '../../src/protocol/pb/group.ts'
import { GroupPostContent } from '../../src/protocol/pb/group.ts'
import { usernameKey } from '../../src/usernames.ts'
import {
  GROUP_ID_PATTERN,
  GROUP_SIGNATURE_DOMAIN,
  MAX_GROUP_MESSAGE_ID_CHARS,
  MAX_GROUP_TEXT_BYTES
} from './constants.ts'
import type { GroupMember, GroupMessage } from './index.ts'

const MESSAGE_ID = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_GROUP_MESSAGE_ID_CHARS}}$`)
const DOMAIN = new TextEncoder().encode(GROUP_SIGNATURE_DOMAIN)
/** Ed25519 signatures are 64 bytes; anything else is refused before the key is even looked at. */
const SIGNATURE_BYTES = 64

/** A verified post as it is kept: what was signed, with the signature, so it can be passed on as is. */
export interface StoredPost {
  group: string
  author: string
  /** The author's PeerId (text form) whose key signed it. */
  peerId: string
  seq: number
  messageId: string
  sentAt: number
  text: string
  signature: Uint8Array
}

export function isGroupId(group: unknown): group is string {
  return typeof group === 'string' && GROUP_ID_PATTERN.test(group)
}

/** A group id from a caller, checked before it names a file; throws INVALID_COMMAND. */
export function checkGroupId(group: unknown): string {
  if (!isGroupId(group)) throw new InvalidCommandError('a group id is 16 characters of A-Z a-z 0-9 _ -')
  return group
}

/** A text before it is signed and stored; throws TEXT_TOO_LONG. */
export function checkGroupText(text: unknown): string {
  if (typeof text !== 'string') throw new TextTooLongError('text must be a string')
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_GROUP_TEXT_BYTES) {
    throw new TextTooLongError(`text is ${bytes} bytes; the limit is ${MAX_GROUP_TEXT_BYTES} bytes (64 KiB)`)
  }
  return text
}

export function newGroupMessageId(): string {
  return randomBytes(16).toString('base64url')
}

/** The bytes an author signs: the domain, then the canonical protobuf of everything but the signature. */
export function signedBytes(content: GroupPostContent): Uint8Array {
  const body = GroupPostContent.encode(content)
  const out = new Uint8Array(DOMAIN.length + body.length)
  out.set(DOMAIN, 0)
  out.set(body, DOMAIN.length)
  return out
}

/** Sign a new post with our node's key. */
export async function signPost(
  privateKey: PrivateKey,
  post: Omit<StoredPost, 'peerId' | 'signature'>
): Promise<StoredPost> {
  const peerId = peerIdFromPrivateKey(privateKey)
  const unsigned = { ...post, peerId: peerId.toString(), signature: new Uint8Array(0) }
  const signature = await privateKey.sign(signedBytes(contentOf(unsigned)))
  return { ...unsigned, signature }
}

/** PeerId text → multihash bytes, cached: a group has few authors and each logs in from few peers. */
const peerIdBytes = new Map<string, Uint8Array<ArrayBuffer>>()
const MAX_CACHED_PEER_IDS = 4096

function multihashOf(peerId: string): Uint8Array<ArrayBuffer> {
  let bytes = peerIdBytes.get(peerId)
  if (bytes === undefined) {
    bytes = peerIdFromString(peerId).toMultihash().bytes as Uint8Array<ArrayBuffer>
    if (peerIdBytes.size >= MAX_CACHED_PEER_IDS) peerIdBytes.clear()
    peerIdBytes.set(peerId, bytes)
  }
  return bytes
}

export function contentOf(post: StoredPost): GroupPostContent {
  return {
    groupId: post.group,
    author: post.author,
    authorPeerId: multihashOf(post.peerId),
    seq: post.seq,
    messageId: post.messageId,
    sentAt: post.sentAt,
    text: post.text
  }
}

/** A stored post as it travels. */
export function toWire(post: StoredPost): GroupPost {
  return { content: contentOf(post), signature: post.signature as Uint8Array<ArrayBuffer> }
}

export function toMessage(post: StoredPost): GroupMessage {
  return {
    group: post.group,
    messageId: post.messageId,
    from: post.author,
    text: post.text,
    sentAt: post.sentAt,
    seq: post.seq
  }
}

/**
 * Check a post from the network and return it as stored. Throws `INVALID_MESSAGE` (malformed, a PeerId
 * the author never logged in with, a bad signature), `TEXT_TOO_LONG`, or `NOT_AUTHORIZED` (we or the
 * author are not members of its group; `members` is undefined when we are not).
 */
export async function verifyPost(
  post: GroupPost,
  members: GroupMember[] | undefined,
  group?: string
): Promise<StoredPost> {
  const c = post.content
  if (c === undefined) throw new InvalidMessageError('a post without content')
  if (!isGroupId(c.groupId) || (group !== undefined && c.groupId !== group)) {
    throw new InvalidMessageError('a post for another or a malformed group id')
  }
  if (!MESSAGE_ID.test(c.messageId)) throw new InvalidMessageError('a malformed message id')
  if (!Number.isSafeInteger(c.seq) || c.seq < 1) throw new InvalidMessageError('a malformed seq')
  if (!Number.isSafeInteger(c.sentAt) || c.sentAt < 0) throw new InvalidMessageError('a malformed sentAt')
  checkGroupText(c.text)
  if (post.signature.length !== SIGNATURE_BYTES) throw new InvalidMessageError('a malformed signature')
  if (members === undefined) throw new NotAuthorizedError(`we are not a member of group ${c.groupId}`)
  const key = usernameKey(c.author)
  const member = members.find(m => usernameKey(m.user) === key)
  if (member === undefined) throw new NotAuthorizedError(`${c.author} is not a member of ${c.groupId}`)
  let peerId: ReturnType<typeof peerIdFromMultihash>
  try {
    peerId = peerIdFromMultihash(Digest.decode(c.authorPeerId))
  } catch {
    throw new InvalidMessageError('a malformed author PeerId')
  }
  const id = peerId.toString()
  if (peerId.type !== 'Ed25519' || peerId.publicKey === undefined) {
    throw new InvalidMessageError('the author PeerId holds no Ed25519 key')
  }
  if (!member.peerIds.includes(id)) {
    throw new InvalidMessageError(`${c.author} never logged in with ${id}`)
  }
  if (!(await peerId.publicKey.verify(signedBytes(c), post.signature))) {
    throw new InvalidMessageError(`a post signed with a key other than ${c.author}'s`)
  }
  return {
    group: c.groupId,
    author: c.author,
    peerId: id,
    seq: c.seq,
    messageId: c.messageId,
    sentAt: c.sentAt,
    text: c.text,
    signature: post.signature
  }
}
