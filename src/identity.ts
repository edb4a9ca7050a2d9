import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { DataCorruptError } from './errors.ts'
import { writeFileDurably } from './storage/durable-json-file.ts'

/** File in a data directory holding the node's Ed25519 private key (libp2p protobuf encoding). */
export const IDENTITY_FILE_NAME = 'identity.key'

/**
 * Load the node's private key from `dir`, or create and store one (mode 0600) on first start, so the
 * PeerId — and with it every `/p2p/<id>` address handed out — survives restarts.
 */
export async function loadOrCreateIdentity(dir: string): Promise<PrivateKey> {
  const path = join(dir, IDENTITY_FILE_NAME)
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    const key = await generateKeyPair('Ed25519')
    await writeFileDurably(path, privateKeyToProtobuf(key), 0o600)
    return key
  }
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new DataCorruptError(
      `${path} is not a valid private key (${(err as Error).message}): restore it, or delete it to get a new identity`,
      { cause: err }
    )
  }
}
