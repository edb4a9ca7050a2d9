import type { Stream } from '@libp2p/interface'
import { pEvent } from 'p-event'

/**
 * Wait until `stream` can take more data after `send()` returned false. js-libp2p 3's `onDrain()` keeps
 * its first resolved promise and so returns at once on every later call while the stream still needs
 * draining, which turns a sender's loop into an unbounded buffer; this waits for the `drain` event
 * itself. Rejects when the stream closes (with the close's error) or `signal` aborts.
 */
export async function drained(stream: Stream, signal?: AbortSignal): Promise<void> {
  if ((stream as { writableNeedsDrain?: boolean }).writableNeedsDrain !== true) return
  try {
    await pEvent(stream, 'drain', { rejectionEvents: ['close'], signal })
  } catch (err) {
    if (err instanceof Event) throw (err as Event & { error?: Error }).error ?? new Error('stream closed')
    throw err
  }
}
