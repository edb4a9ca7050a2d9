import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { P2PChatError } from '../../src/errors.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import { writeRandomFile } from '../fixtures/files.ts'
import type { Json, JsonPeer, SpawnPeerOptions } from '../fixtures/json-peer.ts'
import { jsonPeer, spawnPeer, startInteractivePeer, startJsonPeer } from '../fixtures/json-peer.ts'
import { connectPeer, PASSWORD, startTracker, tempDir } from '../fixtures/nodes.ts'
import type { Proc } from '../fixtures/processes.ts'
import { CLI, spawnScript } from '../fixtures/processes.ts'

const MB = 1024 * 1024
const WRONG_PASSWORD = 'not the password at all'

/** A `--json` peer that is not waited on (see spawnPeer). */
async function spawnJsonPeer(
  trackerAddr: string,
  user: string,
  opts: SpawnPeerOptions = {}
): Promise<JsonPeer> {
  const { proc, dir } = await spawnPeer(trackerAddr, user, { ...opts, json: true })
  return jsonPeer(proc, dir)
}

/** A stdout line of the interactive peer without the prompts ("> ", "… ") readline wrote before it. */
const bare = (line: string): string => line.replace(/^(?:> |… )+/, '')

/** Wait for an interactive stdout line that, without prompts, passes `match`; resolves the bare line. */
async function waitBare(proc: Proc, match: (line: string) => boolean, timeoutMs?: number): Promise<string> {
  return bare(await proc.waitLine(l => match(bare(l)), timeoutMs))
}

/** stderr of a process that ended on its own terms: no Node error codes of a crash, no stack frames. */
function expectCleanStderr(proc: Proc): void {
  const stderr = proc.stderr()
  expect(stderr).not.toContain('ERR_USE_AFTER_CLOSE')
  expect(stderr).not.toMatch(/^\s+at /m)
  expect(stderr).not.toMatch(/Unhandled|TypeError|ReferenceError/)
}

/**
 * Wrong logins for `user` from a raw tracker client until the tracker holds the account back for at least
 * 2 s (RATE_LIMITED), long enough for a peer process to start and meet it.
 */
async function throttle(tracker: Tracker, user: string): Promise<void> {
  const { client } = await connectPeer(tracker, user, { register: false, login: false })
  const wrongLogin = (): Promise<P2PChatError | undefined> =>
    client.login(user, WRONG_PASSWORD).then(
      () => undefined,
      (e: P2PChatError) => e
    )
  let err = await wrongLogin()
  while (err?.code === 'AUTH_FAILED') err = await wrongLogin()
  expect(err?.code).toBe('RATE_LIMITED')
  // Held back 1 s: one more failure once that is over doubles it to 2 s (the tracker's own wait), then 4 s. A
  // little past it: a timer may fire a millisecond before the tracker's clock says the wait is over.
  // Twice: 4 s, so a peer process started under load (CI runs test files in parallel) still meets it.
  for (const atLeast of [1_500, 3_500]) {
    await new Promise(resolve => setTimeout(resolve, (err?.retryAfterMs ?? 0) + 100))
    expect((await wrongLogin())?.code).toBe('AUTH_FAILED')
    err = await wrongLogin()
    expect(err?.code).toBe('RATE_LIMITED')
    expect(err?.retryAfterMs).toBeGreaterThan(atLeast)
  }
}

/** A JSON line saying that transfer `transferId`'s content is flowing (bytes past the start). */
const flowing =
  (transferId: string) =>
  (o: Json): boolean =>
    o.event === 'file-progress' && o.transferId === transferId && o.phase === 'transferring' && o.bytes > 0

describe('p2pchat peer: quitting during a transfer', () => {
  it('exits 0 without errors on /quit while sending and on SIGINT while receiving', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const dir = await tempDir()
    const path = join(dir, 'big.bin')
    await writeRandomFile(path, 200 * MB)

    // /quit on an interactive sender while the content flows.
    const dan = await startInteractivePeer(addr, 'dan', join(dir, 'dan'))
    const bob = await startJsonPeer(addr, 'bob')
    await waitBare(dan, l => l.endsWith('bob is online'))
    dan.child.stdin.write(`/send bob ${path}\n`)
    const offer = await bob.wait(o => o.event === 'file-offer', 30_000)
    bob.send({ id: 'a', cmd: 'accept-file', transferId: offer.transferId })
    await bob.wait(flowing(offer.transferId))
    dan.child.stdin.write('/quit\n')
    expect(await dan.exited).toEqual({ code: 0, signal: null })
    expectCleanStderr(dan)
    // It really was in flight: the receiver lost it half-way, and carries on.
    const lost = await bob.wait(
      o => (o.event === 'file-failed' || o.event === 'file-done') && o.transferId === offer.transferId
    )
    expect(lost).toMatchObject({ event: 'file-failed', code: 'INTERRUPTED' })

    // SIGINT on an interactive receiver that accepted.
    const erin = await startInteractivePeer(addr, 'erin', join(dir, 'erin'))
    await bob.wait(o => o.event === 'joined' && o.user === 'erin')
    bob.send({ id: 's', cmd: 'send-file', to: 'erin', path })
    const sent = await bob.wait(o => o.id === 's', 30_000)
    expect(sent.ok).toBe(true)
    const offered = await waitBare(erin, l => l.includes('offers big.bin (200.0 MiB)'))
    const shortId = /\/accept (\S+)/.exec(offered)![1]
    erin.child.stdin.write(`/accept ${shortId}\n`)
    await bob.wait(flowing(sent.transferId))
    erin.child.kill('SIGINT')
    expect(await erin.exited).toEqual({ code: 0, signal: null })
    expectCleanStderr(erin)
    const failed = await bob.wait(
      o => (o.event === 'file-failed' || o.event === 'file-done') && o.transferId === sent.transferId
    )
    expect(failed).toMatchObject({ event: 'file-failed', code: 'INTERRUPTED' })

    bob.send({ id: 'q', cmd: 'quit' })
    expect((await bob.proc.exited).code).toBe(0)
    expectCleanStderr(bob.proc)
  })
})

describe('p2pchat peer: the tracker', () => {
  it('says it is not logged in when nothing listens at the tracker address, in both modes', async () => {
    const tracker = await startTracker()
    const addr = tracker.getMultiaddrs()[0].toString()
    await tracker.stop()

    const human = (await spawnPeer(addr, 'zed')).proc
    const json = await spawnJsonPeer(addr, 'zed')

    const notYet = await waitBare(human, l => l.startsWith('Not logged in yet:'))
    expect(notYet).toContain('connection refused')

    const ready = await json.wait(o => o.event === 'ready')
    expect(ready.tracker).not.toBe('connected')
    const state = await json.wait(o => o.event === 'tracker')
    expect(state).toMatchObject({
      state: 'reconnecting',
      message: expect.stringContaining('connection refused')
    })

    human.child.stdin.write('/quit\n')
    json.send({ cmd: 'quit' })
    expect((await human.exited).code).toBe(0)
    expect((await json.proc.exited).code).toBe(0)
    expect(human.lines.some(l => l.includes('Logged in as'))).toBe(false)
    expectCleanStderr(human)
    expectCleanStderr(json.proc)
    // The greeting is the first thing it says, once: not after a line saying the same, nor after a prompt.
    expect(human.lines[0]).toBe(notYet)
  })

  it('stops with AUTH_FAILED on a wrong password even after RATE_LIMITED, in both modes', async () => {
    const tracker = await startTracker()
    const addr = tracker.getMultiaddrs()[0].toString()
    await connectPeer(tracker, 'carol', { login: false })
    await connectPeer(tracker, 'dave', { login: false })
    await Promise.all([throttle(tracker, 'carol'), throttle(tracker, 'dave')])

    const human = (await spawnPeer(addr, 'carol', { password: WRONG_PASSWORD, register: false })).proc
    const json = await spawnJsonPeer(addr, 'dave', { password: WRONG_PASSWORD, register: false })
    expect((await human.exited).code).toBe(1)
    expect(human.stderr()).toMatch(/^p2pchat: AUTH_FAILED: /m)
    expectCleanStderr(human)
    // It met the rate limit first and waited, then took the wrong password as final.
    expect(human.lines.some(l => l.includes('RATE_LIMITED'))).toBe(true)

    expect((await json.proc.exited).code).toBe(1)
    const trackerEvents = json.proc.lines.map(l => JSON.parse(l) as Json).filter(o => o.event === 'tracker')
    expect(trackerEvents[0]).toMatchObject({
      state: 'reconnecting',
      message: expect.stringContaining('RATE_LIMITED')
    })
    expect(trackerEvents.at(-1)).toMatchObject({ state: 'failed', code: 'AUTH_FAILED' })
    expect(json.proc.stderr()).toMatch(/^p2pchat: AUTH_FAILED: /m)
    expectCleanStderr(json.proc)
  })

  it('refuses --register of a name someone else has, and says when it created an account', async () => {
    const tracker = await startTracker()
    const addr = tracker.getMultiaddrs()[0].toString()
    const dir = await tempDir()

    const first = await startInteractivePeer(addr, 'fay', dir)
    expect(first.lines.map(bare)).toContain('Account fay created.')
    first.child.stdin.write('/quit\n')
    expect((await first.exited).code).toBe(0)

    const again = await startInteractivePeer(addr, 'fay', dir)
    expect(again.lines.some(l => l.includes('created'))).toBe(false)
    again.child.stdin.write('/quit\n')
    expect((await again.exited).code).toBe(0)

    const human = (await spawnPeer(addr, 'fay', { password: WRONG_PASSWORD })).proc
    expect((await human.exited).code).toBe(1)
    expect(human.stderr()).toMatch(/^p2pchat: USERNAME_TAKEN: /m)
    expectCleanStderr(human)

    const json = await spawnJsonPeer(addr, 'FAY', { password: WRONG_PASSWORD })
    expect((await json.proc.exited).code).toBe(1)
    const events = json.proc.lines.map(l => JSON.parse(l) as Json)
    expect(events).toContainEqual(expect.objectContaining({ event: 'error', code: 'USERNAME_TAKEN' }))
  })

  it('ends a session replaced by a login elsewhere, and the newer one stays', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const human = await startInteractivePeer(addr, 'alice', await tempDir())
    const second = await startJsonPeer(addr, 'alice')
    expect((await human.exited).code).toBe(1)
    expect(human.stderr()).toMatch(/^p2pchat: SESSION_CLOSED: /m)
    expectCleanStderr(human)

    const third = await startJsonPeer(addr, 'alice')
    expect(await second.wait(o => o.event === 'tracker' && o.state === 'replaced')).toMatchObject({
      code: 'SESSION_CLOSED'
    })
    expect((await second.proc.exited).code).toBe(1)
    expect(second.proc.stderr()).toMatch(/^p2pchat: SESSION_CLOSED: /m)

    third.send({ id: 'w', cmd: 'who' })
    expect(await third.wait(o => o.id === 'w')).toMatchObject({ ok: true, tracker: 'connected' })
    expect(third.proc.child.exitCode).toBe(null)
    expect(third.proc.lines.some(l => l.includes('"replaced"'))).toBe(false)
  })
})

describe('p2pchat peer: messages to people who are not there', () => {
  it('refuses a name with no account and queues for an offline account', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    await connectPeer(tracker, 'gus', { login: false })
    const human = await startInteractivePeer(addr, 'hal', await tempDir())
    const json = await startJsonPeer(addr, 'ivy')

    human.child.stdin.write('/msg nobody hello\n')
    expect(await waitBare(human, l => l.startsWith('! '))).toMatch(/^! UNKNOWN_USER: /)
    human.child.stdin.write('/msg gus hello\n')
    await waitBare(human, l => l.includes('gus is offline: queued'))

    json.send({ id: 'n', cmd: 'msg', to: 'nobody', text: 'hello' })
    expect(await json.wait(o => o.id === 'n')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_USER' } })
    json.send({ id: 'g', cmd: 'msg', to: 'GUS', text: 'hello' })
    expect(await json.wait(o => o.id === 'g')).toMatchObject({ ok: true, to: 'gus', online: false })
  })
})

describe('p2pchat peer: terminal output', () => {
  it('is plain text on a pipe, carries multi-line messages, and marks /who stale', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const human = await startInteractivePeer(addr, 'kim', await tempDir())
    const bob: JsonPeer = await startJsonPeer(addr, 'bob')
    await waitBare(human, l => l.endsWith('bob is online'))

    // Typed over two lines with a trailing backslash: one message of two lines.
    human.child.stdin.write('/msg bob first\\\nsecond\n')
    expect((await bob.wait(o => o.event === 'message')).text).toBe('first\nsecond')

    // Received over two lines: two lines on screen, the second indented under the first.
    bob.send({ id: 'm', cmd: 'msg', to: 'kim', text: 'one\ntwo' })
    const first = await waitBare(human, l => l.includes('bob: one'))
    expect(first).toMatch(/^\d\d:\d\d bob: one$/)
    const i = human.lines.findIndex(l => bare(l) === first)
    expect(human.lines[i + 1]).toBe(`${' '.repeat('00:00 bob: '.length)}two`)

    // An error, a presence line, a lost tracker: still no escape sequences.
    human.child.stdin.write('/msg nobody x\n')
    await waitBare(human, l => l.startsWith('! UNKNOWN_USER'))
    bob.send({ cmd: 'quit' })
    await waitBare(human, l => l.includes('bob went offline'))
    await tracker.stop()
    await waitBare(human, l => l.includes('not connected to the tracker'))
    human.child.stdin.write('/who\n')
    expect(await waitBare(human, l => /^\d+ online:/.test(l))).toContain('may be out of date')

    human.child.stdin.write('/quit\n')
    expect((await human.exited).code).toBe(0)
    expect(human.lines.join('\n')).not.toContain('\u001b[')
    expect(human.stderr()).not.toContain('\u001b[')
  })
})

describe('p2pchat peer: options', () => {
  // A well-formed tracker address (nothing listens there): the options are checked before any dial.
  const TRACKER = '/ip4/127.0.0.1/tcp/9/p2p/12D3KooWEmU9bX83LKRfdAkMXzX9xBWUKKnMSRAkbgWHJyZ9EQ7Q'
  const base = ['peer', '--tracker', TRACKER, '--user', 'opt']

  async function refused(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
    const p = spawnScript(CLI, args, { P2PCHAT_PASSWORD: PASSWORD, ...env })
    expect((await p.exited).code).toBe(2)
    expectCleanStderr(p)
    expect(p.lines).toEqual([])
    return p.stderr()
  }

  it('names the variable or flag a bad value came from, and refuses unknown or empty flags', async () => {
    const [fromEnv, fromFlag, unknown, noValue, dashValue] = await Promise.all([
      refused(base, { P2PCHAT_MAX_FILE_SIZE: 'abc' }),
      refused([...base, '--max-file-size', 'abc']),
      refused([...base, '--frobnicate']),
      refused(['peer', '--tracker', TRACKER, '--user']),
      refused(['peer', '--tracker', TRACKER, '--user', '--json'])
    ])
    expect(fromEnv).toMatch(/^p2pchat: INVALID_OPTION: .*P2PCHAT_MAX_FILE_SIZE/m)
    expect(fromEnv).not.toContain('--max-file-size')
    expect(fromFlag).toMatch(/^p2pchat: INVALID_OPTION: .*--max-file-size/m)
    expect(fromFlag).not.toContain('P2PCHAT_MAX_FILE_SIZE')
    expect(unknown).toMatch(/^p2pchat: INVALID_OPTION: unknown option --frobnicate\b/)
    for (const stderr of [noValue, dashValue]) {
      expect(stderr).toMatch(/^p2pchat: INVALID_OPTION: --user needs a value/)
    }
  })

  it('refuses a tracker address without its PeerId, and yes/no words only for P2PCHAT_UPNP', async () => {
    const [noPeerId, badUpnp] = await Promise.all([
      refused(['peer', '--tracker', '/ip4/127.0.0.1/tcp/9', '--user', 'opt']),
      refused(base, { P2PCHAT_UPNP: 'maybe' })
    ])
    expect(noPeerId).toMatch(/^p2pchat: INVALID_OPTION: --tracker must end in \/p2p\/<tracker PeerId>/)
    expect(badUpnp).toMatch(
      /^p2pchat: INVALID_OPTION: P2PCHAT_UPNP must be 1\/true\/yes\/on or 0\/false\/no\/off/
    )
  })
})
