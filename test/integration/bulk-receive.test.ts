import { createHash, randomBytes } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { open, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import { connect } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { BulkReceive, type BulkReceiveEvents } from '../../peer/files/file-bulk.ts'
import { FILE_BULK_CIPHERS } from '../../src/protocol/constants.ts'
import { tempDir } from '../fixtures/nodes.ts'

const MiB = 1024 * 1024

type Outcome = { done: Buffer } | { ended: number; error?: string } | { failed: string; message: string }

/** Start `rx` into `handle` and collect what it reports. */
function run(rx: BulkReceive, handle: FileHandle, offset: number, size: number, fresh = false) {
  const progress: number[] = []
  const outcome = new Promise<Outcome>(resolve => {
    const events: BulkReceiveEvents = {
      progress: bytes => progress.push(bytes),
      done: sha256 => resolve({ done: sha256 }),
      ended: (bytes, error) => resolve({ ended: bytes, error }),
      failed: (code, _errno, message) => resolve({ failed: code, message })
    }
    rx.start(handle.fd, offset, size, fresh, events)
  })
  return { progress, outcome }
}

/** The sender's side: a TLS connection with the receive's key. */
function dial(rx: BulkReceive, identity: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: rx.port,
      ciphers: FILE_BULK_CIPHERS,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      pskCallback: () => ({ psk: Buffer.from(rx.key), identity }),
      checkServerIdentity: () => undefined
    })
    socket.once('secureConnect', () => resolve(socket))
    socket.once('error', reject)
  })
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest()

describe('the bulk receiver thread', () => {
  const open_: Array<{ rx: BulkReceive; handle: FileHandle }> = []
  afterEach(async () => {
    for (const { rx, handle } of open_.splice(0)) {
      await rx.stop()
      await handle.close().catch(() => {})
    }
  })
  const setup = async (name: string, identity: string) => {
    const dir = await tempDir()
    const path = join(dir, name)
    await writeFile(path, '')
    const handle = await open(path, 'r+')
    const rx = await BulkReceive.open(identity, '127.0.0.1')
    open_.push({ rx, handle })
    return { path, handle, rx }
  }

  it('writes what the sender sends, in order, and reports the SHA-256 of the whole part', async () => {
    const { path, handle, rx } = await setup('a.bin', 't-1')
    const content = randomBytes(24 * MiB + 123)
    const { progress, outcome } = run(rx, handle, 0, content.byteLength)
    const socket = await dial(rx, 't-1')
    socket.end(content)
    const got = await outcome
    expect(got).toEqual({ done: sha256(content) })
    expect((await readFile(path)).equals(content)).toBe(true)
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.every((b, i) => b <= content.byteLength && (i === 0 || b >= progress[i - 1]))).toBe(true)
  })

  it('continues a part: the hash covers the bytes already there, writing starts after them', async () => {
    const { path, handle, rx } = await setup('b.bin', 't-2')
    const content = randomBytes(5 * MiB)
    const have = 2 * MiB + 7
    await handle.write(content, 0, have, 0)
    const { outcome } = run(rx, handle, have, content.byteLength)
    const socket = await dial(rx, 't-2')
    socket.end(content.subarray(have))
    expect(await outcome).toEqual({ done: sha256(content) })
    expect((await readFile(path)).equals(content)).toBe(true)
  })

  it('starts a part over when told (fresh): what was there is gone', async () => {
    const { path, handle, rx } = await setup('c.bin', 't-3')
    await handle.write(randomBytes(3 * MiB), 0)
    const content = randomBytes(MiB)
    const { outcome } = run(rx, handle, 0, content.byteLength, true)
    const socket = await dial(rx, 't-3')
    socket.end(content)
    expect(await outcome).toEqual({ done: sha256(content) })
    expect((await readFile(path)).equals(content)).toBe(true)
  })

  it('refuses more bytes than offered (SIZE_MISMATCH), and says how far an early end got', async () => {
    // One TLS record carrying one byte too many.
    const over = await setup('d.bin', 't-4')
    const o = run(over.rx, over.handle, 0, 1000)
    const s1 = await dial(over.rx, 't-4')
    s1.on('error', () => {})
    s1.end(randomBytes(1001))
    expect(await o.outcome).toMatchObject({ failed: 'SIZE_MISMATCH' })
    // Whatever comes after the last offered byte is never read: the part is exactly the offer.
    const after = await setup('d2.bin', 't-4b')
    const exact = randomBytes(MiB)
    const a = run(after.rx, after.handle, 0, exact.byteLength)
    const s3 = await dial(after.rx, 't-4b')
    s3.on('error', () => {})
    s3.write(exact)
    expect(await a.outcome).toEqual({ done: sha256(exact) })
    s3.end(randomBytes(MiB))
    await new Promise(r => setTimeout(r, 100))
    expect((await readFile(after.path)).equals(exact)).toBe(true)

    const short = await setup('e.bin', 't-5')
    const content = randomBytes(3 * MiB)
    const e = run(short.rx, short.handle, 0, 4 * MiB)
    const s2 = await dial(short.rx, 't-5')
    s2.end(content)
    expect(await e.outcome).toEqual({ ended: content.byteLength, error: undefined })
    // What arrived is on disk (a resume continues from it).
    expect((await readFile(short.path)).equals(content)).toBe(true)
  })

  it('reads nothing before start, and nothing from a connection after stop', async () => {
    const { path, handle, rx } = await setup('f.bin', 't-6')
    const socket = await dial(rx, 't-6')
    socket.on('error', () => {})
    socket.write(randomBytes(MiB))
    await new Promise(r => setTimeout(r, 200))
    expect((await readFile(path)).byteLength).toBe(0)
    await rx.stop()
    socket.write(randomBytes(MiB))
    await new Promise(r => setTimeout(r, 200))
    expect((await readFile(path)).byteLength).toBe(0)
  })

  it('serves several receives at once on its one thread', async () => {
    const all = await Promise.all([0, 1, 2, 3].map(i => setup(`g${i}.bin`, `t-g${i}`)))
    const contents = all.map(() => randomBytes(8 * MiB))
    const outcomes = all.map(({ rx, handle }, i) => run(rx, handle, 0, contents[i].byteLength).outcome)
    await Promise.all(all.map(async ({ rx }, i) => (await dial(rx, `t-g${i}`)).end(contents[i])))
    const got = await Promise.all(outcomes)
    for (const [i, o] of got.entries()) expect(o).toEqual({ done: sha256(contents[i]) })
    for (const [i, { path }] of all.entries()) {
      expect((await readFile(path)).equals(contents[i])).toBe(true)
    }
  })
})
