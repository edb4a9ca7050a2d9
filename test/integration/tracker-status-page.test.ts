import { describe, expect, it } from 'vitest'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import { StatsServer } from '../../tracker/http-stats.ts'
import { escapeHtml, renderStatusPage } from '../../tracker/status-page.ts'
import { connectPeer, onCleanup, startNode, startTracker } from '../fixtures/nodes.ts'

describe('the tracker status page (GET / on --http)', () => {
  it('shows who is online with their reachability, the relay and recent events, under a strict CSP', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const server = new StatsServer(tracker)
    const { host, port } = await server.listen('127.0.0.1', 0)
    onCleanup(() => server.close())
    await connectPeer(tracker, 'alice')
    // Listening on 127.0.0.2: the tracker cannot dial it back (see peer-relay.test.ts).
    const bob = await connectPeer(tracker, 'bob', {
      node: await startNode(undefined, ['/ip4/127.0.0.2/tcp/0'])
    })
    await bob.client.logout()
    await connectPeer(tracker, 'carol', { node: await startNode(undefined, ['/ip4/127.0.0.2/tcp/0']) })
    await expect.poll(() => tracker.presence.stats().online).toBe(2)

    const res = await fetch(`http://${host}:${port}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/default-src 'none'/)
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/)
    expect(csp).not.toMatch(/unsafe|script-src/)
    const html = await res.text()
    expect(html).toContain('<strong>2</strong> online (1 not reachable directly)')
    expect(html).toMatch(/<td>alice<\/td><td>direct<\/td>/)
    expect(html).toMatch(/<td>carol<\/td><td><span class="no">not reachable directly<\/span><\/td>/)
    expect(html).not.toMatch(/<td>bob<\/td>/)
    // Recent events, newest first: carol in, bob out, bob in, alice in.
    const recent = [...html.matchAll(/<li><span class="dim">[^<]+<\/span> (\w+) ([^<]+)<\/li>/g)].map(
      m => `${m[1]} ${m[2]}`
    )
    expect(recent).toEqual(['carol logged in', 'bob left (logout)', 'bob logged in', 'alice logged in'])
    // The raw clients here hold no relay slot.
    expect(html).toContain('<h2>Relay</h2>\n<p>0 slots held, 0 relayed connections open')
    expect(html).not.toContain('<script')

    const head = await fetch(`http://${host}:${port}/`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect((await fetch(`http://${host}:${port}/nope`)).status).toBe(404)
  })

  it('counts logins, reconnections (a PeerId the account used before) and CPU per login', async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const server = new StatsServer(tracker)
    onCleanup(() => server.close())
    const alice = await connectPeer(tracker, 'alice')
    await alice.client.logout()
    // The same device again: a reconnection. A new device: not one.
    await connectPeer(tracker, 'alice', { register: false, node: alice.node })
    const bob = await connectPeer(tracker, 'bob')
    // bob's credential presented on a new session: a resumed login (replacing his first session).
    const again = await TrackerClient.connect(bob.node, tracker.getMultiaddrs()[0])
    onCleanup(() => again.close())
    await again.login('bob', '', [], { resume: bob.client.credential!.token })
    const stats = server.stats()
    expect(stats).toMatchObject({ logins: 4, reconnects: 2, resumedLogins: 1, refusedResumes: 0 })
    expect(stats.loginsPerSecond).toBeGreaterThan(0)
    expect(stats.reconnectsPerSecond).toBeGreaterThan(0)
    expect(stats.cpuMsPerLogin).toBeGreaterThan(0)
    const { host, port } = await server.listen('127.0.0.1', 0)
    const metrics = await (await fetch(`http://${host}:${port}/metrics`)).text()
    expect(metrics).toMatch(/^p2pchat_reconnects_total 2$/m)
    expect(metrics).toMatch(/^p2pchat_resumed_logins_total 1$/m)
    expect(metrics).toMatch(/^p2pchat_cpu_ms_per_login [\d.]+$/m)
  })

  it('escapes everything it shows', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe(
      '&#60;img src=x onerror=&#34;alert(&#39;x&#39;)&#34;&#62;&#38;'
    )
    const html = renderStatusPage(
      {
        version: '<b>',
        peerId: '"><script>',
        online: 1,
        accounts: 1,
        uptimeSeconds: 90,
        eventsPerSecond: 0,
        relay: { enabled: false },
        handshakes: { pending: 3 },
        presence: {
          restored: 3,
          awayMs: 4_200,
          held: 1,
          reclaimed: 2,
          replaced: 0,
          expired: 0,
          listResumes: 2,
          listSnapshots: 1
        },
        reversal: { reversalsRequested: 0, reversalsRefused: 0 },
        store: { backend: 'redis', location: '<loc>', up: false, since: 0, outages: 1, lastError: '<err>' },
        cluster: { trackers: 2, remotePushesSent: 0, remotePushesReceived: 0, trackersEvicted: 0 }
      } as never,
      [{ user: '<u>', reachable: true, since: 0 }],
      [{ at: 0, kind: 'left', user: '<v>', reason: '<r>' }]
    )
    expect(html).not.toMatch(/<(b|u|v|r|loc|err|script)>/)
    expect(html).toContain('&#60;u&#62;')
    expect(html).toContain('3 handshakes pending')
    expect(html).toContain(
      'Kept the online list across the restart (away 4 s): 3 members, 1 not back yet, 2 back unchanged'
    )
    expect(html).toContain('State on Redis &#60;loc&#62;: <strong>NOT reachable since')
    expect(html).toContain('(&#60;err&#62;): logins are refused with BUSY')
  })
})
