import { describe, expect, it } from 'vitest'
import {
  MAX_QUEUED_REGISTRATIONS,
  PasswordHasher,
  REGISTRATION_HASHES_AT_ONCE
} from '../../tracker/password-hash.ts'

describe('password hasher', () => {
  it('verifies what it hashed, and nothing else', async () => {
    const hasher = new PasswordHasher(10)
    const stored = await hasher.hash('correct horse battery')
    expect(await hasher.verify('correct horse battery', stored)).toBe(true)
    expect(await hasher.verify('correct horse batterY', stored)).toBe(false)
    expect(await hasher.verify('correct horse battery', undefined)).toBe(false)
  })

  it('runs few registration hashes at once, queues a bounded number and refuses the rest as BUSY', async () => {
    const hasher = new PasswordHasher(12)
    const total = REGISTRATION_HASHES_AT_ONCE + MAX_QUEUED_REGISTRATIONS + 5
    const results = await Promise.allSettled(
      Array.from({ length: total }, (_, i) => hasher.hash(`password number ${i}`))
    )
    const refused = results.filter(r => r.status === 'rejected')
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(total - 5)
    expect(refused).toHaveLength(5)
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'BUSY' })
      expect((r as PromiseRejectedResult).reason.retryAfterMs).toBeGreaterThan(0)
    }
    // Logins are not queued behind registrations: a check still runs while the lane is full.
    const again = Array.from({ length: total }, (_, i) => hasher.hash(`again ${i}`).catch(() => undefined))
    const stored = await hasher.hash('x'.repeat(8)).catch(() => undefined)
    expect(stored).toBeUndefined()
    expect(await hasher.verify('y'.repeat(8), undefined)).toBe(false)
    await Promise.all(again)
    // Once the lane drains it takes registrations again.
    expect(await hasher.hash('after the flood')).toMatchObject({ logN: 12 })
  })
})
