import { describe, expect, it } from 'vitest'
import { TokenBucket } from '../../tracker/token-bucket.ts'

describe('token bucket', () => {
  it('allows a burst, then one request per refill interval', () => {
    let now = 1_000
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 10, now: () => now })
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0])
    // Empty: one token is 100 ms away, and asking does not push it further.
    expect(bucket.take()).toBe(100)
    now += 40
    expect(bucket.take()).toBe(60)
    now += 60
    expect(bucket.take()).toBe(0)
    expect(bucket.take()).toBe(100)
  })

  it('refills up to its capacity and no further', () => {
    let now = 0
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1, now: () => now })
    bucket.take()
    bucket.take()
    now += 60_000
    expect(bucket.tokens).toBe(2)
    expect([bucket.take(), bucket.take()]).toEqual([0, 0])
    expect(bucket.take()).toBe(1000)
  })

  it('refuses a bucket that could never grant anything', () => {
    expect(() => new TokenBucket({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError)
    expect(() => new TokenBucket({ capacity: 1, refillPerSecond: 0 })).toThrow(RangeError)
  })
})
