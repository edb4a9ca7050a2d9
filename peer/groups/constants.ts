/**
 * The group protocol's id, limits and timeouts. Every number is named with the reason it has that value.
 * (Kept here rather than in src/protocol/constants.ts until the group feature is integrated.)
 */
import { MAX_CHAT_TEXT_BYTES, MAX_MESSAGE_ID_CHARS, PROTOCOL_PREFIX } from '../../src/protocol/constants.ts'

/** Group messages, peer ↔ peer: pushed by their author, pulled from any member on catch-up. */
export const GROUP_PROTOCOL = `/${PROTOCOL_PREFIX}/group/1.0.0`

/** Prefix of the bytes an author signs, so a group signature can never pass for any other signature. */
export const GROUP_SIGNATURE_DOMAIN = 'p2pchat-group-v1'

/** Longest group text, in UTF-8 bytes: the same as chat, so one message fits both. */
export const MAX_GROUP_TEXT_BYTES = MAX_CHAT_TEXT_BYTES

/** Message ids: base64url, as chat's (16 random bytes make 22 characters). */
export const MAX_GROUP_MESSAGE_ID_CHARS = MAX_MESSAGE_ID_CHARS

/** The tracker's group ids: 12 random bytes as base64url. Checked before one names a file. */
export const GROUP_ID_PATTERN = /^[A-Za-z0-9_-]{16}$/

/** Posts in one sync batch: enough to move quickly, few enough that acks are not held up behind it. */
export const MAX_SYNC_BATCH_POSTS = 256

/** Encoded posts in one sync batch, in bytes (a batch always holds at least one post). */
export const MAX_SYNC_BATCH_BYTES = 1024 * 1024

/**
 * Largest frame either side reads: a full sync batch plus its header. A post frame (~65 KiB) and a
 * sync request with every cursor allowed (~600 KiB at most) fit.
 */
export const MAX_GROUP_FRAME_BYTES = MAX_SYNC_BATCH_BYTES + 4 * 1024

/**
 * Posts one sync request is answered with, at most (8 full batches); the answer then says `more` and
 * the requester asks again from its new cursors, which costs it a token of the rate limit below.
 */
export const MAX_SYNC_POSTS_PER_REQUEST = 8 * MAX_SYNC_BATCH_POSTS

/** Bytes one sync request is answered with, at most (then `more`, as above). */
export const MAX_SYNC_BYTES_PER_REQUEST = 8 * MAX_SYNC_BATCH_BYTES

/** Authors listed in one sync request: far more than a group has; each costs the responder a lookup. */
export const MAX_SYNC_CURSORS = 4096

/**
 * Sync requests a peer may send us: a burst (a catch-up and its continuations, gap fills), then a
 * steady rate. Every request makes us read and send up to 8 MiB; a loop would make us a free mirror.
 */
export const SYNC_REQUEST_BURST = 16
export const SYNC_REQUESTS_PER_SECOND = 2

/** Peers whose sync rate we remember; the longest-idle one is forgotten first (a fresh bucket is full). */
export const MAX_RATE_LIMITED_PEERS = 4096

/** Members asked at once during a catch-up; when one fails the next is asked. */
export const CATCH_UP_PARALLEL = 3

/** Continuation requests one catch-up sends to one member before it stops (2048 posts each). */
export const MAX_SYNC_ROUNDS = 64

/** Members a gap fill asks, one after the other: the one who sent the post, then others. */
export const MAX_GAP_FILL_PEERS = 4

/** Gap fills that found nobody with the missing posts are tried again after this long, doubling. */
export const GAP_RETRY_BASE_MS = 2_000
export const GAP_RETRY_MAX_MS = 60_000

/**
 * Verified posts held while an author's earlier posts are fetched, per group. Beyond this, more are
 * dropped (and acked): the gap fill, or the next catch-up, fetches them again in order.
 */
export const MAX_PENDING_POSTS_PER_GROUP = 1024

/** Sync requests (catch-ups and gap fills) we have open at once, across all groups and members. */
export const MAX_CONCURRENT_SYNCS = 8

/** Members being pushed to at once, across all groups (each is one stream and maybe a dial). */
export const MAX_CONCURRENT_DELIVERIES = 16

/** Posts written to one member's stream and waiting for their acks. */
export const MAX_POSTS_IN_FLIGHT_PER_MEMBER = 32

/** Posts queued for one member who is not taking them; the oldest are dropped (catch-up brings them). */
export const MAX_QUEUED_POSTS_PER_MEMBER = 1024

/** Attempts to push a post to an online member before leaving it to their catch-up. */
export const MAX_PUSH_ATTEMPTS = 4

/** First wait before pushing again to a member who could not be reached (doubling, ±50 %). */
export const PUSH_RETRY_BASE_MS = 2_000
export const PUSH_RETRY_MAX_MS = 30_000

/** How long a pushed post waits for its ack, as chat. */
export const GROUP_ACK_TIMEOUT_MS = 10_000

/** How long a sync requester waits for the next batch before it asks someone else. */
export const SYNC_BATCH_TIMEOUT_MS = 15_000

/** Group streams one connection may have open at once in each direction: a push link and a few syncs. */
export const MAX_GROUP_STREAMS_PER_CONNECTION = 8

/**
 * Posts kept in memory per group: history, duplicate checks by id, and sync answers come from these.
 * Older posts stay in the journal on disk; a sync that needs them reads them from there.
 */
export const MAX_GROUP_MESSAGES_IN_MEMORY = 10_000

/**
 * The live journal of a group is sealed into a numbered segment past this size, so start-up reads at
 * most this much at once (sealed segments are streamed) and a sync of old posts reads only segments.
 */
export const GROUP_SEGMENT_BYTES = 8 * 1024 * 1024

/** Directory under the data directory that holds one journal per group. */
export const GROUPS_DIR_NAME = 'groups'
