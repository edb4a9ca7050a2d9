import { useEffect, useState } from 'preact/hooks'
import type {
  GroupMessageEvent,
  HistoryEntry,
  Presence,
  Replies,
  SessionInfo,
  TrackerState
} from '../../api/schema.ts'
import type { ApiClient } from './api-client.ts'
import { errorCode, errorText } from './api-client.ts'
import { wireEvents } from './chat-events.ts'
import type { ChatMessage, ChatState, Conversation, ConvKey } from './chat-state.ts'
import {
  appendMessage,
  DEFAULT_HISTORY_LIMIT,
  emptyConversation,
  fromGroupMessage,
  fromHistory,
  groupConv,
  initialState,
  mergeHistory,
  sortByName,
  upsert,
  userConv,
  withGroupNames
} from './chat-state.ts'
import { FileActions, fromTransfers } from './file-actions.ts'
import { sameUser } from './format.ts'

/** Longest wait for a render when no animation frame comes (a background tab). */
const RENDER_FALLBACK_MS = 100
/** How long a toast stays unless dismissed. */
const TOAST_MS = 8_000
/** Wait this long after the first sign that a conversation changed elsewhere before reloading it. */
const STALE_HISTORY_MS = 300

/**
 * The logged-in main window's state: loaded with `who`, `friends`, `groups` and `transfers` on every
 * (re)connection, kept current by events (chat-events.ts), changed by the actions below.
 */
export class ChatStore {
  state: ChatState
  readonly client: ApiClient
  readonly #listeners = new Set<() => void>()
  #pending = false
  #off: Array<() => void> = []
  #nextToast = 1
  /** `delivered` events heard before the `msg` reply that names their message. */
  readonly earlyDelivered = new Map<string, ChatMessage['via']>()
  /** Offers, uploads and transfers. */
  readonly files = new FileActions(this)
  /** Conversations whose history is to be read again soon (a message sent from another tab). */
  readonly #staleTimers = new Map<ConvKey, number>()

  constructor(client: ApiClient, session: SessionInfo) {
    this.client = client
    const tracker: TrackerState = session.state === 'logged-out' ? 'connecting' : session.state
    this.state = initialState(session.user ?? '', session.peerId, tracker)
  }

  start(): void {
    this.#off = wireEvents(this)
    // What the login brought before its reply (the outbox, requests, group catch-up) was kept for us.
    this.client.replayUnheard()
    this.#off.push(
      this.client.onState(state => {
        if (state === 'open') void this.reload()
      })
    )
    void this.reload()
  }

  dispose(): void {
    for (const timer of this.#staleTimers.values()) window.clearTimeout(timer)
    this.#staleTimers.clear()
    for (const off of this.#off) off()
    this.#off = []
    this.client.clearUnheard()
    this.#listeners.clear()
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Replace the state by a shallow copy that `change` edits (it assigns new arrays and objects). */
  update(change: (draft: ChatState) => void): void {
    const draft = { ...this.state }
    change(draft)
    this.state = draft
    this.#schedule()
  }

  /**
   * Tell the view once per frame, however many events came in it: a burst of 500 messages is a few
   * renders, not 500 (each of which lays out the whole conversation). The timer covers a hidden tab,
   * where frames stop.
   */
  #schedule(): void {
    if (this.#pending) return
    this.#pending = true
    const flush = (): void => {
      if (!this.#pending) return
      this.#pending = false
      cancelAnimationFrame(frame)
      clearTimeout(timer)
      for (const listener of this.#listeners) listener()
    }
    const frame = requestAnimationFrame(flush)
    const timer = setTimeout(flush, RENDER_FALLBACK_MS)
  }

  patchConv(key: ConvKey, change: (conv: Conversation) => Conversation | undefined): void {
    const conv = this.state.conversations[key]
    if (conv === undefined) return
    const next = change(conv)
    if (next === undefined || next === conv) return
    this.update(s => {
      s.conversations = { ...s.conversations, [key]: next }
    })
  }

  ensureConv(key: ConvKey, kind: 'user' | 'group', id: string): Conversation {
    const conv = this.state.conversations[key]
    if (conv !== undefined) return conv
    const created = emptyConversation(key, kind, id)
    this.update(s => {
      s.conversations = { ...s.conversations, [key]: created }
    })
    return created
  }

  toast(text: string): void {
    const id = this.#nextToast++
    this.update(s => {
      s.toasts = [...s.toasts.slice(-4), { id, text }]
    })
    window.setTimeout(() => this.dismissToast(id), TOAST_MS)
  }

  dismissToast(id: number): void {
    if (!this.state.toasts.some(t => t.id === id)) return
    this.update(s => {
      s.toasts = s.toasts.filter(t => t.id !== id)
    })
  }

  /** Run an action; its failure becomes a toast. */
  async attempt(action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action()
      return true
    } catch (err) {
      this.toast(errorText(err))
      return false
    }
  }

  async reload(): Promise<void> {
    if (this.client.state !== 'open') return
    try {
      const [who, friends, groups, transfers, status] = await Promise.all([
        this.client.call('who', {}),
        this.client.call('friends', {}),
        this.client.call('groups', {}),
        this.client.call('transfers', {}),
        // Your own status as it is in force (kept across logins), for the selector.
        this.client.call('status', {})
      ])
      this.update(s => {
        s.presence = status.presence
        s.statusText = status.text
        s.online = sortByName(
          who.users.filter(u => !sameUser(u.user, s.me)),
          u => u.user
        )
        if (who.tracker !== s.tracker.state) s.tracker = { state: who.tracker }
        s.friends = friends.friends
        s.incoming = friends.incoming
        s.outgoing = friends.outgoing
        s.groups = groups.groups
        s.groupNames = withGroupNames(s.groupNames, groups.groups)
        const files = fromTransfers(transfers.transfers)
        s.offers = files.offers
        s.transfers = files.transfers
      })
      const selected = this.state.selected
      if (selected !== undefined) await this.loadHistory(selected)
    } catch (err) {
      if (this.client.state === 'open') this.toast(errorText(err))
    }
  }

  /** Who is online, friends and groups again: after the tracker came back, the lists may be stale. */
  async reloadPeople(): Promise<void> {
    if (this.client.state !== 'open') return
    try {
      const [who, friends, groups] = await Promise.all([
        this.client.call('who', {}),
        this.client.call('friends', {}),
        this.client.call('groups', {})
      ])
      this.update(s => {
        s.online = sortByName(
          who.users.filter(u => !sameUser(u.user, s.me)),
          u => u.user
        )
        s.friends = friends.friends
        s.incoming = friends.incoming
        s.outgoing = friends.outgoing
        s.groups = groups.groups
        s.groupNames = withGroupNames(s.groupNames, groups.groups)
      })
    } catch {
      // The connection dropped: its 'open' reloads everything.
    }
  }

  /**
   * Something happened to a message this tab never saw (another tab sent it): read the conversation's
   * history again, once for a burst of such events, if this tab has it loaded.
   */
  reloadSoon(key: ConvKey): void {
    const conv = this.state.conversations[key]
    if (conv === undefined || !conv.loaded || this.#staleTimers.has(key)) return
    this.#staleTimers.set(
      key,
      window.setTimeout(() => {
        this.#staleTimers.delete(key)
        void this.loadHistory(key)
      }, STALE_HISTORY_MS)
    )
  }

  select(key: ConvKey | undefined): void {
    this.update(s => {
      s.selected = key
      if (key !== undefined && s.unread[key] !== undefined) {
        const { [key]: _cleared, ...rest } = s.unread
        s.unread = rest
      }
    })
    if (key === undefined) return
    const conv = this.state.conversations[key]
    if (conv !== undefined && !conv.loaded && !conv.loading) void this.loadHistory(key)
  }

  openUser(user: string): void {
    const key = userConv(user)
    this.ensureConv(key, 'user', user)
    this.select(key)
  }

  openGroup(group: string): void {
    const key = groupConv(group)
    this.ensureConv(key, 'group', group)
    this.select(key)
  }

  async loadHistory(key: ConvKey, limit?: number): Promise<void> {
    const conv = this.state.conversations[key]
    if (conv === undefined) return
    const want = limit ?? conv.limit
    this.patchConv(key, c => ({ ...c, loading: true, error: undefined }))
    try {
      const reply = await this.client.call(
        'history',
        conv.kind === 'user' ? { with: conv.id, limit: want } : { group: conv.id, limit: want }
      )
      const me = this.state.me
      const history =
        conv.kind === 'user'
          ? (reply.messages as HistoryEntry[]).map(m => this.#withEarlyDelivery(fromHistory(m, me)))
          : (reply.messages as GroupMessageEvent[]).map(m => fromGroupMessage(m, me))
      this.patchConv(key, c => ({
        ...c,
        messages: mergeHistory(c.messages, history),
        limit: want,
        loaded: true,
        loading: false,
        hasMore: reply.messages.length >= want
      }))
    } catch (err) {
      this.patchConv(key, c => ({ ...c, loading: false, error: errorText(err) }))
    }
  }

  /** A `delivered` heard before the history that lists its message (sent from another tab). */
  #withEarlyDelivery(m: ChatMessage): ChatMessage {
    if (!this.earlyDelivered.has(m.messageId)) return m
    const via = this.earlyDelivered.get(m.messageId)
    this.earlyDelivered.delete(m.messageId)
    return { ...m, status: 'delivered', via }
  }

  loadEarlier(key: ConvKey): Promise<void> {
    const conv = this.state.conversations[key]
    return this.loadHistory(key, Math.min((conv?.limit ?? DEFAULT_HISTORY_LIMIT) * 2, 10_000))
  }

  /** Send a text to the conversation; throws (for the composer to keep the text) when refused. */
  async sendText(key: ConvKey, text: string): Promise<void> {
    const conv = this.state.conversations[key]
    if (conv === undefined) return
    const me = this.state.me
    if (conv.kind === 'user') {
      const reply = await this.client.call('msg', { to: conv.id, text })
      const early = this.earlyDelivered.get(reply.messageId)
      this.earlyDelivered.delete(reply.messageId)
      const message: ChatMessage = {
        messageId: reply.messageId,
        from: me,
        to: reply.to,
        text,
        sentAt: Date.now(),
        own: true,
        status: early !== undefined ? 'delivered' : 'queued',
        via: early,
        // The status already says `queued`: the note says why, without saying it twice.
        note:
          reply.online || early !== undefined
            ? undefined
            : `${reply.to} is offline: it goes when they come online`
      }
      this.patchConv(key, c => appendMessage(c, message))
    } else {
      let reply: Replies['group-msg']
      try {
        reply = await this.client.call('group-msg', { group: conv.id, text })
      } catch (err) {
        if (errorCode(err) !== 'NOT_AUTHORIZED') throw err
        // Left or removed meanwhile (in another tab?): the group list says so once reloaded.
        void this.reloadPeople()
        throw new Error('You are no longer in this group.')
      }
      const message: ChatMessage = {
        messageId: reply.messageId,
        from: me,
        text,
        sentAt: Date.now(),
        own: true,
        note: reply.online > 0 ? undefined : 'no other member is online: they get it when they come back'
      }
      this.patchConv(key, c => appendMessage(c, message))
    }
  }

  async setStatus(presence: Presence, text: string): Promise<void> {
    const reply = await this.client.call('status', { presence, text })
    this.update(s => {
      s.presence = reply.presence
      s.statusText = reply.text
    })
  }

  async refreshFriends(): Promise<void> {
    const friends = await this.client.call('friends', {})
    this.update(s => {
      s.friends = friends.friends
      s.incoming = friends.incoming
      s.outgoing = friends.outgoing
    })
  }

  replaceGroup(group: ChatState['groups'][number]): void {
    this.update(s => {
      s.groups = upsert(s.groups, group, (a, b) => a.group === b.group)
      s.groupNames = withGroupNames(s.groupNames, [group])
    })
  }
}

/** The store's current state, re-rendering the component on every change. */
export function useChatState(store: ChatStore): ChatState {
  const [state, setState] = useState(store.state)
  useEffect(() => {
    setState(store.state)
    return store.subscribe(() => setState(store.state))
  }, [store])
  return state
}
