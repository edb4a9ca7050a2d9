import type { NetworkInterfaceInfo } from 'node:os'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Answer } from 'dns-packet'
import packet from 'dns-packet'
import { beforeAll, describe, expect, it } from 'vitest'
import { announceTracker, DEFAULT_DISCOVERY_TIMEOUT_MS, discoverTrackers } from '../../src/discovery/mdns.ts'
import {
  announcedAddrs,
  cleanText,
  DNS_SD_SERVICES,
  defaultInstanceName,
  instanceLabel,
  isOnLink,
  MAX_ADDRS_PER_TRACKER,
  MAX_NAME_CHARS,
  MAX_TRACKED_INSTANCES,
  MDNS_SERVICE_TYPE,
  matchQuestions,
  parseTrackerAddr,
  TrackerCollector,
  targetHost,
  trackerFromTxt,
  trackerRecords
} from '../../src/discovery/mdns-records.ts'
import { InvalidOptionError } from '../../src/errors.ts'

const newPeerId = async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
let A: string
let B: string

beforeAll(async () => {
  ;[A, B] = [await newPeerId(), await newPeerId()]
})

const iface = (address: string, netmask: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask,
  family: 'IPv4',
  mac: '00:00:00:00:00:00',
  internal,
  cidr: null
})
const HOST = {
  lo: [iface('127.0.0.1', '255.0.0.0', true)],
  eth0: [iface('192.168.1.5', '255.255.255.0')],
  wlan0: [iface('10.0.0.7', '255.0.0.0')]
}

/** A decoded response, as multicast-dns hands it over. */
const response = (answers: unknown[], additionals: unknown[] = []) => ({
  type: 'response',
  answers,
  additionals
})
const ptr = (instance: string, ttl = 120) => ({
  name: MDNS_SERVICE_TYPE,
  type: 'PTR',
  ttl,
  data: `${instance}.${MDNS_SERVICE_TYPE}`
})
const txt = (instance: string, strings: Array<string | Buffer>, ttl = 120) => ({
  name: `${instance}.${MDNS_SERVICE_TYPE}`,
  type: 'TXT',
  ttl,
  data: strings.map(s => (typeof s === 'string' ? Buffer.from(s) : s))
})
const addr = (host: string, peer: string) => `/ip4/${host}/tcp/4001/p2p/${peer}`
const collect = (...packets: unknown[]) => {
  const c = new TrackerCollector()
  for (const p of packets) c.add(p)
  return c.trackers(32)
}

describe('mDNS names', () => {
  it('cleans an instance name into one printable DNS label of at most 63 bytes', () => {
    expect(instanceLabel('my\u0007 tracker\u202e.lan\n')).toBe('my tracker-lan')
    const label = instanceLabel('é'.repeat(40))
    expect(label).toBe('é'.repeat(31))
    expect(Buffer.byteLength(label)).toBe(62)
    expect(instanceLabel('\u0000\u001b\u200b')).toBe('')
    expect(defaultInstanceName('box.example.com')).toBe('p2pchat tracker on box')
    expect(cleanText(`a\u0000b${'c'.repeat(100)}`, 5)).toBe('abccc')
  })

  it('accepts only canonical addresses ending in /p2p/<PeerId>', () => {
    expect(parseTrackerAddr(addr('192.168.1.5', A))).toEqual({ addr: addr('192.168.1.5', A), peerId: A })
    expect(parseTrackerAddr('/ip4/192.168.1.5/tcp/4001')).toBeUndefined()
    expect(parseTrackerAddr('/ip4/192.168.1.5/tcp/4001/p2p/12D3KooWnotapeerid')).toBeUndefined()
    expect(parseTrackerAddr('/ip4/999.1.1.1/tcp/1/p2p/x')).toBeUndefined()
    expect(parseTrackerAddr(`/dns4/${'a'.repeat(300)}/tcp/1/p2p/${A}`)).toBeUndefined()
    expect(parseTrackerAddr(42)).toBeUndefined()
  })

  it('matches the questions it answers, case-insensitively', () => {
    const q = (name: string, type: string) => [{ name, type, class: 'IN' }]
    expect([...matchQuestions(q('_P2PCHAT._tcp.local', 'PTR'), 'x')]).toEqual(['service'])
    expect([...matchQuestions(q(DNS_SD_SERVICES, 'ANY'), 'x')]).toEqual(['enumerate'])
    expect([...matchQuestions(q(`X.${MDNS_SERVICE_TYPE}`, 'TXT'), 'x')]).toEqual(['instance'])
    expect([...matchQuestions(q('p2pchat-abc.local', 'A'), 'x', 'p2pchat-abc.local')]).toEqual(['host'])
    expect(matchQuestions(q('_http._tcp.local', 'PTR'), 'x').size).toBe(0)
    expect(matchQuestions('junk', 'x').size).toBe(0)
    expect(matchQuestions([null, 7, { name: 3 }], 'x').size).toBe(0)
  })

  it('believes only packets from a directly connected subnet', () => {
    expect(isOnLink('192.168.1.200', HOST)).toBe(true)
    expect(isOnLink('127.0.0.1', HOST)).toBe(true)
    expect(isOnLink('192.168.2.1', HOST)).toBe(false)
    expect(isOnLink('not an ip', HOST)).toBe(false)
  })
})

describe('announced addresses', () => {
  it('expands 0.0.0.0 to the non-internal addresses, querier subnet first, loopback left out', () => {
    const raw = [addr('0.0.0.0', A), addr('127.0.0.1', A)]
    expect(announcedAddrs(raw, HOST)).toEqual({
      peerId: A,
      addrs: [addr('192.168.1.5', A), addr('10.0.0.7', A)],
      ipv4: ['192.168.1.5', '10.0.0.7'],
      port: 4001
    })
    expect(announcedAddrs(raw, HOST, ['10.9.9.9'])?.addrs).toEqual([
      addr('10.0.0.7', A),
      addr('192.168.1.5', A)
    ])
  })

  it('keeps one PeerId, valid addresses only, at most 8, and nothing when nothing is left', () => {
    const many = Array.from({ length: 20 }, (_, i) => addr(`192.168.1.${i + 10}`, A))
    const got = announcedAddrs(['junk', addr('192.168.1.5', B), ...many, `/dns4/x/tcp/1/p2p/${A}`], HOST)
    expect(got?.peerId).toBe(B)
    expect(got?.addrs).toEqual([addr('192.168.1.5', B)])
    expect(announcedAddrs(many, HOST)?.addrs).toHaveLength(MAX_ADDRS_PER_TRACKER)
    expect(announcedAddrs([addr('127.0.0.1', A), '/ip4/1.2.3.4/tcp/1'], HOST)).toBeUndefined()
    expect(announcedAddrs([], HOST)).toBeUndefined()
  })
})

describe('tracker records', () => {
  it('survive a round trip through the DNS wire format and describe the tracker', () => {
    const announced = announcedAddrs([addr('0.0.0.0', A)], HOST)!
    const records = trackerRecords('Tracker A', announced, new Set(['service']))
    expect(records.answers.map(r => r.type)).toEqual(['PTR'])
    expect(records.additionals.map(r => r.type)).toEqual(['SRV', 'TXT', 'A', 'A'])
    const srv = records.additionals[0] as Extract<Answer, { type: 'SRV' }>
    expect(srv.data).toMatchObject({ port: 4001, target: targetHost(A) })
    const wire = packet.decode(packet.encode({ type: 'response', ...records }))
    expect(collect(wire)).toEqual([{ name: 'Tracker A', peerId: A, addrs: announced.addrs }])
  })

  it('with TTL 0 are a goodbye that removes the tracker', () => {
    const announced = announcedAddrs([addr('192.168.1.5', A)], HOST)!
    const hello = trackerRecords('T', announced, new Set(['service']))
    const bye = trackerRecords('T', announced, new Set(['service', 'instance']), 0)
    expect([...bye.answers, ...bye.additionals].every(r => (r as { ttl?: number }).ttl === 0)).toBe(true)
    const wire = (r: typeof hello) => packet.decode(packet.encode({ type: 'response', ...r }))
    expect(collect(wire(hello))).toHaveLength(1)
    expect(collect(wire(hello), wire(bye))).toEqual([])
  })

  it('keep every TXT string within 255 bytes', () => {
    const long = `/dns4/${'a'.repeat(180)}.example/tcp/4001/p2p/${A}`
    const announced = announcedAddrs([long, addr('192.168.1.5', A)], HOST)!
    expect(announced.addrs).toEqual([addr('192.168.1.5', A)])
  })
})

describe('discovered trackers from hostile responses', () => {
  it('ignores a record whose addresses name different PeerIds', () => {
    const lie = [
      ptr('x'),
      txt('x', ['v=1', `dnsaddr=${addr('192.168.1.9', A)}`, `dnsaddr=${addr('192.168.1.9', B)}`])
    ]
    expect(collect(response(lie))).toEqual([])
  })

  it('drops addresses without /p2p/ or that do not parse, and a record with none left', () => {
    const bad = ['v=1', 'dnsaddr=/ip4/192.168.1.9/tcp/4001', 'dnsaddr=not a multiaddr', 'dnsaddr=']
    expect(collect(response([ptr('x'), txt('x', bad)]))).toEqual([])
    const mixed = [...bad, `dnsaddr=${addr('192.168.1.9', A)}`]
    expect(collect(response([ptr('x'), txt('x', mixed)]))).toEqual([
      { name: 'x', peerId: A, addrs: [addr('192.168.1.9', A)] }
    ])
  })

  it('strips control characters from names and bounds their length', () => {
    const evil = `bad\u0007\u001b[31m\u202ename${'!'.repeat(200)}`
    const [found] = collect(response([ptr(evil), txt(evil, ['v=1', `dnsaddr=${addr('192.168.1.9', A)}`])]))
    expect(found.name).toBe(`bad[31mname${'!'.repeat(MAX_NAME_CHARS - 11)}`)
    expect(found.name).toHaveLength(MAX_NAME_CHARS)
  })

  it('reads only the first TXT strings of a record with 1000', () => {
    const late = [...Array.from({ length: 999 }, (_, i) => `k${i}=x`), `dnsaddr=${addr('192.168.1.9', A)}`]
    expect(collect(response([ptr('x'), txt('x', ['v=1', ...late])]))).toEqual([])
    const flood = Array.from(
      { length: 1000 },
      (_, i) => `dnsaddr=/ip4/10.0.${i >> 8}.${i & 255}/tcp/1/p2p/${A}`
    )
    const [found] = collect(response([ptr('x'), txt('x', ['v=1', ...flood])]))
    expect(found.addrs).toHaveLength(MAX_ADDRS_PER_TRACKER)
  })

  it('needs v=1 (the first v= counts), a PTR listing the instance, and UTF-8', () => {
    const a = `dnsaddr=${addr('192.168.1.9', A)}`
    expect(collect(response([ptr('x'), txt('x', ['v=2', a])]))).toEqual([])
    expect(collect(response([ptr('x'), txt('x', [a])]))).toEqual([])
    expect(collect(response([ptr('x'), txt('x', ['v=2', 'v=1', a])]))).toEqual([])
    expect(collect(response([txt('x', ['v=1', a])]))).toEqual([])
    expect(collect(response([ptr('x'), txt('x', [Buffer.from([0x76, 0x3d, 0xff]), a])]))).toEqual([])
    const outside = { name: MDNS_SERVICE_TYPE, type: 'PTR', ttl: 120, data: 'x.example.com' }
    expect(collect(response([outside, txt('x', ['v=1', a])]))).toEqual([])
  })

  it('lists a tracker once, however often or under however many names it answers', () => {
    const one = (name: string, host: string) =>
      response([ptr(name), txt(name, ['v=1', `dnsaddr=${addr(host, A)}`])])
    expect(collect(one('x', '192.168.1.9'), one('x', '192.168.1.9'))).toEqual([
      { name: 'x', peerId: A, addrs: [addr('192.168.1.9', A)] }
    ])
    expect(collect(one('b', '192.168.1.9'), one('a', '10.0.0.9'))).toEqual([
      { name: 'a', peerId: A, addrs: [addr('10.0.0.9', A), addr('192.168.1.9', A)] }
    ])
  })

  it('sorts by name, then PeerId, and keeps two trackers sharing a name', () => {
    const one = (name: string, peer: string) =>
      response([ptr(name), txt(name, ['v=1', `dnsaddr=${addr('192.168.1.9', peer)}`])])
    const two = collect(one('same', B), one('same', A))
    expect(two.map(t => [t.name, t.peerId])).toEqual([A, B].sort().map(p => ['same', p]))
    // Code-point order, the same on every machine: upper case before lower case.
    expect(collect(one('b', B), one('Zed', A)).map(t => t.name)).toEqual(['Zed', 'b'])
    expect(collect(one('b', B), one('a', A)).map(t => t.name)).toEqual(['a', 'b'])
  })

  it('bounds the instances it remembers and the trackers it returns', async () => {
    const c = new TrackerCollector()
    for (let i = 0; i < MAX_TRACKED_INSTANCES + 50; i++) c.add(response([ptr(`fake${i}`)]))
    c.add(response([ptr('real'), txt('real', ['v=1', `dnsaddr=${addr('192.168.1.9', A)}`])]))
    expect(c.trackers(32)).toEqual([])
    const d = new TrackerCollector()
    const peers = await Promise.all(Array.from({ length: 40 }, newPeerId))
    for (const [i, p] of peers.entries())
      d.add(response([ptr(`t${i}`), txt(`t${i}`, ['v=1', `dnsaddr=${addr('192.168.1.9', p)}`])]))
    expect(d.trackers(32)).toHaveLength(32)
    expect(d.trackers(3)).toHaveLength(3)
  })

  it('never throws on malformed packets', () => {
    const c = new TrackerCollector()
    const junk = [null, undefined, 7, 'x', [], { type: 'response' }, { type: 'query', answers: [ptr('x')] }]
    for (const p of junk) c.add(p)
    c.add(response([null, 5, { type: 'PTR', name: MDNS_SERVICE_TYPE, data: 42 }, { type: 'TXT', name: 9 }]))
    c.add(response([ptr('x'), { name: `x.${MDNS_SERVICE_TYPE}`, type: 'TXT', data: { length: 1e9 } }]))
    c.add(response([ptr('x'), { name: `x.${MDNS_SERVICE_TYPE}`, type: 'TXT', data: 'v=1' }]))
    expect(c.trackers(32)).toEqual([])
    expect(trackerFromTxt('x', undefined)).toBeUndefined()
  })
})

describe('mDNS options, checked before any socket opens', () => {
  it('refuses bad discovery options and an aborted signal', async () => {
    expect(DEFAULT_DISCOVERY_TIMEOUT_MS).toBe(2_000)
    await expect(discoverTrackers({ timeoutMs: -1 })).rejects.toBeInstanceOf(InvalidOptionError)
    await expect(discoverTrackers({ timeoutMs: Number.NaN })).rejects.toMatchObject({
      code: 'INVALID_OPTION'
    })
    await expect(discoverTrackers({ max: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    await expect(discoverTrackers({ max: 1.5 })).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    const aborted = AbortSignal.abort(new Error('user gave up'))
    await expect(discoverTrackers({ signal: aborted })).rejects.toThrow('user gave up')
  })

  it('refuses an instance name with nothing printable', async () => {
    await expect(announceTracker({ name: '\u0000\u200b', addrs: () => [] })).rejects.toMatchObject({
      code: 'INVALID_OPTION'
    })
  })
})
