import { InvalidCommandError } from '../../src/errors.ts'
import { dispatchHosted, errorReply, parseCommandLine } from './dispatch.ts'
import type { ApiHost } from './host.ts'
import type { Command, EventMessage, Outbound } from './schema.ts'
import { EVENT_NAMES } from './schema.ts'

/**
 * Longest command accepted, in UTF-8 bytes. The longest legal command is a `msg` with a 64 KiB text:
 * JSON-escaped (every byte as `\u00XX` at worst) that is ~384 KiB, so 1 MiB is never reached honestly.
 */
export const MAX_COMMAND_BYTES = 1024 * 1024

/**
 * One API connection, whatever carries it (stdin/stdout lines, a WebSocket): text messages in, one
 * reply per command in the order the commands came (errors for unreadable ones included), and the
 * peer's events out. The transport splits and bounds messages; the channel does the rest.
 */
export class ApiChannel {
  readonly #host: ApiHost
  readonly #send: (message: Outbound) => void | Promise<void>
  #chain: Promise<void> = Promise.resolve()
  #closed = false
  #detach?: () => void
  readonly #done = Promise.withResolvers<void>()

  /**
   * `send` writes one message to the front-end; when it returns a promise (the transport's buffer is
   * full), the next command waits for it: a client that does not read its replies stops being served
   * instead of growing our memory.
   */
  constructor(host: ApiHost, send: (message: Outbound) => void | Promise<void>) {
    this.#host = host
    this.#send = send
  }

  /** Resolves once `quit` has been answered, or `close()` was called and every reply is written. */
  get done(): Promise<void> {
    return this.#done.promise
  }

  /** Send the host's events (its peer's, and `session`) on this channel until it closes. Attach before `start()` to miss none. */
  forwardEvents(): void {
    if (this.#detach !== undefined) return
    const listeners = EVENT_NAMES.map(name => {
      const listener = (e: CustomEvent): void => {
        if (!this.#closed) void this.#send({ event: name, ...e.detail } as EventMessage)
      }
      this.#host.addEventListener(name, listener)
      return () => this.#host.removeEventListener(name, listener)
    })
    this.#detach = () => {
      for (const off of listeners) off()
    }
  }

  /** One inbound message: a JSON command. Blank messages are ignored. */
  receive(text: string): void {
    if (this.#closed || text.trim() === '') return
    let command: Command | undefined
    let failure: unknown
    try {
      command = parseCommandLine(text)
    } catch (err) {
      failure = err
    }
    this.#enqueue(async () => {
      if (command === undefined) {
        await this.#send(errorReply((failure as { id?: string }).id, failure))
        return
      }
      const { id } = command
      let reply: Outbound
      try {
        reply = {
          ...(id === undefined ? {} : { id }),
          ok: true,
          ...(await dispatchHosted(this.#host, command))
        } as Outbound
      } catch (err) {
        reply = errorReply(id, err)
      }
      await this.#send(reply)
    })
    if (command?.cmd === 'quit' || (command?.cmd === 'logout' && this.#host.endsOnLogout)) this.close()
  }

  /** The transport dropped a message over `MAX_COMMAND_BYTES`: answer it in its place in the order. */
  oversized(bytes: number): void {
    if (this.#closed) return
    const err = new InvalidCommandError(
      `a command line over the ${MAX_COMMAND_BYTES}-byte limit was dropped (${bytes}+ bytes before it was cut)`
    )
    this.#enqueue(async () => this.#send(errorReply(undefined, err)))
  }

  /** Take no more commands; `done` resolves after the replies already due. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#detach?.()
    this.#chain.then(() => this.#done.resolve())
  }

  #enqueue(task: () => Promise<void>): void {
    // Commands run one at a time, so replies come in the order the commands were given.
    this.#chain = this.#chain.then(task).catch(() => {})
  }
}
