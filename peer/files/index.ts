/**
 * Direct file transfer on /p2pchat/file/1.0.0: offer → accept → content, verified by size and SHA-256,
 * resumable after a broken connection, with safe names in a confined download directory.
 */
export type { FileComponents, FileServiceInit } from './file-service.ts'
export { FileService } from './file-service.ts'
export type {
  FileEventDetails,
  FileEventName,
  FileEvents,
  FileOfferEvent,
  TransferDirection,
  TransferInfo,
  TransferState
} from './file-types.ts'
