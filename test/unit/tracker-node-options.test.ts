import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TRACKER_NODE_OPTIONS } from '../../tracker/tracker-init.ts'

const root = new URL('../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')

/** Every way the docs and scripts start a tracker passes the Node options it should run with. */
describe('the Node options a tracker runs with', () => {
  it('are on npm start, ./p2pchat tracker and every systemd unit in docs/deploy.md', () => {
    const start = JSON.parse(read('package.json')).scripts.start as string
    const launcher = read('p2pchat')
    const units = read('docs/deploy.md')
      .split('\n')
      .filter(l => l.startsWith('ExecStart=') && l.includes(' tracker'))
    expect(units.length).toBeGreaterThanOrEqual(2)
    for (const option of TRACKER_NODE_OPTIONS) {
      expect(start).toContain(`node ${option} dist/src/cli.js tracker`)
      expect(launcher).toContain(`exec "$node" ${option} "$cli" "$@"`)
      for (const unit of units) expect(unit).toContain(`node ${option} dist/src/cli.js tracker`)
    }
  })
})
