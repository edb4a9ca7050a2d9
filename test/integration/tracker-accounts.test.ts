import { describe, expect, it } from 'vitest'
import { connectPeer, PASSWORD, startTracker } from '../fixtures/nodes.ts'

describe('tracker accounts', () => {
  it('registers, logs in and lists the user online', async () => {
    const tracker = await startTracker()
    const { client, node } = await connectPeer(tracker, 'alice')
    expect(client.username).toBe('alice')
    expect([...client.online.keys()]).toEqual(['alice'])
    const me = client.online.get('alice')!
    expect(me.peerId.equals(node.peerId)).toBe(true)
    expect(me.addrs.length).toBeGreaterThan(0)
    expect(me.addrs[0].toString()).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
    expect(client.heartbeatMs).toBe(tracker.heartbeatMs)
  })

  it('refuses a duplicate username case-insensitively', async () => {
    const tracker = await startTracker()
    await connectPeer(tracker, 'Bob', { login: false })
    const { client } = await connectPeer(tracker, 'x', { register: false, login: false })
    await expect(client.register('bob', PASSWORD)).rejects.toMatchObject({ code: 'USERNAME_TAKEN' })
    await expect(client.register('BOB', PASSWORD)).rejects.toMatchObject({ code: 'USERNAME_TAKEN' })
  })

  it('answers wrong password and unknown user with the same error', async () => {
    const tracker = await startTracker()
    await connectPeer(tracker, 'carol', { login: false })
    const { client } = await connectPeer(tracker, 'x', { register: false, login: false })
    const wrong = await client.login('carol', 'not the password').catch(e => e)
    const unknown = await client.login('nobody', 'not the password').catch(e => e)
    expect(wrong.code).toBe('AUTH_FAILED')
    expect(unknown.code).toBe('AUTH_FAILED')
    expect(wrong.message).toBe(unknown.message)
  })

  it('validates usernames and passwords with clear codes', async () => {
    const tracker = await startTracker()
    const { client } = await connectPeer(tracker, 'x', { register: false, login: false })
    await expect(client.register('', PASSWORD)).rejects.toMatchObject({ code: 'INVALID_USERNAME' })
    await expect(client.register('a'.repeat(33), PASSWORD)).rejects.toMatchObject({
      code: 'INVALID_USERNAME'
    })
    await expect(client.register('evil\u202Ename', PASSWORD)).rejects.toMatchObject({
      code: 'INVALID_USERNAME'
    })
    await expect(client.register('with space', PASSWORD)).rejects.toMatchObject({ code: 'INVALID_USERNAME' })
    await expect(client.register('..', PASSWORD)).rejects.toMatchObject({ code: 'INVALID_USERNAME' })
    await expect(client.register('dave', 'short')).rejects.toMatchObject({ code: 'INVALID_PASSWORD' })
    await expect(client.register('dave', 'x'.repeat(1025))).rejects.toMatchObject({
      code: 'INVALID_PASSWORD'
    })
    await expect(client.login('dave', 'x'.repeat(1025))).rejects.toMatchObject({ code: 'INVALID_PASSWORD' })
    // The session still works after all of that.
    await expect(client.register('dave.d-1_ü', PASSWORD)).resolves.toBe('dave.d-1_ü')
  })

  it('backs off after repeated failures, then lets the owner in', async () => {
    const tracker = await startTracker()
    await connectPeer(tracker, 'erin', { login: false })
    const { client } = await connectPeer(tracker, 'x', { register: false, login: false })
    for (let i = 0; i < 3; i++) {
      await expect(client.login('erin', 'wrong password')).rejects.toMatchObject({ code: 'AUTH_FAILED' })
    }
    // The fourth failure starts a back-off; the next attempt, even with the right password, waits.
    await expect(client.login('erin', 'wrong password')).rejects.toMatchObject({ code: 'AUTH_FAILED' })
    const limited = await client.login('erin', PASSWORD).catch(e => e)
    expect(limited.code).toBe('RATE_LIMITED')
    expect(limited.retryAfterMs).toBeGreaterThan(0)
    expect(limited.retryAfterMs).toBeLessThanOrEqual(1000)
    await new Promise(resolve => setTimeout(resolve, limited.retryAfterMs + 50))
    await expect(client.login('erin', PASSWORD)).resolves.toBeUndefined()
  })
})
