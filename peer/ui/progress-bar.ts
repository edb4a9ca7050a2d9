import { formatBytes } from '../../src/units.ts'

/** `1:05`, `1:02:03`; `--:--` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--'
  const s = Math.round(seconds)
  const hh = Math.floor(s / 3600)
  const mm = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`
}

/**
 * One line of transfer progress: `[#########-----------]  45%  450.0 MiB/1.0 GiB  112.3 MiB/s  ETA 0:05`.
 * An empty file is 100 % done.
 */
export function renderProgress(bytes: number, size: number, bytesPerSec: number, width = 20): string {
  const fraction = size === 0 ? 1 : Math.min(1, Math.max(0, bytes / size))
  // Floored like the percentage: the bar is full only when the transfer is.
  const filled = Math.floor(fraction * width)
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4)
  const rate = bytesPerSec > 0 ? `${formatBytes(bytesPerSec)}/s` : '-- B/s'
  const eta =
    bytes >= size
      ? 'done'
      : `ETA ${formatDuration(bytesPerSec > 0 ? (size - bytes) / bytesPerSec : Number.NaN)}`
  return `${bar} ${pct}  ${formatBytes(bytes)}/${formatBytes(size)}  ${rate}  ${eta}`
}
