import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { usernameKey } from '../../src/usernames.ts'
import { ACCOUNTS_FILE_NAME } from '../../tracker/accounts.ts'
import { connectPeer, PASSWORD, startTracker, tempDir } from '../fixtures/nodes.ts'

describe('tracker usernames', () => {
  it('refuses look-alikes of an existing name as USERNAME_TAKEN', async () => {
    const tracker = await startTracker()
    await connectPeer(tracker, 'alice', { login: false })
    const { client } = await connectPeer(tracker, 'x', { register: false, login: false })
    // Cyrillic а, fullwidth, Latin alpha, dotless i.
    for (const name of ['\u0430lice', '\uff41\uff4c\uff49\uff43\uff45', '\u0251lice', 'al\u0131ce']) {
      await expect(client.register(name, PASSWORD), name).rejects.toMatchObject({ code: 'USERNAME_TAKEN' })
    }
    expect(tracker.accountCount).toBe(1)
    // A look-alike is no way into the account either.
    await expect(client.login('\u0251lice', PASSWORD)).rejects.toMatchObject({ code: 'AUTH_FAILED' })
  })

  it('refuses a name mixing scripts, and takes single-script names in any script', async () => {
    const tracker = await startTracker()
    const { client } = await connectPeer(tracker, 'x', { register: false, login: false })
    await expect(client.register('p\u0430ypal', PASSWORD)).rejects.toMatchObject({ code: 'INVALID_USERNAME' })
    for (const name of ['\u0410\u043b\u0438\u0441\u0430', '\u592a\u90ce', '\u305f\u308d\u3046', 'Zo\u00eb']) {
      await expect(client.register(name, PASSWORD)).resolves.toBe(name)
    }
    // The display spelling is kept: the fullwidth name is stored as typed, and its look-alike refused.
    await expect(client.register('\uff42\uff4f\uff42', PASSWORD)).resolves.toBe('\uff42\uff4f\uff42')
    await expect(client.register('bob', PASSWORD)).rejects.toMatchObject({ code: 'USERNAME_TAKEN' })
  })

  it('loads accounts registered before look-alikes were refused, and keeps them usable', async () => {
    const dataDir = await tempDir()
    const first = await startTracker({ dataDir })
    await connectPeer(first, 'alice', { login: false })
    await first.stop()
    // Add what the old rules let in: a look-alike of alice, and a mixed-script name.
    const path = join(dataDir, ACCOUNTS_FILE_NAME)
    const file = JSON.parse(await readFile(path, 'utf8'))
    for (const username of ['\u0251lice', 'p\u0430ypal']) {
      file.accounts[usernameKey(username)] = { ...file.accounts.alice, username }
    }
    await writeFile(path, JSON.stringify(file))

    const tracker = await startTracker({ dataDir })
    expect(tracker.accountCount).toBe(3)
    for (const name of ['alice', '\u0251lice', 'p\u0430ypal']) {
      const { client } = await connectPeer(tracker, name, { register: false })
      expect(client.username).toBe(name)
    }
    const { client } = await connectPeer(tracker, 'x', { register: false, login: false })
    await expect(client.register('\u0430lice', PASSWORD)).rejects.toMatchObject({ code: 'USERNAME_TAKEN' })
    await expect(client.register('paypal', PASSWORD)).rejects.toMatchObject({ code: 'USERNAME_TAKEN' })
  })
})
