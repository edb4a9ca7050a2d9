/**
 * Sizes are shown in binary units with their IEC names (KiB, MiB, GiB), the same units `--max-file-size`
 * and the other size options read, so `--max-file-size 1M` is reported back as `1.0 MiB`.
 */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** `512 B`, `1.0 KiB`, `52.4 MiB`, `1.5 GiB`. */
export function formatBytes(n: number): string {
  let i = 0
  let v = n
  // Decide on the value as it will be shown: 1048575 bytes is `1.0 MiB`, not `1024.0 KiB`.
  while ((i === 0 ? v : Math.round(v * 10) / 10) >= 1024 && i < UNITS.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${UNITS[i]}`
}
