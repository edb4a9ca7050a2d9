import { describe, expect, it, vi } from 'vitest'
import { connectPeer, startTracker, tempDir } from '../fixtures/nodes.ts'
import { CLI, spawnScript } from '../fixtures/processes.ts'
import { startRedis } from '../fixtures/redis.ts'

async function migrate(from: string, to: string): Promise<{ code: number | null; out: string; err: string }> {
  const proc = spawnScript(CLI, ['tracker', 'migrate', '--from', from, '--to', to])
  const { code } = await proc.exited
  return { code, out: proc.lines.join('\n'), err: proc.stderr() }
}

describe('p2pchat tracker migrate', () => {
  it('copies a lowdb store into Redis and back, checked by counts, and a tracker on the copy serves it', async () => {
    const dataDir = await tempDir('p2pchat-migrate-src-')
    const lowdb = await startTracker({ dataDir })
    const alice = await connectPeer(lowdb, 'alice')
    const bob = await connectPeer(lowdb, 'bob')
    await connectPeer(lowdb, 'carol', { login: false })
    await alice.client.request({ friendAdd: { username: 'bob' } })
    await bob.client.request({ friendAnswer: { username: 'alice', accept: true } })
    await alice.client.request({ friendAdd: { username: 'carol' } })
    await alice.client.request({ groupCreate: { name: 'lab', open: true } })
    await lowdb.stop()

    const redis = await startRedis()
    const there = await migrate(dataDir, redis.url)
    expect(there.err).not.toContain('INTERNAL')
    expect(there.code).toBe(0)
    expect(there.out).toContain(
      'Copied 3 accounts, 2 users, 2 pairs (1 friendships, 1 pending requests) and 1 groups'
    )
    // Into a store that is not empty: refused, nothing written.
    const again = await migrate(dataDir, redis.url)
    expect(again.code).toBe(2)
    expect(again.err).toMatch(
      /INVALID_OPTION: redis:\/\/127\.0\.0\.1:\d+\/0 already holds p2pchat data \(3 accounts/
    )

    const shared = await startTracker({ store: redis.url })
    // Not while a tracker runs on it: the copy would not be a snapshot.
    const busy = await migrate(redis.url, await tempDir('p2pchat-migrate-live-'))
    expect(busy.code).toBe(2)
    expect(busy.err).toMatch(
      /INVALID_OPTION: 1 tracker\(s\) run on redis:\/\/127\.0\.0\.1:\d+\/0: stop them first/
    )
    const bobThere = await connectPeer(shared, 'bob', { register: false })
    const friends = (await bobThere.client.request({ friendList: {} })).friends!
    expect(friends.friends.map(f => f.username)).toEqual(['alice'])
    const carol = await connectPeer(shared, 'carol', { register: false })
    expect((await carol.client.request({ friendList: {} })).friends!.incoming).toEqual(['alice'])
    await shared.stop()
    // A tracker on Redis started on the migrated directory says its lowdb files are not used.
    const onOld = spawnScript(CLI, [
      'tracker',
      '--store',
      redis.url,
      '--data',
      dataDir,
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--scrypt-log-n',
      '10'
    ])
    await onOld.waitLine(l => l.startsWith('Ready.'))
    // stderr is its own pipe: what was written before Ready. may still be on its way.
    await vi.waitFor(() =>
      expect(onOld.stderr()).toContain(`${dataDir}/accounts.json is lowdb state this tracker does not use`)
    )
    onOld.child.kill('SIGTERM')
    expect((await onOld.exited).code).toBe(0)

    const back = await tempDir('p2pchat-migrate-back-')
    const home = await migrate(redis.url, back)
    expect(home.code).toBe(0)
    expect(home.out).toContain('Copied 3 accounts')
    const lowdbAgain = await startTracker({ dataDir: back })
    const aliceBack = await connectPeer(lowdbAgain, 'alice', { register: false })
    expect((await aliceBack.client.request({ groupList: {} })).groups!.groups.map(g => g.name)).toEqual([
      'lab'
    ])
  })

  it('says what is wrong with its arguments', async () => {
    const empty = await tempDir('p2pchat-migrate-empty-')
    const noData = await migrate(empty, 'redis://127.0.0.1:1/0')
    expect(noData.code).toBe(2)
    expect(noData.err).toContain(`INVALID_OPTION: ${empty} holds no tracker data`)
    const twoDirs = await migrate(empty, empty)
    expect(twoDirs.err).toContain('--from and --to must be one lowdb data directory and one redis:// URL')
    const badUrl = await migrate(empty, 'redis://host/db9x')
    expect(badUrl.err).toContain('INVALID_OPTION: --to: the path of "host/db9x" must be a database number')
    const unreachable = await migrate('redis://127.0.0.1:1/0', empty)
    expect(unreachable.code).toBe(1)
    expect(unreachable.err).toContain('p2pchat: BUSY: cannot reach Redis at redis://127.0.0.1:1/0')
  })
})
