import { streamPair } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { ChatLink } from '../../peer/chat/chat-link.ts'

const message = (id: string) => ({ messageId: id, text: 'hi', sentAt: 1 }) as never

describe('ChatLink', () => {
  it('a send whose write fails rejects once, and the link closing later leaves no unhandled rejection', async () => {
    const [near, far] = await streamPair()
    let closed = false
    const link = new ChatLink(near, 'direct', () => {
      closed = true
    })
    const unhandled: unknown[] = []
    const onUnhandled = (err: unknown): void => {
      unhandled.push(err)
    }
    process.on('unhandledRejection', onUnhandled)
    try {
      // The write fails (the stream is closed for writing), after the ack was already being waited for.
      await near.close()
      await expect(link.send(message('m1'))).rejects.toThrow()
      // Then the link closes: the ack it never got is rejected, with nobody waiting for it any more.
      far.abort(new Error('gone'))
      await expect.poll(() => closed).toBe(true)
      await new Promise(resolve => setTimeout(resolve, 50))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
