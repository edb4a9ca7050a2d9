/**
 * Sizes are shown in binary units with their IEC names (KiB, MiB, GiB), the same units `--max-file-size`
 * and the other size options read, so `--max-file-size 1M` is reported back as `1.0 MiB`.
 */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** `512 B`, `1.0 KiB`, `52.4 MiB`, `1.5 GiB`. */
export function formatBytes(n: number): string {
  let i = 0
  let v = n
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${UNITS[i]}`
}
