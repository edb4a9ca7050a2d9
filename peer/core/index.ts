/**
 * The peer's core: the `PeerClient` facade every front-end drives, its tracker session (login,
 * reconnect), the online directory (who is where; who a connection belongs to) and dialing.
 */

export type { Dialer } from './dial.ts'
export { dialUser, plainNetworkError } from './dial.ts'
export type { PeerDirectory } from './online-directory.ts'
export { OnlineDirectory, REJOIN_GRACE_MS } from './online-directory.ts'
export type { PeerClientInit } from './peer-client.ts'
export { DEFAULT_PEER_LISTEN, defaultPeerDataDir, PeerClient } from './peer-client.ts'
export type { OnlineUser } from './tracker-client.ts'
export { TrackerClient } from './tracker-client.ts'
export { TrackerSession } from './tracker-session.ts'
