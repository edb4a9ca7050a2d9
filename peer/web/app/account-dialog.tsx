import type { RefObject } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_BYTES } from '../../../src/protocol/constants.ts'
import type { ApiClient } from './api-client.ts'
import { ApiError, errorCode } from './api-client.ts'

interface Props {
  client: ApiClient
  user: string
  onClose: () => void
  /** The session ended; `warning`: it ended, but not everything asked for was done. */
  onLoggedOut: (warning?: string) => void
}

/**
 * The account's settings in a modal dialog: change the password, log out everywhere. A native
 * `<dialog>` opened with `showModal()`, so the rest of the page is inert while it is open and Escape
 * closes it; whoever opened it puts the focus back.
 */
export function AccountDialog({ client, user, onClose, onLoggedOut }: Props) {
  const dialog = useRef<HTMLDialogElement>(null)
  const first = useRef<HTMLInputElement>(null)
  const closeRef = useRef(onClose)
  closeRef.current = onClose

  useEffect(() => {
    const element = dialog.current
    if (element === null) return
    element.showModal()
    first.current?.focus()
    // Escape and the Close button both end here: the browser closes the dialog, the owner unmounts it.
    const closed = (): void => closeRef.current()
    element.addEventListener('close', closed)
    return () => {
      element.removeEventListener('close', closed)
      if (element.open) element.close()
    }
  }, [])

  return (
    // Escape is the dialog's: the Files overlay's document listener must not close as well.
    <dialog
      ref={dialog}
      class="account-dialog"
      aria-modal="true"
      aria-labelledby="account-title"
      data-testid="account-dialog"
      onKeyDown={e => {
        if (e.key === 'Escape') e.stopPropagation()
      }}
    >
      <header class="dialog-header">
        <h2 id="account-title">Account</h2>
        <button
          type="button"
          class="icon-button"
          aria-label="Close the account dialog"
          title="Close (Escape)"
          data-testid="account-close"
          onClick={() => dialog.current?.close()}
        >
          ×
        </button>
      </header>
      <p class="muted small">
        Logged in as <strong>{user}</strong>
      </p>
      <PasswordForm client={client} user={user} first={first} />
      <LogoutEverywhere client={client} onLoggedOut={onLoggedOut} />
    </dialog>
  )
}

type Result = { ok: boolean; text: string; field?: 'old' | 'new' | 'again' }

/** What the tracker's words become for the person at the form; other codes show its own message. */
const PASSWORD_ERRORS: Record<string, string> = {
  AUTH_FAILED: 'The current password is wrong.',
  DISCONNECTED: 'Not connected to p2pchat web: wait for the connection to come back.'
}

const bytes = (text: string): number => new TextEncoder().encode(text).length

/** A message from the server (`the new password is the current one`) as a sentence. */
function sentence(text: string): string {
  const trimmed = text.trim()
  if (trimmed === '') return 'The password was not changed.'
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1)
  return /[.!?]$/.test(capital) ? capital : `${capital}.`
}

/** Checked here as the tracker checks it, so what is refused here would be refused there too. */
function checkNew(old: string, next: string, again: string): Result | undefined {
  if (old === '') return { ok: false, text: 'Enter your current password.', field: 'old' }
  if (bytes(next) < PASSWORD_MIN_BYTES) {
    return {
      ok: false,
      text: `The new password must be at least ${PASSWORD_MIN_BYTES} characters long.`,
      field: 'new'
    }
  }
  if (bytes(next) > PASSWORD_MAX_BYTES) {
    return {
      ok: false,
      text: `The new password must be at most ${PASSWORD_MAX_BYTES} bytes long.`,
      field: 'new'
    }
  }
  if (next !== again) return { ok: false, text: 'The two new passwords do not match.', field: 'again' }
  return undefined
}

interface PasswordProps {
  client: ApiClient
  user: string
  first: RefObject<HTMLInputElement | null>
}

/** The passwords live in this form's state only, and are cleared once the change is done. */
function PasswordForm({ client, user, first }: PasswordProps) {
  const [old, setOld] = useState('')
  const [next, setNext] = useState('')
  const [again, setAgain] = useState('')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<Result | undefined>()
  const newRef = useRef<HTMLInputElement>(null)
  const againRef = useRef<HTMLInputElement>(null)
  const refs = { old: first, new: newRef, again: againRef }

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    if (busy) return
    const refused = checkNew(old, next, again)
    if (refused !== undefined) {
      setResult(refused)
      if (refused.field !== undefined) refs[refused.field].current?.focus()
      return
    }
    setBusy(true)
    setResult(undefined)
    try {
      await client.call('password', { old, new: next })
      setOld('')
      setNext('')
      setAgain('')
      setResult({ ok: true, text: 'Password changed. Other devices log in with the new password next time.' })
    } catch (err) {
      const code = errorCode(err)
      const text = PASSWORD_ERRORS[code] ?? sentence(err instanceof ApiError ? err.message : String(err))
      const field = code === 'AUTH_FAILED' ? 'old' : code === 'INVALID_PASSWORD' ? 'new' : undefined
      setResult({ ok: false, text, field })
      if (field !== undefined) refs[field].current?.focus()
    } finally {
      setBusy(false)
    }
  }

  const invalid = (field: Result['field']): boolean => result?.ok === false && result.field === field
  const describedBy = (field: Result['field']): string | undefined =>
    invalid(field) ? 'password-result' : undefined
  return (
    <section class="dialog-section" aria-labelledby="password-title">
      <h3 id="password-title">Change password</h3>
      <form class="dialog-form" onSubmit={submit} noValidate>
        {/* Password managers file the new password under this name. */}
        <input type="text" autocomplete="username" value={user} readOnly hidden />
        <label for="password-old">Current password</label>
        <input
          id="password-old"
          ref={first}
          type="password"
          value={old}
          autocomplete="current-password"
          disabled={busy}
          aria-invalid={invalid('old')}
          aria-describedby={describedBy('old')}
          data-testid="password-old"
          onInput={e => setOld(e.currentTarget.value)}
        />
        <label for="password-new">New password</label>
        <input
          id="password-new"
          ref={newRef}
          type="password"
          value={next}
          autocomplete="new-password"
          disabled={busy}
          aria-invalid={invalid('new')}
          aria-describedby={describedBy('new') ?? 'password-rule'}
          data-testid="password-new"
          onInput={e => setNext(e.currentTarget.value)}
        />
        <span id="password-rule" class="muted small">
          At least {PASSWORD_MIN_BYTES} characters.
        </span>
        <label for="password-again">New password again</label>
        <input
          id="password-again"
          ref={againRef}
          type="password"
          value={again}
          autocomplete="new-password"
          disabled={busy}
          aria-invalid={invalid('again')}
          aria-describedby={describedBy('again')}
          data-testid="password-again"
          onInput={e => setAgain(e.currentTarget.value)}
        />
        {/* The live region is always there so what appears in it is read out. */}
        <div id="password-result" role="status" data-testid="password-result">
          {result !== undefined && (
            <p class={result.ok ? 'form-result ok' : 'form-result error'}>{result.text}</p>
          )}
        </div>
        <button type="submit" class="primary" disabled={busy} aria-busy={busy} data-testid="password-submit">
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  )
}

interface LogoutProps {
  client: ApiClient
  onLoggedOut: (warning?: string) => void
}

/** Two steps: the button asks, a second one further down does it, so a double click cannot confirm. */
function LogoutEverywhere({ client, onLoggedOut }: LogoutProps) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const ask = useRef<HTMLButtonElement>(null)
  const cancel = useRef<HTMLButtonElement>(null)

  // The safe choice takes the focus (Enter pressed twice does not log out everywhere); Cancel gives it
  // back to the button that asked.
  const asked = useRef(false)
  useEffect(() => {
    if (confirming) cancel.current?.focus()
    else if (asked.current) ask.current?.focus()
    asked.current ||= confirming
  }, [confirming])
  const setAsking = (on: boolean): void => {
    setConfirming(on)
    setError('')
  }

  const confirm = async (): Promise<void> => {
    setBusy(true)
    setError('')
    try {
      await client.call('logout', { everywhere: true })
      onLoggedOut()
      return
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      // Logged out here even when the tracker could not revoke the other devices: say so after.
      const session = await client.call('session', {}).catch(() => undefined)
      if (session?.state === 'logged-out') {
        onLoggedOut(
          `Logged out here, but the other devices could not be logged out (${errorCode(err)}: ${message}). ` +
            'Log in and try Log out everywhere again, or change your password.'
        )
        return
      }
      setError(sentence(message))
    }
    setBusy(false)
  }

  return (
    <section class="dialog-section" aria-labelledby="everywhere-title">
      <h3 id="everywhere-title">Log out everywhere</h3>
      <p id="everywhere-help" class="muted small">
        Ends this session and makes every other device log in with the password again.
      </p>
      {confirming ? (
        <div class="everywhere-confirm">
          <p id="everywhere-question" class="confirm-question">
            Log out on every device?
          </p>
          <div class="row">
            <button
              type="button"
              ref={cancel}
              disabled={busy}
              data-testid="logout-everywhere-cancel"
              onClick={() => setAsking(false)}
            >
              Cancel
            </button>
            <button
              type="button"
              class="danger-solid"
              disabled={busy}
              aria-busy={busy}
              aria-describedby="everywhere-question everywhere-help"
              data-testid="logout-everywhere-confirm"
              onClick={confirm}
            >
              {busy ? 'Logging out…' : 'Yes, log out everywhere'}
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          class="danger"
          ref={ask}
          aria-describedby="everywhere-help"
          data-testid="logout-everywhere"
          onClick={() => setAsking(true)}
        >
          Log out everywhere…
        </button>
      )}
      <div role="alert" data-testid="logout-everywhere-error">
        {error !== '' && <p class="form-result error">{error}</p>}
      </div>
    </section>
  )
}
