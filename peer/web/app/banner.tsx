import { useEffect, useState } from 'preact/hooks'
import type { ConnectionState } from './api-client.ts'
import type { Toast, TrackerView } from './chat-state.ts'

/** What the page says when it cannot talk to the server, or must not (no or a wrong token). */
export const REFUSED_TEXT =
  "This page's address is no longer valid — p2pchat web may have been restarted. Open the address it printed (it has a new token)."
export const LOST_TEXT =
  'Lost the connection to p2pchat web — retrying… What you are writing stays here until it is back.'

export function ConnectionBanner({ state }: { state: ConnectionState }) {
  // Refused: the page's whole body says so (app.tsx); the banner is for a server that went away.
  if (state !== 'lost') return null
  return (
    <div class="banner banner-warn" role="alert" data-testid="connection-banner">
      {LOST_TEXT}
    </div>
  )
}

/** Seconds until `at`, re-rendered every second while it counts down. */
function useCountdown(at: number | undefined): number | undefined {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (at === undefined) return
    const timer = window.setInterval(() => setNow(Date.now()), 1000)
    return () => window.clearInterval(timer)
  }, [at])
  if (at === undefined) return undefined
  return Math.max(0, Math.ceil((at - now) / 1000))
}

/** Shown while the tracker is away: chat with people already known goes on. */
export function TrackerBanner({ tracker }: { tracker: TrackerView }) {
  const seconds = useCountdown(tracker.state === 'reconnecting' ? tracker.retryAt : undefined)
  if (tracker.state !== 'reconnecting') return null
  return (
    <div class="banner banner-warn" role="status" data-testid="tracker-banner">
      <strong>{sentence(tracker.message ?? 'the tracker cannot be reached')}</strong>{' '}
      {seconds === undefined || seconds === 0 ? 'Retrying…' : `Retrying in ${seconds} s.`} Chat with people
      already online goes on; the online list may be out of date.
    </div>
  )
}

/** `the tracker is away` → `The tracker is away.` */
function sentence(text: string): string {
  const t = text.trim()
  const capital = t.charAt(0).toUpperCase() + t.slice(1)
  return /[.!?]$/.test(capital) ? capital : `${capital}.`
}

export function Toasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss: (id: number) => void }) {
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map(t => (
        <div class="toast" key={t.id} data-testid="toast">
          <span class="toast-text">{t.text}</span>
          <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => onDismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
