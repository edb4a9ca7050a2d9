import type { ChildProcess } from 'node:child_process'
import { extname } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Lab } from './netns.ts'
import type { LabNode } from './topology.ts'

/** probe.ts next to this file when run from source (Node 24 strips the types), probe.js in dist/. */
const PROBE = fileURLToPath(new URL(`./probe${extname(fileURLToPath(import.meta.url))}`, import.meta.url))
/** How long a probe process may take to start and say it listens. */
const LISTEN_TIMEOUT_MS = 10_000
/**
 * A connect that has not succeeded in this long is taken as blocked: in the lab every answer comes in
 * well under 10 ms, so a second is ample and keeps the negative checks fast.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 1_500

/** One side of a TCP connection as a probe saw it. */
export interface Endpoint {
  localAddress: string
  localPort: number
  remoteAddress: string
  remotePort: number
}

export type ConnectResult =
  | ({ ok: true; received?: Endpoint } & Endpoint)
  /** `ETIMEDOUT` (dropped on the way), `ECONNREFUSED`, `ENETUNREACH`, `EHOSTUNREACH`… */
  | { ok: false; code: string }

export interface ListenProbe {
  port: number
  /** Every connection accepted so far, as the listener saw it. */
  connections: Endpoint[]
  child: ChildProcess
}

function jsonLines(child: ChildProcess, onLine: (o: Record<string, unknown>) => void): void {
  createInterface({ input: child.stdout! }).on('line', l => onLine(JSON.parse(l)))
}

/** A TCP listener on `host:port` in `node` that tells each connecting peer how it saw it, then closes. */
export async function listenProbe(lab: Lab, node: LabNode, host: string, port: number): Promise<ListenProbe> {
  const child = lab.spawn(node, [process.execPath, PROBE, 'listen', host, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const connections: Endpoint[] = []
  let stderr = ''
  child.stderr!.on('data', c => {
    stderr += c
  })
  const listening = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`probe did not listen in ${node}: ${stderr}`)),
      LISTEN_TIMEOUT_MS
    )
    jsonLines(child, o => {
      if (o.event === 'listening') {
        clearTimeout(timer)
        resolve(o.port as number)
      } else if (o.event === 'connection') connections.push(o as unknown as Endpoint)
      else if (o.event === 'error')
        reject(new Error(`probe cannot listen on ${host}:${port} in ${node}: ${o.message}`))
    })
    child.on('exit', code => reject(new Error(`probe exited (${code}) in ${node}: ${stderr}`)))
  })
  return { port: listening, connections, child }
}

/** Open a TCP connection from `node` to `host:port`, from `localPort` if given, and report what happened. */
export async function connectProbe(
  lab: Lab,
  node: LabNode,
  host: string,
  port: number,
  opts: { timeoutMs?: number; localPort?: number } = {}
): Promise<ConnectResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  const args = [process.execPath, PROBE, 'connect', host, String(port), String(timeoutMs)]
  if (opts.localPort !== undefined) args.push(String(opts.localPort))
  const { stdout, stderr } = await lab.exec(node, args, { timeoutMs: timeoutMs + LISTEN_TIMEOUT_MS })
  const line = stdout.trim().split('\n').at(-1)
  if (line === undefined || line === '') throw new Error(`probe in ${node} printed nothing: ${stderr}`)
  return JSON.parse(line) as ConnectResult
}
