import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { dispatch, dispatchHosted } from '../../peer/api/dispatch.ts'
import { PeerHost } from '../../peer/api/host.ts'
import { TrackerClient } from '../../peer/core/tracker-client.ts'
import type { P2PChatNode } from '../../src/node.ts'
import type { Credential } from '../../src/protocol/pb/tracker.ts'
import { CREDENTIAL_BYTES } from '../../tracker/resume.ts'
import { migrateStore } from '../../tracker/store/migrate.ts'
import type { Tracker } from '../../tracker/tracker.ts'
import {
  connectPeer,
  onCleanup,
  PASSWORD,
  startNode,
  startPeerClient,
  startTracker,
  tempDir
} from '../fixtures/nodes.ts'
import { startRedis } from '../fixtures/redis.ts'

/**
 * Resumable sessions: a password login hands the peer a credential bound to its PeerId; its next logins
 * present that instead of the password (no password hash on the tracker), across tracker restarts and
 * across the trackers of one store, until a logout, "log out everywhere", a password change or its
 * expiry revokes it. A credential is useless on another PeerId or for another account.
 */

const NO_PASSWORD = ''

/** A new session for `node` on `tracker`, not logged in. */
async function session(tracker: Tracker, node: P2PChatNode): Promise<TrackerClient> {
  const client = await TrackerClient.connect(node, tracker.getMultiaddrs()[0])
  onCleanup(() => client.close())
  return client
}

/** Register `user` from a new node, log in with the password, and keep the credential it got. */
async function firstLogin(
  tracker: Tracker,
  user: string
): Promise<{ node: P2PChatNode; credential: Credential }> {
  const { node, client } = await connectPeer(tracker, user)
  const credential = client.credential
  expect(credential).toBeDefined()
  await client.logout()
  return { node, credential: credential! }
}

async function resume(
  tracker: Tracker,
  node: P2PChatNode,
  user: string,
  credential: Credential
): Promise<TrackerClient> {
  const client = await session(tracker, node)
  try {
    await client.login(user, NO_PASSWORD, [], { resume: credential.token })
  } catch (err) {
    // Refused: let the stream go (a connection holds one session and one more in flight).
    client.close()
    throw err
  }
  return client
}

describe('resumable sessions', () => {
  it('a password login gets a credential; the same device logs in with it, without the password', async () => {
    const tracker = await startTracker()
    const before = Date.now()
    const { node, credential } = await firstLogin(tracker, 'alice')
    expect(credential.token.byteLength).toBe(CREDENTIAL_BYTES)
    // 30 days by default, from the password login.
    expect(credential.expiresAt).toBeGreaterThanOrEqual(before + 30 * 86_400_000)
    expect(credential.expiresAt).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000)

    const failedBefore = tracker.counters.failedLogins
    const client = await resume(tracker, node, 'ALICE', credential)
    expect(client.username).toBe('alice')
    // A resumed login gets no new credential: the one presented stays the one to use.
    expect(client.credential).toBeUndefined()
    expect(tracker.presence.byKey('alice')?.peerKey).toBe(node.peerId.toString())
    expect(tracker.signInCounters).toMatchObject({ resumedLogins: 1, refusedResumes: 0 })
    expect(tracker.counters.failedLogins).toBe(failedBefore)
  })

  it('a credential is useless on another device, for another account, altered, or with a password', async () => {
    const tracker = await startTracker()
    const { credential } = await firstLogin(tracker, 'alice')
    await connectPeer(tracker, 'bob')
    const thief = await startNode()
    // Stolen: the thief's connection proves another PeerId.
    const client = await session(tracker, thief)
    await expect(client.login('alice', NO_PASSWORD, [], { resume: credential.token })).rejects.toMatchObject({
      code: 'RESUME_REFUSED'
    })
    // Flipped bits, a short one, garbage of the right length, another account's name.
    const flipped = new Uint8Array(credential.token)
    flipped[20] ^= 1
    for (const token of [
      flipped,
      credential.token.subarray(0, 20),
      new Uint8Array(CREDENTIAL_BYTES).fill(1)
    ]) {
      await expect(client.login('alice', NO_PASSWORD, [], { resume: token })).rejects.toMatchObject({
        code: 'RESUME_REFUSED'
      })
    }
    await expect(client.login('nobody', NO_PASSWORD, [], { resume: credential.token })).rejects.toMatchObject(
      { code: 'RESUME_REFUSED' }
    )
    await expect(client.login('alice', PASSWORD, [], { resume: credential.token })).rejects.toMatchObject({
      code: 'INVALID_MESSAGE'
    })
    expect(tracker.signInCounters.resumedLogins).toBe(0)
    expect(tracker.signInCounters.refusedResumes).toBe(5)
    expect(tracker.presence.byKey('alice')).toBeUndefined()
    // The session still serves: the thief's own account logs in with its password.
    await client.login('bob', PASSWORD)
    expect(client.username).toBe('bob')
  })

  it('survives a tracker restart on the same data directory', async () => {
    const dataDir = await tempDir('p2pchat-tracker-')
    const first = await startTracker({ dataDir })
    const { node, credential } = await firstLogin(first, 'alice')
    await first.stop()
    const second = await startTracker({ dataDir })
    await resume(second, node, 'alice', credential)
    expect(second.signInCounters.resumedLogins).toBe(1)
    const mode = (await stat(join(dataDir, 'resume-secret.json'))).mode & 0o777
    expect(mode).toBe(0o600)
  })

  it('quitting keeps the credential; logging out revokes it, and the password still works', async () => {
    const tracker = await startTracker()
    const { node, credential } = await firstLogin(tracker, 'alice')
    // firstLogin quit without revoking: still good.
    const again = await resume(tracker, node, 'alice', credential)
    await again.logout({ revoke: true })
    await expect(resume(tracker, node, 'alice', credential)).rejects.toMatchObject({ code: 'RESUME_REFUSED' })
    // A new password login on that device gets a credential that works again.
    const client = await session(tracker, node)
    await client.login('alice', PASSWORD)
    const fresh = client.credential!
    await client.logout()
    await resume(tracker, node, 'alice', fresh)
  })

  it('"log out everywhere" revokes every device; a password change too, and only the new password works', async () => {
    const tracker = await startTracker()
    const laptop = await firstLogin(tracker, 'alice')
    const phoneNode = await startNode()
    const phone = await session(tracker, phoneNode)
    await phone.login('alice', PASSWORD)
    const phoneCredential = phone.credential!
    await phone.logout({ everywhere: true })
    await expect(resume(tracker, laptop.node, 'alice', laptop.credential)).rejects.toMatchObject({
      code: 'RESUME_REFUSED'
    })
    await expect(resume(tracker, phoneNode, 'alice', phoneCredential)).rejects.toMatchObject({
      code: 'RESUME_REFUSED'
    })

    const laptopSession = await session(tracker, laptop.node)
    await laptopSession.login('alice', PASSWORD)
    const laptopCredential = laptopSession.credential!
    const phoneAgain = await session(tracker, phoneNode)
    await phoneAgain.login('alice', PASSWORD)
    const phoneCredential2 = phoneAgain.credential!
    await phoneAgain.logout()
    // The phone's login replaced the laptop's session; the laptop comes back with its credential.
    await vi.waitFor(() => expect(laptopSession.closed).toBe(true))
    const laptop2 = await resume(tracker, laptop.node, 'alice', laptopCredential)
    await expect(laptop2.changePassword('wrong password!', 'a brand new secret')).rejects.toMatchObject({
      code: 'AUTH_FAILED'
    })
    const changed = await laptop2.changePassword(PASSWORD, 'a brand new secret')
    expect(changed.token.byteLength).toBe(CREDENTIAL_BYTES)
    expect(tracker.signInCounters.passwordChanges).toBe(1)
    await laptop2.logout()
    // The phone's credential is gone with the old password; the laptop's new one works.
    await expect(resume(tracker, phoneNode, 'alice', phoneCredential2)).rejects.toMatchObject({
      code: 'RESUME_REFUSED'
    })
    await expect(resume(tracker, laptop.node, 'alice', laptopCredential)).rejects.toMatchObject({
      code: 'RESUME_REFUSED'
    })
    const laptop3 = await resume(tracker, laptop.node, 'alice', changed)
    await laptop3.logout()
    const phone3 = await session(tracker, phoneNode)
    await expect(phone3.login('alice', PASSWORD)).rejects.toMatchObject({ code: 'AUTH_FAILED' })
    await phone3.login('alice', 'a brand new secret')
  })

  it('expires, and a tracker with --resume-days 0 issues none and takes none', async () => {
    const dataDir = await tempDir('p2pchat-tracker-')
    // One second: long enough to be used once, short enough to wait out.
    const short = await startTracker({ dataDir, resumeDays: 1 / 86_400 })
    const { node, credential } = await firstLogin(short, 'alice')
    expect(credential.expiresAt - Date.now()).toBeLessThanOrEqual(1_000)
    await new Promise(resolve => setTimeout(resolve, Math.max(0, credential.expiresAt - Date.now() + 50)))
    await expect(resume(short, node, 'alice', credential)).rejects.toMatchObject({ code: 'RESUME_REFUSED' })
    await short.stop()
    const off = await startTracker({ dataDir, resumeDays: 0 })
    const client = await session(off, node)
    await client.login('alice', PASSWORD)
    expect(client.credential).toBeUndefined()
    await client.logout()
    await expect(resume(off, node, 'alice', credential)).rejects.toMatchObject({ code: 'RESUME_REFUSED' })
  })

  it("trackers sharing a store take each other's credentials and revocations", async () => {
    const redis = await startRedis()
    const a = await startTracker({ store: redis.url })
    const b = await startTracker({ store: redis.url })
    const { node, credential } = await firstLogin(a, 'alice')
    // The account reaches tracker b through the store's feed.
    await vi.waitFor(() => expect(b.accountCount).toBe(1))
    const onB = await resume(b, node, 'alice', credential)
    await onB.logout({ revoke: true })
    // Durable on Redis before the logout was answered; tracker a learns it from the feed.
    await vi.waitFor(async () => {
      await expect(resume(a, node, 'alice', credential)).rejects.toMatchObject({ code: 'RESUME_REFUSED' })
    })
  })
})

describe('address proofs', () => {
  it('a restarted tracker trusts the addresses it dialled back before, for that PeerId only', async () => {
    const dataDir = await tempDir('p2pchat-tracker-')
    const first = await startTracker({ dataDir })
    const { node, client } = await connectPeer(first, 'alice')
    expect(first.dialBackStats.verified).toBe(1)
    const proof = client.addrProof!
    expect(proof.byteLength).toBeGreaterThan(0)
    expect(client.publishedAddrs.map(String)).toEqual(
      node.getMultiaddrs().map(a => a.decapsulateCode(421).toString())
    )
    await client.logout()
    await first.stop()

    const second = await startTracker({ dataDir })
    // Someone else presenting alice's proof and addresses: dialled, and their key is not the one there.
    const mallory = await startNode()
    const other = await session(second, mallory)
    await other.register('mallory', PASSWORD)
    await other.login('mallory', PASSWORD, node.getMultiaddrs(), { addrProof: proof })
    expect(other.publishedAddrs).toEqual([])
    expect(second.dialBackStats).toMatchObject({ verified: 0, failed: 1, cached: 0 })
    // alice, same addresses: trusted without a dial.
    const again = await session(second, node)
    await again.login('alice', PASSWORD, node.getMultiaddrs(), { addrProof: proof })
    expect(again.publishedAddrs.map(String)).toEqual(client.publishedAddrs.map(String))
    expect(second.dialBackStats).toMatchObject({ verified: 0, failed: 1, cached: 1 })
    expect(again.addrProof?.byteLength).toBeGreaterThan(0)
  })
})

describe('migrating the store', () => {
  it('keeps the credentials working: the key goes with the accounts', async () => {
    const dataDir = await tempDir('p2pchat-tracker-')
    const before = await startTracker({ dataDir })
    const { node, credential } = await firstLogin(before, 'alice')
    await before.stop()
    const redis = await startRedis()
    await migrateStore(dataDir, redis.url)
    const after = await startTracker({ store: redis.url })
    await resume(after, node, 'alice', credential)
    await after.stop()
    const back = await tempDir('p2pchat-tracker-back-')
    await migrateStore(redis.url, back)
    const again = await startTracker({ dataDir: back })
    await resume(again, node, 'alice', credential)
    expect(again.signInCounters.resumedLogins).toBe(1)
  })
})

describe('a peer reconnects with its credential', () => {
  it('after a tracker restart, without the password; a restarted peer logs in with its password', async () => {
    const trackerDir = await tempDir('p2pchat-tracker-')
    let tracker = await startTracker({ dataDir: trackerDir, heartbeatMs: 1_000 })
    const dataDir = await tempDir('p2pchat-peer-alice-')
    const first = await startPeerClient(tracker, 'alice', { dataDir })
    await first.stop()
    // Kept in memory only: a new process proves the password again.
    const peer = await startPeerClient(tracker, 'alice', { dataDir, register: false })
    expect(tracker.signInCounters.resumedLogins).toBe(0)
    const listen = tracker.getMultiaddrs()[0].decapsulateCode(421).toString()
    await tracker.stop()
    tracker = await startTracker({ dataDir: trackerDir, heartbeatMs: 1_000, listen: [listen] })
    await vi.waitFor(() => expect(peer.trackerState).toBe('connected'), { timeout: 20_000 })
    expect(tracker.signInCounters).toMatchObject({ resumedLogins: 1, refusedResumes: 0 })
    expect(tracker.counters.failedLogins).toBe(0)
  })

  it('a refused credential falls back to the password on the same connection', async () => {
    const trackerDir = await tempDir('p2pchat-tracker-')
    let tracker = await startTracker({ dataDir: trackerDir })
    const peer = await startPeerClient(tracker, 'alice')
    const listen = tracker.getMultiaddrs()[0].decapsulateCode(421).toString()
    await tracker.stop()
    // A new secret: every credential the tracker issued before is refused.
    await rm(join(trackerDir, 'resume-secret.json'))
    tracker = await startTracker({ dataDir: trackerDir, listen: [listen] })
    await vi.waitFor(() => expect(peer.trackerState).toBe('connected'), { timeout: 20_000 })
    expect(tracker.signInCounters).toMatchObject({ resumedLogins: 0, refusedResumes: 1 })
    expect(tracker.counters.logins).toBe(1)
  })

  it('after a password change through the API, with the new credential; /logout revokes it', async () => {
    const tracker = await startTracker({ heartbeatMs: 1_000 })
    const peer = await startPeerClient(tracker, 'alice')
    await expect(
      dispatch(peer, { cmd: 'password', old: 'not it at all', new: 'fresh password' })
    ).rejects.toMatchObject({ code: 'AUTH_FAILED' })
    await dispatch(peer, { cmd: 'password', old: PASSWORD, new: 'fresh password' })
    // The connection drops; the peer comes back with the credential the change gave it.
    const connection = tracker.node!.getConnections(peer.peerId)[0]
    await connection.close()
    await vi.waitFor(() => expect(tracker.signInCounters.resumedLogins).toBe(1), { timeout: 20_000 })
    await vi.waitFor(() => expect(peer.trackerState).toBe('connected'))
    await dispatchHosted(new PeerHost(peer), { cmd: 'logout' })
    expect(peer.trackerState).toBe('stopped')
    await expect(startPeerClient(tracker, 'alice', { register: false })).rejects.toMatchObject({
      code: 'AUTH_FAILED'
    })
    await startPeerClient(tracker, 'alice', { register: false, password: 'fresh password' })
  })
})
