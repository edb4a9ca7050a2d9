import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { Presence, SessionInfo } from '../../api/schema.ts'
import { AccountDialog } from './account-dialog.tsx'
import type { ApiClient } from './api-client.ts'
import { errorText } from './api-client.ts'
import { Toasts, TrackerBanner } from './banner.tsx'
import { ChatStore, useChatState } from './chat-store.ts'
import { ConversationPane } from './conversation.tsx'
import { FilesPanel } from './files-panel.tsx'
import type { NotificationSetting } from './notifications.ts'
import { enableNotifications, notificationSetting } from './notifications.ts'
import { Sidebar } from './sidebar.tsx'

/** Wide enough to show the files panel beside the conversation without squeezing it. */
const FILES_BESIDE_MIN_PX = 1100

interface MainProps {
  client: ApiClient
  session: SessionInfo
  /** `warning`: logged out, but something asked for was not done (shown on the login screen). */
  onLoggedOut: (warning?: string) => void
}

export function MainWindow({ client, session, onLoggedOut }: MainProps) {
  const store = useMemo(() => new ChatStore(client, session), [client])
  useEffect(() => {
    store.start()
    return () => store.dispose()
  }, [store])
  const state = useChatState(store)
  const wide = useWide()
  /** What the user chose with the Files button; until then the panel shows when it has something. */
  const [filesChoice, setFilesChoice] = useState<boolean | undefined>(undefined)
  const hasFiles = state.offers.length + state.transfers.length + state.uploads.length > 0
  const filesOpen = filesChoice ?? (wide && hasFiles)
  const filesToggle = useRef<HTMLButtonElement>(null)
  const filesPanel = useRef<HTMLDivElement>(null)
  const setFilesOpen = (open: boolean, focus = true): void => {
    setFilesChoice(open)
    if (!focus) return
    // Opened: into the panel; closed: back to the button that opens it.
    window.setTimeout(() => {
      if (open) filesPanel.current?.querySelector<HTMLElement>('#files-panel')?.focus()
      else if (filesPanel.current?.contains(document.activeElement) !== false) filesToggle.current?.focus()
    })
  }

  const [accountOpen, setAccountOpen] = useState(false)
  const accountToggle = useRef<HTMLButtonElement>(null)
  const closeAccount = (): void => {
    setAccountOpen(false)
    window.setTimeout(() => accountToggle.current?.focus())
  }

  // A new offer waits for an answer: show the panel that holds it.
  const offerCount = useRef(state.offers.length)
  useEffect(() => {
    if (state.offers.length > offerCount.current) setFilesChoice(true)
    offerCount.current = state.offers.length
  }, [state.offers.length])

  // Narrow windows: the panel floats over the conversation; Escape or a click elsewhere closes it.
  const overlay = filesOpen && !wide
  useEffect(() => {
    if (!overlay) return
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setFilesOpen(false)
    }
    const onPointer = (e: PointerEvent): void => {
      const target = e.target as Node | null
      if (target === null || filesPanel.current?.contains(target) || filesToggle.current?.contains(target)) {
        return
      }
      setFilesOpen(false, false)
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('pointerdown', onPointer)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('pointerdown', onPointer)
    }
  }, [overlay])

  // Unread messages in the tab's title: `(3) p2pchat`.
  const unread = Object.values(state.unread).reduce((sum, n) => sum + n, 0)
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) p2pchat` : 'p2pchat'
  }, [unread])
  useEffect(
    () => () => {
      document.title = 'p2pchat'
    },
    []
  )

  // The session the server reports (another tab, a tracker retry) wins over what the store last heard.
  useEffect(() => {
    if (session.state !== 'logged-out' && session.state !== store.state.tracker.state) {
      store.update(s => {
        s.tracker = { state: session.state as typeof s.tracker.state }
      })
    }
  }, [session.state])

  const active = state.offers.length + state.transfers.filter(t => t.status === 'progress').length
  const logout = async (): Promise<void> => {
    if (await store.attempt(() => client.call('logout', {}))) onLoggedOut()
  }

  return (
    <div class="app">
      <header class="topbar">
        <span class="brand">p2pchat</span>
        <span class="me">
          <span class="sr-only">Logged in as </span>
          <strong data-testid="me">{state.me}</strong>
        </span>
        <StatusForm
          presence={state.presence}
          text={state.statusText}
          onSet={(p, t) => store.attempt(() => store.setStatus(p, t))}
        />
        <span class="topbar-spacer" />
        <NotificationButton />
        <button
          type="button"
          class="ghost"
          ref={filesToggle}
          aria-expanded={filesOpen}
          aria-controls="files-panel"
          data-testid="files-toggle"
          onClick={() => setFilesOpen(!filesOpen, !filesOpen)}
        >
          Files{active > 0 ? ` (${active})` : ''}
        </button>
        <button
          type="button"
          class="ghost"
          ref={accountToggle}
          aria-haspopup="dialog"
          data-testid="account-toggle"
          onClick={() => setAccountOpen(true)}
        >
          Account
        </button>
        <button type="button" class="ghost" data-testid="logout" onClick={logout}>
          Log out
        </button>
      </header>
      <div class="app-banner">
        <TrackerBanner tracker={state.tracker} />
      </div>
      <div class={filesOpen ? 'layout files-open' : 'layout'}>
        <Sidebar store={store} state={state} />
        <ConversationPane store={store} state={state} />
        {filesOpen && (
          <div class="files-slot" ref={filesPanel}>
            <FilesPanel store={store} state={state} onClose={() => setFilesOpen(false)} />
          </div>
        )}
      </div>
      {accountOpen && (
        <AccountDialog client={client} user={state.me} onClose={closeAccount} onLoggedOut={onLoggedOut} />
      )}
      <Toasts toasts={state.toasts} onDismiss={id => store.dismissToast(id)} />
      <div class="sr-only" aria-live="polite" data-testid="announcer">
        {state.announce}
      </div>
    </div>
  )
}

/** Is the window wide enough for the files panel beside the conversation? */
function useWide(): boolean {
  const query = `(min-width: ${FILES_BESIDE_MIN_PX}px)`
  const [wide, setWide] = useState(() => window.matchMedia(query).matches)
  useEffect(() => {
    const list = window.matchMedia(query)
    const change = (): void => setWide(list.matches)
    list.addEventListener('change', change)
    change()
    return () => list.removeEventListener('change', change)
  }, [query])
  return wide
}

interface StatusProps {
  presence: Presence
  text: string
  onSet: (presence: Presence, text: string) => Promise<boolean>
}

function StatusForm({ presence, text, onSet }: StatusProps) {
  const [draft, setDraft] = useState(text)
  useEffect(() => setDraft(text), [text])
  return (
    <form
      class="status-form"
      onSubmit={e => {
        e.preventDefault()
        void onSet(presence, draft.trim())
      }}
    >
      <label for="status-presence" class="sr-only">
        Your presence
      </label>
      <select
        id="status-presence"
        value={presence}
        data-testid="status-presence"
        onChange={e => void onSet(e.currentTarget.value as Presence, draft.trim())}
      >
        <option value="online">Online</option>
        <option value="away">Away</option>
        <option value="busy">Busy</option>
      </select>
      <label for="status-text" class="sr-only">
        Status message
      </label>
      <input
        id="status-text"
        type="text"
        maxLength={80}
        placeholder="Status message"
        value={draft}
        data-testid="status-text"
        onInput={e => setDraft(e.currentTarget.value)}
      />
      <button type="submit" class="ghost" data-testid="status-set">
        Set
      </button>
    </form>
  )
}

function NotificationButton() {
  const [setting, setSetting] = useState<NotificationSetting>(notificationSetting())
  const [error, setError] = useState('')
  if (setting === 'unsupported' || setting === 'granted') return null
  if (setting === 'denied') return <span class="muted small">Notifications blocked by the browser</span>
  return (
    <button
      type="button"
      class="ghost"
      title={error}
      data-testid="notifications-enable"
      onClick={() =>
        enableNotifications()
          .then(setSetting)
          .catch(err => setError(errorText(err)))
      }
    >
      Enable notifications
    </button>
  )
}
