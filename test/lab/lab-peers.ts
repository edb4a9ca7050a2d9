import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { it } from 'vitest'
import type { Json } from '../fixtures/json-peer.ts'
import { jsonPeer } from '../fixtures/json-peer.ts'
import type { Proc } from '../fixtures/processes.ts'
import { CLI, spawnProcess } from '../fixtures/processes.ts'
import type { Lab, LabNode } from './index.ts'
import { labUnavailableReason } from './index.ts'

/**
 * What the lab's test files share: whether the lab can run here, and p2pchat processes (the built CLI)
 * started inside its namespaces.
 */

export const unavailable = labUnavailableReason()
const inCI = process.env.CI === 'true' || process.env.CI === '1'
if (unavailable !== undefined && !inCI) {
  console.warn(`Skipping the network-namespace lab tests: ${unavailable}. (With CI=true they fail instead.)`)
}
export const runLabTests = unavailable === undefined || inCI

/** A test that needs the lab: in CI without one, it fails with the reason (each test, so CI counts them). */
export function labTest(name: string, fn: () => Promise<void>): void {
  it(name, async () => {
    if (unavailable !== undefined)
      throw new Error(`the network-namespace lab cannot run here: ${unavailable}`)
    await fn()
  })
}

/** `p2pchat …` (the built CLI) as a process in `node`'s namespace. */
export function p2pchatIn(lab: Lab, node: LabNode, args: string[]): Proc {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`)
  const [cmd, ...rest] = lab.argv(node, [process.execPath, CLI, ...args])
  return spawnProcess(cmd, rest)
}

/** A `p2pchat peer --json` in `node`, registered as `user`, listening on all its addresses. */
export async function peerIn(
  lab: Lab,
  node: LabNode,
  tracker: string,
  user: string,
  dir: string,
  listen = '/ip4/0.0.0.0/tcp/0',
  extra: string[] = []
) {
  const proc = p2pchatIn(lab, node, [
    'peer',
    '--tracker',
    tracker,
    '--user',
    user,
    '--register',
    '--password-file',
    join(dir, 'password'),
    '--data',
    join(dir, user),
    '--listen',
    listen,
    '--json',
    ...extra
  ])
  const peer = jsonPeer(proc, dir)
  const ready = await peer.wait(o => o.event === 'ready')
  return { peer, ready }
}

/** The port of `ready.addrs`' address on `host`. */
export function listenPort(ready: Json, host: string): number {
  const addr = (ready.addrs as string[]).find(a => a.startsWith(`/ip4/${host}/tcp/`))
  if (addr === undefined) throw new Error(`no /ip4/${host} address in ${ready.addrs}`)
  return Number(addr.split('/')[4])
}

/** Established TCP connections in `node` matching an `ss` filter, as [local, peer] "ip:port" pairs. */
export async function established(lab: Lab, node: LabNode, filter: string): Promise<Array<[string, string]>> {
  const { stdout } = await lab.exec(node, ['ss', '-Htn', 'state', 'established', filter])
  return stdout
    .split('\n')
    .filter(l => l.trim() !== '')
    .map(l => l.trim().split(/\s+/).slice(-2) as [string, string])
}
