import type {
  CommandArgs,
  CommandName,
  ErrorReply,
  EventMessage,
  EventName,
  Outbound,
  Replies,
  Reply
} from '../../api/schema.ts'

/** `open`: commands flow; `connecting`/`lost`: retrying; `refused`: bad token or origin, no retry. */
export type ConnectionState = 'connecting' | 'open' | 'lost' | 'refused'

/** An `ok: false` reply (or a command that could not be sent) as a rejected promise. */
export class ApiError extends Error {
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
  }
}

/** Close codes the server uses for a page without a valid token (4401) or from another origin (4403). */
const REFUSED_CLOSE_CODES = new Set([4401, 4403])
/** Reconnecting after the server went away: first wait, longest wait. */
const RETRY_FIRST_MS = 500
const RETRY_MAX_MS = 5_000
/**
 * Events nobody listens to yet are kept, up to this many, for the main window to replay: a login
 * delivers the outbox, friend requests and group catch-up before its reply reaches the page.
 */
const MAX_UNHEARD_EVENTS = 2_000

type EventHandler<K extends EventName> = (event: EventMessage<K>) => void
type AnyHandler = (event: EventMessage) => void
type StateHandler = (state: ConnectionState) => void

interface Pending {
  resolve: (reply: unknown) => void
  reject: (err: Error) => void
}

/**
 * The page's side of the WebSocket API (docs/api.md): one JSON object per text frame, commands with an
 * `id`, one reply per command, events any time. Reconnects with back-off while the server is away.
 */
export class ApiClient {
  readonly #token: string
  readonly #url: string
  #socket: WebSocket | undefined
  #state: ConnectionState = 'connecting'
  #nextId = 1
  #retryMs = RETRY_FIRST_MS
  #retryTimer: number | undefined
  #stopped = false
  readonly #pending = new Map<string, Pending>()
  readonly #handlers = new Map<EventName, Set<AnyHandler>>()
  readonly #stateHandlers = new Set<StateHandler>()
  #unheard: EventMessage[] = []

  constructor(token: string, host: string = location.host) {
    this.#token = token
    this.#url = `ws://${host}/api?token=${encodeURIComponent(token)}`
  }

  get state(): ConnectionState {
    return this.#state
  }

  get token(): string {
    return this.#token
  }

  start(): void {
    this.#stopped = false
    this.#connect()
  }

  stop(): void {
    this.#stopped = true
    window.clearTimeout(this.#retryTimer)
    this.#socket?.close(1000)
  }

  /** Run one command; resolves with the reply's fields, rejects with an ApiError carrying its `code`. */
  call<K extends CommandName>(cmd: K, args: CommandArgs<K>): Promise<Replies[K]> {
    const socket = this.#socket
    if (this.#state !== 'open' || socket === undefined) {
      return Promise.reject(new ApiError('DISCONNECTED', 'not connected to p2pchat web'))
    }
    const id = String(this.#nextId++)
    return new Promise<Replies[K]>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (reply: unknown) => void, reject })
      socket.send(JSON.stringify({ ...args, id, cmd }))
    })
  }

  /** Listen to one event; returns the function that stops listening. */
  on<K extends EventName>(event: K, handler: EventHandler<K>): () => void {
    let set = this.#handlers.get(event)
    if (set === undefined) {
      set = new Set()
      this.#handlers.set(event, set)
    }
    set.add(handler as AnyHandler)
    return () => set.delete(handler as AnyHandler)
  }

  onState(handler: StateHandler): () => void {
    this.#stateHandlers.add(handler)
    return () => this.#stateHandlers.delete(handler)
  }

  /** Forget the events nobody heard (a new login starts; what came before is not its business). */
  clearUnheard(): void {
    this.#unheard = []
  }

  /** Hand the events nobody heard yet to the handlers registered since, in their order. */
  replayUnheard(): void {
    const events = this.#unheard
    this.#unheard = []
    for (const event of events) {
      const handlers = this.#handlers.get(event.event)
      if (handlers !== undefined) this.#dispatch(event, handlers)
    }
  }

  #dispatch(event: EventMessage, handlers: Set<AnyHandler>): void {
    for (const handler of [...handlers]) {
      try {
        handler(event)
      } catch (err) {
        console.error('p2pchat: handler for', event.event, 'failed', err)
      }
    }
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return
    this.#state = state
    for (const handler of this.#stateHandlers) handler(state)
  }

  #connect(): void {
    if (this.#stopped) return
    let opened = false
    let socket: WebSocket
    try {
      socket = new WebSocket(this.#url)
    } catch {
      this.#setState('refused')
      return
    }
    this.#socket = socket
    socket.addEventListener('open', () => {
      opened = true
      this.#retryMs = RETRY_FIRST_MS
      this.#setState('open')
    })
    socket.addEventListener('message', e => {
      if (typeof e.data === 'string') this.#receive(e.data)
    })
    socket.addEventListener('close', e => {
      if (this.#socket !== socket) return
      this.#socket = undefined
      this.#failPending()
      if (this.#stopped) return
      if (REFUSED_CLOSE_CODES.has(e.code)) {
        this.#setState('refused')
        return
      }
      if (opened) {
        this.#setState('lost')
        this.#scheduleRetry()
      } else {
        void this.#probeThenRetry()
      }
    })
  }

  /**
   * A WebSocket refused during the handshake (401/403) looks like a server that is down (close 1006).
   * Ask for the page with the same token over plain HTTP: a 401/403 means the token (or the origin) is
   * wrong, and retrying cannot help; no answer means the server is away.
   */
  async #probeThenRetry(): Promise<void> {
    try {
      const res = await fetch(`/?token=${encodeURIComponent(this.#token)}`, {
        method: 'HEAD',
        cache: 'no-store'
      })
      if (res.status === 401 || res.status === 403) {
        this.#setState('refused')
        return
      }
    } catch {
      // The server is not there: keep trying.
    }
    if (this.#stopped) return
    this.#setState('lost')
    this.#scheduleRetry()
  }

  #scheduleRetry(): void {
    if (this.#stopped) return
    // 0.5 s, 1 s, 2 s, 4 s, then every 5 s; a little jitter so many tabs do not knock at once.
    const wait = Math.min(this.#retryMs * (0.9 + Math.random() / 5), RETRY_MAX_MS)
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS)
    window.clearTimeout(this.#retryTimer)
    this.#retryTimer = window.setTimeout(() => this.#connect(), wait)
  }

  #failPending(): void {
    for (const pending of this.#pending.values()) {
      pending.reject(new ApiError('DISCONNECTED', 'the connection to p2pchat web was lost'))
    }
    this.#pending.clear()
  }

  #receive(text: string): void {
    let message: Outbound
    try {
      message = JSON.parse(text) as Outbound
    } catch {
      return
    }
    if (typeof message !== 'object' || message === null) return
    if ('event' in message) {
      const event = message as EventMessage
      const handlers = this.#handlers.get(event.event)
      if (handlers === undefined || handlers.size === 0) {
        if (this.#unheard.length < MAX_UNHEARD_EVENTS) this.#unheard.push(event)
        return
      }
      this.#dispatch(event, handlers)
      return
    }
    const reply = message as Reply | ErrorReply
    const pending = reply.id === undefined ? undefined : this.#pending.get(reply.id)
    if (pending === undefined || reply.id === undefined) return
    this.#pending.delete(reply.id)
    if (reply.ok) {
      const { id: _id, ok: _ok, ...fields } = reply
      pending.resolve(fields)
    } else {
      pending.reject(new ApiError(reply.error.code, reply.error.message))
    }
  }
}

/** The code of an error from `call`, or `ERROR` for anything else. */
export function errorCode(err: unknown): string {
  return err instanceof ApiError ? err.code : 'ERROR'
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return `${err.code}: ${err.message}`
  return err instanceof Error ? err.message : String(err)
}
