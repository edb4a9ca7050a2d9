import { describe, expect, it } from 'vitest'
import {
  BACKOFF_MAX_MS,
  FAILURE_MEMORY_MS,
  FREE_FAILURES,
  LoginThrottle
} from '../../tracker/login-throttle.ts'

describe('login throttle', () => {
  it('lets typos through, then doubles the wait up to a cap', () => {
    let now = 1_000_000
    const t = new LoginThrottle(() => now)
    for (let i = 0; i < FREE_FAILURES; i++) expect(t.fail('a')).toBe(0)
    expect(t.retryAfter('a')).toBe(0)
    expect(t.fail('a')).toBe(1_000)
    expect(t.fail('a')).toBe(2_000)
    expect(t.fail('a')).toBe(4_000)
    expect(t.retryAfter('a')).toBe(4_000)
    now += 1_500
    expect(t.retryAfter('a')).toBe(2_500)
    for (let i = 0; i < 20; i++) t.fail('a')
    expect(t.retryAfter('a')).toBe(BACKOFF_MAX_MS)
    // Other accounts are unaffected.
    expect(t.retryAfter('b')).toBe(0)
  })

  it('forgets on success and after a quiet period', () => {
    let now = 0
    const t = new LoginThrottle(() => now)
    for (let i = 0; i < 6; i++) t.fail('a')
    t.succeed('a')
    expect(t.failures('a')).toBe(0)
    for (let i = 0; i < 6; i++) t.fail('b')
    now += FAILURE_MEMORY_MS + 1
    expect(t.failures('b')).toBe(0)
    expect(t.retryAfter('b')).toBe(0)
  })
})
