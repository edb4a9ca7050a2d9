/**
 * The Lua scripts behind the shared online list (redis-presence.ts). Each runs atomically on Redis, so a
 * join, a leave or an eviction changes the list, the PeerId index, the per-tracker session sets, the
 * version and the feed together. Every script takes KEYS[1..4] = online list, PeerId index, version,
 * feed and ARGV[1] = the feed's length cap, ARGV[2] = the prefix of the per-tracker session sets.
 */

/** KEYS[1..4]: online, peers, version, feed; ARGV[1]: feed length, ARGV[2]: sessions prefix. */
const LEAVE_FN = `
local function leave(key, reason, by)
  local cur = redis.call('HGET', KEYS[1], key)
  if not cur then return end
  local c = cjson.decode(cur)
  redis.call('HDEL', KEYS[1], key)
  if redis.call('HGET', KEYS[2], c.p) == key then redis.call('HDEL', KEYS[2], c.p) end
  redis.call('SREM', ARGV[2] .. c.t, key)
  local v = redis.call('INCR', KEYS[3])
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[1], '*', 'n', v, 'k', 'l', 'key', key, 'u', c.u, 'r', reason, 't', c.t, 's', c.s, 'b', by)
end
`

/**
 * Join (ARGV 3–9: key, PeerId, tracker, session, entry, name, REPLACED code; ARGV[11]: DISCONNECT code):
 * the newest login wins, so the account's session and the PeerId's session anywhere leave first. ARGV[10] 'rejoin' (after Redis
 * was lost): only if the account is not online elsewhere — returns 0 when it is, -1 when this session
 * is online already. Returns the join's version.
 */
export const JOIN = `${LEAVE_FN}
local cur = redis.call('HGET', KEYS[1], ARGV[3])
if ARGV[10] == 'rejoin' and cur then
  if cjson.decode(cur).s == ARGV[6] then return -1 end
  return 0
end
-- The same device logging in again (a reconnection, a failover): its earlier session is disconnected,
-- not replaced from another place (ARGV[11]: the DISCONNECT code).
if cur and cjson.decode(cur).p == ARGV[4] then
  leave(ARGV[3], ARGV[11], ARGV[4])
else
  leave(ARGV[3], ARGV[9], ARGV[4])
end
local other = redis.call('HGET', KEYS[2], ARGV[4])
if other then leave(other, ARGV[9], ARGV[4]) end
redis.call('HSET', KEYS[1], ARGV[3], cjson.encode({e = ARGV[7], p = ARGV[4], t = ARGV[5], s = ARGV[6], u = ARGV[8]}))
redis.call('HSET', KEYS[2], ARGV[4], ARGV[3])
redis.call('SADD', ARGV[2] .. ARGV[5], ARGV[3])
local v = redis.call('INCR', KEYS[3])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[1], '*', 'n', v, 'k', 'j', 'key', ARGV[3], 'e', ARGV[7], 'p', ARGV[4], 't', ARGV[5], 's', ARGV[6])
return v
`

/** Leave (ARGV 3–5: key, session, reason) if that session is still the account's one; returns 1 if it was. */
export const LEAVE = `${LEAVE_FN}
local cur = redis.call('HGET', KEYS[1], ARGV[3])
if not cur or cjson.decode(cur).s ~= ARGV[4] then return 0 end
leave(ARGV[3], ARGV[5], '')
return 1
`

/**
 * Remove a tracker's sessions (ARGV 3–6: tracker, reason, mode, sessions to keep as a JSON list).
 * KEYS[5]: its lease, KEYS[6]: the trackers hash. Mode 'dead': only once its lease is gone (-1 when it
 * is alive); 'stop': all of them, and the tracker is forgotten; 'reconcile': those not in the list.
 * Returns how many left.
 */
export const EVICT = `${LEAVE_FN}
if ARGV[5] == 'dead' and redis.call('EXISTS', KEYS[5]) == 1 then return -1 end
local keep = {}
if ARGV[6] ~= '' then for _, s in ipairs(cjson.decode(ARGV[6])) do keep[s] = true end end
local n = 0
for _, key in ipairs(redis.call('SMEMBERS', ARGV[2] .. ARGV[3])) do
  local cur = redis.call('HGET', KEYS[1], key)
  if cur then
    local c = cjson.decode(cur)
    if c.t == ARGV[3] and not keep[c.s] then
      leave(key, ARGV[4], '')
      n = n + 1
    end
  else
    redis.call('SREM', ARGV[2] .. ARGV[3], key)
  end
end
if ARGV[5] ~= 'reconcile' then
  redis.call('DEL', ARGV[2] .. ARGV[3])
  redis.call('HDEL', KEYS[6], ARGV[3])
end
return n
`

/**
 * Renew a tracker's lease (KEYS[1]; KEYS[2]: the trackers hash) if this process (ARGV[1]) holds it or
 * nobody does, for ARGV[2] ms, and list the tracker (ARGV[3]: id, ARGV[4]: its info). Returns 1, or 0
 * when another process holds it. Takes none of the common keys.
 */
export const RENEW_LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
return 1
`
