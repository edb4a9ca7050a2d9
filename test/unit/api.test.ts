import { describe, expect, it } from 'vitest'
import { ApiChannel, MAX_COMMAND_BYTES } from '../../peer/api/channel.ts'
import { errorReply, parseCommand, parseCommandLine } from '../../peer/api/dispatch.ts'
import { PeerHost } from '../../peer/api/host.ts'
import { lineSplitter } from '../../peer/api/json-lines.ts'
import type { Outbound } from '../../peer/api/schema.ts'
import { COMMAND_NAMES, EVENT_NAMES } from '../../peer/api/schema.ts'
import type { PeerClient } from '../../peer/core/peer-client.ts'
import { TextTooLongError } from '../../src/errors.ts'

/** The fake peer's tracker address: these tests never dial it. */
const TRACKER = '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWfake'

describe('command parsing', () => {
  it('parses commands and keeps the id', () => {
    expect(parseCommandLine('{"id":"1","cmd":"who"}')).toEqual({ id: '1', cmd: 'who' })
    expect(parseCommandLine('{"cmd":"msg","to":"bob","text":"hi"}')).toMatchObject({ cmd: 'msg', to: 'bob' })
    expect(parseCommand({ cmd: 'history', with: 'bob' })).toEqual({ cmd: 'history', with: 'bob' })
    expect(parseCommand({ cmd: 'accept-file', transferId: 'x', dir: null })).toMatchObject({
      transferId: 'x'
    })
  })

  it.each([
    ['not json', 'not JSON', undefined],
    ['[1,2]', 'JSON object', undefined],
    ['"who"', 'JSON object', undefined],
    ['{"cmd":"fly","id":"a"}', 'unknown command', 'a'],
    ['{"cmd":42}', 'unknown command', undefined],
    ['{"id":7,"cmd":"who"}', '"id" must be a string', undefined],
    ['{"id":"b","cmd":"msg","to":"bob"}', 'needs "text"', 'b'],
    ['{"id":"c","cmd":"msg","to":"bob","text":5}', '"text" must be a string', 'c'],
    ['{"id":"d","cmd":"msg","to":"bob","txt":"hi"}', 'no field "txt"', 'd'],
    ['{"cmd":"history","with":"bob","limit":"9"}', '"limit" must be a number', undefined],
    ['{"cmd":"toString"}', 'unknown command', undefined],
    ['{"cmd":"who","__proto__":{"x":1}}', 'no field', undefined]
  ])('refuses %s with INVALID_COMMAND', (line, text, id) => {
    let caught: unknown
    try {
      parseCommandLine(line)
    } catch (err) {
      caught = err
    }
    expect(caught).toMatchObject({ code: 'INVALID_COMMAND', message: expect.stringContaining(text) })
    expect((caught as { id?: string }).id).toBe(id)
  })

  it('turns errors into replies with their code', () => {
    expect(errorReply('9', new TextTooLongError('too long'))).toEqual({
      id: '9',
      ok: false,
      error: { code: 'TEXT_TOO_LONG', message: 'too long' }
    })
    expect(errorReply(undefined, new Error('boom'))).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom' }
    })
  })

  it('lists every command and event in help', () => {
    expect(COMMAND_NAMES).toContain('discard-file')
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length)
  })
})

/** A stand-in peer whose commands resolve when the test says so, to check reply order. */
function fakePeer(): { peer: PeerClient; release: (user: string) => void } {
  const gates = new Map<string, PromiseWithResolvers<void>>()
  const gate = (user: string): PromiseWithResolvers<void> => {
    if (!gates.has(user)) gates.set(user, Promise.withResolvers<void>())
    return gates.get(user)!
  }
  const peer = {
    username: 'me',
    async send(to: string) {
      await gate(to).promise
      return { messageId: `m-${to}`, to }
    },
    isOnline: () => true,
    who: () => [],
    trackerState: 'connected',
    trackerAddr: TRACKER,
    onlineAsOf: 0,
    addEventListener() {},
    removeEventListener() {}
  } as unknown as PeerClient
  return { peer, release: user => gate(user).resolve() }
}

describe('ApiChannel', () => {
  it('answers in command order, errors for unreadable lines included', async () => {
    const { peer, release } = fakePeer()
    const out: Outbound[] = []
    const channel = new ApiChannel(new PeerHost(peer), m => {
      out.push(m)
    })
    channel.receive('{"id":"1","cmd":"msg","to":"slow","text":"a"}')
    channel.receive('this is not json')
    channel.receive('{"id":"3","cmd":"msg","to":"fast","text":"b"}')
    channel.oversized(MAX_COMMAND_BYTES + 1)
    channel.receive('{"id":"5","cmd":"quit"}')
    channel.receive('{"id":"6","cmd":"who"}')
    release('fast')
    await new Promise(r => setTimeout(r, 10))
    expect(out).toEqual([])
    release('slow')
    await channel.done
    expect(out.map(o => ('id' in o ? o.id : undefined))).toEqual(['1', undefined, '3', undefined, '5'])
    expect(out.map(o => ('ok' in o ? o.ok : undefined))).toEqual([true, false, true, false, true])
  })

  it('serves the next command only once the front-end took the last reply (back-pressure)', async () => {
    const { peer } = fakePeer()
    const out: Outbound[] = []
    let drained: (() => void) | undefined
    const channel = new ApiChannel(new PeerHost(peer), m => {
      out.push(m)
      // The first reply fills the transport's buffer.
      if (out.length === 1) return new Promise<void>(resolve => (drained = resolve))
    })
    channel.receive('{"id":"1","cmd":"who"}')
    channel.receive('{"id":"2","cmd":"who"}')
    await new Promise(r => setTimeout(r, 20))
    expect(out).toHaveLength(1)
    drained?.()
    channel.close()
    await channel.done
    expect(out).toHaveLength(2)
  })
})

describe('lineSplitter', () => {
  it('splits across chunks, keeps a last line without newline, bounds each line', () => {
    const lines: string[] = []
    const over: number[] = []
    const s = lineSplitter(
      10,
      l => lines.push(l),
      n => over.push(n)
    )
    s.push(Buffer.from('ab'))
    s.push(Buffer.from('c\nd€\n0123456789'))
    s.push(Buffer.from('X more\nok\nlast'))
    s.end()
    expect(lines).toEqual(['abc', 'd€', 'ok', 'last'])
    expect(over).toHaveLength(1)
  })

  it('drops a line longer than the limit even when it arrives whole in one chunk', () => {
    const lines: string[] = []
    let over = 0
    const s = lineSplitter(
      8,
      l => lines.push(l),
      () => over++
    )
    s.push(Buffer.from('0123456789abcdef\nshort\n'))
    expect(lines).toEqual(['short'])
    expect(over).toBe(1)
  })
})
