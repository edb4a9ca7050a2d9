import { existsSync } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { open, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { UserInfo } from '../../peer/api/schema.ts'
import type { PeerClient } from '../../peer/core/peer-client.ts'
import { sha256File, writeRandomFile } from '../fixtures/files.ts'
import { nextEvent, onCleanup, startPeerClient, startTracker, tempDir } from '../fixtures/nodes.ts'

type Offer = { transferId: string }
type Progress = { transferId: string; direction: string; phase: string; bytes: number }
type Failed = { transferId: string; direction: string; code: string; message: string }
type Done = { transferId: string; path: string; sha256: string; resumedFrom: number }

const MiB = 1024 * 1024
/**
 * Big enough that, at loopback speed, the receiver is still writing (its stream paused behind the
 * disk, the sender's window full) when the cancel comes: the state a user cancelling a large file is in.
 */
const FILE_BYTES = 400 * MiB
/** Cut points (bytes the receiver reports before the cancel), early to late. */
const CUT_POINTS = [16 * MiB, 64 * MiB, 128 * MiB, 200 * MiB]
/** Each transfer may take this long on a slow CI disk. */
const TRANSFER_TIMEOUT_MS = 60_000
/** Several big transfers in one test. */
const TEST_TIMEOUT_MS = 180_000

/** A disk slower than loopback, as a user's usually is (the trial: a 694 MB file over loopback). */
const DISK_BYTES_PER_SEC = 150 * MiB

/**
 * Make every file write in this process take as long as it would on a disk of `bytesPerSec`, so the
 * receiver falls behind the network: its stream pauses, the sender's window fills, and frames queue on
 * both sides — what a real receive of a big file looks like once the page cache stops hiding the disk.
 */
async function slowDisk(bytesPerSec: number): Promise<void> {
  const probe = await open(join(await tempDir(), 'probe'), 'w')
  const proto = Object.getPrototypeOf(probe) as FileHandle
  await probe.close()
  const writev = proto.writev
  proto.writev = async function (this: FileHandle, buffers, position) {
    let bytes = 0
    for (const b of buffers) bytes += b.byteLength
    await new Promise(r => setTimeout(r, (bytes / bytesPerSec) * 1000))
    return writev.call(this, buffers, position)
  } as FileHandle['writev']
  onCleanup(() => {
    proto.writev = writev
  })
}

/**
 * Two peers on one path: the file stream (the slow disk above applies: its writes are this thread's),
 * or the bulk path (written on the bulk thread, at the real disk's speed).
 */
async function pair(path: 'stream' | 'bulk'): Promise<{ alice: PeerClient; bob: PeerClient }> {
  await slowDisk(DISK_BYTES_PER_SEC)
  const tracker = await startTracker({ coalesceMs: 10 })
  const fileBulk = path === 'bulk' ? undefined : false
  const alice = await startPeerClient(tracker, 'alice', { fileBulk })
  const joined = nextEvent<UserInfo>(alice, 'joined', u => u.user === 'bob')
  const bob = await startPeerClient(tracker, 'bob', { fileBulk })
  await joined
  return { alice, bob }
}

/** Rejects, saying how, when `failed` comes first (a transfer that should have gone on failed). */
async function failedFirst(failed: Promise<Failed>, who: string): Promise<never> {
  const f = await failed
  throw new Error(`${who} failed ${f.code} too early: ${f.message}`)
}

/**
 * alice offers `path`, bob accepts; `act` runs once bob has reported more than `cut` bytes. Resolves
 * with both sides' file-failed.
 */
async function failMidway(
  alice: PeerClient,
  bob: PeerClient,
  path: string,
  cut: number,
  act: (transferId: string) => void
): Promise<{ atAlice: Failed; atBob: Failed }> {
  const offered = nextEvent<Offer>(bob, 'file-offer')
  const t = await alice.sendFile('bob', path)
  const atAlice = nextEvent<Failed>(
    alice,
    'file-failed',
    f => f.transferId === t.transferId,
    TRANSFER_TIMEOUT_MS
  )
  const atBob = nextEvent<Failed>(bob, 'file-failed', f => f.transferId === t.transferId, TRANSFER_TIMEOUT_MS)
  const reached = nextEvent<Progress>(
    bob,
    'file-progress',
    p => p.transferId === t.transferId && p.bytes > cut,
    TRANSFER_TIMEOUT_MS
  )
  await bob.acceptFile((await offered).transferId)
  const at = await Promise.race([reached, failedFirst(atAlice, 'alice'), failedFirst(atBob, 'bob')])
  // The cut must land mid-transfer, or the test proves nothing.
  expect(at.bytes).toBeLessThan(FILE_BYTES)
  act(t.transferId)
  const [a, b] = await Promise.allSettled([atAlice, atBob])
  if (a.status === 'rejected' || b.status === 'rejected')
    throw new Error(
      `file-failed missing: alice ${a.status === 'rejected' ? a.reason : 'ok'}, bob ${b.status === 'rejected' ? b.reason : 'ok'}`
    )
  return { atAlice: a.value, atBob: b.value }
}

/** alice sends `path` (again: bob resumes by himself). Resolves with bob's file-done. */
async function sendAgain(alice: PeerClient, bob: PeerClient, path: string): Promise<Done> {
  const offered = nextEvent<Offer & { resumeFrom?: number }>(bob, 'file-offer')
  const t = await alice.sendFile('bob', path)
  const mine = (f: Failed): boolean => f.transferId === t.transferId
  const done = nextEvent<Done>(bob, 'file-done', d => d.transferId === t.transferId, TRANSFER_TIMEOUT_MS)
  const failed = failedFirst(nextEvent<Failed>(bob, 'file-failed', mine, TRANSFER_TIMEOUT_MS), 'bob')
  const offer = await offered
  if (offer.resumeFrom === undefined) await bob.acceptFile(offer.transferId)
  return Promise.race([done, failed])
}

describe.each([
  'stream',
  'bulk'
] as const)('file transfer on the %s path, cancelled or broken late', carrier => {
  it(
    'a big file arrives intact while the receiver keeps pausing its stream',
    async () => {
      const { alice, bob } = await pair(carrier)
      const path = join(await tempDir(), 'big.bin')
      await writeRandomFile(path, FILE_BYTES)
      const done = await sendAgain(alice, bob, path)
      expect(done.resumedFrom).toBe(0)
      expect(await sha256File(done.path)).toBe(await sha256File(path))
    },
    TEST_TIMEOUT_MS
  )

  it(
    'a sender cancel late in a big transfer reaches the receiver as CANCELLED and removes its .part',
    async () => {
      const { alice, bob } = await pair(carrier)
      const path = join(await tempDir(), 'big.bin')
      await writeRandomFile(path, FILE_BYTES)
      const seen: Array<{ cut: number; alice: string; bob: string; bobSaid: string; left: string[] }> = []
      for (const cut of CUT_POINTS) {
        const { atAlice, atBob } = await failMidway(alice, bob, path, cut, id => alice.cancelFile(id))
        expect(atAlice.message).toMatch(/^you cancelled/)
        // file-failed comes after the clean-up: nothing left to resume.
        const left = await readdir(bob.downloadsDir)
        seen.push({ cut, alice: atAlice.code, bob: atBob.code, bobSaid: atBob.message, left })
        // An interrupted receive keeps its .part, which the next send would resume: start afresh.
        for (const t of await bob.transfers())
          if (t.state === 'failed' && t.direction === 'receive')
            await bob.discardFile(t.transferId).catch(() => {})
      }
      expect(seen).toEqual(
        CUT_POINTS.map(cut => ({
          cut,
          alice: 'CANCELLED',
          bob: 'CANCELLED',
          bobSaid: 'alice cancelled',
          left: []
        }))
      )
      expect((await bob.transfers()).filter(x => x.state === 'partial')).toEqual([])
    },
    TEST_TIMEOUT_MS
  )

  it(
    'a receiver cancel late in a big transfer reaches the sender as CANCELLED',
    async () => {
      const { alice, bob } = await pair(carrier)
      const path = join(await tempDir(), 'big.bin')
      await writeRandomFile(path, FILE_BYTES)
      for (const cut of [CUT_POINTS[0], CUT_POINTS.at(-1)!]) {
        // A discard right behind the cancel (as one write of two commands): the cancel removes the
        // part itself, so there is nothing to discard.
        let discard: Promise<unknown> = Promise.resolve()
        const { atAlice, atBob } = await failMidway(alice, bob, path, cut, id => {
          void bob.cancelFile(id)
          // Settled here at once: its refusal comes while failMidway still waits.
          discard = bob.discardFile(id).then(
            p => ({ discarded: p }),
            (err: { code: string }) => ({ refused: err.code })
          )
        })
        expect(await discard).toEqual({ refused: 'UNKNOWN_TRANSFER' })
        expect({ cut, alice: atAlice.code, bob: atBob.code }).toEqual({
          cut,
          alice: 'CANCELLED',
          bob: 'CANCELLED'
        })
        expect(atAlice.message).toBe('bob cancelled')
        expect(await readdir(bob.downloadsDir)).toEqual([])
      }
    },
    TEST_TIMEOUT_MS
  )

  it(
    'a connection that breaks late in a big transfer is INTERRUPTED on both sides and keeps the .part',
    async () => {
      const { alice, bob } = await pair(carrier)
      const path = join(await tempDir(), 'big.bin')
      await writeRandomFile(path, FILE_BYTES)
      const { atAlice, atBob } = await failMidway(alice, bob, path, CUT_POINTS[2], () => {
        for (const c of alice.node!.getConnections(bob.peerId)) c.abort(new Error('the cable was pulled'))
      })
      expect(atAlice.code).toBe('INTERRUPTED')
      expect(atBob.code).toBe('INTERRUPTED')
      const kept = (await readdir(bob.downloadsDir)).filter(n => n.endsWith('.part'))
      expect(kept).toEqual(['big.bin.part'])
      expect(existsSync(join(bob.downloadsDir, 'big.bin.part'))).toBe(true)
      // Sending the same file again (on a new connection) resumes from the part and ends intact.
      const done = await sendAgain(alice, bob, path)
      expect(done.resumedFrom).toBeGreaterThan(0)
      expect(await sha256File(done.path)).toBe(await sha256File(path))
    },
    TEST_TIMEOUT_MS
  )
})
