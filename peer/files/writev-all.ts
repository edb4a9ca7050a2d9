/** Buffers per writev call (IOV_MAX is 1024 on Linux). */
export const MAX_WRITEV_BUFFERS = 1024

/**
 * Write all of `batch` at `position` with `writev`, which may write less than asked (then the rest
 * follows, without copying); resolves with the bytes written. Shared by the stream's receiver and the
 * bulk thread, which write through different handles.
 */
export async function writevAll(
  writev: (buffers: Uint8Array[], position: number) => Promise<number>,
  batch: Uint8Array[],
  position: number
): Promise<number> {
  let bytes = 0
  for (const b of batch) bytes += b.byteLength
  let written = 0
  while (written < bytes) {
    written += await writev(written === 0 ? batch : remainder(batch, written), position + written)
  }
  return bytes
}

/** The buffers of `batch` after its first `skip` bytes (after a short write). */
function remainder(batch: Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const b of batch) {
    if (skip >= b.byteLength) skip -= b.byteLength
    else {
      out.push(skip > 0 ? b.subarray(skip) : b)
      skip = 0
    }
  }
  return out
}
