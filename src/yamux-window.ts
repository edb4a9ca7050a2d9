import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'

/**
 * js yamux sends a WindowUpdate frame after every data frame it receives, however small. For small
 * messages (heartbeats, chat lines, acks) that doubles the frames, encryptions and socket writes: on a
 * tracker with 10,000 peers it was half of the heartbeat CPU. go-yamux and rust-yamux only send an
 * update once at least half of the receive window has been consumed; this makes js yamux do the same.
 * Opening and acknowledging frames (SYN/ACK) are never deferred.
 */
interface WindowFields {
  state: StreamState
  recvWindow: number
  recvWindowCapacity: number
}

let installed = false

export function installYamuxWindowUpdateThreshold(): void {
  if (installed) return
  installed = true
  const proto = YamuxStream.prototype as unknown as { sendWindowUpdate(this: WindowFields): void }
  const original = proto.sendWindowUpdate
  proto.sendWindowUpdate = function (this: WindowFields): void {
    const handshaking = this.state === StreamState.Init || this.state === StreamState.SYNReceived
    if (!handshaking && this.recvWindowCapacity > this.recvWindow / 2) return
    original.call(this)
  }
}

interface GrowableStream {
  recvWindow?: number
  maxStreamWindowSize?: number
  sendWindowUpdate?: () => void
}

/**
 * Grant the remote `bytes` of receive window on a yamux stream at once, with an ordinary window
 * update (any yamux sender understands it). js yamux only grows a window beyond 256 KiB when it has
 * measured the connection's RTT with a ping, and p2pchat disables those pings; a bulk stream then
 * moves 256 KiB per round trip of two event loops. No-op on muxers without windows (mplex).
 */
export function raiseReceiveWindow(stream: unknown, bytes: number): void {
  const s = stream as GrowableStream
  if (typeof s.recvWindow !== 'number' || typeof s.sendWindowUpdate !== 'function') return
  if (s.recvWindow >= bytes) return
  s.recvWindow = bytes
  s.maxStreamWindowSize = Math.max(s.maxStreamWindowSize ?? 0, bytes)
  s.sendWindowUpdate()
}
