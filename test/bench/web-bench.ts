/**
 * bench:web — the web app in headless Chromium against its own API in the same run:
 *   - page load: a fresh browser context opening the app until its login form is on screen, against a
 *     bare page (a few bytes of HTML, no script) from a plain Node HTTP server — the browser's floor;
 *   - message latency: alice's page sends (Enter in the composer) until bob's page shows it, against the
 *     same two peers driven through the WebSocket API without a page (msg → message event);
 *   - a burst of messages from alice's API: until bob's page has rendered all, against bob's API having
 *     received all.
 *
 *   npm run bench:web -- [--loads 20] [--count 50] [--burst 500] [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { WebSocket } from 'ws'
import type { Child } from './bench-utils.ts'
import {
  benchOptions,
  labTrackerArgs,
  percentile,
  printResult,
  round,
  spawnChild,
  trackerAddress
} from './bench-utils.ts'

const HELP = `Usage: npm run bench:web -- [options]
  --loads N    page loads per page (default 20)
  --count N    messages timed one at a time per method (default 50)
  --burst N    messages in the burst (default 500)
  --json       print one JSON object
Needs Debian's chromium at /usr/bin/chromium.
`
const values = benchOptions(HELP, {
  loads: { type: 'string', default: '20' },
  count: { type: 'string', default: '50' },
  burst: { type: 'string', default: '500' }
})
const loads = Number(values.loads)
const count = Number(values.count)
const burst = Number(values.burst)
if (!(loads >= 3 && count >= 5 && burst >= 10)) {
  process.stderr.write(`bench:web: bad arguments\n${HELP}`)
  process.exit(2)
}
const log = (m: string): void => {
  process.stderr.write(`[bench:web] ${m}\n`)
}
const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url))
const PASSWORD = 'bench password 1'
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']

const dir = await mkdtemp(join(tmpdir(), 'p2pchat-bench-web-'))
const children: Child[] = []
let browser: Browser | undefined
const bare = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
  res.end('<!doctype html><title>bare</title><form><input id="user"></form>')
})

/** A tab's API: numbered commands, and every event seen. */
interface Api {
  call(cmd: Record<string, unknown>): Promise<Record<string, unknown>>
  onEvent(fn: (e: Record<string, unknown>) => void): void
  close(): void
}

async function openApi(url: string): Promise<Api> {
  const u = new URL(url)
  const ws = new WebSocket(`ws://${u.host}/api?token=${u.searchParams.get('token')}`, {
    headers: { Origin: u.origin }
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const waiting = new Map<string, (m: Record<string, unknown>) => void>()
  const listeners: Array<(e: Record<string, unknown>) => void> = []
  ws.on('message', data => {
    const m = JSON.parse(data.toString()) as Record<string, unknown>
    if (typeof m.id === 'string' && waiting.has(m.id)) {
      waiting.get(m.id)!(m)
      waiting.delete(m.id)
    } else if (typeof m.event === 'string') for (const l of listeners) l(m)
  })
  let n = 0
  return {
    call(cmd) {
      const id = `b${++n}`
      ws.send(JSON.stringify({ id, ...cmd }))
      return new Promise(resolve => waiting.set(id, resolve))
    },
    onEvent: fn => listeners.push(fn),
    close: () => ws.close()
  }
}

async function startWeb(name: string): Promise<string> {
  const child = spawnChild(
    CLI,
    ['web', '--port', '0', '--no-open', '--data', join(dir, name), '--listen', '/ip4/127.0.0.1/tcp/0'],
    `web-${name}`
  )
  children.push(child)
  return child.waitLine(l => l.startsWith('http://'), 30_000)
}

/** Milliseconds from starting navigation in a fresh context until `ready` is on screen. */
async function timeLoad(url: string, ready: string): Promise<number> {
  const context = await browser!.newContext()
  const page = await context.newPage()
  const t0 = performance.now()
  await page.goto(url)
  await page.locator(ready).first().waitFor()
  const ms = performance.now() - t0
  await context.close()
  return ms
}

function stats(samples: number[]): { p50: number; p95: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    p50: round(percentile(sorted, 50), 1),
    p95: round(percentile(sorted, 95), 1),
    mean: round(sorted.reduce((s, x) => s + x, 0) / sorted.length, 1)
  }
}

/**
 * Watch bob's page: when each message text first appears in the conversation (page clock, Date.now()).
 * Runs in the page, so it is given as source (this file is compiled without the DOM's types).
 */
const WATCH_MESSAGES = `(() => {
  const seen = new Map()
  window.__seen = seen
  const note = el => {
    const m = /bench-(\\d+);/.exec(el.textContent ?? '')
    if (m !== null && !seen.has(m[1])) seen.set(m[1], Date.now())
  }
  for (const el of document.querySelectorAll('[data-testid="message"]')) note(el)
  // Only what was added: the watcher's own cost stays O(1) per message.
  new MutationObserver(records => {
    for (const r of records)
      for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue
        if (n.matches('[data-testid="message"]')) note(n)
        else for (const el of n.querySelectorAll('[data-testid="message"]')) note(el)
      }
  }).observe(document.body, { childList: true, subtree: true })
})()`

/** The page's record of `window.__seen`, as seen from here. */
interface Watched {
  __seen: Map<string, number>
}

async function watchMessages(page: Page): Promise<void> {
  await page.evaluate(WATCH_MESSAGES)
}

const seenAt = (page: Page): Promise<Record<string, number>> =>
  page.evaluate(() => Object.fromEntries((globalThis as unknown as Watched).__seen)) as Promise<
    Record<string, number>
  >

try {
  await new Promise<void>(resolve => bare.listen(0, '127.0.0.1', () => resolve()))
  const tracker = spawnChild(CLI, labTrackerArgs(join(dir, 'tracker')), 'tracker')
  children.push(tracker)
  const addr = await trackerAddress(tracker)
  const [urlA, urlB] = await Promise.all([startWeb('a'), startWeb('b')])
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })

  log(`page loads: ${loads} of the app, ${loads} of a bare page`)
  const appLoads: number[] = []
  const bareLoads: number[] = []
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`
  for (let i = 0; i < loads; i++) {
    appLoads.push(await timeLoad(urlA, '[data-testid="login-user"]'))
    bareLoads.push(await timeLoad(bareUrl, '#user'))
  }

  log('logging in alice and bob from their pages')
  const pageA = await (await browser.newContext()).newPage()
  const pageB = await (await browser.newContext()).newPage()
  const loginTimes: number[] = []
  for (const [page, url, user] of [
    [pageA, urlA, 'alice'],
    [pageB, urlB, 'bob']
  ] as const) {
    await page.goto(url)
    await page.getByTestId('login-tracker').fill(addr)
    await page.getByTestId('login-user').fill(user)
    await page.getByTestId('login-register').check()
    await page.getByTestId('login-password').fill(PASSWORD)
    await page.getByTestId('login-password2').fill(PASSWORD)
    const t0 = performance.now()
    await page.getByTestId('login-submit').click()
    await page.getByTestId('me').waitFor({ timeout: 30_000 })
    loginTimes.push(performance.now() - t0)
  }
  await pageA.getByTestId('online-bob').click()
  await pageB.getByTestId('online-alice').click()
  await watchMessages(pageB)

  log(`${count} messages page to page, one at a time`)
  const uiLatency: number[] = []
  const composer = pageA.getByTestId('composer')
  for (let i = 0; i < count; i++) {
    await composer.fill(`bench-${i};`)
    const sentAt = Date.now()
    await composer.press('Enter')
    const id = String(i)
    await pageB.waitForFunction(k => (globalThis as unknown as Watched).__seen.has(k), id, { polling: 'raf' })
    uiLatency.push((await seenAt(pageB))[id] - sentAt)
  }

  log(`${count} messages API to API (the same peers, no page)`)
  const apiA = await openApi(urlA)
  const apiB = await openApi(urlB)
  const arrived = new Map<string, number>()
  const arrivals = new Set<(text: string) => void>()
  apiB.onEvent(e => {
    if (e.event === 'message' && typeof e.text === 'string') {
      arrived.set(e.text, performance.now())
      for (const fn of arrivals) fn(e.text)
    }
  })
  const arrival = (text: string): Promise<number> =>
    new Promise(resolve => {
      if (arrived.has(text)) return resolve(arrived.get(text)!)
      const fn = (t: string): void => {
        if (t === text) {
          arrivals.delete(fn)
          resolve(arrived.get(text)!)
        }
      }
      arrivals.add(fn)
    })
  const apiLatency: number[] = []
  for (let i = 0; i < count; i++) {
    const text = `api-${i}`
    const t0 = performance.now()
    const got = arrival(text)
    await apiA.call({ cmd: 'msg', to: 'bob', text })
    apiLatency.push((await got) - t0)
  }

  log(`a burst of ${burst} messages from alice's API`)
  const firstBurst = count
  const burstStart = Date.now()
  const burstStartPerf = performance.now()
  const lastText = `bench-${firstBurst + burst - 1};`
  const apiDone = arrival(lastText)
  await Promise.all(
    Array.from({ length: burst }, (_, i) =>
      apiA.call({ cmd: 'msg', to: 'bob', text: `bench-${firstBurst + i};` })
    )
  )
  const apiBurstMs = (await apiDone) - burstStartPerf
  await pageB.waitForFunction(
    k => (globalThis as unknown as Watched).__seen.has(k),
    String(firstBurst + burst - 1),
    { timeout: 120_000 }
  )
  const seen = await seenAt(pageB)
  const rendered = Array.from({ length: burst }, (_, i) => seen[String(firstBurst + i)]).filter(
    t => t !== undefined
  )
  const pageBurstMs = Math.max(...rendered) - burstStart
  apiA.close()
  apiB.close()

  const load = stats(appLoads)
  const result = {
    appLoadP50Ms: load.p50,
    appLoadP95Ms: load.p95,
    bareLoadP50Ms: stats(bareLoads).p50,
    bareLoadP95Ms: stats(bareLoads).p95,
    loginRegisterMs: round(Math.max(...loginTimes), 0),
    pageToPageP50Ms: stats(uiLatency).p50,
    pageToPageP95Ms: stats(uiLatency).p95,
    apiToApiP50Ms: stats(apiLatency).p50,
    apiToApiP95Ms: stats(apiLatency).p95,
    burst,
    burstRenderedOnPage: rendered.length,
    burstPageMs: round(pageBurstMs, 0),
    burstApiMs: round(apiBurstMs, 0),
    loadTargetMet: load.p95 < 1000
  }
  printResult('bench:web', result, values.json === true)
} finally {
  await browser?.close().catch(() => {})
  for (const c of children) c.kill()
  bare.close()
  await rm(dir, { recursive: true, force: true })
}
process.exit(0)
