import { useEffect, useRef, useState } from 'preact/hooks'
import { errorText } from './api-client.ts'
import type { ChatState, Conversation, ConvKey } from './chat-state.ts'
import { displayName, isMember, presenceOf } from './chat-state.ts'
import type { ChatStore } from './chat-store.ts'

/** What was typed in each conversation and not sent yet, kept while switching between them. */
const drafts = new Map<ConvKey, string>()

interface Props {
  store: ChatStore
  state: ChatState
  conv: Conversation
}

/** Enter sends, Shift+Enter starts a new line; one-to-one conversations can also send files. */
export function Composer({ store, state, conv }: Props) {
  const [text, setText] = useState(drafts.get(conv.key) ?? '')
  const [error, setError] = useState('')
  const area = useRef<HTMLTextAreaElement>(null)
  const current = useRef(conv.key)

  useEffect(() => {
    current.current = conv.key
    setText(drafts.get(conv.key) ?? '')
    setError('')
    area.current?.focus()
  }, [conv.key])

  const edit = (value: string): void => {
    setText(value)
    if (value === '') drafts.delete(conv.key)
    else drafts.set(conv.key, value)
  }

  // The textarea's own value: a key pressed right after a paste may come before the re-render.
  const send = async (value = area.current?.value ?? text): Promise<void> => {
    const body = value.replace(/\s+$/, '')
    if (body.trim() === '') return
    const key = conv.key
    edit('')
    setError('')
    try {
      await store.sendText(key, body)
    } catch (err) {
      // Keep what was written, unless something new was typed meanwhile.
      if (current.current === key && (drafts.get(key) ?? '') === '') edit(body)
      if (current.current === key) setError(errorText(err))
    }
  }

  const name = conv.kind === 'user' ? displayName(conv.id, state.friends) : undefined
  const group = conv.kind === 'group' ? state.groups.find(g => g.group === conv.id) : undefined
  const groupName = group?.name ?? state.groupNames[conv.id] ?? 'the group'
  const label = name !== undefined ? `Message to ${name}` : `Message to ${groupName}`
  // Left or removed: the history stays readable, nothing can be sent there.
  const left = conv.kind === 'group' && (group === undefined || !isMember(group, state.me))

  return (
    <div class="composer-area">
      {left && (
        <p id="composer-closed" class="composer-closed" data-testid="composer-closed">
          You are no longer in this group: its history stays here, but you cannot write to it.
        </p>
      )}
      <form
        class="composer"
        onSubmit={e => {
          e.preventDefault()
          void send()
        }}
      >
        <label for="composer" class="sr-only">
          {label}
        </label>
        <textarea
          id="composer"
          ref={area}
          rows={2}
          value={text}
          placeholder={
            left ? 'You are no longer in this group' : `${label} — Enter sends, Shift+Enter for a new line`
          }
          data-testid="composer"
          disabled={left}
          aria-describedby={left ? 'composer-closed' : error !== '' ? 'composer-error' : undefined}
          onInput={e => edit(e.currentTarget.value)}
          onKeyDown={e => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault()
              void send(e.currentTarget.value)
            }
          }}
        />
        <button type="submit" class="primary" data-testid="send" disabled={left || text.trim() === ''}>
          Send
        </button>
      </form>
      {error !== '' && !left && (
        <p id="composer-error" class="form-error" role="alert" data-testid="composer-error">
          {error}
        </p>
      )}
      {conv.kind === 'user' && (
        <FileSend
          store={store}
          to={conv.id}
          offline={presenceOf(state, conv.id) === 'offline' ? (name ?? conv.id) : undefined}
        />
      )}
    </div>
  )
}

/** Offer a file: picked (uploaded to the local server first), dropped on the conversation, or by path. */
function FileSend({ store, to, offline }: { store: ChatStore; to: string; offline: string | undefined }) {
  const [path, setPath] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const sendPath = async (e: Event): Promise<void> => {
    e.preventDefault()
    if (path.trim() === '' || busy) return
    setBusy(true)
    setError('')
    try {
      await store.files.send(to, path.trim())
      setPath('')
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const disabled = offline !== undefined
  return (
    <div class={disabled ? 'file-send file-send-off' : 'file-send'}>
      <span class="file-pick">
        <input
          id="file-input"
          type="file"
          multiple
          class="file-input"
          disabled={disabled}
          aria-describedby={disabled ? 'file-offline' : undefined}
          data-testid="file-input"
          onChange={e => {
            const input = e.currentTarget
            for (const file of input.files ?? []) void store.files.upload(to, file)
            input.value = ''
          }}
        />
        <label for="file-input" class={disabled ? 'button-like disabled' : 'button-like'}>
          Send a file…
        </label>
      </span>
      {disabled ? (
        <span id="file-offline" class="muted small" data-testid="file-offline">
          {offline} is offline: files go only to people online
        </span>
      ) : (
        <span class="muted small">or drop it here</span>
      )}
      <form class="row path-form" onSubmit={sendPath}>
        <label for="file-path" class="small">
          or a path on this computer
        </label>
        <input
          id="file-path"
          type="text"
          spellcheck={false}
          placeholder="/home/me/photo.jpg"
          value={path}
          disabled={disabled}
          data-testid="file-path"
          onInput={e => setPath(e.currentTarget.value)}
        />
        <button type="submit" class="small-button" disabled={busy || disabled} data-testid="file-path-send">
          Send
        </button>
      </form>
      {error !== '' && (
        <p class="form-error" role="alert" data-testid="file-error">
          {error}
        </p>
      )}
    </div>
  )
}
