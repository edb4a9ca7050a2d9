import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { rssMb } from '../bench/bench-utils.ts'
import { sha256File, writeRandomFile } from '../fixtures/files.ts'
import { startInteractivePeer, startJsonPeer } from '../fixtures/json-peer.ts'
import { startTracker, tempDir } from '../fixtures/nodes.ts'

const MB = 1024 * 1024

/** A file of `mb` MiB of random data. */
async function randomFile(dir: string, name: string, mb: number): Promise<string> {
  const path = join(dir, name)
  await writeRandomFile(path, mb * MB)
  return path
}

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

describe('file transfer between peer processes', () => {
  it('resumes after the sender is killed mid-transfer, sending fewer bytes the second time', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const alice = await startJsonPeer(addr, 'alice')
    const bob = await startJsonPeer(addr, 'bob')
    await alice.wait(o => o.event === 'joined' && o.user === 'bob')
    const path = await randomFile(await tempDir(), 'video.bin', 400)

    alice.send({ id: 's1', cmd: 'send-file', to: 'bob', path })
    const { transferId } = await alice.wait(o => o.id === 's1')
    // An offer follows hashing the 400 MB file: allow for a machine busy with other test files.
    await bob.wait(o => o.event === 'file-offer' && o.transferId === transferId, 60_000)
    bob.send({ id: 'a1', cmd: 'accept-file', transferId })
    expect((await bob.wait(o => o.id === 'a1')).ok).toBe(true)
    await bob.wait(
      o => o.event === 'file-progress' && o.transferId === transferId && o.bytes > 100 * MB,
      60_000
    )
    alice.proc.child.kill('SIGKILL')
    const broke = await bob.wait(o => o.event === 'file-failed' && o.transferId === transferId)
    expect(broke.code).toBe('INTERRUPTED')
    const downloads = join(bob.dir, 'data', 'downloads')
    expect(await readdir(downloads)).toEqual(['video.bin.part'])

    const again = await startJsonPeer(addr, 'alice', [], alice.dir)
    await again.wait(o => o.event === 'joined' && o.user === 'bob')
    // bob sees alice again (her second join: it may have come before this line runs).
    await expect
      .poll(
        () =>
          bob.proc.lines.filter(l => l.includes('"event":"joined"') && l.includes('"user":"alice"')).length,
        { timeout: 20_000 }
      )
      .toBe(2)
    again.send({ id: 's2', cmd: 'send-file', to: 'bob', path })
    const second = await again.wait(o => o.id === 's2')
    const offer = await bob.wait(o => o.event === 'file-offer' && o.transferId === second.transferId, 60_000)
    expect(offer.resumeFrom).toBeGreaterThan(0)
    const done = await again.wait(o => o.event === 'file-done' && o.transferId === second.transferId, 60_000)
    expect(done.resumedFrom).toBe(offer.resumeFrom)
    expect(done.bytesTransferred).toBe(400 * MB - offer.resumeFrom)
    expect(done.bytesTransferred).toBeLessThan(400 * MB)
    const got = await bob.wait(o => o.event === 'file-done' && o.transferId === second.transferId)
    expect(got.path).toBe(join(downloads, 'video.bin'))
    expect(await sha256File(got.path)).toBe(await sha256File(path))
    expect(await readdir(downloads)).toEqual(['video.bin'])
  })

  it("keeps the sender's memory flat while the receiver is paused, then finishes", async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const alice = await startJsonPeer(addr, 'alice')
    const bob = await startJsonPeer(addr, 'bob')
    await alice.wait(o => o.event === 'joined' && o.user === 'bob')
    const path = await randomFile(await tempDir(), 'big.bin', 500)

    alice.send({ id: 's', cmd: 'send-file', to: 'bob', path })
    const { transferId } = await alice.wait(o => o.id === 's')
    await bob.wait(o => o.event === 'file-offer' && o.transferId === transferId)
    bob.send({ id: 'a', cmd: 'accept-file', transferId })
    await alice.wait(
      o => o.event === 'file-progress' && o.phase === 'transferring' && o.bytes > 50 * MB,
      60_000
    )
    bob.proc.child.kill('SIGSTOP')
    await sleep(500) // what was in flight settles into socket buffers and windows
    const pid = alice.proc.child.pid!
    const before = rssMb(pid).rss
    const progressAt = (): number =>
      Math.max(
        ...alice.proc.lines
          .map(l => JSON.parse(l))
          .filter(o => o.event === 'file-progress' && o.transferId === transferId)
          .map(o => o.bytes)
      )
    const sentBefore = progressAt()
    let peak = before
    for (let i = 0; i < 20; i++) {
      await sleep(150)
      peak = Math.max(peak, rssMb(pid).rss)
    }
    const sentDuring = progressAt() - sentBefore
    bob.proc.child.kill('SIGCONT')
    // Stalled: at most the windows' worth more went out, and the sender did not buffer the file.
    expect(sentDuring).toBeLessThan(64 * MB)
    expect(peak - before).toBeLessThan(40)
    const done = await bob.wait(o => o.event === 'file-done' && o.transferId === transferId, 90_000)
    expect(await sha256File(done.path)).toBe(await sha256File(path))
  })

  it('drives a transfer from the interactive prompt: /send, /transfers, progress, delivered', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const dir = await tempDir()
    const human = await startInteractivePeer(addr, 'dan', dir)
    const bob = await startJsonPeer(addr, 'bob')
    await bob.wait(o => o.event === 'joined' && o.user === 'dan')
    await human.waitLine(l => l.includes('bob is online'))
    const path = await randomFile(dir, 'notes v2.bin', 20)
    human.child.stdin.write(`/send bob ${path}\n`)
    await human.waitLine(l => l.includes('offering notes v2.bin (20.0 MiB) to bob'))
    const offer = await bob.wait(o => o.event === 'file-offer')
    expect(offer).toMatchObject({ from: 'dan', name: 'notes v2.bin', size: 20 * MB })
    bob.send({ id: 'a', cmd: 'accept-file', transferId: offer.transferId, dir: 'from-dan' })
    await human.waitLine(l => l.includes('notes v2.bin delivered to bob, SHA-256 verified'))
    // Each progress line says to whom and which transfer (the id /cancel takes).
    expect(
      human.lines.some(l => /sending notes v2\.bin to bob \[[\w-]{8}\] \[[#-]{20}\] +\d+%/.test(l))
    ).toBe(true)
    human.child.stdin.write('/transfers\n')
    await human.waitLine(l => /→ bob {2}notes v2\.bin {2}20\.0 MiB {2}done {2}100%/.test(l))
    human.child.stdin.write('/accept nope\n')
    await human.waitLine(l => l.includes('UNKNOWN_TRANSFER'))
    const got = await bob.wait(o => o.event === 'file-done')
    expect(got.path).toBe(join(bob.dir, 'data', 'downloads', 'from-dan', 'notes v2.bin'))
    human.child.stdin.write('/quit\n')
    expect((await human.exited).code).toBe(0)
  })
})
