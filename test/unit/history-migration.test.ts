import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  directConversation,
  HISTORY_FILE_NAME,
  HistoryStore,
  JOURNAL_FILE_NAME
} from '../../peer/chat/history.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'p2pchat-history-v1-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** history.json exactly as wave 1 wrote it (schema version 1: no conversation ids). */
const WAVE1_FILE = {
  version: 1,
  seq: 3,
  messages: [
    { messageId: 'a1', from: 'Alice', to: 'bob', text: 'hi bob', sentAt: 1_000, status: 'delivered', seq: 1 },
    {
      messageId: 'b1',
      from: 'bob',
      to: 'Alice',
      text: 'hi alice',
      sentAt: 1_100,
      status: 'delivered',
      seq: 2
    },
    {
      messageId: 'a2',
      from: 'Alice',
      to: 'carol',
      text: 'queued for carol',
      sentAt: 1_200,
      status: 'queued',
      seq: 3
    }
  ]
}
/** …and its journal, with an add and a status change written after the last fold. */
const WAVE1_JOURNAL = [
  {
    t: 'add',
    m: {
      messageId: 'c1',
      from: 'carol',
      to: 'Alice',
      text: 'late',
      sentAt: 1_300,
      status: 'delivered',
      seq: 4
    }
  },
  { t: 'status', from: 'Alice', id: 'a2', s: 'delivered' }
]
  .map(r => JSON.stringify(r))
  .join('\n')

describe('history written by wave 1 (schema version 1)', () => {
  it('opens, gives every record its conversation id, and is written back as version 2', async () => {
    await writeFile(join(dir, HISTORY_FILE_NAME), JSON.stringify(WAVE1_FILE))
    await writeFile(join(dir, JOURNAL_FILE_NAME), `${WAVE1_JOURNAL}\n`)
    const h = new HistoryStore(dir)
    await h.open()
    const withBob = h.conversation('bob')
    expect(withBob.map(m => [m.messageId, m.conversation])).toEqual([
      ['a1', 'dm:alice|bob'],
      ['b1', 'dm:alice|bob']
    ])
    const withCarol = h.conversation('carol')
    expect(withCarol.map(m => [m.messageId, m.conversation, m.status])).toEqual([
      ['a2', 'dm:alice|carol', 'delivered'],
      ['c1', 'dm:alice|carol', 'delivered']
    ])
    // New records get theirs too, whoever is on which side.
    const { stored, durable } = h.add({
      messageId: 'a3',
      from: 'alice',
      to: 'Carol',
      text: 'new',
      sentAt: 2_000,
      status: 'queued'
    })
    await durable
    expect(stored.conversation).toBe(directConversation('Carol', 'alice'))
    await h.close()

    const onDisk = JSON.parse(await readFile(join(dir, HISTORY_FILE_NAME), 'utf8'))
    expect(onDisk.version).toBe(2)
    expect(onDisk.messages.every((m: { conversation?: string }) => typeof m.conversation === 'string')).toBe(
      true
    )
    // And it opens again as version 2, unchanged.
    const again = new HistoryStore(dir)
    await again.open()
    expect(again.size).toBe(5)
    expect(again.conversation('carol').map(m => m.messageId)).toEqual(['a2', 'c1', 'a3'])
    await again.close()
  })

  it('still refuses a malformed record rather than guessing', async () => {
    const broken = { ...WAVE1_FILE, messages: [{ ...WAVE1_FILE.messages[0], to: 42 }] }
    await writeFile(join(dir, HISTORY_FILE_NAME), JSON.stringify(broken))
    await expect(new HistoryStore(dir).open()).rejects.toThrow(/malformed/)
  })
})
