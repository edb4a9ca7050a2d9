/**
 * Friends (peer side): the tracker keeps who-knows-whom; this peer keeps a cached copy for its privacy
 * setting (messages and file offers from anyone, or from friends only), enforced on inbound streams.
 */
export type { ClientSource, FriendEvents } from './friends-book.ts'
export { FriendsBook, MAX_STATUS_TEXT_CHARS, PRESENCES, presenceName } from './friends-book.ts'
export type { Privacy } from './settings.ts'
export { PeerSettings, PRIVACY_MODES, SETTINGS_FILE_NAME } from './settings.ts'
