import { execFileSync } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { describe, expect, it } from 'vitest'
import type { EventDetails } from '../../peer/api/schema.ts'
import { BulkListener } from '../../peer/files/file-bulk.ts'
import { FILE_BULK_CIPHERS } from '../../src/protocol/constants.ts'
import { sha256File, writeRandomFile } from '../fixtures/files.ts'
import { nextEvent, startPeerClient, startTracker, tempDir } from '../fixtures/nodes.ts'

const MiB = 1024 * 1024
type Accepted = EventDetails['file-accepted']
type Done = EventDetails['file-done']
type Failed = EventDetails['file-failed']

async function pair(bobInit: Parameters<typeof startPeerClient>[2] = {}) {
  const tracker = await startTracker({ coalesceMs: 10 })
  const alice = await startPeerClient(tracker, 'alice')
  const joined = nextEvent(alice, 'joined', (u: { user: string }) => u.user === 'bob')
  const bob = await startPeerClient(tracker, 'bob', bobInit)
  await joined
  return { tracker, alice, bob }
}

/** alice offers `path` to bob, who accepts it; the accepted events of both sides and bob's outcome. */
async function send(
  alice: Awaited<ReturnType<typeof pair>>['alice'],
  bob: Awaited<ReturnType<typeof pair>>['bob'],
  path: string
) {
  const offer = nextEvent<EventDetails['file-offer']>(bob, 'file-offer')
  const t = await alice.sendFile('bob', path)
  const sent = nextEvent<Accepted>(alice, 'file-accepted', a => a.transferId === t.transferId)
  const got = nextEvent<Accepted>(bob, 'file-accepted', a => a.transferId === t.transferId)
  const done = nextEvent<Done>(bob, 'file-done', d => d.transferId === t.transferId, 60_000)
  const failed = nextEvent<Failed>(bob, 'file-failed', f => f.transferId === t.transferId, 60_000)
  const o = await offer
  if (o.resumeFrom === undefined) await bob.acceptFile(o.transferId)
  return {
    t,
    sent,
    got,
    outcome: Promise.race([done.then(d => ({ done: d })), failed.then(f => ({ failed: f }))])
  }
}

describe('the bulk file path', () => {
  it('carries a file over its own TLS connection between directly connected peers, verified', async () => {
    const { alice, bob } = await pair()
    const dir = await tempDir()
    const path = join(dir, 'big.bin')
    await writeRandomFile(path, 64 * MiB)
    const { sent, got, outcome } = await send(alice, bob, path)
    expect(await sent).toMatchObject({ path: 'bulk', via: 'direct', offset: 0 })
    expect(await got).toMatchObject({ path: 'bulk', direction: 'receive' })
    const result = await outcome
    expect('done' in result && (await sha256File(result.done.path))).toBe(await sha256File(path))
  })

  it('falls back to the file stream by itself when the sender cannot reach the bulk listener', async () => {
    // bob's listener on 127.0.0.2; alice reaches bob at 127.0.0.1, where nothing listens on that port.
    const { alice, bob } = await pair({ fileBulk: { listenHost: '127.0.0.2' } })
    const dir = await tempDir()
    const path = join(dir, 'small.bin')
    await writeRandomFile(path, 2 * MiB)
    const { sent, got, outcome } = await send(alice, bob, path)
    expect(await sent).toMatchObject({ path: 'stream' })
    expect(await got).toMatchObject({ path: 'stream' })
    const result = await outcome
    expect('done' in result && (await sha256File(result.done.path))).toBe(await sha256File(path))
  })

  it('resumes over the bulk path from the verified bytes after the receiver stopped mid-transfer', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const alice = await startPeerClient(tracker, 'alice')
    const bobDir = await tempDir()
    const bob = await startPeerClient(tracker, 'bob', { dataDir: bobDir })
    const dir = await tempDir()
    const path = join(dir, 'movie.bin')
    await writeRandomFile(path, 256 * MiB)
    const first = await send(alice, bob, path)
    expect((await first.got).path).toBe('bulk')
    const failed = nextEvent<Failed>(alice, 'file-failed', f => f.transferId === first.t.transferId, 60_000)
    await nextEvent<EventDetails['file-progress']>(
      bob,
      'file-progress',
      p => p.direction === 'receive' && p.phase === 'transferring' && p.bytes > 8 * MiB
    )
    const left = nextEvent(alice, 'left', (l: { user: string }) => l.user === 'bob')
    await bob.stop()
    expect((await failed).code).toBe('INTERRUPTED')
    await left
    const joined = nextEvent(alice, 'joined', (u: { user: string }) => u.user === 'bob')
    const bob2 = await startPeerClient(tracker, 'bob', { dataDir: bobDir, register: false })
    await joined
    const again = await send(alice, bob2, path)
    expect(await again.got).toMatchObject({ path: 'bulk' })
    expect((await again.got).offset).toBeGreaterThan(0)
    const result = await again.outcome
    expect('done' in result && result.done.resumedFrom).toBeGreaterThan(0)
    expect('done' in result && (await sha256File(result.done.path))).toBe(await sha256File(path))
  })

  // A small tmpfs as bob's downloads (root only, as in CI): it shrinks right after bob accepts.
  it.skipIf(process.getuid?.() !== 0)(
    'a receiver whose disk fills mid-transfer: NO_SPACE on both sides (not a broken connection), no part left',
    async () => {
      const downloads = await tempDir()
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256m', 'tmpfs', downloads])
      try {
        const { alice, bob } = await pair({ downloadsDir: downloads })
        const dir = await tempDir()
        const path = join(dir, 'big.bin')
        await writeRandomFile(path, 128 * MiB)
        const offer = nextEvent<EventDetails['file-offer']>(bob, 'file-offer')
        const t = await alice.sendFile('bob', path)
        const accepted = nextEvent<Accepted>(alice, 'file-accepted', a => a.transferId === t.transferId)
        const sent = nextEvent<Failed>(alice, 'file-failed', f => f.transferId === t.transferId, 60_000)
        const got = nextEvent<Failed>(bob, 'file-failed', f => f.transferId === t.transferId, 60_000)
        await bob.acceptFile((await offer).transferId)
        // Room for 16 MiB from now on (the part is still far below that).
        execFileSync('mount', ['-o', 'remount,size=16m', downloads])
        expect((await accepted).path).toBe('bulk')
        expect((await got).code).toBe('NO_SPACE')
        expect((await sent).code).toBe('NO_SPACE')
        // Where bob keeps his files is his business: alice hears a plain sentence.
        expect((await sent).message).not.toContain(downloads)
        expect(await readdir(downloads)).toEqual([])
        // Offered again, it is refused at once for want of room; alice is not told bob's directory.
        const again = await alice.sendFile('bob', path)
        const refused = await nextEvent<Failed>(alice, 'file-failed', f => f.transferId === again.transferId)
        expect(refused.code).toBe('NO_SPACE')
        expect(refused.message).not.toContain(downloads)
        await alice.stop()
        await bob.stop()
      } finally {
        execFileSync('umount', ['-l', downloads])
      }
    }
  )

  it('completes a handshake only with the transfer’s key: a stranger or a wrong key gets nothing', async () => {
    const listener = await BulkListener.open('transfer-1', '127.0.0.1')
    const attempt = (identity: string, key: Buffer) =>
      new Promise<string>(resolve => {
        const socket = connect({
          host: '127.0.0.1',
          port: listener.port,
          ciphers: FILE_BULK_CIPHERS,
          minVersion: 'TLSv1.2',
          maxVersion: 'TLSv1.2',
          pskCallback: () => ({ psk: key, identity }),
          checkServerIdentity: () => undefined
        })
        socket.once('secureConnect', () => {
          socket.destroy()
          resolve('connected')
        })
        socket.once('error', () => resolve('refused'))
      })
    expect(await attempt('transfer-1', Buffer.alloc(32, 1))).toBe('refused')
    expect(await attempt('transfer-2', listener.key)).toBe('refused')
    let accepted = false
    listener.accepted().then(
      () => {
        accepted = true
      },
      () => {}
    )
    expect(accepted).toBe(false)
    expect(await attempt('transfer-1', listener.key)).toBe('connected')
    await listener.accepted()
    listener.close()
  })
})
