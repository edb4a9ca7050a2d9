import type { ChatMessage, ConvKey, TransferView } from './chat-state.ts'
import {
  displayName,
  groupConv,
  REFUSED_CODES,
  sortByName,
  updateMessage,
  upsert,
  userConv,
  withGroupNames
} from './chat-state.ts'
import type { ChatStore } from './chat-store.ts'
import { formatBytes, sameUser } from './format.ts'
import { notify } from './notifications.ts'

/** After the tracker came back: how long to let peers re-register before reading the lists again. */
const TRACKER_SETTLE_MS = 2_000

/** Keep the store current from the server's events; returns the functions that stop listening. */
export function wireEvents(store: ChatStore): Array<() => void> {
  const { client } = store
  const me = (): string => store.state.me

  const patchTransfer = (transferId: string, change: (t: TransferView) => TransferView): boolean => {
    const index = store.state.transfers.findIndex(t => t.transferId === transferId)
    if (index < 0) return false
    store.update(s => {
      const transfers = s.transfers.slice()
      transfers[index] = change(transfers[index]!)
      s.transfers = transfers
    })
    return true
  }

  /** Append an arriving message; count it unread unless its conversation is open. */
  const arrive = (
    key: ConvKey,
    kind: 'user' | 'group',
    id: string,
    message: ChatMessage,
    announce: string
  ) => {
    store.ensureConv(key, kind, id)
    const before = store.state.conversations[key]!.messages.length
    store.patchConv(key, c => {
      const index = c.messages.findIndex(m => m.messageId === message.messageId)
      return index < 0 ? { ...c, messages: [...c.messages, message] } : c
    })
    if (store.state.conversations[key]!.messages.length === before || message.own) return
    store.update(s => {
      if (s.selected !== key) s.unread = { ...s.unread, [key]: (s.unread[key] ?? 0) + 1 }
      s.announce = announce
    })
  }

  /** Find the conversation holding one of my messages (the `to` of an event, else any). */
  const findOwn = (messageId: string, to?: string): ConvKey | undefined => {
    const convs = store.state.conversations
    if (to !== undefined && convs[userConv(to)]?.messages.some(m => m.messageId === messageId)) {
      return userConv(to)
    }
    return Object.values(convs).find(c => c.messages.some(m => m.messageId === messageId))?.key
  }

  return [
    client.on('ready', e => {
      store.update(s => {
        s.peerId = e.peerId
        if (s.tracker.state !== e.tracker) s.tracker = { state: e.tracker }
      })
    }),
    client.on('tracker', e => {
      const wasAway = store.state.tracker.state === 'reconnecting'
      store.update(s => {
        s.tracker = {
          state: e.state,
          message: e.message,
          retryAt: e.retryInMs === undefined ? undefined : Date.now() + e.retryInMs
        }
        if (e.state === 'reconnecting')
          s.announce = `The tracker cannot be reached: ${e.message ?? 'retrying'}`
      })
      if (e.state === 'connected') {
        void store.reload()
        if (wasAway) {
          // Back after a restart: who is online settles as peers re-register; read the lists again.
          window.setTimeout(() => void store.reloadPeople(), TRACKER_SETTLE_MS)
        }
      }
    }),
    client.on('joined', e => {
      if (sameUser(e.user, me())) return
      const { event: _event, ...user } = e
      store.update(s => {
        s.online = sortByName(
          upsert(s.online, user, (a, b) => sameUser(a.user, b.user)),
          u => u.user
        )
        s.friends = s.friends.map(f =>
          sameUser(f.user, e.user) ? { ...f, online: true, reachable: e.reachable } : f
        )
      })
    }),
    client.on('left', e => {
      store.update(s => {
        s.online = s.online.filter(u => !sameUser(u.user, e.user))
        s.friends = s.friends.map(f =>
          sameUser(f.user, e.user) ? { ...f, online: false, lastSeen: Date.now() } : f
        )
      })
    }),
    client.on('message', e => {
      const other = sameUser(e.from, me()) ? e.to : e.from
      const message: ChatMessage = {
        messageId: e.messageId,
        from: e.from,
        to: e.to,
        text: e.text,
        sentAt: e.sentAt,
        own: sameUser(e.from, me()),
        status: 'delivered',
        via: e.via
      }
      const name = displayName(e.from, store.state.friends)
      arrive(userConv(other), 'user', other, message, `New message from ${name}: ${e.text}`)
      if (!message.own) notify(`p2pchat: ${name}`, e.text, `dm:${other}`)
    }),
    client.on('delivered', e => {
      const key = findOwn(e.messageId, e.to)
      if (key === undefined) {
        // Either the `msg` reply is still on its way, or another tab sent it: its history will tell.
        store.earlyDelivered.set(e.messageId, e.via)
        store.reloadSoon(userConv(e.to))
        return
      }
      store.patchConv(key, c =>
        updateMessage(c, e.messageId, m => ({ ...m, status: 'delivered', via: e.via, note: undefined }))
      )
    }),
    client.on('error', e => {
      const key = e.messageId === undefined ? undefined : findOwn(e.messageId, e.to)
      if (key === undefined || e.messageId === undefined) {
        const conv = e.to === undefined ? undefined : store.state.conversations[userConv(e.to)]
        if (e.messageId !== undefined && e.to !== undefined && conv?.loaded) {
          // A message sent from another tab: its history carries the outcome.
          store.reloadSoon(userConv(e.to))
          return
        }
        store.toast(`${e.code}: ${e.message}`)
        return
      }
      const refused = REFUSED_CODES.has(e.code)
      store.patchConv(key, c =>
        updateMessage(c, e.messageId!, m => ({
          ...m,
          status: refused ? 'refused' : m.status,
          note: `${e.code}: ${e.message}`
        }))
      )
    }),
    client.on('friend-request', e => {
      store.update(s => {
        if (!s.incoming.some(u => sameUser(u, e.from))) s.incoming = [...s.incoming, e.from]
        s.announce = `${e.from} asks to be your friend`
      })
      notify('p2pchat: friend request', `${e.from} asks to be your friend`)
    }),
    client.on('friend-added', e => {
      store.update(s => {
        s.incoming = s.incoming.filter(u => !sameUser(u, e.user))
        s.outgoing = s.outgoing.filter(u => !sameUser(u, e.user))
        s.announce = `You and ${e.user} are friends now`
      })
      void store.attempt(() => store.refreshFriends())
    }),
    client.on('friend-removed', e => {
      store.update(s => {
        s.friends = s.friends.filter(f => !sameUser(f.user, e.user))
        s.outgoing = s.outgoing.filter(u => !sameUser(u, e.user))
        s.incoming = s.incoming.filter(u => !sameUser(u, e.user))
      })
    }),
    client.on('friend-declined', e => {
      store.update(s => {
        s.outgoing = s.outgoing.filter(u => !sameUser(u, e.user))
      })
      store.toast(`${e.user} declined your friend request`)
    }),
    client.on('friend-status', e => {
      store.update(s => {
        s.friends = s.friends.map(f =>
          sameUser(f.user, e.user) ? { ...f, presence: e.presence, text: e.text } : f
        )
      })
    }),
    client.on('group-updated', e => store.replaceGroup(e.group)),
    client.on('group-invited', e => {
      store.replaceGroup(e.group)
      store.update(s => {
        s.announce = `${e.by} invited you to the group ${e.group.name}`
      })
      notify('p2pchat: group invitation', `${e.by} invited you to ${e.group.name}`)
    }),
    client.on('group-removed', e => {
      store.update(s => {
        s.groups = s.groups.filter(g => g.group !== e.group.group)
        s.groupNames = withGroupNames(s.groupNames, [e.group])
      })
      if (!sameUser(e.by, me()) && e.by !== '') store.toast(`${e.by} removed you from ${e.group.name}`)
    }),
    client.on('group-message', e => {
      const own = sameUser(e.from, me())
      const message: ChatMessage = {
        messageId: e.messageId,
        from: e.from,
        text: e.text,
        sentAt: e.sentAt,
        own
      }
      const group = store.state.groups.find(g => g.group === e.group)
      const where = group?.name ?? 'a group'
      const name = displayName(e.from, store.state.friends)
      arrive(groupConv(e.group), 'group', e.group, message, `${name} in ${where}: ${e.text}`)
      if (!own) notify(`p2pchat: ${name} in ${where}`, e.text, `group:${e.group}`)
    }),
    client.on('file-offer', e => {
      const { event: _event, ...offer } = e
      if (offer.resumeFrom !== undefined) {
        // Accepted before: the peer accepts it again by itself and it resumes.
        store.update(s => {
          s.transfers = upsert(
            s.transfers,
            {
              transferId: offer.transferId,
              direction: 'receive',
              peer: offer.from,
              name: offer.name,
              size: offer.size,
              bytes: offer.resumeFrom ?? 0,
              phase: 'transferring',
              status: 'progress',
              bytesPerSec: 0,
              startedAt: Date.now()
            },
            (a, b) => a.transferId === b.transferId
          )
        })
        return
      }
      store.update(s => {
        s.offers = upsert(s.offers, offer, (a, b) => a.transferId === b.transferId)
        s.announce = `${offer.from} offers you the file ${offer.name} (${formatBytes(offer.size)})`
      })
      notify(`p2pchat: ${offer.from} sends a file`, `${offer.name} (${formatBytes(offer.size)})`)
    }),
    client.on('file-accepted', e => {
      patchTransfer(e.transferId, t => ({
        ...t,
        phase: 'transferring',
        via: e.via,
        carrier: e.path,
        bytes: e.offset,
        bytesPerSec: 0
      }))
    }),
    client.on('file-progress', e => {
      patchTransfer(e.transferId, t => {
        // The sender's file is read whole: until the peer accepts, it only waits (no rate, no ETA).
        const hashed = t.direction === 'send' && e.phase === 'hashing' && e.bytes >= e.size
        if (hashed && t.phase === 'transferring') return t
        return {
          ...t,
          phase: hashed ? 'offered' : e.phase,
          bytes: e.bytes,
          size: e.size,
          bytesPerSec: hashed ? 0 : e.bytesPerSec
        }
      })
    }),
    client.on('file-done', e => {
      const view: TransferView = {
        transferId: e.transferId,
        direction: e.direction,
        peer: e.peer,
        name: e.name,
        size: e.size,
        bytes: e.size,
        phase: 'done',
        status: 'done',
        bytesPerSec: 0,
        path: e.path,
        startedAt: Date.now()
      }
      if (
        !patchTransfer(e.transferId, t => ({
          ...view,
          via: t.via,
          carrier: t.carrier,
          startedAt: t.startedAt
        }))
      ) {
        store.update(s => {
          s.transfers = [...s.transfers, view]
        })
      }
      store.update(s => {
        s.announce = `${e.name} ${e.direction === 'receive' ? 'received' : 'sent'}`
      })
    }),
    client.on('file-failed', e => {
      const offer = store.state.offers.find(o => o.transferId === e.transferId)
      const error = { code: e.code, message: e.message }
      const declinedHere = store.files.declined.delete(e.transferId)
      const found = patchTransfer(e.transferId, t => ({ ...t, status: 'failed', phase: 'failed', error }))
      store.update(s => {
        s.offers = s.offers.filter(o => o.transferId !== e.transferId)
        // An offer that expired or was withdrawn stays listed with why; one this page declined does not.
        if (!found && offer !== undefined && !declinedHere) {
          s.transfers = [
            ...s.transfers,
            {
              transferId: e.transferId,
              direction: e.direction,
              peer: e.peer,
              name: offer.name,
              size: offer.size,
              bytes: 0,
              phase: 'failed',
              status: 'failed',
              bytesPerSec: 0,
              error,
              startedAt: Date.now()
            }
          ]
        }
      })
    })
  ]
}
