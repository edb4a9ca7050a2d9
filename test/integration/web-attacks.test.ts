import { chmod, readdir, readFile, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join, sep } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { ApiChannel } from '../../peer/api/channel.ts'
import type { WebServer } from '../../peer/web/web-server.ts'
import { onCleanup, PASSWORD, startTracker, tempDir } from '../fixtures/nodes.ts'
import { CLI, spawnScript } from '../fixtures/processes.ts'
import { http, startWeb } from '../fixtures/web.ts'

// Attacks on `p2pchat web` (docs/web.md, "Security"): what a page on another origin, another local user
// or a token holder sending garbage can do. Each test fails if the defence it names is missing.

/** Send raw bytes, return everything the server answers until it closes (or `ms` passes). */
function raw(port: number, data: string | Buffer, ms = 3000): Promise<string> {
  return new Promise(resolve => {
    const s = connect(port, '127.0.0.1')
    let got = ''
    const done = (): void => {
      clearTimeout(timer)
      s.destroy()
      resolve(got)
    }
    const timer = setTimeout(done, ms)
    s.on('data', d => {
      got += d.toString('latin1')
    })
    s.on('close', done)
    s.on('error', done)
    s.write(data)
  })
}

const statusOf = (response: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0)

function upgradeRequest(target: string, host: string, origin: string): string {
  return (
    `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nConnection: Upgrade\r\n` +
    'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'
  )
}

function openSocket(server: WebServer): Promise<WebSocket> {
  const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/api?token=${server.token}`, {
    headers: { Origin: server.origin }
  })
  onCleanup(() => ws.terminate())
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** Send one command and wait for the next non-event message (or the close code). */
function ask(ws: WebSocket, data: string | Buffer, binary = false): Promise<Record<string, unknown>> {
  return new Promise(resolve => {
    const onMessage = (d: Buffer): void => {
      const m = JSON.parse(d.toString()) as Record<string, unknown>
      if ('event' in m) return
      ws.off('message', onMessage)
      resolve(m)
    }
    ws.on('message', onMessage)
    ws.once('close', code => resolve({ closed: code }))
    ws.send(data, { binary })
  })
}

async function stillServes(server: WebServer): Promise<void> {
  const ws = await openSocket(server)
  expect(await ask(ws, '{"cmd":"session"}')).toMatchObject({ ok: true })
  ws.close()
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[])
  return entries.map(e => join(dir, e))
}

describe('p2pchat web under attack: crashes and leaks', () => {
  it('survives a WebSocket upgrade whose request target is not a valid URL (a page on any origin can send //[)', async () => {
    // A page anywhere runs `new WebSocket('ws://127.0.0.1:7070//[')`: the browser sends `GET //[`, which
    // `new URL(req.url, origin)` cannot parse. The refusal must be an HTTP answer, not an uncaught throw
    // in the 'upgrade' listener that ends the process (and logs the user out).
    const data = await tempDir('p2pchat-web-cli-')
    const proc = spawnScript(CLI, ['web', '--port', '0', '--no-open', '--data', data])
    const url = new URL(await proc.waitLine(line => line.startsWith('http://')))
    const port = Number(url.port)
    for (const target of ['//[', 'http://[']) {
      const answer = await raw(port, upgradeRequest(target, url.host, 'http://evil.example'))
      await new Promise(r => setTimeout(r, 300))
      expect(proc.child.exitCode, `${target} ended p2pchat web:\n${proc.stderr()}`).toBeNull()
      expect(statusOf(answer)).toBeGreaterThanOrEqual(400)
      expect(statusOf(answer)).toBeLessThan(500)
    }
    expect((await http(url.href)).status).toBe(200)
  })

  it('never puts the token in the argv of the browser it opens (another local user reads argv with ps)', async () => {
    // docs/web.md: "in the printed URL only (never in argv, so `ps` does not show it)". xdg-open and the
    // browser it starts are other processes whose command lines every local user can read.
    const dir = await tempDir('p2pchat-web-open-')
    const seen = join(dir, 'argv')
    await writeFile(join(dir, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${seen}'\n`)
    await chmod(join(dir, 'xdg-open'), 0o755)
    const data = await tempDir('p2pchat-web-cli-')
    const proc = spawnScript(CLI, ['web', '--port', '0', '--data', data], {
      DISPLAY: ':99',
      WAYLAND_DISPLAY: '',
      PATH: `${dir}:${process.env.PATH}`
    })
    const url = new URL(await proc.waitLine(line => line.startsWith('http://')))
    const token = url.searchParams.get('token')!
    let argv: string | undefined
    for (let i = 0; i < 50 && argv === undefined; i++) {
      argv = await readFile(seen, 'utf8').catch(() => undefined)
      if (argv === undefined) await new Promise(r => setTimeout(r, 100))
    }
    expect(argv, 'p2pchat web did not try to open a browser').toBeDefined()
    expect(argv).not.toContain(token)
  })
})

describe('p2pchat web under attack: bounds and clear errors', () => {
  it('does not queue commands without bound for a tab that stops reading its replies', async () => {
    // send() waits for the socket once 1 MiB is buffered, so the replies never pass the 32 MiB that
    // closes a tab; meanwhile every incoming frame is parsed and queued on the channel's chain. Either
    // the tab is closed or the server stops reading it: a few thousand pending commands at most.
    // Each `session` reply carries the offered tracker: ~2 KiB, so the replies outgrow the socket buffers.
    const { server, session } = await startWeb({ tracker: `/ip4/127.0.0.1/tcp/1/p2p/${'x'.repeat(2000)}` })
    const answered = vi.spyOn(session, 'session')
    const received = vi.spyOn(ApiChannel.prototype, 'receive')
    onCleanup(() => {
      answered.mockRestore()
      received.mockRestore()
    })
    const ws = await openSocket(server)
    const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket
    socket.pause()
    const N = 40_000
    for (let i = 0; i < N; i++) ws.send('{"cmd":"session"}')
    // Let the server read what it will.
    let last = -1
    for (let i = 0; i < 40 && received.mock.calls.length !== last; i++) {
      last = received.mock.calls.length
      await new Promise(r => setTimeout(r, 250))
    }
    const pending = received.mock.calls.length - answered.mock.calls.length
    let closed = false
    let replies = 0
    ws.on('message', () => {
      replies++
    })
    const end = new Promise<void>(resolve => {
      ws.once('close', () => {
        closed = true
        resolve()
      })
      const check = setInterval(() => {
        if (replies >= N) {
          clearInterval(check)
          resolve()
        }
      }, 50)
      onCleanup(() => clearInterval(check))
    })
    socket.resume()
    await end
    expect(closed || pending < 10_000, `${pending} commands queued for a tab that reads nothing`).toBe(true)
  })

  it('answers a request target it cannot parse with 400, not 500 INTERNAL', async () => {
    const { server } = await startWeb()
    const answer = await raw(
      server.port,
      `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`
    )
    expect(statusOf(answer)).toBe(400)
    expect(answer).not.toContain('INTERNAL')
  })

  it('takes an upload whose name is as long as sanitizeFileName allows (255 bytes)', async () => {
    // The stored name may be 255 bytes, but the `.part` it streams to first adds 5: ENAMETOOLONG, 500.
    const tracker = await startTracker({ coalesceMs: 10 })
    const { server } = await startWeb()
    const ws = await openSocket(server)
    const login = JSON.stringify({
      cmd: 'login',
      tracker: tracker.getMultiaddrs()[0].toString(),
      user: 'alice',
      password: PASSWORD,
      register: true
    })
    expect(await ask(ws, login)).toMatchObject({ ok: true })
    for (const name of [`${'a'.repeat(251)}.txt`, `${'é'.repeat(125)}.txt`]) {
      const res = await http(`${server.origin}/upload`, {
        method: 'POST',
        headers: {
          Origin: server.origin,
          'X-P2PChat-Token': server.token,
          'X-File-Name': encodeURIComponent(name)
        },
        body: 'x'
      })
      expect(res.status, res.body).toBe(200)
    }
  })
})

describe('p2pchat web under attack: defences that hold', () => {
  it('answers only its own Host names, exactly (DNS rebinding variants)', async () => {
    const { server } = await startWeb()
    const p = server.port
    for (const host of [
      `127.0.0.1.:${p}`,
      `LOCALHOST:${p}`,
      `localhost.:${p}`,
      `127.1:${p}`,
      `[::ffff:127.0.0.1]:${p}`,
      `2130706433:${p}`,
      '127.0.0.1',
      `evil.example:${p}`,
      `127.0.0.1:${p}@evil.example`
    ]) {
      const page = await raw(
        p,
        `GET /?token=${server.token} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`
      )
      expect(statusOf(page), host).toBe(421)
      const ws = await raw(p, upgradeRequest(`/api?token=${server.token}`, host, server.origin))
      expect(statusOf(ws), host).toBe(421)
    }
    const noHost = await raw(p, `GET /?token=${server.token} HTTP/1.0\r\n\r\n`)
    expect(statusOf(noHost)).toBe(421)
  })

  it('refuses the WebSocket from any other Origin, token or not, and takes the token only from ?token=', async () => {
    const { server } = await startWeb()
    const host = `127.0.0.1:${server.port}`
    const withToken = `/api?token=${server.token}`
    for (const origin of [
      'null',
      'http://evil.example',
      server.origin.toUpperCase(),
      `${server.origin}/`,
      `http://127.0.0.1:${server.port + 1}`,
      server.origin.replace('http', 'https')
    ]) {
      expect(statusOf(await raw(server.port, upgradeRequest(withToken, host, origin))), origin).toBe(403)
    }
    const noOrigin = upgradeRequest(withToken, host, server.origin).replace(/Origin: [^\r]*\r\n/, '')
    expect(statusOf(await raw(server.port, noOrigin))).toBe(403)
    expect(
      statusOf(
        await raw(server.port, upgradeRequest(`/api?token=x&token=${server.token}`, host, server.origin))
      )
    ).toBe(401)
    expect(
      statusOf(await raw(server.port, upgradeRequest(`/api/${server.token}`, host, server.origin)))
    ).toBe(404)
    expect((await http(`${server.origin}/`, { headers: { 'X-P2PChat-Token': server.token } })).status).toBe(
      401
    )
    expect((await http(`${server.origin}/?token=${server.token}%00`)).status).toBe(401)
    for (const method of ['OPTIONS', 'TRACE', 'PUT', 'DELETE']) {
      expect((await http(`${server.url}`, { method })).status, method).toBe(405)
    }
  })

  it('closes on oversized or invalid frames, answers binary and prototype keys with INVALID_COMMAND, keeps serving', async () => {
    const { server } = await startWeb()
    const ws = await openSocket(server)
    expect(await ask(ws, Buffer.from('{"cmd":"session"}'), true)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_COMMAND' }
    })
    for (const cmd of [
      '{"cmd":"session","__proto__":{"polluted":1}}',
      '{"cmd":"session","constructor":{"prototype":{"polluted":1}}}',
      '{"cmd":"__proto__"}',
      '{"cmd":"toString"}',
      `${'['.repeat(400_000)}${']'.repeat(400_000)}`
    ]) {
      expect(await ask(ws, cmd), cmd.slice(0, 40)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_COMMAND' }
      })
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(await ask(ws, `{"cmd":"help","id":"${'x'.repeat(1024 * 1024)}"}`)).toEqual({ closed: 1009 })
    // Invalid UTF-8 in a text frame: 1007.
    const bad = await openSocket(server)
    const closed = new Promise<number>(resolve => bad.once('close', code => resolve(code)))
    const socket = (bad as unknown as { _socket: import('node:net').Socket })._socket
    socket.write(Buffer.from([0x81, 0x84, 0, 0, 0, 0, 0x7b, 0xff, 0xfe, 0x7d]))
    expect(await closed).toBe(1007)
    await stillServes(server)
  })

  it('keeps uploads inside uploads/, bounds chunked bodies while they stream and leaves nothing of a cut one', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const { server, dataRoot } = await startWeb({ maxUploadBytes: 64 * 1024 })
    const ws = await openSocket(server)
    const login = JSON.stringify({
      cmd: 'login',
      tracker: tracker.getMultiaddrs()[0].toString(),
      user: 'alice',
      password: PASSWORD,
      register: true
    })
    expect(await ask(ws, login)).toMatchObject({ ok: true })
    const uploads = join(dataRoot, 'alice', 'uploads')
    const head = (extra: string): string =>
      `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: ${server.origin}\r\n` +
      `X-P2PChat-Token: ${server.token}\r\n${extra}Connection: close\r\n\r\n`
    for (const name of ['../../../../x', '..%2F..%2Fy', 'C:%5Cw%5Cz', '%E2%80%AEgnp.exe', 'a%00b']) {
      const res = await raw(server.port, `${head(`X-File-Name: ${name}\r\nContent-Length: 2\r\n`)}ok`)
      expect(statusOf(res), name).toBe(200)
      const path = JSON.parse(res.slice(res.indexOf('{'), res.lastIndexOf('}') + 1)).path as string
      expect(path.startsWith(uploads + sep)).toBe(true)
      expect(path.slice(uploads.length + 1).split(sep)).toHaveLength(2)
    }
    const before = (await walk(uploads)).length
    // Chunked, past the bound: 413 and nothing kept.
    const chunk = `${(16 * 1024).toString(16)}\r\n${'c'.repeat(16 * 1024)}\r\n`
    const big = await raw(
      server.port,
      `${head('X-File-Name: big\r\nTransfer-Encoding: chunked\r\n')}${chunk.repeat(8)}0\r\n\r\n`
    )
    expect(statusOf(big)).toBe(413)
    // Declared too large: 413 before a byte is stored.
    const declared = await raw(server.port, head('X-File-Name: big\r\nContent-Length: 1000000\r\n'))
    expect(statusOf(declared)).toBe(413)
    // Cut mid-body: the client goes away after half of it.
    const s = connect(server.port, '127.0.0.1')
    await new Promise<void>(resolve => s.once('connect', () => resolve()))
    s.write(`${head('X-File-Name: cut.bin\r\nContent-Length: 60000\r\n')}${'h'.repeat(30_000)}`)
    await new Promise(r => setTimeout(r, 300))
    s.destroy()
    await new Promise(r => setTimeout(r, 500))
    const after = await walk(uploads)
    expect(after).toHaveLength(before)
    expect(after.some(p => p.endsWith('.part') || p.includes('big') || p.includes('cut.bin'))).toBe(false)
  })
})
