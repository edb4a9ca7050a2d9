import { describe, expect, it } from 'vitest'
import { Liveness } from '../../tracker/liveness.ts'

describe('liveness', () => {
  it('expires exactly the sessions silent past the deadline, oldest first', () => {
    const l = new Liveness<string>()
    l.touch('a', 100)
    l.touch('b', 200)
    l.touch('c', 300)
    l.touch('a', 400) // a heartbeat moves a to the back
    expect(l.expire(250)).toEqual(['b'])
    expect(l.expire(250)).toEqual([])
    expect(l.expire(1_000)).toEqual(['c', 'a'])
    expect(l.size).toBe(0)
  })

  it('forgets a session that logged out', () => {
    const l = new Liveness<number>()
    l.touch(1, 10)
    l.touch(2, 20)
    l.forget(1)
    expect(l.expire(100)).toEqual([2])
  })
})
