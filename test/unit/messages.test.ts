import { describe, expect, it } from 'vitest'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ChatFrame } from '../../src/protocol/pb/chat.ts'
import { FileFrame } from '../../src/protocol/pb/file.ts'
import { ClientMessage, TrackerMessage } from '../../src/protocol/pb/tracker.ts'
import {
  chatFrames,
  clientMessages as corpusClientMessages,
  fileFrames,
  trackerMessages
} from '../fuzz/corpus.ts'

// The same valid messages the fuzzer starts from: every type of every protocol, empty and optional
// fields included.
const clientMessages = corpusClientMessages('alice', 'secret12')

describe('tracker protocol messages', () => {
  it.each(
    clientMessages.map(m => [Object.keys(m).join('+'), m] as const)
  )('ClientMessage %s round-trips', (_, m) => {
    expect(ClientMessage.decode(ClientMessage.encode(m))).toEqual(m)
  })

  it.each(
    trackerMessages.map(m => [Object.keys(m).join('+'), m] as const)
  )('TrackerMessage %s round-trips', (_, m) => {
    expect(TrackerMessage.decode(TrackerMessage.encode(m))).toEqual(m)
  })

  it.each(
    chatFrames.map(m => [Object.keys(m).join('+') || 'empty', m] as const)
  )('ChatFrame %s round-trips', (_, m) => {
    expect(ChatFrame.decode(ChatFrame.encode(m))).toEqual(m)
  })

  it.each(
    fileFrames.map(m => [Object.keys(m).join('+') || 'empty', m] as const)
  )('FileFrame %s round-trips', (_, m) => {
    expect(FileFrame.decode(FileFrame.encode(m))).toEqual(m)
  })

  it('refuses truncated bytes', () => {
    const bytes = ClientMessage.encode(clientMessages[3])
    expect(() => ClientMessage.decode(bytes.subarray(0, bytes.length - 3))).toThrow()
  })

  it('length-prefixes with an unsigned varint', () => {
    expect([...lengthPrefixed(new Uint8Array(3))].slice(0, 1)).toEqual([3])
    expect([...lengthPrefixed(new Uint8Array(300)).subarray(0, 2)]).toEqual([0xac, 0x02])
    expect(lengthPrefixed(new Uint8Array(300))).toHaveLength(302)
    expect([...lengthPrefixed(new Uint8Array(0))]).toEqual([0])
  })
})
