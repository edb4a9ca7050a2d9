import type { ComponentChildren } from 'preact'
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import type { SessionInfo } from '../../api/schema.ts'
import type { ApiClient, ConnectionState } from './api-client.ts'
import { ConnectionBanner, REFUSED_TEXT } from './banner.tsx'
import { LoginScreen } from './login-screen.tsx'
import { MainWindow } from './main-window.tsx'

/**
 * The page: asks the server who is logged in on every (re)connection, then shows the login screen or
 * the main window. Another tab logging in or out arrives as a `session` event and switches this one too.
 */
export function App({ client }: { client: ApiClient | undefined }) {
  const [connection, setConnection] = useState<ConnectionState>(client?.state ?? 'refused')
  const [session, setSession] = useState<SessionInfo | undefined>()
  /** This tab pressed Log out: its login screen need not say why the session ended. */
  const loggedOutHere = useRef(false)
  /** This tab logged out, but not everything it asked for was done (log out everywhere, tracker away). */
  const [warning, setWarning] = useState<string | undefined>()

  const askSession = useCallback(() => {
    client
      ?.call('session', {})
      .then(setSession)
      .catch(() => {
        // The connection dropped again: the next 'open' asks again.
      })
  }, [client])

  useEffect(() => {
    if (client === undefined) return
    const offs = [
      client.onState(state => {
        setConnection(state)
        if (state === 'open') askSession()
      }),
      client.on('session', e => {
        const { event: _event, ...info } = e
        if (info.state !== 'logged-out') {
          loggedOutHere.current = false
          setWarning(undefined)
        }
        setSession(info)
      })
    ]
    client.start()
    return () => {
      for (const off of offs) off()
      client.stop()
    }
  }, [client, askSession])

  let body: ComponentChildren
  if (client === undefined || connection === 'refused') {
    body = (
      <main class="login">
        <div class="login-card">
          <h1 class="brand">p2pchat</h1>
          <p class="refused" role="alert" data-testid="refused-text">
            {REFUSED_TEXT}
          </p>
          <p class="muted small">
            The address ends with <code>?token=…</code>, which lets this page talk to p2pchat web.
          </p>
        </div>
      </main>
    )
  } else if (session === undefined) {
    body = (
      <main class="login">
        <p class="muted center" role="status">
          Connecting to p2pchat web…
        </p>
      </main>
    )
  } else if (session.state === 'logged-out' || session.user === undefined) {
    const shown = loggedOutHere.current ? { ...session, reason: undefined } : session
    body = (
      <LoginScreen
        client={client}
        session={shown}
        warning={warning}
        onLoggedIn={info => {
          loggedOutHere.current = false
          setWarning(undefined)
          setSession(info)
        }}
      />
    )
  } else {
    body = (
      <MainWindow
        key={session.user}
        client={client}
        session={session}
        onLoggedOut={why => {
          loggedOutHere.current = true
          setWarning(why)
          setSession({ state: 'logged-out', tracker: session.tracker, lastUser: session.user })
          askSession()
        }}
      />
    )
  }

  // The banner takes its row; the page below shrinks to fit the window (and scrolls inside).
  return (
    <div class="page">
      <div class="page-banner">
        <ConnectionBanner state={client === undefined ? 'refused' : connection} />
      </div>
      <div class="page-body">{body}</div>
    </div>
  )
}
