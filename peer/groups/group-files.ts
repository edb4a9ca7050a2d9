import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { GROUP_ID_PATTERN } from './constants.ts'
import type { StoredPost } from './group-post.ts'
import { isGroupId } from './group-post.ts'

/**
 * A group's files under <dataDir>/groups/: the live journal `<groupId>.jsonl` (appended, fsynced) and,
 * once it grew past GROUP_SEGMENT_BYTES, sealed segments `<groupId>.000001.jsonl`, … that never change.
 * Every line is one post as a JSON record.
 */
export function liveJournalName(group: string): string {
  return `${group}.jsonl`
}

export function segmentName(group: string, index: number): string {
  return `${group}.${String(index).padStart(6, '0')}.jsonl`
}

const FILE_NAME = new RegExp(`^(${GROUP_ID_PATTERN.source.slice(1, -1)})(?:\\.(\\d{6}))?\\.jsonl$`)

/** The groups with files in `dir`, each with its sealed segment numbers in order. */
export async function listGroupFiles(dir: string): Promise<Map<string, number[]>> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
    throw err
  }
  const groups = new Map<string, number[]>()
  for (const name of names) {
    const match = FILE_NAME.exec(name)
    if (match === null || !isGroupId(match[1])) continue
    const segments = groups.get(match[1]) ?? []
    if (match[2] !== undefined) segments.push(Number(match[2]))
    groups.set(match[1], segments)
  }
  for (const segments of groups.values()) segments.sort((a, b) => a - b)
  return groups
}

/** One post per journal line; short keys would save little next to the text and cost readability. */
export interface PostRecord {
  author: string
  peerId: string
  seq: number
  messageId: string
  sentAt: number
  text: string
  /** base64 */
  signature: string
}

export function toRecord(post: StoredPost): PostRecord {
  return {
    author: post.author,
    peerId: post.peerId,
    seq: post.seq,
    messageId: post.messageId,
    sentAt: post.sentAt,
    text: post.text,
    signature: Buffer.from(post.signature).toString('base64')
  }
}

export function fromRecord(group: string, r: PostRecord): StoredPost {
  const { signature, ...rest } = r
  return { group, ...rest, signature: new Uint8Array(Buffer.from(signature, 'base64')) }
}

/** A journal line as a record, or why it is not one (a torn write, damage). */
export function parseRecord(line: string): PostRecord | string {
  let r: PostRecord
  try {
    r = JSON.parse(line) as PostRecord
  } catch (err) {
    return (err as Error).message
  }
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.author !== 'string' ||
    typeof r.peerId !== 'string' ||
    !Number.isSafeInteger(r.seq) ||
    r.seq < 1 ||
    typeof r.messageId !== 'string' ||
    typeof r.sentAt !== 'number' ||
    typeof r.text !== 'string' ||
    typeof r.signature !== 'string'
  ) {
    return 'a post record is malformed'
  }
  return r
}

/** Longest line a reader accepts: a maximal text escaped as \uXXXX is 6 × 64 KiB, plus the rest. */
const MAX_LINE_BYTES = 512 * 1024

/**
 * The whole lines of a file, streamed (a sealed segment is never read into memory at once). A last line
 * without its newline is left out; a line longer than any record could be is reported as such.
 */
export async function* readLines(path: string): AsyncGenerator<{ line: string; number: number }> {
  let pending: Buffer[] = []
  let pendingBytes = 0
  let number = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0
    while (start < chunk.length) {
      const end = chunk.indexOf(0x0a, start)
      if (end === -1) {
        pending.push(chunk.subarray(start))
        pendingBytes += chunk.length - start
        if (pendingBytes > MAX_LINE_BYTES) throw new Error(`${path}: line ${number + 1} is too long`)
        break
      }
      const piece = chunk.subarray(start, end)
      const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece])
      pending = []
      pendingBytes = 0
      number++
      yield { line: line.toString('utf8'), number }
      start = end + 1
    }
  }
}
