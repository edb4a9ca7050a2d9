import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { onCleanup, PASSWORD, startTracker, tempDir } from '../fixtures/nodes.ts'
import type { Proc } from '../fixtures/processes.ts'
import { CLI, spawnScript } from '../fixtures/processes.ts'

/** Debian's Chromium, driven by playwright-core (.ci/run installs it; no browser is downloaded). */
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
/** Set to a directory (docs/img) to keep the screenshots there; else they go to a temporary one. */
const SHOTS_ENV = 'P2PCHAT_SCREENSHOT_DIR'

interface WebApp {
  proc: Proc
  url: string
  origin: string
  dataRoot: string
}

/** `p2pchat web` as a process, on a free port, its accounts under its own data root. */
async function startWebApp(): Promise<WebApp> {
  const dataRoot = await tempDir('p2pchat-web-e2e-')
  const proc = spawnScript(CLI, [
    'web',
    '--port',
    '0',
    '--no-open',
    '--data',
    dataRoot,
    '--listen',
    '/ip4/127.0.0.1/tcp/0'
  ])
  const url = await proc.waitLine(line => line.startsWith('http://'))
  return { proc, url, origin: new URL(url).origin, dataRoot }
}

async function launch(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  onCleanup(() => browser.close())
  return browser
}

/** A tab on the app whose page must never run an alert (the XSS probe would call one). */
async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; alerts: string[] }> {
  const page = await context.newPage()
  const alerts: string[] = []
  page.on('dialog', d => {
    alerts.push(d.message())
    void d.dismiss()
  })
  await page.goto(url)
  return { page, alerts }
}

async function fillLogin(
  page: Page,
  opts: { tracker: string; user: string; password: string; register: boolean }
): Promise<void> {
  await page.getByTestId('login-tracker').fill(opts.tracker)
  await page.getByTestId('login-user').fill(opts.user)
  const register = page.getByTestId('login-register')
  if ((await register.isChecked()) !== opts.register) await register.click()
  await page.getByTestId('login-password').fill(opts.password)
  if (opts.register) await page.getByTestId('login-password2').fill(opts.password)
}

async function login(page: Page, tracker: string, user: string, register = true): Promise<void> {
  await fillLogin(page, { tracker, user, password: PASSWORD, register })
  await page.getByTestId('login-submit').click()
  await expect.poll(() => page.getByTestId('me').textContent(), { timeout: 20_000 }).toContain(user)
}

async function shotsDir(): Promise<string> {
  const dir = process.env[SHOTS_ENV] ?? (await tempDir('p2pchat-web-shots-'))
  await mkdir(dir, { recursive: true })
  return dir
}

async function sendText(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId('composer')
  await composer.click()
  // Shift+Enter is a new line inside the message; Enter sends it.
  const lines = text.split('\n')
  for (const [i, line] of lines.entries()) {
    if (i > 0) await composer.press('Shift+Enter')
    await composer.pressSequentially(line)
  }
  await composer.press('Enter')
}

const lastMessage = (page: Page) => page.getByTestId('message').last()

describe.skipIf(!existsSync(CHROMIUM))('p2pchat web in headless Chromium', () => {
  it('two people register, see each other, chat both ways, send a file, talk in a group; markup stays text; the banner follows the tracker', {
    timeout: 180_000
  }, async () => {
    const trackerData = await tempDir('p2pchat-tracker-')
    let tracker = await startTracker({ dataDir: trackerData, coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const port = Number(/\/tcp\/(\d+)/.exec(addr)![1])
    const [webA, webB] = await Promise.all([startWebApp(), startWebApp()])
    const browser = await launch()
    const shots = await shotsDir()

    // Without the token the page is refused.
    const stranger = await browser.newContext()
    const bare = await stranger.newPage()
    const refused = await bare.goto(`${webA.origin}/`)
    expect(refused?.status()).toBe(401)
    expect(await bare.textContent('body')).toMatch(/token/)

    const a = await openPage(await browser.newContext(), webA.url)
    const b = await openPage(await browser.newContext(), webB.url)

    // A first run starts in the first empty field: the tracker address.
    await a.page.getByTestId('login-tracker').waitFor()
    expect(await a.page.evaluate('document.activeElement?.id')).toBe('login-tracker')
    await fillLogin(a.page, { tracker: addr, user: 'alice', password: PASSWORD, register: true })
    await a.page.screenshot({ path: join(shots, 'web-login.png') })
    // Clear errors on the login screen: nothing listening at the address, then a taken name.
    await fillLogin(a.page, {
      tracker: addr.replace(/\/tcp\/\d+/, '/tcp/1'),
      user: 'alice',
      password: PASSWORD,
      register: true
    })
    await a.page.getByTestId('login-submit').click()
    await expect
      .poll(() => a.page.getByTestId('login-error').textContent(), { timeout: 20_000 })
      .toMatch(/reach/i)
    await fillLogin(a.page, { tracker: addr, user: 'alice', password: PASSWORD, register: true })
    await a.page.getByTestId('login-submit').click()
    await expect.poll(() => a.page.getByTestId('me').textContent(), { timeout: 20_000 }).toContain('alice')

    await fillLogin(b.page, { tracker: addr, user: 'alice', password: 'another password', register: true })
    await b.page.getByTestId('login-submit').click()
    await expect
      .poll(() => b.page.getByTestId('login-error').textContent(), { timeout: 20_000 })
      .toMatch(/taken/i)
    await fillLogin(b.page, { tracker: addr, user: 'bob', password: 'wrong password', register: false })
    await b.page.getByTestId('login-submit').click()
    await expect
      .poll(() => b.page.getByTestId('login-error').textContent(), { timeout: 20_000 })
      .toMatch(/password|account/i)
    await login(b.page, addr, 'bob')

    // Each sees the other come online.
    await a.page.getByTestId('online-bob').waitFor()
    await b.page.getByTestId('online-alice').waitFor()

    // alice → bob: bob gets an unread badge, opens the conversation, reads it; alice sees it delivered.
    await a.page.getByTestId('online-bob').click()
    await sendText(a.page, 'hello bob')
    await b.page.getByTestId('unread-alice').waitFor()
    await expect.poll(() => b.page.title()).toBe('(1) p2pchat')
    await b.page.getByTestId('conv-user-alice').click()
    await expect.poll(() => lastMessage(b.page).textContent()).toContain('hello bob')
    await expect.poll(() => lastMessage(a.page).getAttribute('data-status')).toBe('delivered')
    expect(await lastMessage(a.page).getAttribute('data-via')).toBe('direct')

    // bob → alice, two lines.
    await sendText(b.page, 'hi alice\nsecond line')
    await expect.poll(() => lastMessage(a.page).textContent()).toContain('second line')
    expect(await lastMessage(a.page).innerText()).toMatch(/hi alice\nsecond line/)

    // Markup from the network is shown as text, never run or rendered.
    const probe = '<img src=x onerror=alert(1)>'
    await sendText(a.page, probe)
    await expect.poll(() => lastMessage(b.page).textContent()).toContain(probe)
    expect(await b.page.getByTestId('messages').locator('img').count()).toBe(0)
    expect(b.alerts).toEqual([])
    await b.page.screenshot({ path: join(shots, 'web-conversation.png') })

    // A file: alice picks it, bob accepts, it arrives whole.
    const dir = await tempDir()
    const file = join(dir, 'notes.bin')
    const content = Buffer.alloc(3 * 1024 * 1024, 7)
    await writeFile(file, content)
    await a.page.getByTestId('file-input').setInputFiles(file)
    const offer = b.page.locator('[data-testid^="offer-accept-"]')
    await offer.waitFor({ timeout: 20_000 })
    await offer.click()
    const done = b.page.locator('[data-testid^="transfer-"][data-state="done"]')
    await done.waitFor({ timeout: 30_000 })
    const received = join(webB.dataRoot, 'bob', 'downloads', 'notes.bin')
    expect(
      createHash('sha256')
        .update(await readFile(received))
        .digest('hex')
    ).toBe(createHash('sha256').update(content).digest('hex'))
    expect(await done.textContent()).toContain('notes.bin')
    // Two peers on one machine reach each other directly: the content took the bulk path.
    expect(await done.textContent()).toContain('own TLS connection')
    // The sender's card says to whom, not where the server kept its upload.
    const sent = a.page.locator('[data-testid^="transfer-"][data-state="done"]')
    await sent.waitFor({ timeout: 30_000 })
    expect(await sent.textContent()).toContain('Sent to bob')
    expect(await sent.textContent()).not.toContain('uploads')

    // A group: alice creates it and invites bob, bob joins, alice writes, bob reads.
    await a.page.getByTestId('group-create-name').fill('team')
    await a.page.getByTestId('group-create-submit').click()
    const conv = a.page.locator('[data-testid^="conv-group-"]')
    await conv.waitFor()
    const groupId = (await conv.getAttribute('data-testid'))!.replace('conv-group-', '')
    await conv.click()
    await a.page.getByTestId('group-invite-user').fill('bob')
    await a.page.getByTestId('group-invite-submit').click()
    await b.page.getByTestId(`group-join-${groupId}`).click()
    await b.page.getByTestId(`conv-group-${groupId}`).click()
    await sendText(a.page, 'hello team')
    await expect.poll(() => lastMessage(b.page).textContent(), { timeout: 20_000 }).toContain('hello team')
    expect(await lastMessage(b.page).getAttribute('data-from')).toBe('alice')

    // The tracker goes away: both show the banner; it comes back: the banner goes.
    await tracker.stop()
    await a.page.getByTestId('tracker-banner').waitFor({ timeout: 30_000 })
    await b.page.getByTestId('tracker-banner').waitFor({ timeout: 30_000 })
    tracker = await startTracker({
      dataDir: trackerData,
      coalesceMs: 10,
      listen: [`/ip4/127.0.0.1/tcp/${port}`]
    })
    await a.page.getByTestId('tracker-banner').waitFor({ state: 'detached', timeout: 60_000 })
    await b.page.getByTestId('tracker-banner').waitFor({ state: 'detached', timeout: 60_000 })
    expect(a.alerts).toEqual([])
  })

  it('Account: a password change checked in the page, refused with the wrong current one, then done; log out everywhere after a confirmation makes the old password useless', {
    timeout: 120_000
  }, async () => {
    const tracker = await startTracker({ coalesceMs: 10 })
    const addr = tracker.getMultiaddrs()[0].toString()
    const web = await startWebApp()
    const browser = await launch()
    const shots = await shotsDir()
    const { page, alerts } = await openPage(await browser.newContext(), web.url)
    await login(page, addr, 'carol')
    const changes = (): number => tracker.signInCounters.passwordChanges
    const NEW_PASSWORD = 'a brand new passphrase'

    // The dialog is modal and named; the focus goes into it, and Escape brings it back to the button.
    const toggle = page.getByTestId('account-toggle')
    await toggle.click()
    const dialog = page.getByRole('dialog', { name: 'Account' })
    await dialog.waitFor()
    expect(await dialog.getAttribute('data-testid')).toBe('account-dialog')
    expect(await page.evaluate('document.activeElement?.id')).toBe('password-old')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(() => page.evaluate('document.activeElement?.dataset.testid')).toBe('account-toggle')
    await toggle.click()

    const result = page.getByTestId('password-result')
    const change = async (old: string, next: string, again: string): Promise<void> => {
      await page.getByTestId('password-old').fill(old)
      await page.getByTestId('password-new').fill(next)
      await page.getByTestId('password-again').fill(again)
      await page.getByTestId('password-submit').click()
    }
    // Checked in the page: nothing reaches the tracker.
    await change(PASSWORD, NEW_PASSWORD, `${NEW_PASSWORD}!`)
    await expect.poll(() => result.textContent()).toContain('do not match')
    await change(PASSWORD, 'short', 'short')
    await expect.poll(() => result.textContent()).toContain('at least 8 characters')
    // The tracker checks the current password.
    await change('not the password', NEW_PASSWORD, NEW_PASSWORD)
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toBe('The current password is wrong.')
    expect(changes()).toBe(0)
    await change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    await expect
      .poll(() => result.textContent(), { timeout: 20_000 })
      .toBe('Password changed. Other devices log in with the new password next time.')
    expect(changes()).toBe(1)
    // The passwords do not stay in the form.
    expect(await page.getByTestId('password-old').inputValue()).toBe('')
    expect(await page.getByTestId('password-new').inputValue()).toBe('')

    // Log out everywhere asks first; the safe answer has the focus.
    await page.getByTestId('logout-everywhere').click()
    const confirm = page.getByTestId('logout-everywhere-confirm')
    await confirm.waitFor()
    await expect
      .poll(() => page.evaluate('document.activeElement?.dataset.testid'))
      .toBe('logout-everywhere-cancel')
    await page.screenshot({ path: join(shots, 'web-account.png') })
    await confirm.click()
    await page.getByTestId('login-submit').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('me').count()).toBe(0)

    // The old password no longer opens the account; the new one does.
    await fillLogin(page, { tracker: addr, user: 'carol', password: PASSWORD, register: false })
    await page.getByTestId('login-submit').click()
    await expect
      .poll(() => page.getByTestId('login-error').textContent(), { timeout: 20_000 })
      .toContain('AUTH_FAILED')
    await fillLogin(page, { tracker: addr, user: 'carol', password: NEW_PASSWORD, register: false })
    await page.getByTestId('login-submit').click()
    await expect.poll(() => page.getByTestId('me').textContent(), { timeout: 20_000 }).toContain('carol')

    // With the tracker away the other devices cannot be logged out: logged out here, and told so.
    await tracker.stop()
    await page.getByTestId('tracker-banner').waitFor({ timeout: 30_000 })
    await toggle.click()
    await page.getByTestId('logout-everywhere').click()
    await page.getByTestId('logout-everywhere-confirm').click()
    await expect
      .poll(() => page.getByTestId('login-warning').textContent(), { timeout: 20_000 })
      .toMatch(/other devices could not be logged out/)
    expect(alerts).toEqual([])
  })

  it('a page elsewhere cannot drive the peer: its WebSocket is refused even with the token, and no token is refused too', async () => {
    const web = await startWebApp()
    const token = new URL(web.url).searchParams.get('token')!
    // Another site the user visits, here on another port (another origin).
    const evil = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end('<!doctype html><title>elsewhere</title>')
    })
    await new Promise<void>(resolve => evil.listen(0, '127.0.0.1', () => resolve()))
    onCleanup(() => new Promise<void>(resolve => evil.close(() => resolve())))
    const evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`
    const browser = await launch()
    const page = await (await browser.newContext()).newPage()
    const tryOpen = (target: string) =>
      page.evaluate(
        url =>
          new Promise<string>(resolve => {
            const ws = new WebSocket(url)
            ws.onopen = () => resolve('open')
            ws.onerror = () => resolve('refused')
          }),
        target
      )
    const wsBase = web.origin.replace('http', 'ws')
    await page.goto(evilOrigin)
    expect(await tryOpen(`${wsBase}/api?token=${token}`)).toBe('refused')
    // From the app's own origin: only with the token.
    const own = await (await browser.newContext()).newPage()
    await own.goto(web.url)
    const fromOwn = (target: string) =>
      own.evaluate(
        url =>
          new Promise<string>(resolve => {
            const ws = new WebSocket(url)
            ws.onopen = () => {
              ws.close()
              resolve('open')
            }
            ws.onerror = () => resolve('refused')
          }),
        target
      )
    expect(await fromOwn(`${wsBase}/api`)).toBe('refused')
    expect(await fromOwn(`${wsBase}/api?token=${token}`)).toBe('open')
    // Everything the page loads comes from its own server (its speed: npm run bench:web).
    const hosts = await own.evaluate(() =>
      performance.getEntriesByType('resource').map(r => new URL(r.name).host)
    )
    expect(hosts.length).toBeGreaterThan(0)
    expect(hosts.filter(h => h !== new URL(web.origin).host)).toEqual([])
  })
})
