import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { drained } from '../../src/drain.ts'
import { errorFromCode, TimeoutError, UnreachableError } from '../../src/errors.ts'
import { CHAT_ACK_TIMEOUT_MS, MAX_CHAT_FRAME_BYTES } from '../../src/protocol/constants.ts'
import { lengthPrefixed } from '../../src/protocol/frame.ts'
import { ChatFrame } from '../../src/protocol/pb/chat.ts'
import type { Via } from '../core/dial.ts'
import type { StoredMessage } from './history.ts'

/** Our outbound chat stream to one peer, reused for every message, reading acks. */
export class ChatLink {
  readonly stream: Stream
  /** Whether the stream runs on a direct connection or through the tracker's relay. */
  readonly via: Via
  readonly #pending = new Map<string, { resolve: () => void; reject: (err: Error) => void }>()
  closed = false

  constructor(stream: Stream, via: Via, onClose: () => void) {
    this.stream = stream
    this.via = via
    this.#readAcks().finally(() => {
      this.closed = true
      for (const { reject } of this.#pending.values())
        reject(new UnreachableError('the chat stream closed before the ack'))
      this.#pending.clear()
      onClose()
    })
  }

  async send(message: StoredMessage): Promise<void> {
    let entry: { resolve: () => void; reject: (err: Error) => void } | undefined
    const acked = new Promise<void>((resolve, reject) => {
      entry = { resolve, reject }
      this.#pending.set(message.messageId, entry)
    })
    // If the write below throws, nobody awaits `acked`, and the link's closing rejects it later: that
    // rejection must not be unhandled (it would end the process).
    acked.catch(() => {})
    const signal = AbortSignal.timeout(CHAT_ACK_TIMEOUT_MS)
    const onAbort = (): void => {
      this.#pending.get(message.messageId)?.reject(new TimeoutError('no ack from the recipient in time'))
      this.#pending.delete(message.messageId)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      const frame = lengthPrefixed(
        ChatFrame.encode({
          message: { messageId: message.messageId, text: message.text, sentAt: message.sentAt }
        })
      )
      if (!this.stream.send(frame)) await drained(this.stream, signal)
      await acked
    } finally {
      signal.removeEventListener('abort', onAbort)
      if (this.#pending.get(message.messageId) === entry) this.#pending.delete(message.messageId)
    }
  }

  async #readAcks(): Promise<void> {
    const lp = lpStream(this.stream, { maxDataLength: MAX_CHAT_FRAME_BYTES })
    try {
      while (true) {
        const frame = ChatFrame.decode(await lp.read())
        const ack = frame.ack
        if (ack === undefined) continue
        const waiter = this.#pending.get(ack.messageId)
        this.#pending.delete(ack.messageId)
        if (waiter === undefined) continue
        if (ack.error === '') waiter.resolve()
        else waiter.reject(errorFromCode(ack.error, refusal(ack.error)))
      }
    } catch {
      // Closed, reset or garbage: the link is done; unacked messages stay in the outbox.
    }
  }
}

/** Why the recipient refused a message, in words (the code travels in the ack). */
function refusal(code: string): string {
  if (code === 'NOT_A_FRIEND') {
    return 'the recipient accepts messages from friends only: ask them to be friends (friend-add), then send again'
  }
  return `the recipient refused the message: ${code}`
}
