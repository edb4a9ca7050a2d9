import { describe, expect, it } from 'vitest'
import { formatDuration, renderProgress } from '../../peer/ui/progress-bar.ts'

describe('progress bar', () => {
  it('shows the fraction, sizes, rate and ETA', () => {
    expect(renderProgress(450 * 2 ** 20, 1000 * 2 ** 20, 112.5 * 2 ** 20, 20)).toBe(
      '[#########-----------]  45%  450.0 MiB/1000.0 MiB  112.5 MiB/s  ETA 0:05'
    )
  })
  it('handles the ends: nothing yet, unknown rate, empty and finished files', () => {
    expect(renderProgress(0, 1024, 0, 10)).toBe('[----------]   0%  0 B/1.0 KiB  -- B/s  ETA --:--')
    expect(renderProgress(0, 0, 0, 4)).toBe('[####] 100%  0 B/0 B  -- B/s  done')
    expect(renderProgress(2048, 2048, 1024, 4)).toBe('[####] 100%  2.0 KiB/2.0 KiB  1.0 KiB/s  done')
  })
  it('is full only when the transfer is: 97 % or 99.9 % still shows a gap', () => {
    expect(renderProgress(97, 100, 0, 20).slice(0, 27)).toBe('[###################-]  97%')
    expect(renderProgress(999, 1000, 0, 20).slice(0, 27)).toBe('[###################-]  99%')
  })
  it('formats durations', () => {
    expect(formatDuration(65)).toBe('1:05')
    expect(formatDuration(3723)).toBe('1:02:03')
    expect(formatDuration(Number.NaN)).toBe('--:--')
  })
})
