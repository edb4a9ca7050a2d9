import { useEffect, useState } from 'preact/hooks'
import type { ConnectionState } from './api-client.ts'
import type { Toast, TrackerView } from './chat-state.ts'

/** What the page says when it cannot talk to the server, or must not (no or a wrong token). */
export const REFUSED_TEXT = 'This page needs the address with its token, as `p2pchat web` printed it.'
export const LOST_TEXT = 'Lost the connection to p2pchat web — retrying…'

export function ConnectionBanner({ state }: { state: ConnectionState }) {
  if (state === 'open' || state === 'connecting') return null
  const refused = state === 'refused'
  return (
    <div
      class={refused ? 'banner banner-error' : 'banner banner-warn'}
      role="alert"
      data-testid="connection-banner"
    >
      {refused ? REFUSED_TEXT : LOST_TEXT}
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
