import { Component } from 'preact'
import { useLayoutEffect, useRef, useState } from 'preact/hooks'
import type { FriendInfo } from '../../api/schema.ts'
import type { ChatMessage, ChatState, Conversation, Via } from './chat-state.ts'
import { displayName, presenceOf } from './chat-state.ts'
import type { ChatStore } from './chat-store.ts'
import { Composer } from './composer.tsx'
import { ConversationHeader } from './conversation-header.tsx'
import { formatTime } from './format.ts'

interface Props {
  store: ChatStore
  state: ChatState
}

/** The open conversation: its header, its messages, the composer; files dropped on it are sent. */
export function ConversationPane({ store, state }: Props) {
  const conv = state.selected === undefined ? undefined : state.conversations[state.selected]
  const [dragging, setDragging] = useState(false)

  if (conv === undefined) {
    return (
      <main class="conversation conversation-empty" aria-label="Conversation">
        <div class="placeholder">
          <h2>Welcome, {state.me}</h2>
          <p>Pick a friend, someone online or a group on the left to start chatting.</p>
          <p class="muted">
            Messages and files travel directly between you and them, never through the tracker.
          </p>
        </div>
      </main>
    )
  }

  // Files go only to someone online (messages queue; files do not).
  const canSendFiles = conv.kind === 'user' && presenceOf(state, conv.id) !== 'offline'
  const onDrop = (e: DragEvent): void => {
    e.preventDefault()
    setDragging(false)
    if (!canSendFiles) return
    for (const file of e.dataTransfer?.files ?? []) void store.files.upload(conv.id, file)
  }

  return (
    <main
      class="conversation"
      aria-labelledby="conv-title"
      data-testid="conversation"
      onDragOver={e => {
        if (conv.kind !== 'user' || !e.dataTransfer?.types.includes('Files')) return
        e.preventDefault()
        e.dataTransfer.dropEffect = canSendFiles ? 'copy' : 'none'
        setDragging(true)
      }}
      onDragLeave={e => {
        if (e.currentTarget === e.target) setDragging(false)
      }}
      onDrop={onDrop}
    >
      <ConversationHeader store={store} state={state} conv={conv} />
      <MessageList store={store} conv={conv} friends={state.friends} />
      <Composer store={store} state={state} conv={conv} />
      {dragging && (
        <div class={canSendFiles ? 'drop-overlay' : 'drop-overlay drop-refused'} aria-hidden="true">
          {canSendFiles
            ? `Drop to send to ${displayName(conv.id, state.friends)}`
            : `${displayName(conv.id, state.friends)} is offline: files go only to people online`}
        </div>
      )}
    </main>
  )
}

/** Pixels from the bottom within which new messages keep the list scrolled to the end. */
const STICK_PX = 80

function MessageList({
  store,
  conv,
  friends
}: {
  store: ChatStore
  conv: Conversation
  friends: FriendInfo[]
}) {
  const scroller = useRef<HTMLElement>(null)
  const stick = useRef(true)
  const restore = useRef<{ height: number; top: number } | undefined>(undefined)
  /** The newest message last laid out: a different one at the end means something new arrived. */
  const newest = useRef<string | undefined>(undefined)
  /** Messages arrived below while scrolled up: offer a way down. */
  const [unseen, setUnseen] = useState(false)

  useLayoutEffect(() => {
    stick.current = true
    restore.current = undefined
    newest.current = undefined
    setUnseen(false)
  }, [conv.key])

  useLayoutEffect(() => {
    const el = scroller.current
    if (el === null) return
    const last = conv.messages[conv.messages.length - 1]
    const arrived = last !== undefined && newest.current !== undefined && last.messageId !== newest.current
    newest.current = last?.messageId
    // Your own new message: show it, wherever you were reading.
    if (arrived && last.own) stick.current = true
    const saved = restore.current
    if (saved !== undefined && !conv.loading) {
      el.scrollTop = saved.top + (el.scrollHeight - saved.height)
      restore.current = undefined
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight
      setUnseen(false)
    } else if (arrived) {
      setUnseen(true)
    }
  }, [conv.messages, conv.loading, conv.key])

  const toBottom = (): void => {
    const el = scroller.current
    stick.current = true
    setUnseen(false)
    if (el !== null) el.scrollTop = el.scrollHeight
  }

  // The pane shrinks (a banner, the composer growing): stay at the newest message if we were there.
  useLayoutEffect(() => {
    const el = scroller.current
    if (el === null || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight
    })
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  const loadEarlier = (): void => {
    const el = scroller.current
    if (conv.loading) return
    if (el !== null) restore.current = { height: el.scrollHeight, top: el.scrollTop }
    stick.current = false
    void store.loadEarlier(conv.key)
  }

  const onScroll = (): void => {
    const el = scroller.current
    if (el === null) return
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX
    if (stick.current && unseen) setUnseen(false)
    if (el.scrollTop === 0 && conv.hasMore && !conv.loading && el.scrollHeight > el.clientHeight)
      loadEarlier()
  }

  const group = conv.kind === 'group'
  return (
    <div class="messages-frame">
      <section class="messages-scroll" ref={scroller} onScroll={onScroll} aria-label="Messages">
        {conv.hasMore && (
          <div class="load-earlier">
            <button
              type="button"
              class="ghost"
              disabled={conv.loading}
              data-testid="load-earlier"
              onClick={loadEarlier}
            >
              {conv.loading ? 'Loading…' : 'Load earlier messages'}
            </button>
          </div>
        )}
        {conv.error !== undefined && (
          <p class="form-error" role="alert">
            Could not load the history: {conv.error}
          </p>
        )}
        {conv.loaded && conv.messages.length === 0 && <p class="empty center">No messages yet. Say hello!</p>}
        {!conv.loaded && conv.loading && <p class="empty center">Loading…</p>}
        <ol class="messages" data-testid="messages">
          {conv.messages.map((m, i) => (
            <MessageItem
              key={m.messageId}
              message={m}
              showAuthor={!m.own && (group || conv.messages[i - 1]?.from !== m.from)}
              friends={friends}
            />
          ))}
        </ol>
      </section>
      {unseen && (
        <button type="button" class="new-messages" data-testid="new-messages" onClick={toBottom}>
          New messages <span aria-hidden="true">↓</span>
        </button>
      )}
    </div>
  )
}

const STATUS_LABELS: Record<string, string> = {
  queued: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  refused: 'refused'
}

const VIA_LABELS: Record<Via, string> = {
  direct: 'direct',
  reversed: 'direct (they called back)',
  relayed: "through the tracker's relay"
}

interface MessageItemProps {
  message: ChatMessage
  showAuthor: boolean
  friends: FriendInfo[]
}

/**
 * One message. Messages are immutable (a change makes a new object), so an item re-renders only when
 * its own message, its author line or the friends list (aliases) changed: a new message renders one
 * item, not the whole conversation.
 */
class MessageItem extends Component<MessageItemProps> {
  override shouldComponentUpdate(next: MessageItemProps): boolean {
    const p = this.props
    return next.message !== p.message || next.showAuthor !== p.showAuthor || next.friends !== p.friends
  }

  override render() {
    return renderMessage(this.props)
  }
}

function renderMessage({ message: m, showAuthor, friends }: MessageItemProps) {
  const status = m.status ?? (m.own ? 'sent' : 'delivered')
  return (
    <li
      class={m.own ? 'msg own' : 'msg theirs'}
      data-testid="message"
      data-status={status}
      data-via={m.via}
      data-from={m.from}
      data-message-id={m.messageId}
    >
      {showAuthor && <div class="msg-author">{displayName(m.from, friends)}</div>}
      {m.own && <span class="sr-only">You: </span>}
      <div class="msg-text">{m.text}</div>
      <div class="msg-meta">
        <time dateTime={new Date(m.sentAt).toISOString()}>{formatTime(m.sentAt)}</time>
        {m.own && m.status !== undefined && (
          <span class={`msg-status status-${m.status}`} data-testid="message-status">
            {STATUS_LABELS[m.status] ?? m.status}
          </span>
        )}
        {m.via !== undefined && <span class="msg-via">{VIA_LABELS[m.via] ?? m.via}</span>}
      </div>
      {m.note !== undefined && (
        <div
          class={m.status === 'refused' ? 'msg-note msg-note-error' : 'msg-note'}
          data-testid="message-note"
        >
          {m.note}
        </div>
      )}
    </li>
  )
}
