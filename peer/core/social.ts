import type { Logger, PrivateKey } from '@libp2p/interface'
import type { P2PChatNode } from '../../src/node.ts'
import { FriendsBook, PeerSettings } from '../friends/index.ts'
import { GroupService, GroupsHub } from '../groups/index.ts'
import type { ConnectionReversal } from '../nat/index.ts'
import { dialUser } from './dial.ts'
import type { OnlineDirectory } from './online-directory.ts'
import { identifyStream } from './online-directory.ts'
import type { TrackerSession } from './tracker-session.ts'

/** The social layer of a peer: settings (privacy), friends, groups and their peer-to-peer messages. */
export interface Social {
  settings: PeerSettings
  friends: FriendsBook
  groups: GroupsHub
  groupService: GroupService
  /** Whether a message or file offer from `from` is taken (privacy: anyone, or friends only). */
  accepts(from: string): boolean
}

export interface SocialComponents {
  node: P2PChatNode
  privateKey: PrivateKey
  session: TrackerSession
  directory: OnlineDirectory
  reversal: ConnectionReversal
  self(): string
  dataDir: string
  log: Logger
}

/** Open the settings and start the group service; `follow` each tracker session (see PeerClient). */
export async function startSocial(c: SocialComponents): Promise<Social> {
  const settings = new PeerSettings(c.dataDir)
  await settings.open()
  const client = () => c.session.client
  const friends = new FriendsBook(client, settings)
  let groups: GroupsHub | undefined
  const groupService = new GroupService(
    {
      node: c.node,
      privateKey: c.privateKey,
      self: c.self,
      dial: (target, protocol, options) =>
        dialUser(c.node, target, protocol, { ...options, reversal: c.reversal }),
      identify: (stream, connection) => identifyStream(c.directory, stream, connection, c.log),
      membership: {
        members: group => groups?.members(group),
        online: group => groups?.online(group) ?? []
      }
    },
    { dataDir: c.dataDir, log: c.log.newScope('groups') }
  )
  groups = new GroupsHub({
    client,
    locate: user => c.directory.locate(user),
    self: c.self,
    service: groupService,
    log: c.log.newScope('groups')
  })
  await groupService.start()
  return {
    settings,
    friends,
    groups,
    groupService,
    accepts: from => settings.privacy === 'anyone' || friends.isFriend(from)
  }
}
