import { useEffect, useState } from 'preact/hooks'
import type { ChatState, FileOfferEvent, TransferView, UploadView } from './chat-state.ts'
import { displayName } from './chat-state.ts'
import type { ChatStore } from './chat-store.ts'
import { formatBytes, formatEta, formatRate } from './format.ts'

interface Props {
  store: ChatStore
  state: ChatState
  onClose: () => void
}

/** Offers to answer, uploads on their way to the server, transfers with their progress and outcome. */
export function FilesPanel({ store, state, onClose }: Props) {
  const name = (user: string): string => displayName(user, state.friends)
  const finished = state.transfers.filter(t => t.status !== 'progress')
  return (
    <aside
      id="files-panel"
      class="files-panel"
      aria-labelledby="files-title"
      tabIndex={-1}
      onKeyDown={e => {
        if (e.key === 'Escape') {
          e.stopPropagation()
          onClose()
        }
      }}
    >
      <header class="files-header">
        <h2 id="files-title">Files</h2>
        <button
          type="button"
          class="icon-button"
          aria-label="Close the files panel"
          title="Close (Escape)"
          data-testid="files-close"
          onClick={onClose}
        >
          ×
        </button>
      </header>

      <section aria-labelledby="offers-title">
        <h3 id="offers-title">Offered to you</h3>
        <ul class="file-list" data-testid="offers">
          {state.offers.length === 0 && <li class="empty">No files waiting for an answer.</li>}
          {state.offers.map(o => (
            <Offer key={o.transferId} offer={o} from={name(o.from)} store={store} />
          ))}
        </ul>
      </section>

      {state.uploads.length > 0 && (
        <section aria-labelledby="uploads-title">
          <h3 id="uploads-title">Uploading</h3>
          <ul class="file-list" data-testid="uploads">
            {state.uploads.map(u => (
              <Upload key={u.uploadId} upload={u} to={name(u.to)} store={store} />
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="transfers-title">
        <h3 id="transfers-title">Transfers</h3>
        <ul class="file-list" data-testid="transfers">
          {state.transfers.length === 0 && <li class="empty">No transfers yet.</li>}
          {state.transfers.map(t => (
            <Transfer key={t.transferId} transfer={t} peer={name(t.peer)} store={store} />
          ))}
        </ul>
        {finished.length > 0 && (
          <button
            type="button"
            class="small-button ghost"
            onClick={() => {
              for (const t of finished) if (t.phase !== 'partial') store.files.remove(t.transferId)
            }}
          >
            Clear finished
          </button>
        )}
      </section>
    </aside>
  )
}

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs)
    return () => window.clearInterval(timer)
  }, [intervalMs])
  return now
}

function Offer({ offer, from, store }: { offer: FileOfferEvent; from: string; store: ChatStore }) {
  const now = useNow(10_000)
  const left = offer.expiresAt > 0 ? Math.max(0, Math.round((offer.expiresAt - now) / 60_000)) : undefined
  return (
    <li class="file-item offer" data-testid={`offer-${offer.transferId}`}>
      <div class="file-name">{offer.name}</div>
      <div class="muted small">
        {formatBytes(offer.size)} from {from}
        {left !== undefined && ` · expires in ${left < 1 ? 'under a minute' : `${left} min`}`}
      </div>
      <div class="row">
        <button
          type="button"
          class="small-button primary"
          data-testid={`offer-accept-${offer.transferId}`}
          aria-label={`Accept ${offer.name} from ${from}`}
          onClick={() => store.attempt(() => store.files.accept(offer.transferId))}
        >
          Accept
        </button>
        <button
          type="button"
          class="small-button ghost"
          data-testid={`offer-reject-${offer.transferId}`}
          aria-label={`Reject ${offer.name} from ${from}`}
          onClick={() => store.attempt(() => store.files.reject(offer.transferId))}
        >
          Reject
        </button>
      </div>
    </li>
  )
}

function Upload({ upload, to, store }: { upload: UploadView; to: string; store: ChatStore }) {
  return (
    <li class="file-item" data-testid={`upload-${upload.uploadId}`}>
      <div class="file-name">{upload.name}</div>
      <div class="muted small">
        to {to} · {upload.error !== undefined ? 'upload failed' : 'handing it to p2pchat…'}
      </div>
      {upload.error === undefined ? (
        <progress
          max={Math.max(upload.total, 1)}
          value={upload.loaded}
          aria-label={`Uploading ${upload.name}`}
        />
      ) : (
        <div class="row">
          <span class="form-error">{upload.error}</span>
          <button
            type="button"
            class="small-button ghost"
            onClick={() => store.files.dismissUpload(upload.uploadId)}
          >
            Dismiss
          </button>
        </div>
      )}
    </li>
  )
}

const PHASES: Record<string, string> = {
  hashing: 'checking the file',
  offered: 'waiting for them to accept',
  accepted: 'starting',
  waiting: 'waiting',
  transferring: 'transferring',
  verifying: 'verifying'
}

const VIA: Record<string, string> = {
  direct: 'direct connection',
  reversed: 'direct connection (they called back)',
  relayed: 'via relay'
}

/** Sent and hashed, not accepted yet: nothing moves until the peer answers. */
function awaitingAnswer(t: TransferView): boolean {
  return (
    t.direction === 'send' &&
    (t.phase === 'offered' || (t.phase === 'hashing' && t.size > 0 && t.bytes >= t.size))
  )
}

function Transfer({ transfer: t, peer, store }: { transfer: TransferView; peer: string; store: ChatStore }) {
  const direction = t.direction === 'send' ? `to ${peer}` : `from ${peer}`
  const percent = t.size > 0 ? Math.floor((t.bytes / t.size) * 100) : 0
  const eta = t.phase === 'transferring' ? formatEta(t.size - t.bytes, t.bytesPerSec) : ''
  const waiting = awaitingAnswer(t)
  const phase = waiting ? `waiting for ${peer} to accept` : (PHASES[t.phase] ?? t.phase)
  const canDiscard =
    t.direction === 'receive' &&
    (t.phase === 'partial' || (t.status === 'failed' && t.error?.code === 'INTERRUPTED'))
  return (
    <li
      class={`file-item transfer-${t.status}`}
      data-testid={`transfer-${t.transferId}`}
      data-state={t.status}
    >
      <div class="file-name">
        <span aria-hidden="true">{t.direction === 'send' ? '↑ ' : '↓ '}</span>
        {t.name}
      </div>
      <div class="muted small">
        {formatBytes(t.size)} {direction}
        {t.via !== undefined && ` · ${VIA[t.via] ?? t.via}`}
        {t.carrier === 'bulk' && ' · own TLS connection'}
      </div>
      {t.status === 'progress' && (
        <>
          {!waiting && (
            <progress
              max={Math.max(t.size, 1)}
              value={t.phase === 'hashing' || t.phase === 'transferring' ? t.bytes : undefined}
              aria-label={`${t.name}: ${percent}%`}
            />
          )}
          <div class="small file-stats" data-testid={`transfer-phase-${t.transferId}`}>
            <span>{phase}</span>
            {t.phase === 'transferring' && <span>{percent}%</span>}
            {!waiting && t.bytesPerSec > 0 && <span>{formatRate(t.bytesPerSec)}</span>}
            {eta !== '' && <span>ETA {eta}</span>}
          </div>
          <button
            type="button"
            class="small-button ghost"
            data-testid={`transfer-cancel-${t.transferId}`}
            onClick={() => store.attempt(() => store.files.cancel(t.transferId))}
          >
            Cancel
          </button>
        </>
      )}
      {t.status === 'done' && t.direction === 'send' && <div class="small">Sent to {peer}</div>}
      {t.status === 'done' && t.direction === 'receive' && (
        <div class="small">
          Saved as{' '}
          {t.path !== undefined && (
            <>
              <code class="selectable" data-testid={`transfer-path-${t.transferId}`}>
                {t.path}
              </code>
              <CopyPath path={t.path} name={t.name} />
            </>
          )}
        </div>
      )}
      {t.status === 'failed' && t.error !== undefined && (
        <div class="small form-error" data-testid={`transfer-error-${t.transferId}`}>
          {t.error.code}: {t.error.message}
        </div>
      )}
      {canDiscard && (
        <button
          type="button"
          class="small-button ghost"
          onClick={() => store.attempt(() => store.files.discard(t.transferId))}
        >
          Discard the partial file
        </button>
      )}
    </li>
  )
}

/** Copy a received file's path (where it is on this computer) to the clipboard. */
function CopyPath({ path, name }: { path: string; name: string }) {
  const [said, setSaid] = useState('')
  useEffect(() => {
    if (said === '') return
    const timer = window.setTimeout(() => setSaid(''), 3000)
    return () => window.clearTimeout(timer)
  }, [said])
  const copy = (): void => {
    if (navigator.clipboard === undefined) {
      setSaid('Copying is not allowed here: select the path instead.')
      return
    }
    navigator.clipboard.writeText(path).then(
      () => setSaid('Copied'),
      () => setSaid('Could not copy: select the path instead.')
    )
  }
  return (
    <span class="copy-path">
      <button type="button" class="small-button ghost" aria-label={`Copy the path of ${name}`} onClick={copy}>
        Copy path
      </button>
      <span class="muted small" role="status">
        {said}
      </span>
    </span>
  )
}
