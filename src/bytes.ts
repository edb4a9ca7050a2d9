/** Byte arrays with the same contents (not constant-time: for ids, keys and addresses, not secrets). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i])
}
