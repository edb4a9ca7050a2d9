import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { Outbound } from '../../peer/api/schema.ts'
import type { WebServer } from '../../peer/web/web-server.ts'
import { nextEvent, onCleanup, PASSWORD, startPeerClient, startTracker } from '../fixtures/nodes.ts'
import { http, PAGE, startWeb } from '../fixtures/web.ts'

/** A tab: a WebSocket with a numbered `call` and the events it has seen. */
async function openTab(server: WebServer, origin = server.origin) {
  const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/api?token=${server.token}`, {
    headers: { Origin: origin }
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  onCleanup(() => ws.close())
  const events: Outbound[] = []
  const waiting = new Map<string, (m: Outbound) => void>()
  const listeners = new Set<(m: Outbound) => void>()
  ws.on('message', data => {
    const m = JSON.parse(data.toString()) as Outbound
    if ('id' in m && m.id !== undefined && waiting.has(m.id)) {
      waiting.get(m.id)!(m)
      waiting.delete(m.id)
    } else {
      events.push(m)
      for (const l of listeners) l(m)
    }
  })
  let n = 0
  const call = (cmd: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const id = String(++n)
    ws.send(JSON.stringify({ id, ...cmd }))
    return new Promise(resolve => waiting.set(id, m => resolve(m as unknown as Record<string, unknown>)))
  }
  const event = (name: string, match: (m: Record<string, unknown>) => boolean = () => true) =>
    new Promise<Record<string, unknown>>(resolve => {
      const seen = events.find(m => 'event' in m && m.event === name && match(m as never))
      if (seen !== undefined) return resolve(seen as never)
      const l = (m: Outbound): void => {
        if ('event' in m && m.event === name && match(m as never)) {
          listeners.delete(l)
          resolve(m as never)
        }
      }
      listeners.add(l)
    })
  return { ws, call, event, events }
}

/** Why a WebSocket handshake was refused: the HTTP status. */
function refusedStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('open', () => reject(new Error('the handshake was accepted')))
    ws.once('error', () => {})
  })
}

describe('p2pchat web: the server', () => {
  it('serves the page only with the token, to its own Host, with a strict CSP', async () => {
    const { server } = await startWeb()
    const without = await http(`${server.origin}/`)
    expect(without.status).toBe(401)
    expect(without.body).not.toContain('<script')
    const last = server.token.at(-1) === 'A' ? 'B' : 'A'
    const wrong = await http(`${server.origin}/?token=${server.token.slice(0, -1)}${last}`)
    expect(wrong.status).toBe(401)
    const page = await http(server.url)
    expect(page.status).toBe(200)
    expect(page.body).toBe(PAGE)
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe')
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['cache-control']).toBe('no-store')
    // DNS rebinding: a name of the attacker's that resolves to 127.0.0.1 gets nothing.
    const rebound = await http(server.url, { headers: { Host: `evil.example:${server.port}` } })
    expect(rebound.status).toBe(421)
    const script = await http(`${server.origin}/assets/app-1.js`)
    expect(script.status).toBe(200)
    expect(script.headers['content-type']).toMatch(/^text\/javascript/)
    expect((await http(`${server.origin}/assets/..%2Fapp-1.js`)).status).toBe(404)
    expect((await http(`${server.origin}/../../etc/passwd`)).status).toBe(404)
    expect((await http(server.url, { method: 'POST' })).status).toBe(405)
  })

  it('prints the address it serves on: [::1] when bound to IPv6 loopback', async () => {
    const { server } = await startWeb({ host: '::1' })
    expect(server.origin).toBe(`http://[::1]:${server.port}`)
    expect((await http(server.url)).status).toBe(200)
  })

  it('refuses a WebSocket without the token, from another Origin, or to another Host', async () => {
    const { server } = await startWeb()
    const ws = server.origin.replace('http', 'ws')
    const own = { Origin: server.origin }
    expect(await refusedStatus(`${ws}/api`, own)).toBe(401)
    expect(await refusedStatus(`${ws}/api?token=nope`, own)).toBe(401)
    // A page the user happens to visit opens a WebSocket to us: the browser names its origin.
    expect(await refusedStatus(`${ws}/api?token=${server.token}`, { Origin: 'http://evil.example' })).toBe(
      403
    )
    expect(await refusedStatus(`${ws}/api?token=${server.token}`, {})).toBe(403)
    expect(
      await refusedStatus(`${ws}/api?token=${server.token}`, { ...own, Host: `evil.example:${server.port}` })
    ).toBe(421)
    expect(server.sockets).toBe(0)
    const tab = await openTab(server)
    expect(await tab.call({ cmd: 'session' })).toMatchObject({ ok: true, state: 'logged-out' })
  })

  it('logs in from the page with clear errors, shares the session with every tab, and logs out', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const { server, session, dataRoot } = await startWeb()
    const tab = await openTab(server)
    const other = await openTab(server)

    expect(await tab.call({ cmd: 'who' })).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } })
    expect(await tab.call({ cmd: 'help' })).toMatchObject({ ok: true })
    const bad = await tab.call({ cmd: 'login', tracker: 'not an address', user: 'alice', password: PASSWORD })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ADDRESS' } })
    const noId = await tab.call({
      cmd: 'login',
      tracker: '/ip4/127.0.0.1/tcp/1',
      user: 'alice',
      password: PASSWORD
    })
    expect(noId).toMatchObject({ ok: false, error: { code: 'INVALID_ADDRESS' } })
    // A tracker address where nothing listens: refused with a reason, nothing left running.
    const nobody = addr.replace(/\/tcp\/\d+/, '/tcp/1')
    const down = await tab.call({ cmd: 'login', tracker: nobody, user: 'alice', password: PASSWORD })
    expect(down).toMatchObject({ ok: false, error: { code: 'TRACKER_UNREACHABLE' } })
    expect(session.peer).toBeUndefined()
    const noAccount = await tab.call({ cmd: 'login', tracker: addr, user: 'alice', password: PASSWORD })
    expect(noAccount).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } })
    // Failed first logins leave no data directory behind (a mistyped name does not litter the root).
    expect(existsSync(join(dataRoot, 'alice'))).toBe(false)

    const loggedIn = other.event('session', m => m.state === 'connected')
    const ok = await tab.call({
      cmd: 'login',
      tracker: addr,
      user: 'alice',
      password: PASSWORD,
      register: true
    })
    expect(ok).toMatchObject({ ok: true, user: 'alice', tracker: 'connected' })
    expect(await loggedIn).toMatchObject({ user: 'alice', tracker: addr })
    expect(await other.call({ cmd: 'who' })).toMatchObject({ ok: true, users: [{ user: 'alice' }] })
    const again = await other.call({ cmd: 'login', tracker: addr, user: 'bob', password: PASSWORD })
    expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_LOGGED_IN' } })
    // The account's data sits where `p2pchat peer` keeps it by default, under the root.
    expect(session.peer!.dataDir).toBe(join(dataRoot, 'alice'))

    // Events of the logged-in peer reach every tab.
    const bob = await startPeerClient(tracker, 'bob')
    await Promise.all([
      tab.event('joined', m => m.user === 'bob'),
      other.event('joined', m => m.user === 'bob')
    ])
    const got = nextEvent<{ text: string; from: string }>(bob, 'message', m => m.text === 'hi <b>bob</b>')
    expect(await tab.call({ cmd: 'msg', to: 'bob', text: 'hi <b>bob</b>' })).toMatchObject({ ok: true })
    expect((await got).from).toBe('alice')
    await bob.send('alice', 'hello back')
    await other.event('message', m => m.text === 'hello back')

    const out = other.event('session', m => m.state === 'logged-out')
    const left = nextEvent(bob, 'left', (l: { user: string }) => l.user === 'alice')
    expect(await tab.call({ cmd: 'logout' })).toMatchObject({ ok: true })
    expect(await out).toMatchObject({ reason: 'logged out', lastUser: 'alice', tracker: addr })
    await left
    expect(await tab.call({ cmd: 'who' })).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } })

    // The login screen remembers the tracker and the name, also after a restart.
    const remembered = JSON.parse(await readFile(join(dataRoot, 'web.json'), 'utf8'))
    expect(remembered).toEqual({ tracker: addr, lastUser: 'alice' })
    const wrong = await tab.call({ cmd: 'login', tracker: addr, user: 'alice', password: 'not the password' })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } })
    // …but a failed login never touches a directory that was there before.
    expect(existsSync(join(dataRoot, 'alice', 'identity.key'))).toBe(true)
    const taken = await tab.call({
      cmd: 'login',
      tracker: addr,
      user: 'bob',
      password: 'another password',
      register: true
    })
    expect(taken).toMatchObject({ ok: false, error: { code: 'USERNAME_TAKEN' } })
  })

  it('takes an upload to send, only with the token from its own origin and only when logged in', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const { server } = await startWeb()
    const upload = (headers: Record<string, string>, body = 'file body') =>
      http(`${server.origin}/upload`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': 'notes.txt', ...headers },
        body
      })
    const good = { 'X-P2PChat-Token': server.token, Origin: server.origin }
    expect((await upload(good)).status).toBe(409)
    const tab = await openTab(server)
    await tab.call({ cmd: 'login', tracker: addr, user: 'alice', password: PASSWORD, register: true })
    expect((await upload({ Origin: server.origin })).status).toBe(403)
    expect((await upload({ ...good, Origin: 'http://evil.example' })).status).toBe(403)
    const bad = await upload({ ...good, 'X-File-Name': encodeURIComponent('../..') })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'INVALID_FILE_NAME' } })

    const res = await upload({ ...good, 'X-File-Name': encodeURIComponent('../ré sumé.txt') })
    expect(res.status).toBe(200)
    const stored = JSON.parse(res.body) as { path: string; name: string; size: number }
    expect(stored).toMatchObject({ name: 'ré sumé.txt', size: 9 })
    expect(await readFile(stored.path, 'utf8')).toBe('file body')

    const bob = await startPeerClient(tracker, 'bob')
    await tab.event('joined', m => m.user === 'bob')
    const offer = nextEvent<{ transferId: string; name: string }>(bob, 'file-offer')
    expect(await tab.call({ cmd: 'send-file', to: 'bob', path: stored.path })).toMatchObject({ ok: true })
    const o = await offer
    expect(o.name).toBe('ré sumé.txt')
    const done = nextEvent<{ path: string }>(bob, 'file-done')
    await bob.acceptFile(o.transferId)
    expect(await readFile((await done).path, 'utf8')).toBe('file body')
  })
})
