import { describe, expect, it } from 'vitest'
import { KeyedTokenBuckets, TokenBucket } from '../../tracker/token-bucket.ts'

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

describe('keyed token buckets', () => {
  it('gives each key its own burst', () => {
    const now = 0
    const buckets = new KeyedTokenBuckets({ capacity: 2, refillPerSecond: 1, maxKeys: 10, now: () => now })
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 1000])
    expect([buckets.take('b'), buckets.take('b')]).toEqual([0, 0])
  })

  it('forgets the key used longest ago when full, not the busy one', () => {
    const now = 0
    const buckets = new KeyedTokenBuckets({ capacity: 1, refillPerSecond: 1, maxKeys: 2, now: () => now })
    buckets.take('a')
    buckets.take('b')
    // 'a' is used again, so 'b' is now the oldest and is the one dropped for 'c'.
    expect(buckets.take('a')).toBe(1000)
    buckets.take('c')
    expect(buckets.size).toBe(2)
    expect(buckets.take('a')).toBe(1000)
    expect(buckets.take('b')).toBe(0)
  })
})
