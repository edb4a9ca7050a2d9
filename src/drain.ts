import type { Stream } from '@libp2p/interface'

/**
 * Wait until `stream` can take more data after `send()` returned false. js-libp2p 3's `onDrain()` keeps
 * its first resolved promise and so returns at once on every later call while the stream still needs
 * draining, which turns a sender's loop into an unbounded buffer; this listens for the `drain` event
 * itself. Rejects when the stream closes or `signal` aborts.
 */
export function drained(stream: Stream, signal?: AbortSignal): Promise<void> {
  if ((stream as { writableNeedsDrain?: boolean }).writableNeedsDrain !== true) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const done = (err?: unknown): void => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      signal?.removeEventListener('abort', onAbort)
      if (err === undefined) resolve()
      else reject(err)
    }
    const onDrain = (): void => done()
    const onClose = (evt: Event): void =>
      done((evt as Event & { error?: Error }).error ?? new Error('stream closed'))
    const onAbort = (): void => done(signal?.reason)
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
    signal?.addEventListener('abort', onAbort)
  })
}
