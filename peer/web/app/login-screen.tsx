import { useEffect, useRef, useState } from 'preact/hooks'
import type { SessionInfo } from '../../api/schema.ts'
import type { ApiClient } from './api-client.ts'
import { ApiError } from './api-client.ts'

/** What each login error means for the person at the form; the server's own words follow. */
const LOGIN_ERRORS: Record<string, string> = {
  AUTH_FAILED: 'Wrong username or password.',
  USERNAME_TAKEN: 'That username is taken: pick another, or log in if it is yours.',
  TRACKER_UNREACHABLE: 'Cannot reach the tracker: check the address, and that the tracker is running.',
  INVALID_USERNAME: 'That username cannot be used.',
  INVALID_PASSWORD: 'That password cannot be used.',
  INVALID_OPTION: 'That tracker address is not valid.',
  INVALID_ADDRESS: 'That tracker address is not valid.',
  DATA_LOCKED: 'This account is already open in another p2pchat on this computer: close it first.',
  BUSY: 'A login is already in progress (in another tab?): wait a moment.',
  ALREADY_LOGGED_IN: 'Already logged in (in another tab?).',
  DISCONNECTED: 'Not connected to p2pchat web: wait for the connection to come back.'
}

/** Why the last session ended, as the `session` event's `reason` says it (free text from the server). */
function endedText(reason: string | undefined): string | undefined {
  if (reason === undefined || reason === '') return undefined
  if (reason === 'replaced') return 'You were logged out: this account logged in elsewhere.'
  if (reason === 'failed') return 'You were logged out: the tracker refused the login.'
  if (reason === 'logged out') return 'You logged out (in another tab).'
  return `You were logged out: ${reason}.`
}

interface LoginProps {
  client: ApiClient
  session: SessionInfo
  /** Said above the form: what the last logout could not do. */
  warning?: string
  onLoggedIn: (session: SessionInfo) => void
}

export function LoginScreen({ client, session, warning, onLoggedIn }: LoginProps) {
  const [tracker, setTracker] = useState(session.tracker ?? '')
  const [user, setUser] = useState(session.lastUser ?? '')
  const [password, setPassword] = useState('')
  const [password2, setPassword2] = useState('')
  const [register, setRegister] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<{ text: string; detail?: string } | undefined>()
  const trackerRef = useRef<HTMLInputElement>(null)
  const userRef = useRef<HTMLInputElement>(null)
  const passwordRef = useRef<HTMLInputElement>(null)

  // Offer the address and name of the last login when the server knows them (also from another tab).
  useEffect(() => {
    if (session.tracker !== undefined && tracker === '') setTracker(session.tracker)
    if (session.lastUser !== undefined && user === '') setUser(session.lastUser)
  }, [session.tracker, session.lastUser])

  // The first field still to fill: the tracker address on a first run, else the name, else the password.
  useEffect(() => {
    const first = tracker.trim() === '' ? trackerRef : user.trim() === '' ? userRef : passwordRef
    first.current?.focus()
  }, [])

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    if (busy) return
    if (tracker.trim() === '' || user.trim() === '' || password === '') {
      setError({ text: 'Fill in the tracker address, your username and your password.' })
      return
    }
    if (register && password !== password2) {
      setError({ text: 'The two passwords do not match.' })
      return
    }
    setBusy(true)
    setError(undefined)
    client.clearUnheard()
    try {
      const reply = await client.call('login', {
        tracker: tracker.trim(),
        user: user.trim(),
        password,
        ...(register ? { register: true } : {})
      })
      setPassword('')
      setPassword2('')
      onLoggedIn({ state: reply.tracker, user: reply.user, peerId: reply.peerId, tracker: tracker.trim() })
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'ERROR'
      const message = err instanceof Error ? err.message : String(err)
      setError({ text: LOGIN_ERRORS[code] ?? 'The login failed.', detail: `${code}: ${message}` })
    } finally {
      setBusy(false)
    }
  }

  const ended = endedText(session.reason)
  return (
    <main class="login">
      <form class="login-card" onSubmit={submit} noValidate aria-describedby="login-intro">
        <h1 class="brand">p2pchat</h1>
        <p id="login-intro" class="muted">
          Peer-to-peer chat: the tracker knows who is online; messages and files go straight between you.
        </p>
        {warning !== undefined && (
          <p class="login-warning" role="alert" data-testid="login-warning">
            {warning}
          </p>
        )}
        {ended !== undefined && (
          <p class="notice" role="status">
            {ended}
          </p>
        )}
        <div class="mode-switch">
          <input
            id="login-register"
            type="checkbox"
            checked={register}
            disabled={busy}
            data-testid="login-register"
            onChange={e => {
              setRegister(e.currentTarget.checked)
              setError(undefined)
            }}
          />
          <label for="login-register">Create a new account</label>
        </div>
        <label for="login-tracker">Tracker address (several trackers: separate with commas)</label>
        <input
          id="login-tracker"
          ref={trackerRef}
          type="text"
          value={tracker}
          placeholder="/ip4/192.0.2.7/tcp/4001/p2p/12D3KooW…"
          autocomplete="off"
          spellcheck={false}
          disabled={busy}
          data-testid="login-tracker"
          onInput={e => setTracker(e.currentTarget.value)}
        />
        <label for="login-user">Username</label>
        <input
          id="login-user"
          ref={userRef}
          type="text"
          value={user}
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          disabled={busy}
          data-testid="login-user"
          onInput={e => setUser(e.currentTarget.value)}
        />
        <label for="login-password">Password</label>
        <input
          id="login-password"
          ref={passwordRef}
          type="password"
          value={password}
          autocomplete={register ? 'new-password' : 'current-password'}
          disabled={busy}
          data-testid="login-password"
          onInput={e => setPassword(e.currentTarget.value)}
        />
        {register && (
          <>
            <label for="login-password2">Password again</label>
            <input
              id="login-password2"
              type="password"
              value={password2}
              autocomplete="new-password"
              disabled={busy}
              data-testid="login-password2"
              onInput={e => setPassword2(e.currentTarget.value)}
            />
          </>
        )}
        <div class="login-error" role="alert" data-testid="login-error" hidden={error === undefined}>
          {error !== undefined && (
            <>
              <strong>{error.text}</strong>
              {error.detail !== undefined && <span class="error-detail">{error.detail}</span>}
            </>
          )}
        </div>
        <button type="submit" class="primary" disabled={busy} aria-busy={busy} data-testid="login-submit">
          {busy ? 'Logging in…' : register ? 'Create account and log in' : 'Log in'}
        </button>
      </form>
    </main>
  )
}
