import type { Replies } from '../../api/schema.ts'
import { errorText } from './api-client.ts'
import type { ChatState, FileOfferEvent, TransferView } from './chat-state.ts'
import type { ChatStore } from './chat-store.ts'
import { uploadFile } from './upload.ts'

type TransferInfo = Replies['transfers']['transfers'][number]

/** Offers to answer, files to send (by path, or uploaded from the page first), transfers to follow. */
export class FileActions {
  readonly #store: ChatStore
  #nextUpload = 1
  /** Offers this page declined: their `file-failed` (REJECTED) needs no entry in the list. */
  readonly declined = new Set<string>()

  constructor(store: ChatStore) {
    this.#store = store
  }

  async send(to: string, path: string): Promise<void> {
    const reply = await this.#store.client.call('send-file', { to, path })
    this.addSent(reply.transferId, reply.to, reply.name, reply.size)
  }

  addSent(transferId: string, to: string, name: string, size: number): void {
    if (this.#store.state.transfers.some(t => t.transferId === transferId)) return
    const view: TransferView = {
      transferId,
      direction: 'send',
      peer: to,
      name,
      size,
      bytes: 0,
      phase: 'offered',
      status: 'progress',
      bytesPerSec: 0,
      startedAt: Date.now()
    }
    this.#store.update(s => {
      s.transfers = [...s.transfers, view]
    })
  }

  /** Upload a picked or dropped file to the server, then offer it to `to`. */
  async upload(to: string, file: File): Promise<void> {
    const uploadId = this.#nextUpload++
    const patch = (change: Partial<ChatState['uploads'][number]>): void =>
      this.#store.update(s => {
        s.uploads = s.uploads.map(u => (u.uploadId === uploadId ? { ...u, ...change } : u))
      })
    this.#store.update(s => {
      s.uploads = [...s.uploads, { uploadId, name: file.name, to, loaded: 0, total: file.size }]
    })
    try {
      const uploaded = await uploadFile(this.#store.client.token, file, (loaded, total) =>
        patch({ loaded, total })
      )
      await this.send(to, uploaded.path)
      this.#store.update(s => {
        s.uploads = s.uploads.filter(u => u.uploadId !== uploadId)
      })
    } catch (err) {
      patch({ error: errorText(err) })
    }
  }

  dismissUpload(uploadId: number): void {
    this.#store.update(s => {
      s.uploads = s.uploads.filter(u => u.uploadId !== uploadId)
    })
  }

  async accept(transferId: string): Promise<void> {
    const offer = this.#store.state.offers.find(o => o.transferId === transferId)
    const reply = await this.#store.client.call('accept-file', { transferId })
    this.#store.update(s => {
      s.offers = s.offers.filter(o => o.transferId !== transferId)
      if (offer === undefined || s.transfers.some(t => t.transferId === transferId)) return
      s.transfers = [
        ...s.transfers,
        {
          transferId,
          direction: 'receive',
          peer: offer.from,
          name: offer.name,
          size: offer.size,
          bytes: 0,
          phase: 'accepted',
          status: 'progress',
          bytesPerSec: 0,
          path: reply.path,
          startedAt: Date.now()
        }
      ]
    })
  }

  async reject(transferId: string): Promise<void> {
    this.declined.add(transferId)
    await this.#store.client.call('reject-file', { transferId })
    this.#store.update(s => {
      s.offers = s.offers.filter(o => o.transferId !== transferId)
    })
  }

  async cancel(transferId: string): Promise<void> {
    await this.#store.client.call('cancel-file', { transferId })
  }

  async discard(transferId: string): Promise<void> {
    await this.#store.client.call('discard-file', { transferId })
    this.remove(transferId)
  }

  remove(transferId: string): void {
    this.#store.update(s => {
      s.transfers = s.transfers.filter(t => t.transferId !== transferId)
      s.offers = s.offers.filter(o => o.transferId !== transferId)
    })
  }
}

/** `transfers` as the panel shows it: receives waiting for an answer are offers, the rest transfers. */
export function fromTransfers(list: TransferInfo[]): { offers: FileOfferEvent[]; transfers: TransferView[] } {
  const waiting = (t: TransferInfo): boolean => t.direction === 'receive' && t.state === 'waiting'
  return {
    offers: list.filter(waiting).map(t => ({
      transferId: t.transferId,
      from: t.peer,
      name: t.name,
      size: t.size,
      sha256: t.sha256,
      expiresAt: 0
    })),
    transfers: list
      .filter(t => !waiting(t))
      .map(t => ({
        transferId: t.transferId,
        direction: t.direction,
        peer: t.peer,
        name: t.name,
        size: t.size,
        bytes: t.bytes,
        phase: t.state,
        status:
          t.state === 'done' ? 'done' : t.state === 'failed' || t.state === 'partial' ? 'failed' : 'progress',
        bytesPerSec: 0,
        path: t.path,
        via: t.via,
        error:
          t.error ??
          (t.state === 'partial'
            ? { code: 'INTERRUPTED', message: 'left half-received; it resumes if they send it again' }
            : undefined),
        startedAt: t.startedAt
      }))
  }
}
