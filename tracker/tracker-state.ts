import type { Logger } from '@libp2p/interface'
import { AccountStore } from './accounts.ts'
import { PasswordHasher } from './password-hash.ts'
import type { Presence } from './presence.ts'
import type { RelayAccounting } from './relay.ts'
import { loadFileSecret, loadRedisSecret, ResumeKeys } from './resume.ts'
import { SignIn } from './sign-in.ts'
import type { SocialInit } from './social/index.ts'
import { Social } from './social/index.ts'
import type { StoreHealth, StoreSpec, TrackerBackend } from './store/index.ts'
import { openBackend } from './store/index.ts'
import type { ClusterHost } from './store/redis-presence.ts'
import { ClusterPresence } from './store/redis-presence.ts'
import { RedisRelayQuota } from './store/redis-relay.ts'
import { RedisStatusShare } from './store/redis-status.ts'

export interface TrackerStateInit {
  dataDir: string
  store: StoreSpec
  /** This tracker's PeerId: its name among the trackers of a shared store. */
  trackerId: string
  log: Logger
  scryptLogN: number
  /** Lifetime of resumption credentials (0: resumption off). */
  resumeTtlMs: number
  heartbeatMs: number
  presence: Presence
  relay: RelayAccounting
  social?: SocialInit
  /** A session of this tracker was ended by the shared online list (replaced, or evicted elsewhere). */
  ended: ClusterHost['ended']
  /** The shared store was lost, or is back. */
  storeChanged(health: StoreHealth): void
}

/**
 * What a tracker keeps, opened on its store: accounts, friends and groups and, when the store is Redis,
 * the online list shared with the other trackers and the shared hourly relay allowance. `close()` puts
 * it all away in order: out of the shared list first (the others' peers see this one's users leave at
 * once), then what is batched is written, then the store is let go.
 */
export class TrackerState {
  readonly backend: TrackerBackend
  readonly accounts: AccountStore
  readonly social: Social
  readonly cluster?: ClusterPresence
  /** Password and credential logins, and what revokes credentials. */
  readonly signIn: SignIn
  readonly #relayQuota?: RedisRelayQuota

  private constructor(parts: {
    backend: TrackerBackend
    accounts: AccountStore
    social: Social
    signIn: SignIn
    cluster?: ClusterPresence
    relayQuota?: RedisRelayQuota
  }) {
    this.backend = parts.backend
    this.accounts = parts.accounts
    this.social = parts.social
    this.cluster = parts.cluster
    this.signIn = parts.signIn
    this.#relayQuota = parts.relayQuota
  }

  /** Open everything; on a failure what was opened is closed again before the error is thrown. */
  static async open(init: TrackerStateInit): Promise<TrackerState> {
    const { log } = init
    const backend = await openBackend(init.store, init.dataDir, log)
    const opened: Array<() => Promise<void>> = [() => backend.close()]
    try {
      const accounts = new AccountStore({
        dataDir: init.dataDir,
        backend: backend.accounts,
        hasher: new PasswordHasher(init.scryptLogN),
        log: log.newScope('accounts')
      })
      await accounts.open()
      opened.unshift(() => accounts.flush())
      const social = new Social(
        {
          dataDir: init.dataDir,
          backend: backend.social,
          log: log.newScope('social'),
          presence: init.presence,
          accounts
        },
        init.social
      )
      await social.start()
      opened.unshift(() => social.stop())
      // Accounts other trackers register become searchable here too.
      accounts.onAdded = username => social.registered(username)
      const redis = backend.redis
      // The credentials' secret lives with the store: on Redis every tracker takes any one's credentials.
      const secret = redis === undefined ? await loadFileSecret(init.dataDir) : await loadRedisSecret(redis)
      const signIn = new SignIn(accounts, new ResumeKeys(secret, init.resumeTtlMs), log.newScope('sign-in'))
      if (redis === undefined) return new TrackerState({ backend, accounts, social, signIn })
      const cluster = new ClusterPresence(redis, init.trackerId, {
        log: log.newScope('cluster'),
        presence: init.presence,
        heartbeatMs: init.heartbeatMs,
        ended: init.ended
      })
      await cluster.start()
      opened.unshift(() => cluster.stop())
      const statuses = new RedisStatusShare(redis, init.trackerId, log.newScope('status'))
      await statuses.start((key, sessionId, presence, text) =>
        social.statusElsewhere(key, sessionId, presence, text)
      )
      social.shareStatuses((session, presence, text) =>
        statuses.publish(session.key, (session as { sessionId?: string }).sessionId ?? '', presence, text)
      )
      const relayQuota = new RedisRelayQuota(redis, log.newScope('relay-quota'))
      relayQuota.start()
      init.relay.shareQuota(relayQuota)
      redis.onChange = up => {
        init.storeChanged(redis.health())
        if (!up) return
        cluster.reconcile().catch(err => log.error('could not put the shared online list right: %e', err))
      }
      return new TrackerState({ backend, accounts, social, signIn, cluster, relayQuota })
    } catch (err) {
      for (const close of opened) await close().catch(() => {})
      throw err
    }
  }

  async close(): Promise<void> {
    // Other trackers' peers see this one's users leave now, not when its lease runs out.
    await this.cluster?.stop()
    await this.#relayQuota?.stop()
    try {
      // Both run to the end even if one fails: each store is flushed on its own.
      await Promise.all([this.accounts.flush(), this.social.stop()])
    } finally {
      await this.backend.close()
    }
  }
}
