import { describe, expect, it } from 'vitest'
import { formatDuration, renderProgress } from '../../peer/ui/progress-bar.ts'

describe('progress bar', () => {
  it('shows the fraction, sizes, rate and ETA', () => {
    expect(renderProgress(450e6, 1e9, 112.3e6, 20)).toBe(
      '[#########-----------]  45%  450.0 MB/1.0 GB  112.3 MB/s  ETA 0:05'
    )
  })
  it('handles the ends: nothing yet, unknown rate, empty and finished files', () => {
    expect(renderProgress(0, 1000, 0, 10)).toBe('[----------]   0%  0 B/1.0 KB  -- B/s  ETA --:--')
    expect(renderProgress(0, 0, 0, 4)).toBe('[####] 100%  0 B/0 B  -- B/s  done')
    expect(renderProgress(2000, 2000, 1000, 4)).toBe('[####] 100%  2.0 KB/2.0 KB  1.0 KB/s  done')
  })
  it('formats durations', () => {
    expect(formatDuration(65)).toBe('1:05')
    expect(formatDuration(3723)).toBe('1:02:03')
    expect(formatDuration(Number.NaN)).toBe('--:--')
  })
})
