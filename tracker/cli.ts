import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  argvError,
  joinNegativeValues,
  option,
  parseHostPort,
  parseMultiaddrOption,
  parseNumberOption
} from '../src/cli-options.ts'
import { announceTracker } from '../src/discovery/mdns.ts'
import { InvalidOptionError, ListenFailedError, P2PChatError } from '../src/errors.ts'
import {
  DEFAULT_GROUP_MEMBER_CAP,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_PRESENCE_COALESCE_MS,
  MAX_GROUP_MEMBER_CAP,
  MIN_HEARTBEAT_MS
} from '../src/protocol/constants.ts'
import { VERSION } from '../src/version.ts'
import { ACCOUNTS_FILE_NAME } from './accounts-file.ts'
import type { HandshakeGuardInit } from './handshake-guard.ts'
import {
  DEFAULT_KNOWN_RESERVED_SHARE,
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_PENDING_PER_KNOWN_HOST,
  DEFAULT_PENDING_PER_STRANGER_HOST
} from './handshake-guard.ts'
import { StatsServer } from './http-stats.ts'
import { DEFAULT_SCRYPT_LOG_N, MAX_SCRYPT_LOG_N, MIN_SCRYPT_LOG_N } from './password-hash.ts'
import { DEFAULT_PRESENCE_GRACE_MS, MAX_PRESENCE_GRACE_S } from './presence-journal.ts'
import { DEFAULT_RESUME_TTL_DAYS, MAX_RESUME_DAYS } from './resume.ts'
import type { SocialInit } from './social/index.ts'
import { MAX_GROUPS_PER_USER } from './social/index.ts'
import { DEFAULT_STORE, parseStore } from './store/index.ts'
import { migrateStore } from './store/migrate.ts'
import {
  DEFAULT_DATA_DIR,
  DEFAULT_LISTEN,
  DEFAULT_REGISTRATION_BURST,
  DEFAULT_REGISTRATIONS_PER_MINUTE,
  DEFAULT_RELAY_DATA_LIMIT_BYTES,
  DEFAULT_RELAY_DURATION_LIMIT_MS,
  DEFAULT_RELAY_MAX_CONNECTIONS,
  DEFAULT_RELAY_MAX_CONNECTIONS_PER_USER,
  DEFAULT_RELAY_MAX_RESERVATIONS,
  DEFAULT_RELAY_USER_BYTES_PER_HOUR,
  type RelayInit,
  Tracker
} from './tracker.ts'

export const TRACKER_HELP = `Usage: p2pchat tracker [options]

Run a p2pchat tracker: accounts, logins and the online list. Peers dial one of the
addresses it prints, log in, and then talk to each other directly.

Options (each falls back to the environment variable shown):
  --listen MULTIADDR    where to listen; repeat for several          [P2PCHAT_LISTEN, comma-separated]
                        default: ${DEFAULT_LISTEN.join(', ')}
  --data DIR            identity, lock file, and (lowdb) the state      [P2PCHAT_DATA]
                        default: ${DEFAULT_DATA_DIR}
  --store lowdb|URL     where accounts, friends, groups and presence   [P2PCHAT_STORE]
                        are kept: lowdb files in --data, or a Redis
                        URL (redis://host:port/db) that several
                        trackers share to serve one user base
                        (docs/deploy.md); default: ${DEFAULT_STORE}
  --http HOST:PORT      serve GET / (a status page), GET /stats (JSON)  [P2PCHAT_HTTP]
                        and GET /metrics (Prometheus); off unless given
  --mdns on|off         announce this tracker on the local network      [P2PCHAT_MDNS]
                        (mDNS, _p2pchat._tcp), so peers started without
                        --tracker find it; default: on
  --heartbeat SECONDS   heartbeat interval announced to peers; a peer  [P2PCHAT_HEARTBEAT]
                        silent for 3 intervals is evicted
                        default: ${DEFAULT_HEARTBEAT_MS / 1000}
  --coalesce MS         presence events within this window go out as   [P2PCHAT_COALESCE_MS]
                        one push; default: ${DEFAULT_PRESENCE_COALESCE_MS}
  --presence-grace SECONDS                                             [P2PCHAT_PRESENCE_GRACE]
                        a tracker restarted within this keeps its online
                        list; whoever is not back this long after the
                        last return leaves; 0: a restart starts an empty
                        list (one tracker only)
                        default: ${DEFAULT_PRESENCE_GRACE_MS / 1000}
  --scrypt-log-n N      password hash cost, log2 of scrypt's N; 17 is  [P2PCHAT_SCRYPT_LOG_N]
                        OWASP's; lower only for labs and benchmarks
                        default: ${DEFAULT_SCRYPT_LOG_N}
  --resume-days DAYS    a login gets a credential bound to the device's  [P2PCHAT_RESUME_DAYS]
                        PeerId that its reconnects use instead of the
                        password (no hash) for this long; 0: off
                        default: ${DEFAULT_RESUME_TTL_DAYS}
  --registration-burst N                                               [P2PCHAT_REGISTRATION_BURST]
                        registrations one host (IPv4 address, IPv6 /64)
                        may make at once; default: ${DEFAULT_REGISTRATION_BURST}
  --registrations-per-minute N                                   [P2PCHAT_REGISTRATIONS_PER_MINUTE]
                        then this many per minute per host; more are
                        told RATE_LIMITED; default: ${DEFAULT_REGISTRATIONS_PER_MINUTE}
  --max-pending-handshakes N                                      [P2PCHAT_MAX_PENDING_HANDSHAKES]
                        connections still in their handshake at once;
                        ${DEFAULT_KNOWN_RESERVED_SHARE * 100} % kept for hosts that logged in before
                        default: ${DEFAULT_MAX_PENDING_HANDSHAKES}
  --pending-handshakes-per-host N                            [P2PCHAT_PENDING_HANDSHAKES_PER_HOST]
                        of those, per host (IPv4 address, IPv6 /64)
                        that has not logged in; default: ${DEFAULT_PENDING_PER_STRANGER_HOST}
  --pending-handshakes-per-known-host N                [P2PCHAT_PENDING_HANDSHAKES_PER_KNOWN_HOST]
                        per host that has logged in (raise it for big
                        NATs); default: ${DEFAULT_PENDING_PER_KNOWN_HOST}
  --relay on|off        relay for logged-in peers nobody can dial (behind   [P2PCHAT_RELAY]
                        a NAT); default: on. Its limits (docs/nat.md):
  --relay-slots N       peers holding a relay slot at once           [P2PCHAT_RELAY_SLOTS]
                        default: ${DEFAULT_RELAY_MAX_RESERVATIONS}
  --relay-data-limit MIB                                    [P2PCHAT_RELAY_DATA_LIMIT]
                        bytes one relayed connection carries (both ways)
                        before it is cut; larger files are refused
                        (RELAY_LIMIT); default: ${DEFAULT_RELAY_DATA_LIMIT_BYTES / 1024 / 1024}
  --relay-duration-limit MINUTES                        [P2PCHAT_RELAY_DURATION_LIMIT]
                        how long one relayed connection lasts; chat
                        re-dials; default: ${DEFAULT_RELAY_DURATION_LIMIT_MS / 60_000}
  --relay-connections N relayed connections open at once      [P2PCHAT_RELAY_CONNECTIONS]
                        default: ${DEFAULT_RELAY_MAX_CONNECTIONS}
  --relay-connections-per-user N                  [P2PCHAT_RELAY_CONNECTIONS_PER_USER]
                        of those, per user; default: ${DEFAULT_RELAY_MAX_CONNECTIONS_PER_USER}
  --relay-user-mib-per-hour MIB                      [P2PCHAT_RELAY_USER_MIB_PER_HOUR]
                        bytes relayed per user per hour, beyond which
                        their relayed connections are cut; default: ${DEFAULT_RELAY_USER_BYTES_PER_HOUR / 1024 / 1024}
  --group-member-cap N  members a group may have, 1–${MAX_GROUP_MEMBER_CAP}    [P2PCHAT_GROUP_MEMBER_CAP]
                        (each change is pushed to every member; a user
                        is in at most ${MAX_GROUPS_PER_USER} groups, fewer above ~170 so
                        a group list fits one frame); default: ${DEFAULT_GROUP_MEMBER_CAP}
  -h, --help            show this help

Logs: DEBUG=p2pchat:* on stderr. Stop with Ctrl-C or SIGTERM: peers are told, data is flushed.

Also: p2pchat tracker migrate --from DIR --to redis://… (or back)   (p2pchat tracker migrate --help)
`

export const MIGRATE_HELP = `Usage: p2pchat tracker migrate --from SOURCE --to DESTINATION

Copy a tracker's state (accounts, friends, groups, last-seen times and devices)
from lowdb files into Redis, or from Redis into lowdb files, then read the copy
back and check it holds as many of each. One side is a data directory, the
other a redis://host:port/db URL; the destination must be empty. No tracker
may run on the data directory meanwhile (it is locked). Identity keys are not
copied: each tracker keeps its own (docs/deploy.md).

Options:
  --from DIR|URL   where the state is now
  --to URL|DIR     where it goes
  -h, --help       show this help
`

interface TrackerOptions {
  relay: false | RelayInit
  listen: string[]
  dataDir: string
  store: string
  http?: { host: string; port: number }
  mdns: boolean
  heartbeatMs: number
  coalesceMs: number
  presenceGraceMs: number
  scryptLogN: number
  resumeDays: number
  registrationBurst: number
  registrationsPerMinute: number
  handshakes: HandshakeGuardInit
  social: SocialInit
}

/** `--relay on|off` with its limits; a limit given with the relay off is a mistake worth saying. */
function relayOption(
  relay: { name: string; value: string | undefined },
  v: Record<string, unknown>
): false | RelayInit {
  const limits = parseRelayLimits(v)
  if (parseOnOff(relay.name, relay.value ?? 'on')) return limits
  const given = Object.entries(limits).filter(([, value]) => value !== undefined)
  if (given.length > 0) {
    throw new InvalidOptionError(
      `${relay.name} is off: the relay limits given (${given.map(([k]) => k).join(', ')}) would do nothing`
    )
  }
  return false
}

/** One line at start: whether the tracker relays, and its limits (docs/nat.md). */
function relaySummary(relay: false | RelayInit): string {
  if (relay === false)
    return 'Relay: off (peers behind NATs reach each other only by reversal, when one side can be dialled)'
  const mib = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 100) / 100} MiB`
  const data = relay.dataLimitBytes ?? DEFAULT_RELAY_DATA_LIMIT_BYTES
  const minutes = (relay.durationLimitMs ?? DEFAULT_RELAY_DURATION_LIMIT_MS) / 60_000
  const perUser = relay.maxConnectionsPerUser ?? DEFAULT_RELAY_MAX_CONNECTIONS_PER_USER
  const quota = relay.userBytesPerHour ?? DEFAULT_RELAY_USER_BYTES_PER_HOUR
  return `Relay: on — ${relay.maxReservations ?? DEFAULT_RELAY_MAX_RESERVATIONS} slots; each relayed connection ${mib(data)} or ${Math.round(minutes * 10) / 10} min; ${perUser} connections and ${mib(quota)} an hour per user`
}

/** The relay's limits from the command line (each optional; the defaults are RelayInit's). */
function parseRelayLimits(v: Record<string, unknown>): RelayInit {
  const num = (flag: string, env: string, min: number, max: number, scale: number): number | undefined => {
    const o = option(v[flag] as string | undefined, `--${flag}`, env)
    if (o.value === undefined) return undefined
    // Counts are whole numbers; sizes and durations may be fractions of their unit.
    return Math.round(
      parseNumberOption(o.name, o.value, { min, max, fallback: 0, integer: scale === 1 }) * scale
    )
  }
  const MiB = 1024 * 1024
  return {
    maxReservations: num('relay-slots', 'P2PCHAT_RELAY_SLOTS', 1, 1_000_000, 1),
    dataLimitBytes: num('relay-data-limit', 'P2PCHAT_RELAY_DATA_LIMIT', 0.01, 1024 * 1024, MiB),
    durationLimitMs: num('relay-duration-limit', 'P2PCHAT_RELAY_DURATION_LIMIT', 0.1, 24 * 60, 60_000),
    maxConnections: num('relay-connections', 'P2PCHAT_RELAY_CONNECTIONS', 1, 1_000_000, 1),
    maxConnectionsPerUser: num(
      'relay-connections-per-user',
      'P2PCHAT_RELAY_CONNECTIONS_PER_USER',
      1,
      10_000,
      1
    ),
    userBytesPerHour: num(
      'relay-user-mib-per-hour',
      'P2PCHAT_RELAY_USER_MIB_PER_HOUR',
      1,
      1024 * 1024 * 1024,
      MiB
    )
  }
}

export function parseTrackerArgs(argv: string[]): TrackerOptions | 'help' {
  let parsed: ReturnType<typeof parseTrackerArgv>
  try {
    parsed = parseTrackerArgv(argv)
  } catch (err) {
    throw argvError(err, 'tracker')
  }
  const v = parsed.values
  if (v.help) return 'help'
  if (parsed.positionals.length > 0) {
    throw new InvalidOptionError(`unexpected argument "${parsed.positionals[0]}"`)
  }
  const listenName = v.listen ? '--listen' : 'P2PCHAT_LISTEN'
  const listenRaw =
    v.listen ??
    process.env.P2PCHAT_LISTEN?.split(',')
      .map(s => s.trim())
      .filter(Boolean)
  const listen = (listenRaw?.length ? listenRaw : DEFAULT_LISTEN).map(a =>
    parseMultiaddrOption(listenName, a)
  )
  const http = option(v.http, '--http', 'P2PCHAT_HTTP')
  const store = option(v.store, '--store', 'P2PCHAT_STORE')
  // Checked here, so a typo is an usage error before anything starts.
  parseStore(store.value, store.name)
  const mdns = option(v.mdns, '--mdns', 'P2PCHAT_MDNS')
  const heartbeat = option(v.heartbeat, '--heartbeat', 'P2PCHAT_HEARTBEAT')
  const coalesce = option(v.coalesce, '--coalesce', 'P2PCHAT_COALESCE_MS')
  const grace = option(v['presence-grace'], '--presence-grace', 'P2PCHAT_PRESENCE_GRACE')
  const scryptLogN = option(v['scrypt-log-n'], '--scrypt-log-n', 'P2PCHAT_SCRYPT_LOG_N')
  const resumeDays = option(v['resume-days'], '--resume-days', 'P2PCHAT_RESUME_DAYS')
  const burst = option(v['registration-burst'], '--registration-burst', 'P2PCHAT_REGISTRATION_BURST')
  const perMinute = option(
    v['registrations-per-minute'],
    '--registrations-per-minute',
    'P2PCHAT_REGISTRATIONS_PER_MINUTE'
  )
  const maxPending = option(
    v['max-pending-handshakes'],
    '--max-pending-handshakes',
    'P2PCHAT_MAX_PENDING_HANDSHAKES'
  )
  const perStranger = option(
    v['pending-handshakes-per-host'],
    '--pending-handshakes-per-host',
    'P2PCHAT_PENDING_HANDSHAKES_PER_HOST'
  )
  const perKnown = option(
    v['pending-handshakes-per-known-host'],
    '--pending-handshakes-per-known-host',
    'P2PCHAT_PENDING_HANDSHAKES_PER_KNOWN_HOST'
  )
  const relay = option(v.relay, '--relay', 'P2PCHAT_RELAY')
  const memberCap = option(v['group-member-cap'], '--group-member-cap', 'P2PCHAT_GROUP_MEMBER_CAP')
  const count = (o: { name: string; value: string | undefined }, fallback: number, max = 100_000): number =>
    parseNumberOption(o.name, o.value, { min: 1, max, integer: true, fallback })
  return {
    listen,
    dataDir: option(v.data, '--data', 'P2PCHAT_DATA').value ?? DEFAULT_DATA_DIR,
    store: store.value ?? DEFAULT_STORE,
    http: http.value === undefined ? undefined : parseHostPort(http.name, http.value),
    mdns: parseOnOff(mdns.name, mdns.value ?? 'on'),
    heartbeatMs: Math.round(
      parseNumberOption(heartbeat.name, heartbeat.value, {
        min: MIN_HEARTBEAT_MS / 1000,
        max: 3600,
        fallback: DEFAULT_HEARTBEAT_MS / 1000
      }) * 1000
    ),
    coalesceMs: parseNumberOption(coalesce.name, coalesce.value, {
      min: 0,
      max: 10_000,
      integer: true,
      fallback: DEFAULT_PRESENCE_COALESCE_MS
    }),
    presenceGraceMs: Math.round(
      parseNumberOption(grace.name, grace.value, {
        min: 0,
        max: MAX_PRESENCE_GRACE_S,
        fallback: DEFAULT_PRESENCE_GRACE_MS / 1000
      }) * 1000
    ),
    scryptLogN: parseNumberOption(scryptLogN.name, scryptLogN.value, {
      min: MIN_SCRYPT_LOG_N,
      max: MAX_SCRYPT_LOG_N,
      integer: true,
      fallback: DEFAULT_SCRYPT_LOG_N
    }),
    resumeDays: parseNumberOption(resumeDays.name, resumeDays.value, {
      min: 0,
      max: MAX_RESUME_DAYS,
      fallback: DEFAULT_RESUME_TTL_DAYS
    }),
    registrationBurst: count(burst, DEFAULT_REGISTRATION_BURST, 1_000_000),
    registrationsPerMinute: count(perMinute, DEFAULT_REGISTRATIONS_PER_MINUTE, 1_000_000),
    relay: relayOption(relay, v),
    handshakes: {
      maxPending: count(maxPending, DEFAULT_MAX_PENDING_HANDSHAKES),
      pendingPerStrangerHost: count(perStranger, DEFAULT_PENDING_PER_STRANGER_HOST),
      pendingPerKnownHost: count(perKnown, DEFAULT_PENDING_PER_KNOWN_HOST)
    },
    social: { groupMemberCap: count(memberCap, DEFAULT_GROUP_MEMBER_CAP, MAX_GROUP_MEMBER_CAP) }
  }
}

function parseOnOff(name: string, value: string): boolean {
  if (value === 'on') return true
  if (value === 'off') return false
  throw new InvalidOptionError(`${name} must be "on" or "off", got "${value}"`)
}

function parseTrackerArgv(argv: string[]) {
  return parseArgs({
    args: joinNegativeValues(argv),
    allowPositionals: true,
    strict: true,
    options: {
      listen: { type: 'string', multiple: true },
      data: { type: 'string' },
      store: { type: 'string' },
      http: { type: 'string' },
      mdns: { type: 'string' },
      heartbeat: { type: 'string' },
      coalesce: { type: 'string' },
      'presence-grace': { type: 'string' },
      'scrypt-log-n': { type: 'string' },
      'resume-days': { type: 'string' },
      'registration-burst': { type: 'string' },
      'registrations-per-minute': { type: 'string' },
      'max-pending-handshakes': { type: 'string' },
      'pending-handshakes-per-host': { type: 'string' },
      'pending-handshakes-per-known-host': { type: 'string' },
      relay: { type: 'string' },
      'relay-slots': { type: 'string' },
      'relay-data-limit': { type: 'string' },
      'relay-duration-limit': { type: 'string' },
      'relay-connections': { type: 'string' },
      'relay-connections-per-user': { type: 'string' },
      'relay-user-mib-per-hour': { type: 'string' },
      'group-member-cap': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
}

/** `p2pchat tracker migrate`: copy the state between lowdb files and Redis. Returns the exit code. */
export async function runMigrate(argv: string[]): Promise<number> {
  let parsed: { values: { from?: string; to?: string; help?: boolean }; positionals: string[] }
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
    })
  } catch (err) {
    throw argvError(err, 'tracker migrate')
  }
  if (parsed.values.help) {
    process.stdout.write(MIGRATE_HELP)
    return 0
  }
  if (parsed.positionals.length > 0)
    throw new InvalidOptionError(`unexpected argument "${parsed.positionals[0]}"`)
  const { from, to } = parsed.values
  if (from === undefined || to === undefined)
    throw new InvalidOptionError('migrate needs both --from and --to')
  const { copied: c } = await migrateStore(from, to, line =>
    process.stderr.write(`p2pchat tracker migrate: ${line}\n`)
  )
  process.stdout.write(
    `Copied ${c.accounts} accounts, ${c.users} users, ${c.pairs} pairs (${c.friendships} friendships, ${c.pendingRequests} pending requests) and ${c.groups} groups from ${from} to ${to.replace(/\/\/[^@/]*@/, '//***@')}; the copy was read back and holds as many of each.\n`
  )
  return 0
}

/** `p2pchat tracker`: run until SIGINT/SIGTERM. Returns the exit code. */
export async function runTracker(argv: string[]): Promise<number> {
  if (argv[0] === 'migrate') return runMigrate(argv.slice(1))
  const options = parseTrackerArgs(argv)
  if (options === 'help') {
    process.stdout.write(TRACKER_HELP)
    return 0
  }
  const tracker = new Tracker(options)
  try {
    await tracker.start()
  } catch (err) {
    if (err instanceof P2PChatError) throw err
    const e = err as NodeJS.ErrnoException
    const hint =
      e.code === 'EADDRINUSE' || /EADDRINUSE/.test(e.message)
        ? ' (the port is taken: stop the other process or choose another --listen)'
        : ''
    // libp2p lists each failed address with its error's stack: keep "address: reason" lines only.
    const reasons = e.message
      .split('\n')
      .map(line => /^\s*(\/\S+): (?:Error: )?(.*)$/.exec(line))
      .filter(m => m !== null)
      .map(m => `${m[1]}: ${m[2]}`)
    const why = reasons.length > 0 ? reasons.join('; ') : e.message.split('\n')[0]
    throw new ListenFailedError(`cannot listen: ${why}${hint}`, { cause: err })
  }
  let stats: StatsServer | undefined
  let statsUrl = ''
  if (options.http !== undefined) {
    stats = new StatsServer(tracker)
    try {
      const bound = await stats.listen(options.http.host, options.http.port)
      const host = bound.host.includes(':') ? `[${bound.host}]` : bound.host
      statsUrl = `http://${host}:${bound.port}`
    } catch (err) {
      await tracker.stop()
      throw new ListenFailedError(
        `cannot serve --http ${options.http.host}:${options.http.port}: ${(err as Error).message}`,
        { cause: err }
      )
    }
  }
  const out = process.stdout
  out.write(`p2pchat tracker ${VERSION} — PeerId ${tracker.peerId.toString()}\n`)
  out.write('Peers should dial one of:\n')
  for (const addr of tracker.getMultiaddrs()) out.write(`  ${addr.toString()}\n`)
  const health = tracker.storeHealth
  out.write(
    health.backend === 'redis'
      ? `Store: ${health.location} (${tracker.accountCount} accounts, shared with ${(await tracker.clusterTrackers()).length - 1} other tracker(s) now); identity in ${options.dataDir}; heartbeat ${options.heartbeatMs / 1000} s\n`
      : `Data: ${options.dataDir} (${tracker.accountCount} accounts); heartbeat ${options.heartbeatMs / 1000} s\n`
  )
  if (health.backend === 'redis' && existsSync(join(options.dataDir, ACCOUNTS_FILE_NAME))) {
    // Left there by a migration, most likely: a start without --store would serve that old state.
    console.error(
      `p2pchat tracker: ${join(options.dataDir, ACCOUNTS_FILE_NAME)} is lowdb state this tracker does not use (it runs on ${health.location}); move it away once it is migrated, so a start without --store cannot serve it`
    )
  }
  const kept = tracker.presenceRestore
  if (kept.restored > 0) {
    out.write(
      `Online list: kept the last run's ${kept.restored} members (away ${Math.round(kept.awayMs / 1000)} s); those not back when nobody has come back for ${options.presenceGraceMs / 1000} s leave\n`
    )
  }
  if (statsUrl !== '') out.write(`Stats: ${statsUrl}/stats  Metrics: ${statsUrl}/metrics\n`)
  // On a LAN, peers started without --tracker find it (docs/nat.md). A LAN without multicast is not fatal.
  const lanAddrs = (): string[] =>
    tracker
      .getMultiaddrs()
      .map(String)
      .filter(a => !/^\/ip4\/127\.|^\/ip6\/::1\//.test(a))
  const announce = options.mdns && lanAddrs().length > 0
  const announcement = announce ? await announceTracker({ addrs: lanAddrs }) : undefined
  if (options.mdns && !announce) {
    console.error('p2pchat tracker: not announced on the local network: it listens on loopback only')
  } else if (announcement?.error !== undefined) {
    console.error(`p2pchat tracker: not announced on the local network: ${announcement.error.message}`)
  } else if (announcement !== undefined) {
    out.write(`Announced on the local network (mDNS) as "${announcement.name}".\n`)
  }
  out.write(`${relaySummary(options.relay)}\n`)
  tracker.addEventListener('store', e => {
    const h = e.detail
    console.error(
      h.up
        ? `p2pchat tracker: ${h.location} is back: state reloaded, serving logins again`
        : `p2pchat tracker: lost ${h.location} (${h.lastError ?? 'unknown error'}): refusing logins, registrations and friend and group changes with BUSY until it is back`
    )
  })
  return new Promise<number>(resolve => {
    let stopping = false
    const shutdown = (signal: string): void => {
      if (stopping) {
        console.error(`p2pchat tracker: ${signal} again, exiting without a clean shutdown`)
        resolve(1)
        return
      }
      stopping = true
      console.error(`p2pchat tracker: ${signal}: telling peers and flushing data…`)
      Promise.all([announcement?.stop(), stats?.close(), tracker.stop()])
        .then(() => {
          console.error('p2pchat tracker: stopped')
          resolve(0)
        })
        .catch(err => {
          console.error(`p2pchat tracker: error while stopping: ${(err as Error).message}`)
          resolve(1)
        })
    }
    process.on('SIGINT', () => shutdown('SIGINT'))
    process.on('SIGTERM', () => shutdown('SIGTERM'))
    // Only once a signal stops it cleanly: a supervisor may send one the moment it reads this line.
    out.write('Ready. Ctrl-C to stop.\n')
  })
}
