import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { drained } from '../../src/drain.ts'
import { errorFromCode, TimeoutError, UnreachableError } from '../../src/errors.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { GroupFrame } from '../../src/protocol/pb/group.ts'
import { GROUP_ACK_TIMEOUT_MS, MAX_GROUP_FRAME_BYTES } from './constants.ts'
import type { StoredPost } from './group-post.ts'
import { toWire } from './group-post.ts'

/** Our outbound stream to one member, reused for every post we push them, reading their acks. */
export class GroupLink {
  readonly stream: Stream
  readonly #pending = new Map<string, { resolve: () => void; reject: (err: Error) => void }>()
  readonly #ackTimeoutMs: number
  closed = false

  constructor(stream: Stream, onClose: () => void, ackTimeoutMs = GROUP_ACK_TIMEOUT_MS) {
    this.stream = stream
    this.#ackTimeoutMs = ackTimeoutMs
    this.#readAcks().finally(() => {
      this.closed = true
      for (const { reject } of this.#pending.values())
        reject(new UnreachableError('the group stream closed before the ack'))
      this.#pending.clear()
      onClose()
    })
  }

  /** Write `post` and wait for its ack; rejects with the receiver's error code, or on a timeout. */
  async send(post: StoredPost): Promise<void> {
    if (this.closed) throw new UnreachableError('the group stream is closed')
    const acked = new Promise<void>((resolve, reject) =>
      this.#pending.set(post.messageId, { resolve, reject })
    )
    const signal = AbortSignal.timeout(this.#ackTimeoutMs)
    const onAbort = (): void => {
      this.#pending.get(post.messageId)?.reject(new TimeoutError('no ack from the member in time'))
      this.#pending.delete(post.messageId)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      if (!this.stream.send(lengthPrefixed(GroupFrame.encode({ post: toWire(post) })))) {
        await drained(this.stream, signal)
      }
      await acked
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  async #readAcks(): Promise<void> {
    const lp = lpStream(this.stream, { maxDataLength: MAX_GROUP_FRAME_BYTES })
    try {
      while (true) {
        const ack = GroupFrame.decode(await lp.read()).ack
        if (ack === undefined) continue
        const waiter = this.#pending.get(ack.messageId)
        this.#pending.delete(ack.messageId)
        if (waiter === undefined) continue
        if (ack.error === '') waiter.resolve()
        else waiter.reject(errorFromCode(ack.error, `the member refused the post: ${ack.error}`))
      }
    } catch {
      // Closed, reset or garbage: the link is done; unacked posts are retried or left to catch-up.
    }
  }
}
