/**
 * Protocol ids, limits and timeouts shared by the tracker and the peers.
 * Every number here is a named constant with the reason it has that value.
 */

export const PROTOCOL_PREFIX = 'p2pchat'

/** The peer ↔ tracker session protocol: login, presence, heartbeats. */
export const TRACKER_PROTOCOL = `/${PROTOCOL_PREFIX}/tracker/1.0.0`

/** Direct peer ↔ peer chat. */
export const CHAT_PROTOCOL = `/${PROTOCOL_PREFIX}/chat/1.0.0`

/** Direct peer ↔ peer file transfer. */
export const FILE_PROTOCOL = `/${PROTOCOL_PREFIX}/file/1.0.0`

/** Largest client → tracker frame: a login with 16 addresses and a 1 KiB password fits in ~5 KiB. */
export const MAX_CLIENT_MESSAGE_BYTES = 8 * 1024

/**
 * Largest tracker → client frame. A snapshot lists everyone online: 10,000 peers at ~100 bytes each is
 * ~1 MB, so 16 MiB leaves room for ~150,000 peers before a snapshot is refused.
 */
export const MAX_TRACKER_MESSAGE_BYTES = 16 * 1024 * 1024

/** Usernames: 1–32 characters after NFC normalisation. */
export const USERNAME_MIN_CHARS = 1
export const USERNAME_MAX_CHARS = 32

/** Passwords: at least 8 bytes (OWASP minimum); over 1024 bytes is refused before hashing (hash-DoS). */
export const PASSWORD_MIN_BYTES = 8
export const PASSWORD_MAX_BYTES = 1024

/** A peer may publish at most this many listen addresses; more is noise and costs every subscriber. */
export const MAX_PEER_ADDRS = 16

/** One binary multiaddr longer than this is not a dialable transport address. */
export const MAX_ADDR_BYTES = 256

/** Default heartbeat interval the tracker announces. */
export const DEFAULT_HEARTBEAT_MS = 10_000

/** Lowest heartbeat interval a tracker accepts: below this heartbeats dominate the tracker's CPU. */
export const MIN_HEARTBEAT_MS = 100

/** A peer silent for this many heartbeat intervals is evicted as `timeout`. */
export const HEARTBEAT_MISSES_BEFORE_EVICTION = 3

/**
 * A peer asks the tracker to acknowledge every this-many-th heartbeat: enough to notice a tracker that
 * stopped answering within 3 intervals, at a third of the tracker's writes.
 */
export const HEARTBEAT_ACK_EVERY = 3

/** Presence events are coalesced for up to this long so a burst costs one push per subscriber. */
export const DEFAULT_PRESENCE_COALESCE_MS = 100

/**
 * A subscriber whose unsent backlog is above this is skipped for deltas; when it drains it sees a
 * version gap and asks for a snapshot, so a slow reader costs bounded memory, never a growing queue.
 */
export const MAX_SUBSCRIBER_BACKLOG_BYTES = 1024 * 1024

/** Tracker protocol streams a single connection may open at once (one session plus one in flight). */
export const MAX_TRACKER_STREAMS_PER_CONNECTION = 2

/** A connection must log in within this long after opening its session stream. */
export const LOGIN_TIMEOUT_MS = 30_000

/**
 * `lookup` and `account` queries share one token bucket per session. The burst is every chat and file
 * stream one newly joined peer may open at once (4 + 16), each of which a receiver whose list has not
 * caught up yet may look up; a receiver asks only about senders whose join is still in the coalescing
 * window, so a normal peer stays far below it.
 */
export const LOOKUP_BURST = 20

/** Tokens back per second: no person messages 10 unknown names a second; a name-guessing script gets 36,000/h. */
export const LOOKUP_REFILL_PER_SECOND = 10

/** Longest chat text, in UTF-8 bytes. */
export const MAX_CHAT_TEXT_BYTES = 64 * 1024

/** Largest chat frame: a maximal text plus id, timestamp and protobuf overhead. */
export const MAX_CHAT_FRAME_BYTES = MAX_CHAT_TEXT_BYTES + 256

/** Message ids are base64url of 16 random bytes (22 chars); anything up to 64 such chars is accepted. */
export const MAX_MESSAGE_ID_CHARS = 64

/** How long a sender waits for an ack before it treats the message as undelivered and retries later. */
export const CHAT_ACK_TIMEOUT_MS = 10_000

/** How long dialing a peer (all its addresses) may take before it counts as unreachable. */
export const DIAL_TIMEOUT_MS = 10_000

/** Chat streams a single connection may have open at once in each direction. */
export const MAX_CHAT_STREAMS_PER_CONNECTION = 4

/** Reconnecting to the tracker: first wait, growth factor, longest wait (each ±50 % jitter). */
export const RECONNECT_BASE_MS = 500
export const RECONNECT_FACTOR = 2
export const RECONNECT_MAX_MS = 30_000

/** Default TCP port of a tracker. */
export const DEFAULT_TRACKER_PORT = 4001

/** File transfer streams one connection may have open at once in each direction. */
export const MAX_FILE_STREAMS_PER_CONNECTION = 16

/** Offers waiting for an answer, from everyone together: more are refused as BUSY (offer floods). */
export const MAX_PENDING_FILE_OFFERS = 64

/** Largest control frame on the file protocol: an offer with a 255-byte name is ~350 bytes. */
export const MAX_FILE_CONTROL_FRAME_BYTES = 4 * 1024

/**
 * Bytes of file content per data frame. Large enough that per-frame costs (a header, an event, a
 * write) vanish next to the bytes, small enough that a cancel or result is never stuck behind much.
 */
export const FILE_CHUNK_BYTES = 256 * 1024

/** Largest data frame accepted: a chunk of up to 1 MiB (other implementations may pick larger). */
export const MAX_FILE_DATA_FRAME_BYTES = 1024 * 1024 + 16

/** How long an offer waits for accept/reject before it expires. */
export const DEFAULT_FILE_OFFER_TIMEOUT_MS = 5 * 60_000

/** The sender waits this much longer than its own offer timeout, so the receiver's expiry wins. */
export const FILE_OFFER_GRACE_MS = 30_000

/** Largest file a peer accepts unless configured otherwise: 64 GiB. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 ** 3

/** `file-progress` events: at most one per transfer per this many ms (a few per second). */
export const FILE_PROGRESS_INTERVAL_MS = 250

/**
 * How long a send that stops early (cancelled, or its file unreadable) waits for its cancel frame to
 * reach the receiver and the receiver to close its side before resetting the stream. The frame queues
 * behind what is already in flight — up to a receive window (FILE_STREAM_WINDOW_BYTES, 16 MiB) that the
 * receiver writes to disk first —, which this covers down to about 0.5 MiB/s. A reset drops the frame:
 * the receiver then sees INTERRUPTED and keeps its part.
 */
export const FILE_CANCEL_FLUSH_TIMEOUT_MS = 30_000

/**
 * The bulk path (docs/protocol.md): the content over a separate TCP connection with Node's TLS, keyed by
 * a one-time pre-shared key the receiver sends on the Noise-authenticated stream. TLS 1.2 because Node
 * takes external pre-shared keys only there; AES-GCM because this is what CPUs accelerate (1.1 GB/s
 * between two processes here against 0.7 for ChaCha20-Poly1305), ChaCha20 for those that do not.
 */
export const FILE_BULK_CIPHERS = 'PSK-AES128-GCM-SHA256:PSK-AES256-GCM-SHA384:PSK-CHACHA20-POLY1305'
/** How long the sender tries to reach the receiver's bulk listener before sending as data frames. */
export const FILE_BULK_CONNECT_TIMEOUT_MS = 3_000
/** How long a bulk listener waits for its sender (and a handshake may take) before it closes. */
export const FILE_BULK_ACCEPT_TIMEOUT_MS = 15_000
/**
 * When the bulk connection ends before the last byte, how long to wait for the file stream to say why
 * (a cancel, the receiver's result) before calling it a broken connection: the two travel separately,
 * so the cancel frame can arrive just after the connection it cancelled closes.
 */
export const FILE_BULK_VERDICT_GRACE_MS = 2_000
/** Bytes per read and write on the bulk path: large writes keep TLS records full and calls few. */
export const FILE_BULK_CHUNK_BYTES = 1024 * 1024
/** Chunk buffers a bulk sender reuses: one being read while the socket holds the others. */
export const FILE_BULK_BUFFERS = 4

/**
 * Receiver: content received but not yet written to disk. Above the high mark the stream is paused
 * (yamux stops granting window, so the sender stops); below the low mark it resumes.
 */
export const FILE_WRITE_HIGH_WATER_BYTES = 8 * 1024 * 1024
export const FILE_WRITE_LOW_WATER_BYTES = 2 * 1024 * 1024

/**
 * What a paused file stream may still buffer: whatever the sender had window for when we paused
 * (yamux's window grows to 16 MiB) on top of the high-water mark.
 */
export const FILE_STREAM_MAX_READ_BUFFER_BYTES = 32 * 1024 * 1024

/**
 * Receive window a file receiver grants its sender (yamux): enough to cover the bandwidth-delay
 * product of a fast LAN or loopback several times over, small next to what a paused stream may buffer.
 */
export const FILE_STREAM_WINDOW_BYTES = 16 * 1024 * 1024

// Friends and groups (docs/protocol.md "Friends", "Groups"). Kinds and statuses travel as plain uint32s,
// like PresenceEvent.reason, so a value a newer tracker adds decodes; the lists' indexes are the values.

/** FriendEvent.kind by name; the wire value is the index. */
export const FRIEND_EVENT_KINDS = ['request', 'added', 'removed', 'declined', 'status'] as const
export const FriendEventKind = { REQUEST: 0, ADDED: 1, REMOVED: 2, DECLINED: 3, STATUS: 4 } as const
/** GroupEvent.kind by name; the wire value is the index. */
export const GROUP_EVENT_KINDS = ['updated', 'invited', 'removed'] as const
export const GroupEventKind = { UPDATED: 0, INVITED: 1, REMOVED: 2 } as const
/** SetStatus.presence and Friend.presence by name; a value not listed reads as `online`. */
export const PRESENCE_STATUSES = ['online', 'away', 'busy'] as const
export const PresenceStatus = { ONLINE: 0, AWAY: 1, BUSY: 2 } as const

/** A friend's alias is a display name, not a note: as long as a group name. */
export const MAX_FRIEND_ALIAS_CHARS = 64
/** A status text is one short line ("in a meeting until 3"), shown next to a name. */
export const MAX_STATUS_TEXT_CHARS = 80
/** Search queries are pieces of usernames: 1 to a username's 32 characters. */
export const SEARCH_QUERY_MIN_CHARS = 1
export const SEARCH_QUERY_MAX_CHARS = USERNAME_MAX_CHARS
/** Names one search returns: enough to pick someone from, too few to page through every account. */
export const MAX_SEARCH_RESULTS = 50
/** Group names: 1–64 characters, a title shown in a list. */
export const GROUP_NAME_MIN_CHARS = 1
export const GROUP_NAME_MAX_CHARS = 64
/** Group ids: 12 random bytes in base64url, 96 bits nobody guesses (an open group is joined by its id). */
export const GROUP_ID_CHARS = 16
/**
 * PeerIds kept per account for group members (newest first): a phone, a laptop, a desktop and their
 * reinstalls; a device unused for 8 newer ones no longer signs group messages.
 */
export const MAX_DEVICES_PER_ACCOUNT = 8
/**
 * Members a group may have unless the tracker is told otherwise (`--group-member-cap`): every change is
 * pushed to every member with the whole member list, so a change costs members² bytes in all.
 */
export const DEFAULT_GROUP_MEMBER_CAP = 100
/** The highest `--group-member-cap`: 1000 members make one change cost ~0.5 GB of pushes. */
export const MAX_GROUP_MEMBER_CAP = 1000
