import { describe, expect, it } from 'vitest'
import { parseStore } from '../../tracker/store/index.ts'

describe('--store', () => {
  it('takes lowdb (the default) or a redis:// or rediss:// URL', () => {
    expect(parseStore(undefined)).toEqual({ kind: 'lowdb' })
    expect(parseStore('lowdb')).toEqual({ kind: 'lowdb' })
    expect(parseStore('redis://10.0.0.5')).toMatchObject({
      kind: 'redis',
      location: { host: '10.0.0.5', port: 6379, db: 0, tls: false, display: 'redis://10.0.0.5:6379/0' }
    })
    expect(parseStore('rediss://cache.example.org:6380/3')).toMatchObject({
      location: { host: 'cache.example.org', port: 6380, db: 3, tls: true }
    })
    expect(parseStore('redis://[::1]:7000/1')).toMatchObject({ location: { host: '::1', port: 7000, db: 1 } })
  })

  it('never shows the password it was given', () => {
    const spec = parseStore('redis://p2pchat:s%40cret@10.0.0.5:6379/2')
    expect(spec).toMatchObject({
      location: { username: 'p2pchat', password: 's@cret', display: 'redis://p2pchat:***@10.0.0.5:6379/2' }
    })
    expect(parseStore('redis://:s3cret@10.0.0.5/0')).toMatchObject({
      location: { password: 's3cret', display: 'redis://:***@10.0.0.5:6379/0' }
    })
  })

  it('says what is wrong with anything else', () => {
    const bad: Array<[string, RegExp]> = [
      ['sqlite', /--store must be "lowdb" or a URL like redis:\/\/127\.0\.0\.1:6379\/0, got "sqlite"/],
      ['http://10.0.0.5/0', /only redis:\/\/ and rediss:\/\/ URLs are stores/],
      ['redis://10.0.0.5/db1', /must be a database number/],
      ['redis://10.0.0.5/0?timeout=1', /takes no query/],
      ['redis://', /names no host|must be "lowdb" or a URL/],
      ['redis://10.0.0.5:99999/0', /must be "lowdb" or a URL/]
    ]
    for (const [value, message] of bad) {
      expect(() => parseStore(value), value).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(message) })
      )
    }
  })
})
