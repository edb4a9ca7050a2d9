/**
 * A NAT-PMP gateway (RFC 6886) as a `GatewayClient`: a few datagrams to the default gateway, done here.
 * nat-port-mapper's NAT-PMP client binds the fixed port 5350, never retransmits and stalls after a
 * timeout; a connected socket also makes a router without NAT-PMP fail at once (ICMP port unreachable)
 * instead of at the timeout.
 */
import { createSocket } from 'node:dgram'
import { readFile } from 'node:fs/promises'
import type { AbortOptions } from '@libp2p/interface'
import type { GatewayClient } from './gateway.ts'

/** The NAT-PMP server port on the gateway (RFC 6886 §3.1). */
export const NAT_PMP_PORT = 5351
/** RFC 6886 §3.1: retransmit after 250 ms, doubling each time. */
const NAT_PMP_FIRST_RETRY_MS = 250
/** RFC 6886 §3.5 result codes 1–4. */
const PMP_RESULTS = ['unsupported version', 'not authorized or refused', 'network failure', 'out of ports']

/** Ask `gateway` (default: the default route's) for its external address: it is the one if it answers. */
export async function findPmp(gateway: string | undefined, signal: AbortSignal): Promise<GatewayClient> {
  const address = gateway ?? (await defaultGateway())
  if (address === undefined) throw new Error('no default gateway to ask')
  const client = pmpGateway(address)
  await client.externalIp({ signal })
  return client
}

function pmpGateway(address: string): GatewayClient {
  const mapRequest = (internalPort: number, externalPort: number, leaseSeconds: number) => {
    const buf = Buffer.alloc(12)
    buf[1] = 2 // opcode: map TCP
    buf.writeUInt16BE(internalPort, 4)
    buf.writeUInt16BE(externalPort, 6)
    buf.writeUInt32BE(leaseSeconds, 8)
    return buf
  }
  return {
    protocol: 'nat-pmp',
    address,
    async externalIp(options) {
      return [...(await pmpExchange(address, Buffer.from([0, 0]), 12, options)).subarray(8, 12)].join('.')
    },
    async map({ internalPort, externalPort, leaseSeconds }, options) {
      const res = await pmpExchange(
        address,
        mapRequest(internalPort, externalPort, leaseSeconds),
        16,
        options
      )
      return { externalPort: res.readUInt16BE(10), leaseSeconds: res.readUInt32BE(12) }
    },
    async unmap({ internalPort }, options) {
      // RFC 6886 §3.4: lifetime 0 and suggested external port 0 delete the mapping of the internal port.
      await pmpExchange(address, mapRequest(internalPort, 0, 0), 16, options)
    }
  }
}

/** Send a NAT-PMP request, retransmitting with backoff, until an answer of `size` bytes or abort. */
async function pmpExchange(
  address: string,
  req: Buffer,
  size: number,
  options: AbortOptions
): Promise<Buffer> {
  const socket = createSocket('udp4')
  const { signal } = options
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort = () => {}
  try {
    const res = await new Promise<Buffer>((resolve, reject) => {
      onAbort = () => reject(signal?.reason)
      if (signal?.aborted) return onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
      // ECONNREFUSED: the gateway answered ICMP port unreachable, it runs no NAT-PMP server.
      socket.on('error', err => reject(new Error(`${address} port ${NAT_PMP_PORT}: ${err.message}`)))
      socket.on('message', msg => {
        if (msg.length >= size && msg[0] === 0 && msg[1] === req[1] + 128) resolve(msg)
      })
      let wait = NAT_PMP_FIRST_RETRY_MS
      const send = () => {
        socket.send(req)
        timer = setTimeout(send, wait)
        wait *= 2
      }
      socket.connect(NAT_PMP_PORT, address, send)
    })
    const result = res.readUInt16BE(2)
    if (result !== 0) throw new Error(`NAT-PMP result ${result} (${PMP_RESULTS[result - 1] ?? 'unknown'})`)
    return res
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
    socket.close()
  }
}

/** The IPv4 default route's gateway in this network namespace, from /proc/net/route (Linux only). */
export async function defaultGateway(): Promise<string | undefined> {
  const table = await readFile('/proc/net/route', 'utf8').catch(() => '')
  for (const line of table.split('\n').slice(1)) {
    const [, destination, gateway, flags] = line.trim().split(/\s+/)
    // RTF_GATEWAY is 2; the address is a little-endian hex number.
    if (destination !== '00000000' || (Number.parseInt(flags, 16) & 2) === 0) continue
    return [6, 4, 2, 0].map(i => Number.parseInt(gateway.slice(i, i + 2), 16)).join('.')
  }
  return undefined
}
