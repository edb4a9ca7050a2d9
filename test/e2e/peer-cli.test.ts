import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { peerArgs, startInteractivePeer, startJsonPeer } from '../fixtures/json-peer.ts'
import { PASSWORD, startTracker, tempDir } from '../fixtures/nodes.ts'
import { CLI, spawnScript } from '../fixtures/processes.ts'

describe('p2pchat peer --json', () => {
  it('drives two peer processes end to end: who, msg, delivered, history, errors, quit', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const alice = await startJsonPeer(addr, 'alice')
    const bob = await startJsonPeer(addr, 'bob')
    await alice.wait(o => o.event === 'joined' && o.user === 'bob')

    alice.send({ id: 'w', cmd: 'who' })
    const who = await alice.wait(o => o.id === 'w')
    expect(who.ok).toBe(true)
    expect(who.users.map((u: { user: string }) => u.user)).toEqual(['alice', 'bob'])
    expect(who.users[1].addrs[0]).toMatch(/\/p2p\/12D3/)

    alice.send({ id: 'm1', cmd: 'msg', to: 'bob', text: 'hello over json' })
    const sent = await alice.wait(o => o.id === 'm1')
    expect(sent).toMatchObject({ ok: true, messageId: expect.any(String) })
    const got = await bob.wait(o => o.event === 'message')
    expect(got).toMatchObject({
      messageId: sent.messageId,
      from: 'alice',
      to: 'bob',
      text: 'hello over json'
    })
    await alice.wait(o => o.event === 'delivered' && o.messageId === sent.messageId)

    bob.send({ id: 'h', cmd: 'history', with: 'alice', limit: 10 })
    const history = await bob.wait(o => o.id === 'h')
    expect(history.messages).toEqual([
      {
        conversation: 'dm:alice|bob',
        messageId: sent.messageId,
        from: 'alice',
        to: 'bob',
        text: 'hello over json',
        sentAt: expect.any(Number),
        status: 'delivered'
      }
    ])

    // Bad input: each gets an error reply with a code, and the process carries on.
    alice.proc.child.stdin.write('this is not json\n')
    alice.send({ id: 'x', cmd: 'fly' })
    alice.send({ id: 'y', cmd: 'msg', to: 'bob' })
    alice.send({ id: 'z', cmd: 'msg', to: 'bob', text: 'x'.repeat(65_537) })
    alice.send({ id: 'v', cmd: 'history', with: 'bob', limit: -1 })
    expect((await alice.wait(o => o.ok === false && o.id === undefined)).error.code).toBe('INVALID_COMMAND')
    expect((await alice.wait(o => o.id === 'x')).error.code).toBe('INVALID_COMMAND')
    expect((await alice.wait(o => o.id === 'y')).error.code).toBe('INVALID_COMMAND')
    expect((await alice.wait(o => o.id === 'z')).error.code).toBe('TEXT_TOO_LONG')
    expect((await alice.wait(o => o.id === 'v')).error.code).toBe('INVALID_COMMAND')
    alice.send({ id: 'w2', cmd: 'who' })
    expect((await alice.wait(o => o.id === 'w2')).ok).toBe(true)
    // The session commands: a process started with --user is logged in for its whole life.
    alice.send({ id: 's', cmd: 'session' })
    expect(await alice.wait(o => o.id === 's')).toMatchObject({
      ok: true,
      state: 'connected',
      user: 'alice',
      tracker: addr
    })
    alice.send({ id: 'l', cmd: 'login', tracker: addr, user: 'bob', password: 'x' })
    expect((await alice.wait(o => o.id === 'l')).error.code).toBe('ALREADY_LOGGED_IN')

    // Only JSON on stdout.
    for (const line of alice.proc.lines) expect(() => JSON.parse(line)).not.toThrow()

    const left = bob.wait(o => o.event === 'left' && o.user === 'alice')
    alice.send({ id: 'q', cmd: 'quit' })
    await alice.wait(o => o.id === 'q')
    expect((await alice.proc.exited).code).toBe(0)
    expect((await left).reason).toBe('logout')
  })

  it('changes the password, and logs out everywhere: the process exits 0, the old password is refused', async () => {
    const tracker = await startTracker()
    const addr = tracker.getMultiaddrs()[0].toString()
    const erin = await startJsonPeer(addr, 'erin')
    erin.send({ id: 'p1', cmd: 'password', old: 'wrong password', new: 'erin new password' })
    expect((await erin.wait(o => o.id === 'p1')).error.code).toBe('AUTH_FAILED')
    erin.send({ id: 'p2', cmd: 'password', old: PASSWORD, new: 'short' })
    expect((await erin.wait(o => o.id === 'p2')).error.code).toBe('INVALID_PASSWORD')
    erin.send({ id: 'p3', cmd: 'password', old: PASSWORD, new: 'erin new password' })
    expect(await erin.wait(o => o.id === 'p3')).toMatchObject({ ok: true })
    erin.send({ id: 'o', cmd: 'logout', everywhere: true })
    expect(await erin.wait(o => o.id === 'o')).toMatchObject({ ok: true })
    expect((await erin.proc.exited).code).toBe(0)
    expect(tracker.signInCounters.passwordChanges).toBe(1)
    // The same directory with the old password: refused, exit 1.
    const again = spawnScript(
      CLI,
      [...peerArgs(addr, 'erin', join(erin.dir, 'data')).filter(a => a !== '--register'), '--json'],
      {
        P2PCHAT_PASSWORD: PASSWORD
      }
    )
    expect((await again.exited).code).toBe(1)
    expect(JSON.parse(again.lines.at(-1)!)).toMatchObject({ event: 'error', code: 'AUTH_FAILED' })
  })

  it('fails to start with a clear error for a wrong password or a missing one', async () => {
    const tracker = await startTracker()
    const addr = tracker.getMultiaddrs()[0].toString()
    await (await startJsonPeer(addr, 'carol')).send({ cmd: 'quit' })
    const dir = await tempDir()
    const wrong = join(dir, 'pw')
    await writeFile(wrong, 'not the password')
    const bad = spawnScript(CLI, [
      'peer',
      '--tracker',
      addr,
      '--user',
      'carol',
      '--password-file',
      wrong,
      '--data',
      join(dir, 'd'),
      '--json'
    ])
    expect((await bad.exited).code).toBe(1)
    expect(JSON.parse(bad.lines.at(-1)!)).toMatchObject({ event: 'error', code: 'AUTH_FAILED' })
    const none = spawnScript(CLI, ['peer', '--tracker', addr, '--user', 'carol', '--json'], {
      P2PCHAT_PASSWORD: ''
    })
    expect((await none.exited).code).toBe(2)
    expect(none.stderr()).toContain('--password-file')
  })
})

describe('p2pchat peer (interactive)', () => {
  it('shows escape sequences from the network escaped, never raw', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const dir = await tempDir()
    const human = await startInteractivePeer(addr, 'dan', dir)
    const mallory = await startJsonPeer(addr, 'mallory')
    await mallory.wait(o => o.event === 'joined' && o.user === 'dan')
    mallory.send({
      id: '1',
      cmd: 'msg',
      to: 'dan',
      text: '\u001b[2J\u001b[31mred\u001b[0m\nfake: line \u202Eevil'
    })
    const line = await human.waitLine(l => l.includes('mallory:'))
    expect(line).toMatch(/^(> )*\d\d:\d\d mallory: \\e\[2J\\e\[31mred\\e\[0m$/)
    // The second line of the message is shown as a line of its own, indented under the first: it
    // cannot pass for a line from someone else.
    const second = await human.waitLine(l => l.includes('fake: line'))
    expect(second).toMatch(/^ {15}fake: line \\u202eevil$/)
    expect(human.lines.join('\n')).not.toContain('\u001b[31m')
    expect(human.lines.join('\n')).not.toContain('\u202E')

    human.child.stdin.write('/who\n')
    await human.waitLine(l => /^(> )*2 online: dan, mallory$/.test(l))
    human.child.stdin.write('/quit\n')
    expect((await human.exited).code).toBe(0)
  })

  it('/password asks for the passwords on the lines that follow; /logout ends the process', async () => {
    const tracker = await startTracker()
    const addr = tracker.getMultiaddrs()[0].toString()
    const human = await startInteractivePeer(addr, 'fay', await tempDir())
    human.child.stdin.write(`/password\n${PASSWORD}\nfay new password\nnot the same\n`)
    await human.waitLine(l => l.includes('The two new passwords differ; nothing was changed.'))
    human.child.stdin.write(`/password\n${PASSWORD}\nfay new password\nfay new password\n`)
    await human.waitLine(l => l.includes('Password changed'))
    expect(tracker.signInCounters.passwordChanges).toBe(1)
    // Typed passwords never show up in the output.
    expect(human.lines.join('\n')).not.toContain('fay new password')
    human.child.stdin.write('/logout\n')
    await human.waitLine(l => l.includes('Logged out.'))
    expect((await human.exited).code).toBe(0)
  })
})
