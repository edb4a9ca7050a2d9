import { randomBytes } from 'node:crypto'
import { readdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { UserInfo } from '../../peer/api/schema.ts'
import type { PeerClient } from '../../peer/core/peer-client.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { sha256File } from '../fixtures/files.ts'
import { connectPeer, nextEvent, startPeerClient, startTracker, tempDir } from '../fixtures/nodes.ts'
import { rawSender } from '../fixtures/raw-file-sender.ts'

type Offer = {
  transferId: string
  from: string
  name: string
  size: number
  sha256: string
  resumeFrom?: number
}
type Done = {
  transferId: string
  direction: string
  path: string
  sha256: string
  bytesTransferred: number
  resumedFrom: number
}
type Failed = { transferId: string; direction: string; code: string; message: string }

async function pair(
  opts: { bob?: Record<string, unknown> } = {}
): Promise<{ alice: PeerClient; bob: PeerClient; tracker: Tracker }> {
  const tracker = await startTracker({ coalesceMs: 10 })
  const alice = await startPeerClient(tracker, 'alice')
  const joined = nextEvent<UserInfo>(alice, 'joined', u => u.user === 'bob')
  const bob = await startPeerClient(tracker, 'bob', opts.bob)
  await joined
  return { alice, bob, tracker }
}

/** Send `path` from alice to bob, bob accepting; resolves with both sides' file-done. */
async function transfer(alice: PeerClient, bob: PeerClient, path: string, dir?: string) {
  const offered = nextEvent<Offer>(bob, 'file-offer')
  const sent = await alice.sendFile('bob', path)
  const offer = await offered
  expect(offer.transferId).toBe(sent.transferId)
  const doneAtBob = nextEvent<Done>(bob, 'file-done', d => d.transferId === sent.transferId, 120_000)
  const doneAtAlice = nextEvent<Done>(alice, 'file-done', d => d.transferId === sent.transferId, 120_000)
  await bob.acceptFile(offer.transferId, dir)
  return { offer, atBob: await doneAtBob, atAlice: await doneAtAlice }
}

describe('file transfer', () => {
  it('delivers small, empty and 300 MB files byte-identical, with progress on both sides', async () => {
    const { alice, bob } = await pair()
    const dir = await tempDir()
    const small = join(dir, 'hello.txt')
    await writeFile(small, 'hello bob\n')
    const { offer, atBob } = await transfer(alice, bob, small)
    expect(offer).toMatchObject({ from: 'alice', name: 'hello.txt', size: 10 })
    expect(atBob.path).toBe(join(bob.downloadsDir, 'hello.txt'))
    expect(await readFile(atBob.path, 'utf8')).toBe('hello bob\n')

    const empty = join(dir, 'empty.bin')
    await writeFile(empty, '')
    const e = await transfer(alice, bob, empty)
    expect((await readFile(e.atBob.path)).byteLength).toBe(0)

    const big = join(dir, 'big.bin')
    const chunk = randomBytes(1024 * 1024)
    await writeFile(
      big,
      Buffer.concat(
        Array.from({ length: 300 }, (_, i) => {
          chunk[0] = i
          return Buffer.from(chunk)
        })
      )
    )
    const progressBob: number[] = []
    const progressAlice: number[] = []
    bob.addEventListener('file-progress', ev => progressBob.push(ev.detail.bytes))
    alice.addEventListener('file-progress', ev => {
      if (ev.detail.phase === 'transferring') progressAlice.push(ev.detail.bytes)
    })
    const b = await transfer(alice, bob, big)
    expect(b.atBob.sha256).toBe(await sha256File(big))
    expect(await sha256File(b.atBob.path)).toBe(b.atBob.sha256)
    expect(b.atAlice).toMatchObject({
      direction: 'send',
      bytesTransferred: 300 * 1024 * 1024,
      resumedFrom: 0
    })
    expect(progressBob.at(-1)).toBe(300 * 1024 * 1024)
    expect(progressAlice.length).toBeGreaterThan(1)
    expect((await readdir(bob.downloadsDir)).sort()).toEqual(['big.bin', 'empty.bin', 'hello.txt'])
  })

  it('tells the sender when the offer is rejected, or expires unanswered', async () => {
    const { alice, bob } = await pair({ bob: { fileOfferTimeoutMs: 300 } })
    const dir = await tempDir()
    const path = join(dir, 'a.txt')
    await writeFile(path, 'x')

    let offer = nextEvent<Offer>(bob, 'file-offer')
    let t = await alice.sendFile('bob', path)
    let failed = nextEvent<Failed>(alice, 'file-failed', f => f.transferId === t.transferId)
    bob.rejectFile((await offer).transferId)
    expect(await failed).toMatchObject({ direction: 'send', code: 'REJECTED' })
    expect(() => bob.rejectFile(t.transferId)).toThrow(expect.objectContaining({ code: 'UNKNOWN_TRANSFER' }))

    offer = nextEvent<Offer>(bob, 'file-offer')
    t = await alice.sendFile('bob', path)
    failed = nextEvent<Failed>(alice, 'file-failed', f => f.transferId === t.transferId)
    const failedAtBob = nextEvent<Failed>(bob, 'file-failed', f => f.transferId === t.transferId)
    await offer
    expect(await failed).toMatchObject({ code: 'EXPIRED' })
    expect(await failedAtBob).toMatchObject({ code: 'EXPIRED' })
    await expect(bob.acceptFile(t.transferId)).rejects.toMatchObject({ code: 'UNKNOWN_TRANSFER' })
    expect(await readdir(bob.downloadsDir)).toEqual([])
  })

  it('cancels from either side mid-transfer and removes the partial file', async () => {
    const { alice, bob } = await pair()
    const dir = await tempDir()
    const path = join(dir, 'big.bin')
    await writeFile(path, randomBytes(200 * 1024 * 1024))
    for (const side of ['sender', 'receiver'] as const) {
      const offer = nextEvent<Offer>(bob, 'file-offer')
      const t = await alice.sendFile('bob', path)
      const atAlice = nextEvent<Failed>(alice, 'file-failed', f => f.transferId === t.transferId)
      const atBob = nextEvent<Failed>(bob, 'file-failed', f => f.transferId === t.transferId)
      const moving = nextEvent(bob, 'file-progress', (p: { bytes: number }) => p.bytes > 0)
      await bob.acceptFile((await offer).transferId)
      await moving
      if (side === 'sender') alice.cancelFile(t.transferId)
      else bob.cancelFile(t.transferId)
      expect(await atAlice).toMatchObject({ code: 'CANCELLED' })
      expect(await atBob).toMatchObject({ code: 'CANCELLED' })
      // file-failed comes after the clean-up: the partial file is already gone.
      expect(await readdir(bob.downloadsDir)).toEqual([])
    }
  })

  it('never overwrites: a second copy gets a numbered name', async () => {
    const { alice, bob } = await pair()
    const dir = await tempDir()
    const path = join(dir, 'report.pdf')
    await writeFile(path, 'v1')
    await writeFile(join(bob.downloadsDir, 'report.pdf'), 'mine')
    const first = await transfer(alice, bob, path)
    expect(first.atBob.path).toBe(join(bob.downloadsDir, 'report (1).pdf'))
    const second = await transfer(alice, bob, path)
    expect(second.atBob.path).toBe(join(bob.downloadsDir, 'report (2).pdf'))
    expect(await readFile(join(bob.downloadsDir, 'report.pdf'), 'utf8')).toBe('mine')
  })

  it('accepts into a directory inside the download directory, never through a symlink outside it', async () => {
    const { alice, bob } = await pair()
    const dir = await tempDir()
    const outside = await tempDir()
    const path = join(dir, 'a.txt')
    await writeFile(path, 'abc')
    await symlink(outside, join(bob.downloadsDir, 'escape'))
    for (const bad of ['escape', 'escape/sub', '../../x', outside]) {
      const offer = nextEvent<Offer>(bob, 'file-offer')
      const t = await alice.sendFile('bob', path)
      await offer
      await expect(bob.acceptFile(t.transferId, bad)).rejects.toMatchObject({ code: 'UNSAFE_PATH' })
      bob.rejectFile(t.transferId)
    }
    expect(await readdir(outside)).toEqual([])
    const ok = await transfer(alice, bob, path, 'inbox/today')
    expect(ok.atBob.path).toBe(join(await realpath(bob.downloadsDir), 'inbox', 'today', 'a.txt'))
  })

  it('says why a file cannot be sent, once, and where a relative path was looked for', async () => {
    const { alice } = await pair()
    const missing = alice.sendFile('bob', 'no-such-file.bin')
    await expect(missing).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
      message: `cannot open no-such-file.bin (looked for in ${process.cwd()}): no such file`
    })
    const dir = await tempDir()
    await expect(alice.sendFile('bob', dir)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' })
  })

  it('refuses an offer over the size limit before asking, and runs transfers both ways at once', async () => {
    const { alice, bob } = await pair({ bob: { maxFileBytes: 1000 } })
    const dir = await tempDir()
    const big = join(dir, 'big.bin')
    await writeFile(big, randomBytes(1001))
    let offered = false
    bob.addEventListener('file-offer', () => {
      offered = true
    })
    const t = await alice.sendFile('bob', big)
    expect(await nextEvent<Failed>(alice, 'file-failed', f => f.transferId === t.transferId)).toMatchObject({
      code: 'FILE_TOO_LARGE'
    })
    expect(offered).toBe(false)

    const files = await Promise.all(
      ['a1', 'a2', 'b1', 'b2'].map(async n => {
        const p = join(dir, `${n}.bin`)
        await writeFile(p, randomBytes(900))
        return p
      })
    )
    const autoAccept = (peer: PeerClient): void =>
      peer.addEventListener('file-offer', e => {
        peer.acceptFile(e.detail.transferId)
      })
    autoAccept(alice)
    autoAccept(bob)
    const sends = [
      ...files.slice(0, 2).map(p => alice.sendFile('bob', p)),
      ...files.slice(2).map(p => bob.sendFile('alice', p))
    ]
    const ids = (await Promise.all(sends)).map(t => t.transferId)
    const dones = await Promise.all(
      ids.map((id, i) => nextEvent<Done>(i < 2 ? bob : alice, 'file-done', d => d.transferId === id))
    )
    for (const [i, d] of dones.entries()) expect(await readFile(d.path)).toEqual(await readFile(files[i]))
  })

  it('keeps hostile names inside the download directory', async () => {
    const { bob, tracker } = await pair()
    const mallory = await connectPeer(tracker, 'mallory')
    const names = ['../../x', '/etc/passwd', 'a/b', '..\\x', 'CON', 'evil\u001b[2Jname.txt', 'gpj.\u202eexe']
    for (const name of names) {
      const sender = await rawSender(mallory.node, bob, { name, content: Buffer.from(name) })
      const offer = await nextEvent<Offer>(bob, 'file-offer', o => o.transferId === sender.transferId)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none are left is the point
      expect(offer.name).not.toMatch(/[/\\\u0000-\u001f\u202e]/)
      const done = nextEvent<Done>(bob, 'file-done', d => d.transferId === sender.transferId)
      await bob.acceptFile(offer.transferId)
      await sender.sendAll()
      expect((await sender.result()).error).toBe('')
      const d = await done
      expect(dirname(d.path)).toBe(await realpath(bob.downloadsDir))
    }
    expect((await readdir(bob.downloadsDir)).sort()).toEqual(
      ['_CON', 'b', 'evil[2Jname.txt', 'gpj.exe', 'passwd', 'x', 'x (1)'].sort()
    )
    const onlyInside = await readdir(bob.dataDir)
    expect(onlyInside).not.toContain('x')
  })

  it('refuses a corrupted or truncated stream: file-failed, no final file, no part left', async () => {
    const { bob, tracker } = await pair()
    const mallory = await connectPeer(tracker, 'mallory')
    const content = randomBytes(3 * 1024 * 1024)
    const cases = [
      { corrupt: true, expected: 'CHECKSUM_MISMATCH' },
      { truncate: 1000, expected: 'SIZE_MISMATCH' },
      { extra: 10, expected: 'SIZE_MISMATCH' }
    ]
    for (const c of cases) {
      const sender = await rawSender(mallory.node, bob, { name: 'data.bin', content, ...c })
      const offer = await nextEvent<Offer>(bob, 'file-offer', o => o.transferId === sender.transferId)
      const failed = nextEvent<Failed>(bob, 'file-failed', f => f.transferId === sender.transferId)
      await bob.acceptFile(offer.transferId)
      await sender.sendAll()
      expect(await failed).toMatchObject({ direction: 'receive', code: c.expected })
      expect(await readdir(bob.downloadsDir)).toEqual([])
      expect((await sender.result()).error).toBe(c.expected)
    }
    // Bob still serves: a good copy goes through.
    const good = await rawSender(mallory.node, bob, { name: 'data.bin', content })
    const offer = await nextEvent<Offer>(bob, 'file-offer', o => o.transferId === good.transferId)
    const done = nextEvent<Done>(bob, 'file-done', d => d.transferId === good.transferId)
    await bob.acceptFile(offer.transferId)
    await good.sendAll()
    expect(await readFile((await done).path)).toEqual(content)
  })
})
