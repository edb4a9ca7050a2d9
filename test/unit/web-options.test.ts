import { describe, expect, it } from 'vitest'
import { parseWebArgs } from '../../peer/web/cli.ts'
import { allowedHosts } from '../../peer/web/web-guard.ts'

describe('p2pchat web options', () => {
  it('takes a whole port number and says the range for a bad one, negative ones included', () => {
    expect(parseWebArgs(['--port', '0', '--no-open'])).toMatchObject({ port: 0, open: false })
    for (const port of ['1.5', '-1', '65536', 'abc']) {
      expect(() => parseWebArgs(['--port', port]), port).toThrow(
        /--port must be a whole number from 0 to 65535/
      )
    }
    expect(() => parseWebArgs(['--offer-timeout', '-3'])).toThrow(/--offer-timeout must be a number from 1/)
  })

  it('refuses empty values instead of reading them as the current directory', () => {
    for (const flag of ['--data', '--downloads', '--host']) {
      expect(() => parseWebArgs([flag, '']), flag).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' })
      )
    }
    expect(() => parseWebArgs(['--tracker', '/ip4/127.0.0.1/tcp/4001'])).toThrow(/\/p2p\//)
  })
})

describe('the Host names p2pchat web answers to', () => {
  it('on loopback: the loopback names only', () => {
    expect([...allowedHosts('127.0.0.1', 7070, ['192.0.2.2'])].sort()).toEqual([
      '127.0.0.1:7070',
      '[::1]:7070',
      'localhost:7070'
    ])
  })

  it('on every interface: also this machine’s addresses as the network names them', () => {
    const hosts = allowedHosts('0.0.0.0', 7070, ['127.0.0.1', '192.0.2.2', '2001:db8::2'])
    expect(hosts.has('192.0.2.2:7070')).toBe(true)
    expect(hosts.has('[2001:db8::2]:7070')).toBe(true)
    expect(hosts.has('evil.example:7070')).toBe(false)
  })

  it('on one address: that address', () => {
    expect([...allowedHosts('192.0.2.2', 8080, [])]).toEqual(['192.0.2.2:8080'])
    expect([...allowedHosts('2001:db8::2', 8080, [])]).toEqual(['[2001:db8::2]:8080'])
  })
})
