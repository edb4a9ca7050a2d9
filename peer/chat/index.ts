/**
 * Direct one-to-one chat on /p2pchat/chat/1.0.0: an outbox stored before anything is sent, one reused
 * stream per recipient with acks, and the local history both sides keep.
 */
export type { ChatComponents, ChatEvents, ChatMessageEvent, ChatServiceInit } from './chat-service.ts'
export { ChatService, checkText, newMessageId } from './chat-service.ts'
export type { MessageStatus, StoredMessage } from './history.ts'
export { HistoryStore } from './history.ts'
