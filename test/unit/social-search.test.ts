import { describe, expect, it } from 'vitest'
import { MAX_SEARCH_RESULTS } from '../../src/protocol/constants.ts'
import { UsernameIndex } from '../../tracker/social/search.ts'

describe('UsernameIndex', () => {
  it('lists prefix matches first, then names containing the query, each in key order', () => {
    const index = new UsernameIndex()
    index.addAll(['xbob', 'bobby', 'Bob', 'abobo', 'alice', 'BOBO'])
    expect(index.search('bob', 10)).toEqual(['Bob', 'bobby', 'BOBO', 'abobo', 'xbob'])
    expect(index.search('BO', 3)).toEqual(['Bob', 'bobby', 'BOBO'])
    expect(index.search('bob', 10, 'bobby')).toEqual(['Bob', 'BOBO', 'abobo', 'xbob'])
    expect(index.search('zzz', 10)).toEqual([])
    expect(index.search('', 10)).toEqual([])
  })

  it('lists a name that starts with the query and contains it again only once', () => {
    const index = new UsernameIndex()
    index.addAll(['anna', 'hannah'])
    expect(index.search('a', 10)).toEqual(['anna', 'hannah'])
    expect(index.search('n', 10)).toEqual(['anna', 'hannah'])
  })

  it('compares like logins do: case-insensitive, NFC', () => {
    const index = new UsernameIndex()
    index.addAll(['Zoë', 'ZOEY'])
    expect(index.search('zoe\u0308', 10)).toEqual(['Zoë'])
    // Key order is code-unit order: "zoey" before "zoë".
    expect(index.search('ZO', 10)).toEqual(['ZOEY', 'Zoë'])
  })

  it('keeps names added after start-up in order, once', () => {
    const index = new UsernameIndex()
    index.addAll(['carol', 'alice'])
    index.add('bob')
    index.add('BOB')
    index.add('aaron')
    expect(index.size).toBe(4)
    expect(index.search('a', 10)).toEqual(['aaron', 'alice', 'carol'])
    expect(index.search('b', 10)).toEqual(['bob'])
  })

  it('answers over 100,000 names with a full page or the few rare matches', () => {
    const index = new UsernameIndex()
    const names = Array.from({ length: 100_000 }, (_, i) => `user${i.toString(36)}`)
    names.push('needle', 'haystack-needle')
    index.addAll(names)
    expect(index.size).toBe(100_002)
    expect(index.search('user', MAX_SEARCH_RESULTS)).toHaveLength(MAX_SEARCH_RESULTS)
    // A query few names contain scans every key: the slow case (~2 ms here, see search.ts).
    expect(index.search('needle', MAX_SEARCH_RESULTS)).toEqual(['needle', 'haystack-needle'])
    expect(index.search('ser1z', MAX_SEARCH_RESULTS)).toHaveLength(MAX_SEARCH_RESULTS)
  })
})
