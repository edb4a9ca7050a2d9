import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { findTracker } from '../../peer/find-tracker.ts'
import type { DiscoveredTracker } from '../../src/discovery/mdns.ts'

const ID1 = '12D3KooWEmU9bX83LKRfdAkMXzX9xBWUKKnMSRAkbgWHJyZ9EQ7Q'
const ID2 = '12D3KooWEvLwvmq8q96Xj6qtdnA4HnC1W7Vkes7YFdiDpqKdKPXb'
const T1: DiscoveredTracker = { name: 'office', peerId: ID1, addrs: [`/ip4/192.168.1.1/tcp/4001/p2p/${ID1}`] }
const T2: DiscoveredTracker = {
  name: 'lab \u001b[31mred\u0007',
  peerId: ID2,
  addrs: [`/ip4/192.168.1.9/tcp/4001/p2p/${ID2}`]
}

function run(found: DiscoveredTracker[], opts: { interactive?: boolean; typed?: string } = {}) {
  const out = new PassThrough()
  let text = ''
  out.on('data', chunk => {
    text += chunk
  })
  const input = new PassThrough()
  if (opts.typed !== undefined) input.end(opts.typed)
  const result = findTracker({
    out,
    input,
    interactive: opts.interactive,
    timeoutMs: 2_000,
    discover: async () => found
  })
  return { result, text: () => text }
}

describe('findTracker (p2pchat peer without --tracker)', () => {
  it('uses the one tracker that answered, and says which', async () => {
    const r = run([T1])
    expect(await r.result).toBe(T1.addrs[0])
    expect(r.text()).toContain(`Found tracker "office" at ${T1.addrs[0]}`)
  })

  it('none: INVALID_OPTION telling to pass --tracker', async () => {
    await expect(run([]).result).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/no tracker answered on the local network within 2 s; pass --tracker/)
    })
  })

  it('several without a terminal: lists them (names escaped) and asks for --tracker', async () => {
    const err = await run([T1, T2]).result.catch(e => e)
    expect(err.code).toBe('INVALID_OPTION')
    expect(err.message).toContain('2 trackers answered on the local network; choose one with --tracker')
    expect(err.message).toContain(`1) office  ${T1.addrs[0]}`)
    // Nothing from the network reaches the terminal as a control character (newlines are ours).
    expect([...err.message].filter(c => c < ' ' && c !== '\n')).toEqual([])
    expect(err.message).toContain('2) lab ')
  })

  it('several at a terminal: asks until a valid number is typed', async () => {
    const r = run([T1, T2], { interactive: true, typed: 'x\n7\n2\n' })
    expect(await r.result).toBe(T2.addrs[0])
    expect(r.text()).toContain('Type a number from 1 to 2.')
    expect(r.text()).not.toContain('\u001b[31m')
  })

  it('several at a terminal whose input ends: no tracker chosen', async () => {
    await expect(run([T1, T2], { interactive: true, typed: '' }).result).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/no tracker chosen/)
    })
  })
})
