import type { FileHandle } from 'node:fs/promises'
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Connection, Stream } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { streamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ChatLink } from '../../peer/chat/chat-link.ts'
import { ChatService } from '../../peer/chat/chat-service.ts'
import type { JournalHandle, StoredMessage } from '../../peer/chat/history.ts'
import { HistoryStore, JOURNAL_FILE_NAME } from '../../peer/chat/history.ts'

let dir: string
/** Stores a test opened (a "crash" leaves them open), closed once it is over. */
let stores: HistoryStore[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'p2pchat-history-disk-'))
})
afterEach(async () => {
  await Promise.allSettled(stores.map(h => h.close()))
  stores = []
  await rm(dir, { recursive: true, force: true })
})

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code })
}

/**
 * The real journal file, with a disk that fills up: `room` bytes are left, so a write bigger than that
 * is cut short (as write(2) does) and the next one fails with ENOSPC; `maxWrite` cuts every write short
 * without an error; `failDatasync`/`failTruncate` make the next so many of those calls fail.
 */
class FillingDisk implements JournalHandle {
  room = Number.POSITIVE_INFINITY
  maxWrite = Number.POSITIVE_INFINITY
  failDatasync = 0
  failTruncate = 0
  readonly #fh: FileHandle

  constructor(fh: FileHandle) {
    this.#fh = fh
  }

  async write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }> {
    if (this.room === 0) throw errno('ENOSPC')
    const n = Math.min(length, this.room, this.maxWrite)
    const { bytesWritten } = await this.#fh.write(buffer, offset, n)
    this.room -= bytesWritten
    return { bytesWritten }
  }

  async datasync(): Promise<void> {
    if (this.failDatasync > 0) {
      this.failDatasync--
      throw errno('EIO')
    }
    await this.#fh.datasync()
  }

  sync(): Promise<void> {
    return this.#fh.sync()
  }

  async truncate(length: number): Promise<void> {
    if (this.failTruncate > 0) {
      this.failTruncate--
      throw errno('EIO')
    }
    await this.#fh.truncate(length)
  }

  stat(): Promise<{ size: number }> {
    return this.#fh.stat()
  }

  close(): Promise<void> {
    return this.#fh.close()
  }
}

async function openWithDisk(): Promise<{ h: HistoryStore; disk: FillingDisk }> {
  let disk: FillingDisk | undefined
  const h = new HistoryStore(dir, {
    openJournal: async path => {
      disk = new FillingDisk(await open(path, 'a', 0o600))
      return disk
    }
  })
  await h.open()
  stores.push(h)
  if (disk === undefined) throw new Error('the journal was not opened through openJournal')
  return { h, disk }
}

/** What a fresh start finds on disk, with the ordinary file system. */
async function reopened(): Promise<HistoryStore> {
  const h = new HistoryStore(dir)
  await h.open()
  stores.push(h)
  return h
}

const journalSize = async () => (await stat(join(dir, JOURNAL_FILE_NAME))).size

const msg = (n: number) => ({
  messageId: `id${n}`,
  from: 'alice',
  to: 'bob',
  text: `text ${n} ${'x'.repeat(40)}`,
  sentAt: 1_000 + n,
  status: 'queued' as const
})

describe('HistoryStore on a full disk', () => {
  it('rejects an add cut short by ENOSPC with NO_SPACE, forgets it, and cuts the journal back', async () => {
    const { h, disk } = await openWithDisk()
    await h.add(msg(0)).durable
    const good = await journalSize()
    disk.room = 10 // part of the next line fits, then the disk is full
    const failed = h.add(msg(1))
    await expect(failed.durable).rejects.toMatchObject({ code: 'NO_SPACE' })
    expect(h.get('alice', 'id1')).toBeUndefined()
    expect(h.size).toBe(1)
    expect(h.outbox('alice').map(m => m.messageId)).toEqual(['id0'])
    expect(await journalSize()).toBe(good)

    // Space comes back: the retry and what follows are stored, and the journal loads with exactly them.
    disk.room = Number.POSITIVE_INFINITY
    await h.add(msg(1)).durable
    await h.add(msg(2)).durable
    const again = await reopened()
    expect(again.outbox('alice').map(m => m.messageId)).toEqual(['id0', 'id1', 'id2'])
  })

  it('finishes a write the disk cut short without an error', async () => {
    const { h, disk } = await openWithDisk()
    disk.maxWrite = 7
    const adds = [0, 1, 2, 3].map(n => h.add(msg(n)).durable)
    await Promise.all(adds)
    const again = await reopened()
    expect(again.outbox('alice').map(m => m.text)).toEqual([0, 1, 2, 3].map(n => msg(n).text))
  })

  it('rejects a batch whose fsync fails and keeps later appends loadable', async () => {
    const { h, disk } = await openWithDisk()
    await h.add(msg(0)).durable
    disk.failDatasync = 1
    await expect(h.add(msg(1)).durable).rejects.toMatchObject({ code: 'EIO' })
    expect(h.get('alice', 'id1')).toBeUndefined()
    await h.add(msg(2)).durable
    expect((await reopened()).outbox('alice').map(m => m.messageId)).toEqual(['id0', 'id2'])
  })

  it('cuts a torn line left by a failed cut before the next append', async () => {
    const { h, disk } = await openWithDisk()
    await h.add(msg(0)).durable
    const good = await journalSize()
    disk.room = 10
    disk.failTruncate = 1
    await expect(h.add(msg(1)).durable).rejects.toMatchObject({ code: 'NO_SPACE' })
    expect(await journalSize()).toBe(good + 10) // the torn bytes are still there
    disk.room = Number.POSITIVE_INFINITY
    await h.add(msg(2)).durable
    const text = await readFile(join(dir, JOURNAL_FILE_NAME), 'utf8')
    expect(text.split('\n').map(l => (l === '' ? '' : JSON.parse(l).m.messageId))).toEqual(['id0', 'id2', ''])
    expect((await reopened()).outbox('alice').map(m => m.messageId)).toEqual(['id0', 'id2'])
  })

  it('puts a status back when its change cannot be written', async () => {
    const { h, disk } = await openWithDisk()
    const { stored, durable } = h.add(msg(0))
    await durable
    disk.room = 0
    await expect(h.setStatus(stored, 'delivered')).rejects.toMatchObject({ code: 'NO_SPACE' })
    expect(stored.status).toBe('queued')
    expect(h.outbox('alice').map(m => m.messageId)).toEqual(['id0'])
    disk.room = Number.POSITIVE_INFINITY
    await h.setStatus(stored, 'delivered')
    expect((await reopened()).outbox('alice')).toEqual([])
  })
})

/** A ChatService receiving as bob; `connect()` opens a stream from alice to it, as a ChatLink. */
async function receiver() {
  const { h, disk } = await openWithDisk()
  let handler: ((stream: Stream, connection: Connection) => Promise<void>) | undefined
  const node = {
    handle: async (_protocol: string, fn: typeof handler) => {
      handler = fn
    },
    unhandle: async () => {}
  }
  const directory = {
    self: () => 'bob',
    identify: async () => 'alice',
    locate: () => undefined
  }
  const chat = new ChatService({ node: node as never, history: h, directory }, { log: logger('test:chat') })
  await chat.start()
  const shown: string[] = []
  chat.addEventListener('message', e => shown.push(e.detail.messageId))
  const links: ChatLink[] = []
  const connect = async (): Promise<ChatLink> => {
    const [near, far] = await streamPair()
    void handler?.(far, {
      remotePeer: 'alice-peer',
      remoteAddr: multiaddr('/ip4/127.0.0.1/tcp/1')
    } as unknown as Connection)
    const link = new ChatLink(near, 'direct', () => {})
    links.push(link)
    return link
  }
  const stop = async (): Promise<void> => {
    for (const link of links) link.stream.abort(new Error('test over'))
    await chat.stop()
    await h.close()
  }
  return { h, disk, chat, shown, connect, stop }
}

const incoming = (n: number): StoredMessage => ({
  conversation: 'dm:alice|bob',
  messageId: `m${n}`,
  from: 'alice',
  to: 'bob',
  text: `hello ${n}`,
  sentAt: 2_000 + n,
  status: 'sent',
  seq: n
})

describe('receiving on a full disk', () => {
  it('answers NO_SPACE without keeping the message, shows it once, and acks the retry once stored', async () => {
    const { h, disk, shown, connect, stop } = await receiver()
    const link = await connect()
    disk.room = 5
    await expect(link.send(incoming(1))).rejects.toMatchObject({ code: 'NO_SPACE' })
    expect(h.get('alice', 'm1')).toBeUndefined()
    // Shown as it arrived (the screen does not wait for the disk), but not kept or acked.
    expect(shown).toEqual(['m1'])

    // The sender retries after space comes back: stored and acked, not shown a second time.
    disk.room = Number.POSITIVE_INFINITY
    await link.send(incoming(1))
    expect(h.get('alice', 'm1')).toBeDefined()
    expect(shown).toEqual(['m1'])
    // A further retry (as if the ack was lost) is acked as a duplicate and not shown again.
    await link.send(incoming(1))
    expect(shown).toEqual(['m1'])
    await stop()
    expect((await reopened()).conversation('alice').map(m => m.text)).toEqual(['hello 1'])
  })

  it('does not ack a copy that arrives while the first is being written when that write fails', async () => {
    const { h, disk, shown, connect, stop } = await receiver()
    // Hold the journal write until the second copy has been seen, then let it fail.
    const writing = Promise.withResolvers<void>()
    const gate = Promise.withResolvers<void>()
    const write = disk.write.bind(disk)
    disk.write = async (...args) => {
      writing.resolve()
      await gate.promise
      return write(...args)
    }
    const duplicateSeen = Promise.withResolvers<void>()
    const whenStored = h.whenStored.bind(h)
    h.whenStored = message => {
      duplicateSeen.resolve()
      return whenStored(message)
    }
    disk.room = 5
    const first = (await connect()).send(incoming(2))
    await writing.promise
    // The sender's retry of the same message on another stream (after a timeout, say).
    const second = (await connect()).send(incoming(2))
    await duplicateSeen.promise
    gate.resolve()
    await expect(first).rejects.toMatchObject({ code: 'NO_SPACE' })
    await expect(second).rejects.toMatchObject({ code: 'NO_SPACE' })
    expect(h.get('alice', 'm2')).toBeUndefined()
    expect(shown).toEqual(['m2'])
    await stop()
  })
})
