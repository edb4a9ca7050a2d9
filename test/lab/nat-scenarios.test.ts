import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import type { Json } from '../fixtures/json-peer.ts'
import { PASSWORD, tempDir } from '../fixtures/nodes.ts'
import type { Lab } from './index.ts'
import { LAB_ADDRESSES as A, buildLab } from './index.ts'
import { established, labTest, p2pchatIn, peerIn, runLabTests, unavailable } from './lab-peers.ts'

/**
 * The NAT scenarios of docs/nat.md, each with real NAT in the namespace lab: connection reversal when one
 * side is public, chat and files through the tracker's relay when both are behind routers.
 */

/** JSON lines of a peer's stdout so far. */
function lines(peer: { proc: { lines: string[] } }): Json[] {
  return peer.proc.lines.flatMap(l => {
    try {
      return [JSON.parse(l) as Json]
    } catch {
      return []
    }
  })
}

describe.runIf(runLabTests)('NAT traversal in the lab', () => {
  let lab: Lab
  let port = 4100

  beforeAll(async () => {
    if (unavailable !== undefined) return
    lab = await buildLab()
  })

  afterAll(async () => {
    await lab?.teardown()
  })

  /** A directory for one test's tracker and peers (removed after the test), with the password file. */
  async function freshDir(): Promise<string> {
    const dir = await tempDir('p2pchat-lab-nat-')
    await writeFile(join(dir, 'password'), `${PASSWORD}\n`, { mode: 0o600 })
    return dir
  }

  /** A tracker on the lab's public address, with `args`; resolves with the address it prints. */
  async function tracker(dir: string, args: string[] = []): Promise<string> {
    port++
    const proc = p2pchatIn(lab, 'tracker', [
      'tracker',
      '--listen',
      `/ip4/${A.tracker}/tcp/${port}`,
      '--data',
      join(dir, `tracker-${port}`),
      '--scrypt-log-n',
      '10',
      ...args
    ])
    const addr = (await proc.waitLine(l => l.includes(`/ip4/${A.tracker}/tcp/${port}/`))).trim()
    await proc.waitLine(l => l.startsWith('Ready.'))
    return addr
  }

  labTest(
    'one side public: the NAT’d peer dials back when asked, a direct conversation within 2 s',
    async () => {
      const dir = await freshDir()
      const addr = await tracker(dir)
      const carol = await peerIn(lab, 'public', addr, 'carol', dir)
      const bob = await peerIn(lab, 'hostB', addr, 'bob', dir)
      expect([carol.ready.reachable, bob.ready.reachable]).toEqual([true, false])
      await carol.peer.wait(o => o.event === 'joined' && o.user === 'bob')
      const started = Date.now()
      carol.peer.send({ id: 'r', cmd: 'msg', to: 'bob', text: 'dial me back' })
      expect(await carol.peer.wait(o => o.event === 'delivered', 10_000)).toMatchObject({ via: 'reversed' })
      expect(Date.now() - started).toBeLessThan(2_000)
      expect(await bob.peer.wait(o => o.event === 'message' && o.text === 'dial me back')).toMatchObject({
        via: 'reversed'
      })
      // The connection runs from behind routerB to carol's own address: the tracker is not in the path.
      const toCarol = await established(lab, 'hostB', `( dst ${A.public} )`)
      expect(toCarol.length).toBe(1)
    }
  )

  labTest(
    'both behind NATs: chat through the relay, nothing lost or shown twice across relay cuts',
    async () => {
      // Each relayed connection may carry 20 KiB: 30 messages of 1 KB need several.
      const dir = await freshDir()
      const addr = await tracker(dir, ['--relay-data-limit', '0.02'])
      const alice = await peerIn(lab, 'hostA', addr, 'alice', dir)
      const bob = await peerIn(lab, 'hostB', addr, 'bob', dir)
      await alice.peer.wait(o => o.event === 'joined' && o.user === 'bob')
      const texts = Array.from({ length: 30 }, (_, i) => `${i} ${'x'.repeat(1000)}`)
      for (const [i, text] of texts.entries()) alice.peer.send({ id: `m${i}`, cmd: 'msg', to: 'bob', text })
      await expect
        .poll(() => lines(alice.peer).filter(o => o.event === 'delivered').length, { timeout: 60_000 })
        .toBe(texts.length)
      expect(
        new Set(
          lines(alice.peer)
            .filter(o => o.event === 'delivered')
            .map(o => o.via)
        )
      ).toEqual(new Set(['relayed']))
      await expect.poll(() => lines(bob.peer).filter(o => o.event === 'message').length).toBe(texts.length)
      // Each exactly once, in order.
      expect(
        lines(bob.peer)
          .filter(o => o.event === 'message')
          .map(o => o.text)
      ).toEqual(texts)
    }
  )

  labTest(
    'both behind NATs: a file within the relay limit arrives, a larger one is refused clearly',
    async () => {
      const dir = await freshDir()
      const addr = await tracker(dir, ['--relay-data-limit', '4'])
      const alice = await peerIn(lab, 'hostA', addr, 'alice', dir)
      const bob = await peerIn(lab, 'hostB', addr, 'bob', dir)
      await alice.peer.wait(o => o.event === 'joined' && o.user === 'bob')
      const small = join(dir, 'small.bin')
      const big = join(dir, 'big.bin')
      await writeFile(small, randomBytes(2 * 1024 * 1024))
      await writeFile(big, randomBytes(5 * 1024 * 1024))

      alice.peer.send({ id: 's', cmd: 'send-file', to: 'bob', path: small })
      const offer = await bob.peer.wait(o => o.event === 'file-offer' && o.name === 'small.bin')
      bob.peer.send({ id: 'a', cmd: 'accept-file', transferId: offer.transferId })
      expect(await bob.peer.wait(o => o.event === 'file-accepted')).toMatchObject({ via: 'relayed' })
      const done = await bob.peer.wait(o => o.event === 'file-done', 60_000)
      expect(done).toMatchObject({ name: 'small.bin', size: 2 * 1024 * 1024 })

      alice.peer.send({ id: 'b', cmd: 'send-file', to: 'bob', path: big })
      const failed = await alice.peer.wait(o => o.event === 'file-failed', 30_000)
      expect(failed.code).toBe('RELAY_LIMIT')
      expect(failed.message).toMatch(
        /relay, which carries at most 4\.0 MiB per connection; big\.bin is 5\.0 MiB/
      )
      expect(
        lines(bob.peer)
          .filter(o => o.event === 'file-offer')
          .map(o => o.name)
      ).toEqual(['small.bin'])
    }
  )

  labTest(
    'on a LAN, a peer started without --tracker finds the tracker (mDNS), or lists several',
    async () => {
      const dir = await freshDir()
      // The tracker runs on routerA, which is on hostA's LAN (192.168.1.1): it announces there. The lab's
      // routers have no default route, so multicast is routed to the LAN by hand (one socket, one interface).
      await lab.exec('routerA', ['ip', 'route', 'replace', '224.0.0.0/4', 'dev', 'lan'])
      const startOnRouter = async (name: string, port: number) => {
        const proc = p2pchatIn(lab, 'routerA', [
          'tracker',
          '--listen',
          `/ip4/0.0.0.0/tcp/${port}`,
          '--data',
          join(dir, name),
          '--scrypt-log-n',
          '10',
          '--mdns',
          'on'
        ])
        await proc.waitLine(l => l.startsWith('Ready.'))
        expect(`${proc.lines.join('\n')}\n${proc.stderr()}`).toMatch(
          /Announced on the local network \(mDNS\)/
        )
        return proc
      }
      const first = await startOnRouter('lan-tracker', 4201)
      const peerArgs = (user: string) => [
        'peer',
        '--user',
        user,
        '--register',
        '--password-file',
        join(dir, 'password'),
        '--data',
        join(dir, user),
        '--json'
      ]
      const alice = p2pchatIn(lab, 'hostA', peerArgs('alice'))
      const ready = JSON.parse(await alice.waitLine(l => l.includes('"event":"ready"')))
      expect(ready).toMatchObject({ user: 'alice', tracker: 'connected' })
      expect(alice.stderr()).toMatch(/Found tracker ".*" at \/ip4\/192\.168\.1\.1\/tcp\/4201\/p2p\//)

      // A second tracker on the LAN: with no terminal to ask at, the peer lists both and stops.
      const second = await startOnRouter('lan-tracker-2', 4202)
      const bob = p2pchatIn(lab, 'hostA', peerArgs('bob'))
      expect((await bob.exited).code).toBe(2)
      expect(bob.stderr()).toMatch(/2 trackers answered on the local network; choose one with --tracker/)
      expect(bob.stderr()).toMatch(/1\) .*\/tcp\/420[12]\/p2p\/.*\n.*2\) .*\/tcp\/420[12]\/p2p\//)
      // Without the announcements, nothing to find: a clear error, not a hang.
      for (const t of [first, second]) t.child.kill('SIGTERM')
      await Promise.all([first.exited, second.exited])
      const carol = p2pchatIn(lab, 'hostA', peerArgs('carol'))
      expect((await carol.exited).code).toBe(2)
      expect(carol.stderr()).toMatch(/no tracker answered on the local network within 2 s; pass --tracker/)
    }
  )
})
