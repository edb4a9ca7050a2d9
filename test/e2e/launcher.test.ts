import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { copyFile, mkdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { MIN_NODE_MAJOR } from '../../src/version.ts'
import { tempDir } from '../fixtures/nodes.ts'
import { CLI, spawnProcess } from '../fixtures/processes.ts'

/** `./p2pchat`, the sh launcher at the repository root. */
const LAUNCHER = fileURLToPath(new URL('../../p2pchat', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
/** What `npx p2pchat` took from a checkout (a re-install and rebuild per call) was ~6 s. */
const STARTS_WITHIN_MS = 2_000
/** A system Node that may be older than p2pchat needs (Node 20 on the development machine). */
const SYSTEM_NODE = '/usr/bin/node'

async function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const proc = spawnProcess(command, args, options)
  const { code } = await proc.exited
  return { code, stdout: proc.lines, stderr: proc.stderr() }
}

describe('./p2pchat launcher', () => {
  it('prints the package version at once', async () => {
    const started = performance.now()
    const r = await run(LAUNCHER, ['--version'])
    const tookMs = performance.now() - started
    expect(r).toMatchObject({ code: 0, stdout: [PKG.version], stderr: '' })
    expect(tookMs).toBeLessThan(STARTS_WITHIN_MS)
  })

  it('runs in several terminals at the same time', async () => {
    const runs = await Promise.all(
      ['--version', '--version', '--help', '--help'].map(arg => run(LAUNCHER, [arg]))
    )
    for (const [i, r] of runs.entries()) {
      expect(r.code, r.stderr).toBe(0)
      if (i < 2) expect(r.stdout).toEqual([PKG.version])
      else expect(r.stdout[0]).toMatch(/^Usage: p2pchat /)
    }
  })

  it('works from another directory, through symlinks, and by name on PATH', async () => {
    const elsewhere = await tempDir()
    const bin = await tempDir()
    await symlink(LAUNCHER, join(bin, 'p2pchat'))
    // A relative link to a link, as `ln -s p2pchat pc` in ~/.local/bin makes.
    await symlink('p2pchat', join(bin, 'pc'))
    const path = `${bin}:${process.env.PATH}`
    for (const command of [LAUNCHER, join(bin, 'p2pchat'), join(bin, 'pc'), 'p2pchat', 'pc']) {
      const r = await run(command, ['--version'], { cwd: elsewhere, env: { PATH: path } })
      expect({ command, ...r }).toMatchObject({ command, code: 0, stdout: [PKG.version] })
    }
  })

  it('says to run npm install when node_modules/ or dist/ is missing', async () => {
    const bare = await tempDir()
    await copyFile(LAUNCHER, join(bare, 'p2pchat'))
    const r = await run('/bin/sh', [join(bare, 'p2pchat'), '--version'])
    expect(r.code).toBe(1)
    expect(r.stdout).toEqual([])
    expect(r.stderr).toContain('npm install')
  })

  it('falls back to the node on PATH when node_modules has no Node of its own', async () => {
    // A checkout installed without dev dependencies: dist/ built, node_modules/ without node/.
    const checkout = await tempDir()
    await copyFile(LAUNCHER, join(checkout, 'p2pchat'))
    await symlink(join(ROOT, 'dist'), join(checkout, 'dist'))
    await mkdir(join(checkout, 'node_modules'))
    const bin = await tempDir()
    await symlink(process.execPath, join(bin, 'node'))
    const r = await run('/bin/sh', [join(checkout, 'p2pchat'), '--version'], {
      env: { PATH: `${bin}:${process.env.PATH}` }
    })
    expect(r).toMatchObject({ code: 0, stdout: [PKG.version] })
  })

  it('is what `npm run -s p2pchat -- …` runs too', async () => {
    const r = await run('npm', ['run', '-s', 'p2pchat', '--', '--version'], { cwd: ROOT })
    expect(r).toMatchObject({ code: 0, stdout: [PKG.version] })
  })
})

describe('p2pchat on a Node older than it needs', () => {
  it('keeps engines.node in package.json in step with MIN_NODE_MAJOR', () => {
    expect(PKG.engines.node).toBe(`>=${MIN_NODE_MAJOR}`)
  })

  it('says which Node it needs and exits 1, without a stack trace', async ctx => {
    if (!existsSync(SYSTEM_NODE)) ctx.skip(`${SYSTEM_NODE} does not exist`)
    const version = execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()
    if (Number.parseInt(version, 10) >= MIN_NODE_MAJOR) {
      ctx.skip(`${SYSTEM_NODE} is v${version}, new enough: nothing to refuse`)
    }
    for (const args of [['--version'], ['tracker', '--listen', '/ip4/127.0.0.1/tcp/0'], ['peer', '--help']]) {
      const r = await run(SYSTEM_NODE, [CLI, ...args])
      expect(r.code, r.stderr).toBe(1)
      expect(r.stdout).toEqual([])
      expect(r.stderr).toBe(
        `p2pchat: needs Node.js ${MIN_NODE_MAJOR} or newer (this is v${version}). Run it with ./p2pchat ` +
          `from the checkout, which uses the Node it installed, or install Node ${MIN_NODE_MAJOR}+.\n`
      )
      expect(r.stderr).not.toMatch(/^\s+at /m)
    }
  })
})
