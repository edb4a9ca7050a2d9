import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HISTORY_FILE_NAME, HistoryStore, JOURNAL_FILE_NAME } from '../../peer/chat/history.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'p2pchat-history-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const msg = (n: number, status: 'queued' | 'delivered' = 'queued') => ({
  messageId: `id${n}`,
  from: 'alice',
  to: n % 2 === 0 ? 'bob' : 'carol',
  text: `text ${n}`,
  sentAt: 1_000 + n,
  status
})

async function opened(): Promise<HistoryStore> {
  const h = new HistoryStore(dir)
  await h.open()
  return h
}

describe('HistoryStore', () => {
  it('keeps the messages whose write triggered a fold (found by review: they were left out of history.json)', async () => {
    const h = await opened()
    const big = (n: number) => ({ ...msg(n), text: `${n} ${'x'.repeat(60_000)}` })
    // One at a time: each write is its own batch, so the fold runs right behind the write of the
    // message that crossed the threshold (~70 of these), before its promise's callbacks have run.
    for (let n = 0; n < 80; n++) await h.add(big(n)).durable
    const folded = JSON.parse(await readFile(join(dir, HISTORY_FILE_NAME), 'utf8')).messages.length
    expect(folded).toBeGreaterThan(0)
    // No close(): as if the process was killed here.
    const again = await opened()
    expect(again.size).toBe(80)
    expect(again.get('alice', 'id69')).toBeDefined()
  })

  it('keeps every acknowledged change across a crash (no close), from the journal', async () => {
    const h = await opened()
    const a = h.add(msg(0))
    const b = h.add(msg(1))
    await Promise.all([a.durable, b.durable])
    await h.setStatus(a.stored, 'delivered')
    // No close(): as if the process was killed here.
    const again = await opened()
    expect(again.conversation('bob').map(m => [m.text, m.status])).toEqual([['text 0', 'delivered']])
    expect(again.outbox('alice').map(m => m.messageId)).toEqual(['id1'])
    expect(again.get('alice', 'id1')?.text).toBe('text 1')
    // Replaying folded the journal into history.json.
    expect((await stat(join(dir, JOURNAL_FILE_NAME))).size).toBe(0)
    expect(JSON.parse(await readFile(join(dir, HISTORY_FILE_NAME), 'utf8')).messages).toHaveLength(2)
  })

  it('keeps the good records before a torn last journal line (a write cut short)', async () => {
    const h = await opened()
    await h.add(msg(0)).durable
    await h.add(msg(1)).durable
    await appendFile(join(dir, JOURNAL_FILE_NAME), '{"t":"add","m":{"messageId":"id9","fro')
    // Crash: no close.
    const again = await opened()
    expect(again.outbox('alice').map(m => m.messageId)).toEqual(['id0', 'id1'])
    expect(again.get('alice', 'id9')).toBeUndefined()
  })

  for (const [what, tail] of [
    ['a torn last line', Buffer.from('{"t":"add","m":{"messageId":"id9","fro')],
    ['an unparsable last line (zeros after a crash)', Buffer.concat([Buffer.alloc(30), Buffer.from('\n')])]
  ] as const) {
    it(`cuts off ${what} at start-up so what is appended next loads`, async () => {
      const h = await opened()
      await h.add(msg(0)).durable
      await h.close() // folded into history.json: the journal is empty
      const journal = join(dir, JOURNAL_FILE_NAME)
      await appendFile(journal, tail)
      const again = await opened()
      expect((await stat(journal)).size).toBe(0)
      await again.add(msg(1)).durable
      // Crash: the record appended after the cut is read back, nothing refuses to start.
      const third = await opened()
      expect(third.outbox('alice').map(m => m.messageId)).toEqual(['id0', 'id1'])
    })
  }

  it('refuses a damaged line in the middle with DATA_CORRUPT', async () => {
    const h = await opened()
    await h.add(msg(0)).durable
    await appendFile(
      join(dir, JOURNAL_FILE_NAME),
      'garbage\n{"t":"status","from":"alice","id":"id0","s":"delivered"}\n'
    )
    await expect(opened()).rejects.toMatchObject({ code: 'DATA_CORRUPT' })
  })

  it('replays records already folded into history.json without duplicating them', async () => {
    const h = await opened()
    const { stored, durable } = h.add(msg(0))
    await durable
    await h.close()
    // A crash between the fold and the journal truncation leaves both.
    await writeFile(join(dir, JOURNAL_FILE_NAME), `${JSON.stringify({ t: 'add', m: stored })}\n`)
    const again = await opened()
    expect(again.size).toBe(1)
  })

  it('returns the newest messages of one conversation, oldest first', async () => {
    const h = await opened()
    for (let i = 0; i < 10; i++) h.add(msg(i))
    await h.flush()
    expect(h.conversation('bob', 3).map(m => m.messageId)).toEqual(['id4', 'id6', 'id8'])
    expect(h.conversation('BOB', 100)).toHaveLength(5)
    expect(h.conversation('nobody')).toEqual([])
  })

  it('never moves a status back from delivered', async () => {
    const h = await opened()
    const { stored } = h.add(msg(0))
    await h.setStatus(stored, 'delivered')
    await h.setStatus(stored, 'sent')
    expect(stored.status).toBe('delivered')
  })
})
