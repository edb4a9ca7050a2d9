/**
 * The stack's own floor for bench:chat: a libp2p stream (TCP + Noise + yamux, same node factory as
 * p2pchat) between two processes, echoing fixed-size messages with no application logic.
 *   --mode server            prints {"addr"}
 *   --mode client --addr A --count N --size B   prints {"rtts"}
 */

import { parseArgs } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { Uint8ArrayList } from 'uint8arraylist'
import { createNode } from '../../src/node.ts'

const PROTOCOL = '/p2pchat-bench/echo/1.0.0'
const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    addr: { type: 'string' },
    count: { type: 'string', default: '1000' },
    size: { type: 'string', default: '100' }
  }
})
const size = Number(values.size)
const emit = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`)
}
const node = await createNode({
  privateKey: await generateKeyPair('Ed25519'),
  listen: values.mode === 'server' ? ['/ip4/127.0.0.1/tcp/0'] : []
})
await node.start()

if (values.mode === 'server') {
  await node.handle(PROTOCOL, stream => {
    stream.addEventListener('message', e => {
      stream.send(e.data)
    })
  })
  emit({ addr: node.getMultiaddrs()[0].toString() })
} else {
  const stream = await node.dialProtocol(multiaddr(values.addr ?? ''), PROTOCOL)
  const count = Number(values.count)
  const payload = new Uint8Array(size).fill(7)
  const rtts: number[] = []
  const buffer = new Uint8ArrayList()
  let start = performance.now()
  stream.addEventListener('message', e => {
    buffer.append(e.data)
    while (buffer.byteLength >= size) {
      buffer.consume(size)
      rtts.push(performance.now() - start)
      if (rtts.length === count) {
        emit({ rtts })
        process.exit(0)
      }
      start = performance.now()
      stream.send(payload)
    }
  })
  start = performance.now()
  stream.send(payload)
}
