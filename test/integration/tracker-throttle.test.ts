import { afterEach, describe, expect, it, vi } from 'vitest'
import { FREE_FAILURES } from '../../tracker/login-throttle.ts'
import { PasswordHasher } from '../../tracker/password-hash.ts'
import { connectPeer, PASSWORD, startTracker } from '../fixtures/nodes.ts'

/** The code each login answers with: OK, AUTH_FAILED (a real check) or RATE_LIMITED (none). */
async function outcome(login: Promise<void>): Promise<string> {
  return login.then(
    () => 'OK',
    (err: { code?: string }) => err.code ?? String(err)
  )
}

function tally(codes: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const code of codes) out[code] = (out[code] ?? 0) + 1
  return out
}

describe('tracker login back-off', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it("lets the owner's device back in at once while a stranger's guesses are held back", async () => {
    const tracker = await startTracker()
    const verify = vi.spyOn(PasswordHasher.prototype, 'verify')
    // The owner registers and logs in once: its PeerId is now known to the account.
    const { node: ownerNode } = await connectPeer(tracker, 'alice')
    // Every session is opened first, so the guesses below run well within the first 1 s back-off.
    const { client: attacker } = await connectPeer(tracker, 'x', { register: false, login: false })
    const { client: newDevice } = await connectPeer(tracker, 'x', { register: false, login: false })
    const { client: ownerAgain } = await connectPeer(tracker, 'alice', {
      node: ownerNode,
      register: false,
      login: false
    })
    verify.mockClear()
    const codes: string[] = []
    for (let i = 0; i < 20; i++) codes.push(await outcome(attacker.login('alice', `guess ${i} wrong`)))
    expect(codes.slice(0, FREE_FAILURES + 1)).toEqual(Array(FREE_FAILURES + 1).fill('AUTH_FAILED'))
    expect(tally(codes)).toEqual({ AUTH_FAILED: FREE_FAILURES + 1, RATE_LIMITED: 20 - FREE_FAILURES - 1 })
    expect(verify).toHaveBeenCalledTimes(FREE_FAILURES + 1)
    // The attacker, even with the right password, waits.
    expect(await outcome(attacker.login('alice', PASSWORD))).toBe('RATE_LIMITED')
    // A new device with the right password is a stranger: it shares the strangers' back-off (the trade-off
    // in docs/errors.md: letting it check would let a guesser check too, by using a new PeerId per guess).
    const refused = await newDevice.login('alice', PASSWORD).catch(e => e)
    expect(refused.code).toBe('RATE_LIMITED')
    expect(refused.retryAfterMs).toBeGreaterThan(0)

    // The owner's node (same PeerId) logs in again on a new session, at once.
    await expect(ownerAgain.login('alice', PASSWORD, ownerNode.getMultiaddrs())).resolves.toBeUndefined()
    expect(ownerAgain.username).toBe('alice')
    expect(ownerAgain.online.get('alice')?.peerId.equals(ownerNode.peerId)).toBe(true)
  })

  it('gives a guesser using a new PeerId for every guess no more password checks than one PeerId', async () => {
    const tracker = await startTracker()
    const verify = vi.spyOn(PasswordHasher.prototype, 'verify')
    const { node: ownerNode } = await connectPeer(tracker, 'bob')
    verify.mockClear()
    const failedBefore = tracker.counters.failedLogins
    // A new node (PeerId) per guess, all connected first so the guesses run within the first back-off.
    const guessers = []
    for (let i = 0; i < 28; i++) {
      guessers.push((await connectPeer(tracker, 'x', { register: false, login: false })).client)
    }
    // Guesses at once get no more checks than one after the other: the free failures, then one at a time.
    const burst = await Promise.all(
      guessers.slice(0, 8).map((client, i) => outcome(client.login('bob', `burst ${i} wrong`)))
    )
    expect(burst.filter(code => code === 'AUTH_FAILED').length).toBeGreaterThanOrEqual(FREE_FAILURES)
    expect(burst.filter(code => code === 'AUTH_FAILED').length).toBeLessThanOrEqual(FREE_FAILURES + 1)
    const codes: string[] = [...burst]
    for (let i = 8; i < 28; i++) codes.push(await outcome(guessers[i].login('bob', `guess ${i} wrong`)))
    // Same as one PeerId guessing (and as the per-account back-off before): 3 free, 1 more, then held.
    expect(tally(codes)).toEqual({ AUTH_FAILED: FREE_FAILURES + 1, RATE_LIMITED: 28 - FREE_FAILURES - 1 })
    expect(verify).toHaveBeenCalledTimes(FREE_FAILURES + 1)
    // RATE_LIMITED answers count as failed logins too; only the AUTH_FAILED ones cost a hash.
    expect(tracker.counters.failedLogins - failedBefore).toBe(28)

    const again = await connectPeer(tracker, 'bob', { node: ownerNode, register: false })
    expect(again.client.username).toBe('bob')
  })
})
