/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ClientMessage {
  id: number
  register?: Register
  login?: Login
  heartbeat?: Heartbeat
  logout?: Logout
  snapshot?: SnapshotRequest
  lookup?: Lookup
  account?: AccountQuery
  connect?: ConnectRequest
  friendAdd?: FriendAdd
  friendAnswer?: FriendAnswer
  friendRemove?: FriendRemove
  friendAlias?: FriendAlias
  friendList?: FriendListRequest
  search?: UserSearch
  status?: SetStatus
  groupCreate?: GroupCreate
  groupInvite?: GroupInvite
  groupJoin?: GroupJoin
  groupLeave?: GroupLeave
  groupKick?: GroupKick
  groupRename?: GroupRename
  groupList?: GroupListRequest
  password?: PasswordChange
}

export namespace ClientMessage {
  let _codec: Codec<ClientMessage>

  export const codec = (): Codec<ClientMessage> => {
    if (_codec == null) {
      _codec = message<ClientMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if (obj.register != null) {
          w.uint32(18)
          Register.codec().encode(obj.register, w)
        }

        if (obj.login != null) {
          w.uint32(26)
          Login.codec().encode(obj.login, w)
        }

        if (obj.heartbeat != null) {
          w.uint32(34)
          Heartbeat.codec().encode(obj.heartbeat, w)
        }

        if (obj.logout != null) {
          w.uint32(42)
          Logout.codec().encode(obj.logout, w)
        }

        if (obj.snapshot != null) {
          w.uint32(50)
          SnapshotRequest.codec().encode(obj.snapshot, w)
        }

        if (obj.lookup != null) {
          w.uint32(58)
          Lookup.codec().encode(obj.lookup, w)
        }

        if (obj.account != null) {
          w.uint32(66)
          AccountQuery.codec().encode(obj.account, w)
        }

        if (obj.connect != null) {
          w.uint32(74)
          ConnectRequest.codec().encode(obj.connect, w)
        }

        if (obj.friendAdd != null) {
          w.uint32(82)
          FriendAdd.codec().encode(obj.friendAdd, w)
        }

        if (obj.friendAnswer != null) {
          w.uint32(90)
          FriendAnswer.codec().encode(obj.friendAnswer, w)
        }

        if (obj.friendRemove != null) {
          w.uint32(98)
          FriendRemove.codec().encode(obj.friendRemove, w)
        }

        if (obj.friendAlias != null) {
          w.uint32(106)
          FriendAlias.codec().encode(obj.friendAlias, w)
        }

        if (obj.friendList != null) {
          w.uint32(114)
          FriendListRequest.codec().encode(obj.friendList, w)
        }

        if (obj.search != null) {
          w.uint32(122)
          UserSearch.codec().encode(obj.search, w)
        }

        if (obj.status != null) {
          w.uint32(130)
          SetStatus.codec().encode(obj.status, w)
        }

        if (obj.groupCreate != null) {
          w.uint32(138)
          GroupCreate.codec().encode(obj.groupCreate, w)
        }

        if (obj.groupInvite != null) {
          w.uint32(146)
          GroupInvite.codec().encode(obj.groupInvite, w)
        }

        if (obj.groupJoin != null) {
          w.uint32(154)
          GroupJoin.codec().encode(obj.groupJoin, w)
        }

        if (obj.groupLeave != null) {
          w.uint32(162)
          GroupLeave.codec().encode(obj.groupLeave, w)
        }

        if (obj.groupKick != null) {
          w.uint32(170)
          GroupKick.codec().encode(obj.groupKick, w)
        }

        if (obj.groupRename != null) {
          w.uint32(178)
          GroupRename.codec().encode(obj.groupRename, w)
        }

        if (obj.groupList != null) {
          w.uint32(186)
          GroupListRequest.codec().encode(obj.groupList, w)
        }

        if (obj.password != null) {
          w.uint32(194)
          PasswordChange.codec().encode(obj.password, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.register = Register.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.register
              })
              break
            }
            case 3: {
              obj.login = Login.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.login
              })
              break
            }
            case 4: {
              obj.heartbeat = Heartbeat.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.heartbeat
              })
              break
            }
            case 5: {
              obj.logout = Logout.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.logout
              })
              break
            }
            case 6: {
              obj.snapshot = SnapshotRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.snapshot
              })
              break
            }
            case 7: {
              obj.lookup = Lookup.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.lookup
              })
              break
            }
            case 8: {
              obj.account = AccountQuery.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.account
              })
              break
            }
            case 9: {
              obj.connect = ConnectRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.connect
              })
              break
            }
            case 10: {
              obj.friendAdd = FriendAdd.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.friendAdd
              })
              break
            }
            case 11: {
              obj.friendAnswer = FriendAnswer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.friendAnswer
              })
              break
            }
            case 12: {
              obj.friendRemove = FriendRemove.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.friendRemove
              })
              break
            }
            case 13: {
              obj.friendAlias = FriendAlias.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.friendAlias
              })
              break
            }
            case 14: {
              obj.friendList = FriendListRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.friendList
              })
              break
            }
            case 15: {
              obj.search = UserSearch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.search
              })
              break
            }
            case 16: {
              obj.status = SetStatus.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.status
              })
              break
            }
            case 17: {
              obj.groupCreate = GroupCreate.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groupCreate
              })
              break
            }
            case 18: {
              obj.groupInvite = GroupInvite.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groupInvite
              })
              break
            }
            case 19: {
              obj.groupJoin = GroupJoin.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groupJoin
              })
              break
            }
            case 20: {
              obj.groupLeave = GroupLeave.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groupLeave
              })
              break
            }
            case 21: {
              obj.groupKick = GroupKick.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groupKick
              })
              break
            }
            case 22: {
              obj.groupRename = GroupRename.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groupRename
              })
              break
            }
            case 23: {
              obj.groupList = GroupListRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groupList
              })
              break
            }
            case 24: {
              obj.password = PasswordChange.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.password
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield * Register.codec().stream(reader, reader.uint32(), `${prefix}.register`, {
                limits: opts.limits?.register
              })

              break
            }
            case 3: {
              yield * Login.codec().stream(reader, reader.uint32(), `${prefix}.login`, {
                limits: opts.limits?.login
              })

              break
            }
            case 4: {
              yield * Heartbeat.codec().stream(reader, reader.uint32(), `${prefix}.heartbeat`, {
                limits: opts.limits?.heartbeat
              })

              break
            }
            case 5: {
              yield * Logout.codec().stream(reader, reader.uint32(), `${prefix}.logout`, {
                limits: opts.limits?.logout
              })

              break
            }
            case 6: {
              yield * SnapshotRequest.codec().stream(reader, reader.uint32(), `${prefix}.snapshot`, {
                limits: opts.limits?.snapshot
              })

              break
            }
            case 7: {
              yield * Lookup.codec().stream(reader, reader.uint32(), `${prefix}.lookup`, {
                limits: opts.limits?.lookup
              })

              break
            }
            case 8: {
              yield * AccountQuery.codec().stream(reader, reader.uint32(), `${prefix}.account`, {
                limits: opts.limits?.account
              })

              break
            }
            case 9: {
              yield * ConnectRequest.codec().stream(reader, reader.uint32(), `${prefix}.connect`, {
                limits: opts.limits?.connect
              })

              break
            }
            case 10: {
              yield * FriendAdd.codec().stream(reader, reader.uint32(), `${prefix}.friendAdd`, {
                limits: opts.limits?.friendAdd
              })

              break
            }
            case 11: {
              yield * FriendAnswer.codec().stream(reader, reader.uint32(), `${prefix}.friendAnswer`, {
                limits: opts.limits?.friendAnswer
              })

              break
            }
            case 12: {
              yield * FriendRemove.codec().stream(reader, reader.uint32(), `${prefix}.friendRemove`, {
                limits: opts.limits?.friendRemove
              })

              break
            }
            case 13: {
              yield * FriendAlias.codec().stream(reader, reader.uint32(), `${prefix}.friendAlias`, {
                limits: opts.limits?.friendAlias
              })

              break
            }
            case 14: {
              yield * FriendListRequest.codec().stream(reader, reader.uint32(), `${prefix}.friendList`, {
                limits: opts.limits?.friendList
              })

              break
            }
            case 15: {
              yield * UserSearch.codec().stream(reader, reader.uint32(), `${prefix}.search`, {
                limits: opts.limits?.search
              })

              break
            }
            case 16: {
              yield * SetStatus.codec().stream(reader, reader.uint32(), `${prefix}.status`, {
                limits: opts.limits?.status
              })

              break
            }
            case 17: {
              yield * GroupCreate.codec().stream(reader, reader.uint32(), `${prefix}.groupCreate`, {
                limits: opts.limits?.groupCreate
              })

              break
            }
            case 18: {
              yield * GroupInvite.codec().stream(reader, reader.uint32(), `${prefix}.groupInvite`, {
                limits: opts.limits?.groupInvite
              })

              break
            }
            case 19: {
              yield * GroupJoin.codec().stream(reader, reader.uint32(), `${prefix}.groupJoin`, {
                limits: opts.limits?.groupJoin
              })

              break
            }
            case 20: {
              yield * GroupLeave.codec().stream(reader, reader.uint32(), `${prefix}.groupLeave`, {
                limits: opts.limits?.groupLeave
              })

              break
            }
            case 21: {
              yield * GroupKick.codec().stream(reader, reader.uint32(), `${prefix}.groupKick`, {
                limits: opts.limits?.groupKick
              })

              break
            }
            case 22: {
              yield * GroupRename.codec().stream(reader, reader.uint32(), `${prefix}.groupRename`, {
                limits: opts.limits?.groupRename
              })

              break
            }
            case 23: {
              yield * GroupListRequest.codec().stream(reader, reader.uint32(), `${prefix}.groupList`, {
                limits: opts.limits?.groupList
              })

              break
            }
            case 24: {
              yield * PasswordChange.codec().stream(reader, reader.uint32(), `${prefix}.password`, {
                limits: opts.limits?.password
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ClientMessageIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface ClientMessageRegisterUsernameFieldEvent {
    field: '$.register.username'
    value: string
  }

  export interface ClientMessageRegisterPasswordFieldEvent {
    field: '$.register.password'
    value: string
  }

  export interface ClientMessageLoginUsernameFieldEvent {
    field: '$.login.username'
    value: string
  }

  export interface ClientMessageLoginPasswordFieldEvent {
    field: '$.login.password'
    value: string
  }

  export interface ClientMessageLoginAddrsFieldEvent {
    field: '$.login.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientMessageLoginResumeFieldEvent {
    field: '$.login.resume'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientMessageLoginAddrProofFieldEvent {
    field: '$.login.addrProof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientMessageLoginListIdFieldEvent {
    field: '$.login.listId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientMessageLoginListVersionFieldEvent {
    field: '$.login.listVersion'
    value: number
  }

  export interface ClientMessageHeartbeatAckFieldEvent {
    field: '$.heartbeat.ack'
    value: boolean
  }

  export interface ClientMessageLogoutRevokeFieldEvent {
    field: '$.logout.revoke'
    value: boolean
  }

  export interface ClientMessageLogoutEverywhereFieldEvent {
    field: '$.logout.everywhere'
    value: boolean
  }

  export interface ClientMessageLookupPeerIdFieldEvent {
    field: '$.lookup.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientMessageAccountUsernameFieldEvent {
    field: '$.account.username'
    value: string
  }

  export interface ClientMessageConnectPeerIdFieldEvent {
    field: '$.connect.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientMessageFriendAddUsernameFieldEvent {
    field: '$.friendAdd.username'
    value: string
  }

  export interface ClientMessageFriendAnswerUsernameFieldEvent {
    field: '$.friendAnswer.username'
    value: string
  }

  export interface ClientMessageFriendAnswerAcceptFieldEvent {
    field: '$.friendAnswer.accept'
    value: boolean
  }

  export interface ClientMessageFriendRemoveUsernameFieldEvent {
    field: '$.friendRemove.username'
    value: string
  }

  export interface ClientMessageFriendAliasUsernameFieldEvent {
    field: '$.friendAlias.username'
    value: string
  }

  export interface ClientMessageFriendAliasAliasFieldEvent {
    field: '$.friendAlias.alias'
    value: string
  }

  export interface ClientMessageSearchQueryFieldEvent {
    field: '$.search.query'
    value: string
  }

  export interface ClientMessageStatusPresenceFieldEvent {
    field: '$.status.presence'
    value: number
  }

  export interface ClientMessageStatusTextFieldEvent {
    field: '$.status.text'
    value: string
  }

  export interface ClientMessageGroupCreateNameFieldEvent {
    field: '$.groupCreate.name'
    value: string
  }

  export interface ClientMessageGroupCreateOpenFieldEvent {
    field: '$.groupCreate.open'
    value: boolean
  }

  export interface ClientMessageGroupInviteGroupFieldEvent {
    field: '$.groupInvite.group'
    value: string
  }

  export interface ClientMessageGroupInviteUsernameFieldEvent {
    field: '$.groupInvite.username'
    value: string
  }

  export interface ClientMessageGroupJoinGroupFieldEvent {
    field: '$.groupJoin.group'
    value: string
  }

  export interface ClientMessageGroupLeaveGroupFieldEvent {
    field: '$.groupLeave.group'
    value: string
  }

  export interface ClientMessageGroupKickGroupFieldEvent {
    field: '$.groupKick.group'
    value: string
  }

  export interface ClientMessageGroupKickUsernameFieldEvent {
    field: '$.groupKick.username'
    value: string
  }

  export interface ClientMessageGroupRenameGroupFieldEvent {
    field: '$.groupRename.group'
    value: string
  }

  export interface ClientMessageGroupRenameNameFieldEvent {
    field: '$.groupRename.name'
    value: string
  }

  export interface ClientMessagePasswordOldPasswordFieldEvent {
    field: '$.password.oldPassword'
    value: string
  }

  export interface ClientMessagePasswordNewPasswordFieldEvent {
    field: '$.password.newPassword'
    value: string
  }

  export function encode (obj: Partial<ClientMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClientMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientMessage>): ClientMessage {
    return decodeMessage(buf, ClientMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientMessage>): Generator<ClientMessageIdFieldEvent | ClientMessageRegisterUsernameFieldEvent | ClientMessageRegisterPasswordFieldEvent | ClientMessageLoginUsernameFieldEvent | ClientMessageLoginPasswordFieldEvent | ClientMessageLoginAddrsFieldEvent | ClientMessageLoginResumeFieldEvent | ClientMessageLoginAddrProofFieldEvent | ClientMessageLoginListIdFieldEvent | ClientMessageLoginListVersionFieldEvent | ClientMessageHeartbeatAckFieldEvent | ClientMessageLogoutRevokeFieldEvent | ClientMessageLogoutEverywhereFieldEvent | ClientMessageLookupPeerIdFieldEvent | ClientMessageAccountUsernameFieldEvent | ClientMessageConnectPeerIdFieldEvent | ClientMessageFriendAddUsernameFieldEvent | ClientMessageFriendAnswerUsernameFieldEvent | ClientMessageFriendAnswerAcceptFieldEvent | ClientMessageFriendRemoveUsernameFieldEvent | ClientMessageFriendAliasUsernameFieldEvent | ClientMessageFriendAliasAliasFieldEvent | ClientMessageSearchQueryFieldEvent | ClientMessageStatusPresenceFieldEvent | ClientMessageStatusTextFieldEvent | ClientMessageGroupCreateNameFieldEvent | ClientMessageGroupCreateOpenFieldEvent | ClientMessageGroupInviteGroupFieldEvent | ClientMessageGroupInviteUsernameFieldEvent | ClientMessageGroupJoinGroupFieldEvent | ClientMessageGroupLeaveGroupFieldEvent | ClientMessageGroupKickGroupFieldEvent | ClientMessageGroupKickUsernameFieldEvent | ClientMessageGroupRenameGroupFieldEvent | ClientMessageGroupRenameNameFieldEvent | ClientMessagePasswordOldPasswordFieldEvent | ClientMessagePasswordNewPasswordFieldEvent> {
    return streamMessage(buf, ClientMessage.codec(), opts)
  }
}

export interface FriendAdd {
  username: string
}

export namespace FriendAdd {
  let _codec: Codec<FriendAdd>

  export const codec = (): Codec<FriendAdd> => {
    if (_codec == null) {
      _codec = message<FriendAdd>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FriendAddUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export function encode (obj: Partial<FriendAdd>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FriendAdd.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendAdd>): FriendAdd {
    return decodeMessage(buf, FriendAdd.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendAdd>): Generator<FriendAddUsernameFieldEvent> {
    return streamMessage(buf, FriendAdd.codec(), opts)
  }
}

export interface FriendAnswer {
  username: string
  accept: boolean
}

export namespace FriendAnswer {
  let _codec: Codec<FriendAnswer>

  export const codec = (): Codec<FriendAnswer> => {
    if (_codec == null) {
      _codec = message<FriendAnswer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if ((obj.accept != null && obj.accept !== false)) {
          w.uint32(16)
          w.bool(obj.accept)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: '',
          accept: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            case 2: {
              obj.accept = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.accept`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FriendAnswerUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface FriendAnswerAcceptFieldEvent {
    field: '$.accept'
    value: boolean
  }

  export function encode (obj: Partial<FriendAnswer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FriendAnswer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendAnswer>): FriendAnswer {
    return decodeMessage(buf, FriendAnswer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendAnswer>): Generator<FriendAnswerUsernameFieldEvent | FriendAnswerAcceptFieldEvent> {
    return streamMessage(buf, FriendAnswer.codec(), opts)
  }
}

export interface FriendRemove {
  username: string
}

export namespace FriendRemove {
  let _codec: Codec<FriendRemove>

  export const codec = (): Codec<FriendRemove> => {
    if (_codec == null) {
      _codec = message<FriendRemove>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FriendRemoveUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export function encode (obj: Partial<FriendRemove>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FriendRemove.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendRemove>): FriendRemove {
    return decodeMessage(buf, FriendRemove.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendRemove>): Generator<FriendRemoveUsernameFieldEvent> {
    return streamMessage(buf, FriendRemove.codec(), opts)
  }
}

export interface FriendAlias {
  username: string
  alias: string
}

export namespace FriendAlias {
  let _codec: Codec<FriendAlias>

  export const codec = (): Codec<FriendAlias> => {
    if (_codec == null) {
      _codec = message<FriendAlias>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if ((obj.alias != null && obj.alias !== '')) {
          w.uint32(18)
          w.string(obj.alias)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: '',
          alias: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            case 2: {
              obj.alias = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.alias`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FriendAliasUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface FriendAliasAliasFieldEvent {
    field: '$.alias'
    value: string
  }

  export function encode (obj: Partial<FriendAlias>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FriendAlias.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendAlias>): FriendAlias {
    return decodeMessage(buf, FriendAlias.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendAlias>): Generator<FriendAliasUsernameFieldEvent | FriendAliasAliasFieldEvent> {
    return streamMessage(buf, FriendAlias.codec(), opts)
  }
}

export interface FriendListRequest {}

export namespace FriendListRequest {
  let _codec: Codec<FriendListRequest>

  export const codec = (): Codec<FriendListRequest> => {
    if (_codec == null) {
      _codec = message<FriendListRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export function encode (obj: Partial<FriendListRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FriendListRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendListRequest>): FriendListRequest {
    return decodeMessage(buf, FriendListRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendListRequest>): Generator<{}> {
    return streamMessage(buf, FriendListRequest.codec(), opts)
  }
}

export interface UserSearch {
  query: string
}

export namespace UserSearch {
  let _codec: Codec<UserSearch>

  export const codec = (): Codec<UserSearch> => {
    if (_codec == null) {
      _codec = message<UserSearch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.query != null && obj.query !== '')) {
          w.uint32(10)
          w.string(obj.query)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          query: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.query = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.query`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface UserSearchQueryFieldEvent {
    field: '$.query'
    value: string
  }

  export function encode (obj: Partial<UserSearch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, UserSearch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UserSearch>): UserSearch {
    return decodeMessage(buf, UserSearch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UserSearch>): Generator<UserSearchQueryFieldEvent> {
    return streamMessage(buf, UserSearch.codec(), opts)
  }
}

export interface SetStatus {
  presence: number
  text: string
}

export namespace SetStatus {
  let _codec: Codec<SetStatus>

  export const codec = (): Codec<SetStatus> => {
    if (_codec == null) {
      _codec = message<SetStatus>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.presence != null && obj.presence !== 0)) {
          w.uint32(8)
          w.uint32(obj.presence)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(18)
          w.string(obj.text)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          presence: 0,
          text: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.presence = reader.uint32()
              break
            }
            case 2: {
              obj.text = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.presence`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SetStatusPresenceFieldEvent {
    field: '$.presence'
    value: number
  }

  export interface SetStatusTextFieldEvent {
    field: '$.text'
    value: string
  }

  export function encode (obj: Partial<SetStatus>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SetStatus.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SetStatus>): SetStatus {
    return decodeMessage(buf, SetStatus.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SetStatus>): Generator<SetStatusPresenceFieldEvent | SetStatusTextFieldEvent> {
    return streamMessage(buf, SetStatus.codec(), opts)
  }
}

export interface GroupCreate {
  name: string
  open: boolean
}

export namespace GroupCreate {
  let _codec: Codec<GroupCreate>

  export const codec = (): Codec<GroupCreate> => {
    if (_codec == null) {
      _codec = message<GroupCreate>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if ((obj.open != null && obj.open !== false)) {
          w.uint32(16)
          w.bool(obj.open)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          open: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.open = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.open`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupCreateNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface GroupCreateOpenFieldEvent {
    field: '$.open'
    value: boolean
  }

  export function encode (obj: Partial<GroupCreate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupCreate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupCreate>): GroupCreate {
    return decodeMessage(buf, GroupCreate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupCreate>): Generator<GroupCreateNameFieldEvent | GroupCreateOpenFieldEvent> {
    return streamMessage(buf, GroupCreate.codec(), opts)
  }
}

export interface GroupInvite {
  group: string
  username: string
}

export namespace GroupInvite {
  let _codec: Codec<GroupInvite>

  export const codec = (): Codec<GroupInvite> => {
    if (_codec == null) {
      _codec = message<GroupInvite>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.group != null && obj.group !== '')) {
          w.uint32(10)
          w.string(obj.group)
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(18)
          w.string(obj.username)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          group: '',
          username: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.group = reader.string()
              break
            }
            case 2: {
              obj.username = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.group`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupInviteGroupFieldEvent {
    field: '$.group'
    value: string
  }

  export interface GroupInviteUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export function encode (obj: Partial<GroupInvite>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupInvite.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupInvite>): GroupInvite {
    return decodeMessage(buf, GroupInvite.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupInvite>): Generator<GroupInviteGroupFieldEvent | GroupInviteUsernameFieldEvent> {
    return streamMessage(buf, GroupInvite.codec(), opts)
  }
}

export interface GroupJoin {
  group: string
}

export namespace GroupJoin {
  let _codec: Codec<GroupJoin>

  export const codec = (): Codec<GroupJoin> => {
    if (_codec == null) {
      _codec = message<GroupJoin>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.group != null && obj.group !== '')) {
          w.uint32(10)
          w.string(obj.group)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          group: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.group = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.group`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupJoinGroupFieldEvent {
    field: '$.group'
    value: string
  }

  export function encode (obj: Partial<GroupJoin>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupJoin.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupJoin>): GroupJoin {
    return decodeMessage(buf, GroupJoin.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupJoin>): Generator<GroupJoinGroupFieldEvent> {
    return streamMessage(buf, GroupJoin.codec(), opts)
  }
}

export interface GroupLeave {
  group: string
}

export namespace GroupLeave {
  let _codec: Codec<GroupLeave>

  export const codec = (): Codec<GroupLeave> => {
    if (_codec == null) {
      _codec = message<GroupLeave>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.group != null && obj.group !== '')) {
          w.uint32(10)
          w.string(obj.group)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          group: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.group = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.group`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupLeaveGroupFieldEvent {
    field: '$.group'
    value: string
  }

  export function encode (obj: Partial<GroupLeave>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupLeave.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupLeave>): GroupLeave {
    return decodeMessage(buf, GroupLeave.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupLeave>): Generator<GroupLeaveGroupFieldEvent> {
    return streamMessage(buf, GroupLeave.codec(), opts)
  }
}

export interface GroupKick {
  group: string
  username: string
}

export namespace GroupKick {
  let _codec: Codec<GroupKick>

  export const codec = (): Codec<GroupKick> => {
    if (_codec == null) {
      _codec = message<GroupKick>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.group != null && obj.group !== '')) {
          w.uint32(10)
          w.string(obj.group)
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(18)
          w.string(obj.username)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          group: '',
          username: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.group = reader.string()
              break
            }
            case 2: {
              obj.username = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.group`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupKickGroupFieldEvent {
    field: '$.group'
    value: string
  }

  export interface GroupKickUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export function encode (obj: Partial<GroupKick>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupKick.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupKick>): GroupKick {
    return decodeMessage(buf, GroupKick.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupKick>): Generator<GroupKickGroupFieldEvent | GroupKickUsernameFieldEvent> {
    return streamMessage(buf, GroupKick.codec(), opts)
  }
}

export interface GroupRename {
  group: string
  name: string
}

export namespace GroupRename {
  let _codec: Codec<GroupRename>

  export const codec = (): Codec<GroupRename> => {
    if (_codec == null) {
      _codec = message<GroupRename>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.group != null && obj.group !== '')) {
          w.uint32(10)
          w.string(obj.group)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          group: '',
          name: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.group = reader.string()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.group`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupRenameGroupFieldEvent {
    field: '$.group'
    value: string
  }

  export interface GroupRenameNameFieldEvent {
    field: '$.name'
    value: string
  }

  export function encode (obj: Partial<GroupRename>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupRename.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupRename>): GroupRename {
    return decodeMessage(buf, GroupRename.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupRename>): Generator<GroupRenameGroupFieldEvent | GroupRenameNameFieldEvent> {
    return streamMessage(buf, GroupRename.codec(), opts)
  }
}

export interface GroupListRequest {}

export namespace GroupListRequest {
  let _codec: Codec<GroupListRequest>

  export const codec = (): Codec<GroupListRequest> => {
    if (_codec == null) {
      _codec = message<GroupListRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export function encode (obj: Partial<GroupListRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupListRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupListRequest>): GroupListRequest {
    return decodeMessage(buf, GroupListRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupListRequest>): Generator<{}> {
    return streamMessage(buf, GroupListRequest.codec(), opts)
  }
}

export interface ConnectRequest {
  peerId: Uint8Array<ArrayBuffer>
}

export namespace ConnectRequest {
  let _codec: Codec<ConnectRequest>

  export const codec = (): Codec<ConnectRequest> => {
    if (_codec == null) {
      _codec = message<ConnectRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peerId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ConnectRequestPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ConnectRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ConnectRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConnectRequest>): ConnectRequest {
    return decodeMessage(buf, ConnectRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConnectRequest>): Generator<ConnectRequestPeerIdFieldEvent> {
    return streamMessage(buf, ConnectRequest.codec(), opts)
  }
}

export interface Register {
  username: string
  password: string
}

export namespace Register {
  let _codec: Codec<Register>

  export const codec = (): Codec<Register> => {
    if (_codec == null) {
      _codec = message<Register>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if ((obj.password != null && obj.password !== '')) {
          w.uint32(18)
          w.string(obj.password)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: '',
          password: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            case 2: {
              obj.password = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.password`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RegisterUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface RegisterPasswordFieldEvent {
    field: '$.password'
    value: string
  }

  export function encode (obj: Partial<Register>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Register.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Register>): Register {
    return decodeMessage(buf, Register.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Register>): Generator<RegisterUsernameFieldEvent | RegisterPasswordFieldEvent> {
    return streamMessage(buf, Register.codec(), opts)
  }
}

export interface Login {
  username: string
  password: string
  addrs: Uint8Array<ArrayBuffer>[]
  resume: Uint8Array<ArrayBuffer>
  addrProof: Uint8Array<ArrayBuffer>
  listId: Uint8Array<ArrayBuffer>
  listVersion: number
}

export namespace Login {
  let _codec: Codec<Login>

  export const codec = (): Codec<Login> => {
    if (_codec == null) {
      _codec = message<Login>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if ((obj.password != null && obj.password !== '')) {
          w.uint32(18)
          w.string(obj.password)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.resume != null && obj.resume.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.resume)
        }

        if ((obj.addrProof != null && obj.addrProof.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.addrProof)
        }

        if ((obj.listId != null && obj.listId.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.listId)
        }

        if ((obj.listVersion != null && obj.listVersion !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.listVersion)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: '',
          password: '',
          addrs: [],
          resume: uint8ArrayAlloc(0),
          addrProof: uint8ArrayAlloc(0),
          listId: uint8ArrayAlloc(0),
          listVersion: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            case 2: {
              obj.password = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
              break
            }
            case 4: {
              obj.resume = reader.bytes()
              break
            }
            case 5: {
              obj.addrProof = reader.bytes()
              break
            }
            case 6: {
              obj.listId = reader.bytes()
              break
            }
            case 7: {
              obj.listVersion = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          addrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.password`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.resume`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.addrProof`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.listId`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.listVersion`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface LoginUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface LoginPasswordFieldEvent {
    field: '$.password'
    value: string
  }

  export interface LoginAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoginResumeFieldEvent {
    field: '$.resume'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoginAddrProofFieldEvent {
    field: '$.addrProof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoginListIdFieldEvent {
    field: '$.listId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoginListVersionFieldEvent {
    field: '$.listVersion'
    value: number
  }

  export function encode (obj: Partial<Login>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Login.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Login>): Login {
    return decodeMessage(buf, Login.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Login>): Generator<LoginUsernameFieldEvent | LoginPasswordFieldEvent | LoginAddrsFieldEvent | LoginResumeFieldEvent | LoginAddrProofFieldEvent | LoginListIdFieldEvent | LoginListVersionFieldEvent> {
    return streamMessage(buf, Login.codec(), opts)
  }
}

export interface PasswordChange {
  oldPassword: string
  newPassword: string
}

export namespace PasswordChange {
  let _codec: Codec<PasswordChange>

  export const codec = (): Codec<PasswordChange> => {
    if (_codec == null) {
      _codec = message<PasswordChange>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.oldPassword != null && obj.oldPassword !== '')) {
          w.uint32(10)
          w.string(obj.oldPassword)
        }

        if ((obj.newPassword != null && obj.newPassword !== '')) {
          w.uint32(18)
          w.string(obj.newPassword)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          oldPassword: '',
          newPassword: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.oldPassword = reader.string()
              break
            }
            case 2: {
              obj.newPassword = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.oldPassword`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.newPassword`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface PasswordChangeOldPasswordFieldEvent {
    field: '$.oldPassword'
    value: string
  }

  export interface PasswordChangeNewPasswordFieldEvent {
    field: '$.newPassword'
    value: string
  }

  export function encode (obj: Partial<PasswordChange>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PasswordChange.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PasswordChange>): PasswordChange {
    return decodeMessage(buf, PasswordChange.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PasswordChange>): Generator<PasswordChangeOldPasswordFieldEvent | PasswordChangeNewPasswordFieldEvent> {
    return streamMessage(buf, PasswordChange.codec(), opts)
  }
}

export interface Heartbeat {
  ack: boolean
}

export namespace Heartbeat {
  let _codec: Codec<Heartbeat>

  export const codec = (): Codec<Heartbeat> => {
    if (_codec == null) {
      _codec = message<Heartbeat>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ack != null && obj.ack !== false)) {
          w.uint32(8)
          w.bool(obj.ack)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ack: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ack = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.ack`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface HeartbeatAckFieldEvent {
    field: '$.ack'
    value: boolean
  }

  export function encode (obj: Partial<Heartbeat>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Heartbeat.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Heartbeat>): Heartbeat {
    return decodeMessage(buf, Heartbeat.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Heartbeat>): Generator<HeartbeatAckFieldEvent> {
    return streamMessage(buf, Heartbeat.codec(), opts)
  }
}

export interface Logout {
  revoke: boolean
  everywhere: boolean
}

export namespace Logout {
  let _codec: Codec<Logout>

  export const codec = (): Codec<Logout> => {
    if (_codec == null) {
      _codec = message<Logout>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.revoke != null && obj.revoke !== false)) {
          w.uint32(8)
          w.bool(obj.revoke)
        }

        if ((obj.everywhere != null && obj.everywhere !== false)) {
          w.uint32(16)
          w.bool(obj.everywhere)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          revoke: false,
          everywhere: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.revoke = reader.bool()
              break
            }
            case 2: {
              obj.everywhere = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.revoke`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.everywhere`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface LogoutRevokeFieldEvent {
    field: '$.revoke'
    value: boolean
  }

  export interface LogoutEverywhereFieldEvent {
    field: '$.everywhere'
    value: boolean
  }

  export function encode (obj: Partial<Logout>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Logout.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Logout>): Logout {
    return decodeMessage(buf, Logout.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Logout>): Generator<LogoutRevokeFieldEvent | LogoutEverywhereFieldEvent> {
    return streamMessage(buf, Logout.codec(), opts)
  }
}

export interface SnapshotRequest {}

export namespace SnapshotRequest {
  let _codec: Codec<SnapshotRequest>

  export const codec = (): Codec<SnapshotRequest> => {
    if (_codec == null) {
      _codec = message<SnapshotRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export function encode (obj: Partial<SnapshotRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SnapshotRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotRequest>): SnapshotRequest {
    return decodeMessage(buf, SnapshotRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SnapshotRequest>): Generator<{}> {
    return streamMessage(buf, SnapshotRequest.codec(), opts)
  }
}

export interface Lookup {
  peerId: Uint8Array<ArrayBuffer>
}

export namespace Lookup {
  let _codec: Codec<Lookup>

  export const codec = (): Codec<Lookup> => {
    if (_codec == null) {
      _codec = message<Lookup>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peerId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface LookupPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Lookup>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Lookup.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Lookup>): Lookup {
    return decodeMessage(buf, Lookup.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Lookup>): Generator<LookupPeerIdFieldEvent> {
    return streamMessage(buf, Lookup.codec(), opts)
  }
}

export interface AccountQuery {
  username: string
}

export namespace AccountQuery {
  let _codec: Codec<AccountQuery>

  export const codec = (): Codec<AccountQuery> => {
    if (_codec == null) {
      _codec = message<AccountQuery>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AccountQueryUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export function encode (obj: Partial<AccountQuery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AccountQuery.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountQuery>): AccountQuery {
    return decodeMessage(buf, AccountQuery.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountQuery>): Generator<AccountQueryUsernameFieldEvent> {
    return streamMessage(buf, AccountQuery.codec(), opts)
  }
}

export interface TrackerMessage {
  id: number
  error?: Error
  registered?: Registered
  loggedIn?: LoggedIn
  snapshot?: Snapshot
  delta?: Delta
  notice?: Notice
  ack?: Ack
  peer?: OnlinePeer
  account?: AccountInfo
  dial?: DialRequest
  friends?: FriendList
  searchResult?: SearchResult
  friendEvent?: FriendEvent
  groups?: GroupList
  group?: Group
  groupEvent?: GroupEvent
  credential?: Credential
}

export namespace TrackerMessage {
  let _codec: Codec<TrackerMessage>

  export const codec = (): Codec<TrackerMessage> => {
    if (_codec == null) {
      _codec = message<TrackerMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if (obj.error != null) {
          w.uint32(18)
          Error.codec().encode(obj.error, w)
        }

        if (obj.registered != null) {
          w.uint32(26)
          Registered.codec().encode(obj.registered, w)
        }

        if (obj.loggedIn != null) {
          w.uint32(34)
          LoggedIn.codec().encode(obj.loggedIn, w)
        }

        if (obj.snapshot != null) {
          w.uint32(42)
          Snapshot.codec().encode(obj.snapshot, w)
        }

        if (obj.delta != null) {
          w.uint32(50)
          Delta.codec().encode(obj.delta, w)
        }

        if (obj.notice != null) {
          w.uint32(58)
          Notice.codec().encode(obj.notice, w)
        }

        if (obj.ack != null) {
          w.uint32(66)
          Ack.codec().encode(obj.ack, w)
        }

        if (obj.peer != null) {
          w.uint32(74)
          OnlinePeer.codec().encode(obj.peer, w)
        }

        if (obj.account != null) {
          w.uint32(82)
          AccountInfo.codec().encode(obj.account, w)
        }

        if (obj.dial != null) {
          w.uint32(90)
          DialRequest.codec().encode(obj.dial, w)
        }

        if (obj.friends != null) {
          w.uint32(98)
          FriendList.codec().encode(obj.friends, w)
        }

        if (obj.searchResult != null) {
          w.uint32(106)
          SearchResult.codec().encode(obj.searchResult, w)
        }

        if (obj.friendEvent != null) {
          w.uint32(114)
          FriendEvent.codec().encode(obj.friendEvent, w)
        }

        if (obj.groups != null) {
          w.uint32(122)
          GroupList.codec().encode(obj.groups, w)
        }

        if (obj.group != null) {
          w.uint32(130)
          Group.codec().encode(obj.group, w)
        }

        if (obj.groupEvent != null) {
          w.uint32(138)
          GroupEvent.codec().encode(obj.groupEvent, w)
        }

        if (obj.credential != null) {
          w.uint32(146)
          Credential.codec().encode(obj.credential, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.error = Error.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            case 3: {
              obj.registered = Registered.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.registered
              })
              break
            }
            case 4: {
              obj.loggedIn = LoggedIn.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.loggedIn
              })
              break
            }
            case 5: {
              obj.snapshot = Snapshot.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.snapshot
              })
              break
            }
            case 6: {
              obj.delta = Delta.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.delta
              })
              break
            }
            case 7: {
              obj.notice = Notice.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.notice
              })
              break
            }
            case 8: {
              obj.ack = Ack.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ack
              })
              break
            }
            case 9: {
              obj.peer = OnlinePeer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.peer
              })
              break
            }
            case 10: {
              obj.account = AccountInfo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.account
              })
              break
            }
            case 11: {
              obj.dial = DialRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.dial
              })
              break
            }
            case 12: {
              obj.friends = FriendList.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.friends
              })
              break
            }
            case 13: {
              obj.searchResult = SearchResult.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.searchResult
              })
              break
            }
            case 14: {
              obj.friendEvent = FriendEvent.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.friendEvent
              })
              break
            }
            case 15: {
              obj.groups = GroupList.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groups
              })
              break
            }
            case 16: {
              obj.group = Group.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.group
              })
              break
            }
            case 17: {
              obj.groupEvent = GroupEvent.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groupEvent
              })
              break
            }
            case 18: {
              obj.credential = Credential.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.credential
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield * Error.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            case 3: {
              yield * Registered.codec().stream(reader, reader.uint32(), `${prefix}.registered`, {
                limits: opts.limits?.registered
              })

              break
            }
            case 4: {
              yield * LoggedIn.codec().stream(reader, reader.uint32(), `${prefix}.loggedIn`, {
                limits: opts.limits?.loggedIn
              })

              break
            }
            case 5: {
              yield * Snapshot.codec().stream(reader, reader.uint32(), `${prefix}.snapshot`, {
                limits: opts.limits?.snapshot
              })

              break
            }
            case 6: {
              yield * Delta.codec().stream(reader, reader.uint32(), `${prefix}.delta`, {
                limits: opts.limits?.delta
              })

              break
            }
            case 7: {
              yield * Notice.codec().stream(reader, reader.uint32(), `${prefix}.notice`, {
                limits: opts.limits?.notice
              })

              break
            }
            case 8: {
              yield * Ack.codec().stream(reader, reader.uint32(), `${prefix}.ack`, {
                limits: opts.limits?.ack
              })

              break
            }
            case 9: {
              yield * OnlinePeer.codec().stream(reader, reader.uint32(), `${prefix}.peer`, {
                limits: opts.limits?.peer
              })

              break
            }
            case 10: {
              yield * AccountInfo.codec().stream(reader, reader.uint32(), `${prefix}.account`, {
                limits: opts.limits?.account
              })

              break
            }
            case 11: {
              yield * DialRequest.codec().stream(reader, reader.uint32(), `${prefix}.dial`, {
                limits: opts.limits?.dial
              })

              break
            }
            case 12: {
              yield * FriendList.codec().stream(reader, reader.uint32(), `${prefix}.friends`, {
                limits: opts.limits?.friends
              })

              break
            }
            case 13: {
              yield * SearchResult.codec().stream(reader, reader.uint32(), `${prefix}.searchResult`, {
                limits: opts.limits?.searchResult
              })

              break
            }
            case 14: {
              yield * FriendEvent.codec().stream(reader, reader.uint32(), `${prefix}.friendEvent`, {
                limits: opts.limits?.friendEvent
              })

              break
            }
            case 15: {
              yield * GroupList.codec().stream(reader, reader.uint32(), `${prefix}.groups`, {
                limits: opts.limits?.groups
              })

              break
            }
            case 16: {
              yield * Group.codec().stream(reader, reader.uint32(), `${prefix}.group`, {
                limits: opts.limits?.group
              })

              break
            }
            case 17: {
              yield * GroupEvent.codec().stream(reader, reader.uint32(), `${prefix}.groupEvent`, {
                limits: opts.limits?.groupEvent
              })

              break
            }
            case 18: {
              yield * Credential.codec().stream(reader, reader.uint32(), `${prefix}.credential`, {
                limits: opts.limits?.credential
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface TrackerMessageIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface TrackerMessageErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface TrackerMessageErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface TrackerMessageErrorRetryAfterMsFieldEvent {
    field: '$.error.retryAfterMs'
    value: number
  }

  export interface TrackerMessageRegisteredUsernameFieldEvent {
    field: '$.registered.username'
    value: string
  }

  export interface TrackerMessageLoggedInUsernameFieldEvent {
    field: '$.loggedIn.username'
    value: string
  }

  export interface TrackerMessageLoggedInHeartbeatMsFieldEvent {
    field: '$.loggedIn.heartbeatMs'
    value: number
  }

  export interface TrackerMessageLoggedInAddrsFieldEvent {
    field: '$.loggedIn.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageLoggedInSnapshotVersionFieldEvent {
    field: '$.loggedIn.snapshot.version'
    value: number
  }

  export interface TrackerMessageLoggedInSnapshotPeersUsernameFieldEvent {
    field: '$.loggedIn.snapshot.peers[].username'
    value: string
    index: number
  }

  export interface TrackerMessageLoggedInSnapshotPeersPeerIdFieldEvent {
    field: '$.loggedIn.snapshot.peers[].peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface TrackerMessageLoggedInSnapshotPeersAddrsFieldEvent {
    field: '$.loggedIn.snapshot.peers[].addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageLoggedInSnapshotPeersSinceFieldEvent {
    field: '$.loggedIn.snapshot.peers[].since'
    value: number
    index: number
  }

  export interface TrackerMessageLoggedInSnapshotPeersReachableFieldEvent {
    field: '$.loggedIn.snapshot.peers[].reachable'
    value: boolean
    index: number
  }

  export interface TrackerMessageLoggedInSnapshotPeersRelayFieldEvent {
    field: '$.loggedIn.snapshot.peers[].relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageLoggedInTrackerVersionFieldEvent {
    field: '$.loggedIn.trackerVersion'
    value: string
  }

  export interface TrackerMessageLoggedInRelayFieldEvent {
    field: '$.loggedIn.relay'
    value: boolean
  }

  export interface TrackerMessageLoggedInRelayDataLimitFieldEvent {
    field: '$.loggedIn.relayDataLimit'
    value: number
  }

  export interface TrackerMessageLoggedInRelayDurationLimitMsFieldEvent {
    field: '$.loggedIn.relayDurationLimitMs'
    value: number
  }

  export interface TrackerMessageLoggedInCredentialTokenFieldEvent {
    field: '$.loggedIn.credential.token'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageLoggedInCredentialExpiresAtFieldEvent {
    field: '$.loggedIn.credential.expiresAt'
    value: number
  }

  export interface TrackerMessageLoggedInAddrProofFieldEvent {
    field: '$.loggedIn.addrProof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageLoggedInListIdFieldEvent {
    field: '$.loggedIn.listId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageLoggedInListDeltaBaseVersionFieldEvent {
    field: '$.loggedIn.listDelta.baseVersion'
    value: number
  }

  export interface TrackerMessageLoggedInListDeltaEventsVersionFieldEvent {
    field: '$.loggedIn.listDelta.events[].version'
    value: number
    index: number
  }

  export interface TrackerMessageLoggedInListDeltaEventsJoinedUsernameFieldEvent {
    field: '$.loggedIn.listDelta.events[].joined.username'
    value: string
    index: number
  }

  export interface TrackerMessageLoggedInListDeltaEventsJoinedPeerIdFieldEvent {
    field: '$.loggedIn.listDelta.events[].joined.peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface TrackerMessageLoggedInListDeltaEventsJoinedAddrsFieldEvent {
    field: '$.loggedIn.listDelta.events[].joined.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageLoggedInListDeltaEventsJoinedSinceFieldEvent {
    field: '$.loggedIn.listDelta.events[].joined.since'
    value: number
    index: number
  }

  export interface TrackerMessageLoggedInListDeltaEventsJoinedReachableFieldEvent {
    field: '$.loggedIn.listDelta.events[].joined.reachable'
    value: boolean
    index: number
  }

  export interface TrackerMessageLoggedInListDeltaEventsJoinedRelayFieldEvent {
    field: '$.loggedIn.listDelta.events[].joined.relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageLoggedInListDeltaEventsLeftFieldEvent {
    field: '$.loggedIn.listDelta.events[].left'
    value: string
    index: number
  }

  export interface TrackerMessageLoggedInListDeltaEventsReasonFieldEvent {
    field: '$.loggedIn.listDelta.events[].reason'
    value: number
    index: number
  }

  export interface TrackerMessageSnapshotVersionFieldEvent {
    field: '$.snapshot.version'
    value: number
  }

  export interface TrackerMessageSnapshotPeersUsernameFieldEvent {
    field: '$.snapshot.peers[].username'
    value: string
    index: number
  }

  export interface TrackerMessageSnapshotPeersPeerIdFieldEvent {
    field: '$.snapshot.peers[].peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface TrackerMessageSnapshotPeersAddrsFieldEvent {
    field: '$.snapshot.peers[].addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageSnapshotPeersSinceFieldEvent {
    field: '$.snapshot.peers[].since'
    value: number
    index: number
  }

  export interface TrackerMessageSnapshotPeersReachableFieldEvent {
    field: '$.snapshot.peers[].reachable'
    value: boolean
    index: number
  }

  export interface TrackerMessageSnapshotPeersRelayFieldEvent {
    field: '$.snapshot.peers[].relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageDeltaBaseVersionFieldEvent {
    field: '$.delta.baseVersion'
    value: number
  }

  export interface TrackerMessageDeltaEventsVersionFieldEvent {
    field: '$.delta.events[].version'
    value: number
    index: number
  }

  export interface TrackerMessageDeltaEventsJoinedUsernameFieldEvent {
    field: '$.delta.events[].joined.username'
    value: string
    index: number
  }

  export interface TrackerMessageDeltaEventsJoinedPeerIdFieldEvent {
    field: '$.delta.events[].joined.peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface TrackerMessageDeltaEventsJoinedAddrsFieldEvent {
    field: '$.delta.events[].joined.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageDeltaEventsJoinedSinceFieldEvent {
    field: '$.delta.events[].joined.since'
    value: number
    index: number
  }

  export interface TrackerMessageDeltaEventsJoinedReachableFieldEvent {
    field: '$.delta.events[].joined.reachable'
    value: boolean
    index: number
  }

  export interface TrackerMessageDeltaEventsJoinedRelayFieldEvent {
    field: '$.delta.events[].joined.relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageDeltaEventsLeftFieldEvent {
    field: '$.delta.events[].left'
    value: string
    index: number
  }

  export interface TrackerMessageDeltaEventsReasonFieldEvent {
    field: '$.delta.events[].reason'
    value: number
    index: number
  }

  export interface TrackerMessageNoticeKindFieldEvent {
    field: '$.notice.kind'
    value: number
  }

  export interface TrackerMessageNoticeMessageFieldEvent {
    field: '$.notice.message'
    value: string
  }

  export interface TrackerMessagePeerUsernameFieldEvent {
    field: '$.peer.username'
    value: string
  }

  export interface TrackerMessagePeerPeerIdFieldEvent {
    field: '$.peer.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessagePeerAddrsFieldEvent {
    field: '$.peer.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessagePeerSinceFieldEvent {
    field: '$.peer.since'
    value: number
  }

  export interface TrackerMessagePeerReachableFieldEvent {
    field: '$.peer.reachable'
    value: boolean
  }

  export interface TrackerMessagePeerRelayFieldEvent {
    field: '$.peer.relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageAccountUsernameFieldEvent {
    field: '$.account.username'
    value: string
  }

  export interface TrackerMessageAccountExistsFieldEvent {
    field: '$.account.exists'
    value: boolean
  }

  export interface TrackerMessageDialFromUsernameFieldEvent {
    field: '$.dial.from.username'
    value: string
  }

  export interface TrackerMessageDialFromPeerIdFieldEvent {
    field: '$.dial.from.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageDialFromAddrsFieldEvent {
    field: '$.dial.from.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageDialFromSinceFieldEvent {
    field: '$.dial.from.since'
    value: number
  }

  export interface TrackerMessageDialFromReachableFieldEvent {
    field: '$.dial.from.reachable'
    value: boolean
  }

  export interface TrackerMessageDialFromRelayFieldEvent {
    field: '$.dial.from.relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageFriendsFriendsUsernameFieldEvent {
    field: '$.friends.friends[].username'
    value: string
    index: number
  }

  export interface TrackerMessageFriendsFriendsAliasFieldEvent {
    field: '$.friends.friends[].alias'
    value: string
    index: number
  }

  export interface TrackerMessageFriendsFriendsOnlineFieldEvent {
    field: '$.friends.friends[].online'
    value: boolean
    index: number
  }

  export interface TrackerMessageFriendsFriendsLastSeenFieldEvent {
    field: '$.friends.friends[].lastSeen'
    value: number
    index: number
  }

  export interface TrackerMessageFriendsFriendsReachableFieldEvent {
    field: '$.friends.friends[].reachable'
    value: boolean
    index: number
  }

  export interface TrackerMessageFriendsFriendsPresenceFieldEvent {
    field: '$.friends.friends[].presence'
    value: number
    index: number
  }

  export interface TrackerMessageFriendsFriendsStatusTextFieldEvent {
    field: '$.friends.friends[].statusText'
    value: string
    index: number
  }

  export interface TrackerMessageFriendsFriendsPeerIdFieldEvent {
    field: '$.friends.friends[].peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface TrackerMessageFriendsIncomingFieldEvent {
    field: '$.friends.incoming[]'
    index: number
    value: string
  }

  export interface TrackerMessageFriendsOutgoingFieldEvent {
    field: '$.friends.outgoing[]'
    index: number
    value: string
  }

  export interface TrackerMessageSearchResultUsernamesFieldEvent {
    field: '$.searchResult.usernames[]'
    index: number
    value: string
  }

  export interface TrackerMessageFriendEventKindFieldEvent {
    field: '$.friendEvent.kind'
    value: number
  }

  export interface TrackerMessageFriendEventUsernameFieldEvent {
    field: '$.friendEvent.username'
    value: string
  }

  export interface TrackerMessageFriendEventPresenceFieldEvent {
    field: '$.friendEvent.presence'
    value: number
  }

  export interface TrackerMessageFriendEventStatusTextFieldEvent {
    field: '$.friendEvent.statusText'
    value: string
  }

  export interface TrackerMessageGroupsGroupsIdFieldEvent {
    field: '$.groups.groups[].id'
    value: string
    index: number
  }

  export interface TrackerMessageGroupsGroupsNameFieldEvent {
    field: '$.groups.groups[].name'
    value: string
    index: number
  }

  export interface TrackerMessageGroupsGroupsOwnerFieldEvent {
    field: '$.groups.groups[].owner'
    value: string
    index: number
  }

  export interface TrackerMessageGroupsGroupsOpenFieldEvent {
    field: '$.groups.groups[].open'
    value: boolean
    index: number
  }

  export interface TrackerMessageGroupsGroupsMembersUsernameFieldEvent {
    field: '$.groups.groups[].members[].username'
    value: string
    index: number
  }

  export interface TrackerMessageGroupsGroupsMembersOnlineFieldEvent {
    field: '$.groups.groups[].members[].online'
    value: boolean
    index: number
  }

  export interface TrackerMessageGroupsGroupsMembersPeerIdsFieldEvent {
    field: '$.groups.groups[].members[].peerIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageGroupsGroupsInvitedFieldEvent {
    field: '$.groups.groups[].invited[]'
    index: number
    value: string
  }

  export interface TrackerMessageGroupsGroupsVersionFieldEvent {
    field: '$.groups.groups[].version'
    value: number
    index: number
  }

  export interface TrackerMessageGroupIdFieldEvent {
    field: '$.group.id'
    value: string
  }

  export interface TrackerMessageGroupNameFieldEvent {
    field: '$.group.name'
    value: string
  }

  export interface TrackerMessageGroupOwnerFieldEvent {
    field: '$.group.owner'
    value: string
  }

  export interface TrackerMessageGroupOpenFieldEvent {
    field: '$.group.open'
    value: boolean
  }

  export interface TrackerMessageGroupMembersUsernameFieldEvent {
    field: '$.group.members[].username'
    value: string
    index: number
  }

  export interface TrackerMessageGroupMembersOnlineFieldEvent {
    field: '$.group.members[].online'
    value: boolean
    index: number
  }

  export interface TrackerMessageGroupMembersPeerIdsFieldEvent {
    field: '$.group.members[].peerIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageGroupInvitedFieldEvent {
    field: '$.group.invited[]'
    index: number
    value: string
  }

  export interface TrackerMessageGroupVersionFieldEvent {
    field: '$.group.version'
    value: number
  }

  export interface TrackerMessageGroupEventKindFieldEvent {
    field: '$.groupEvent.kind'
    value: number
  }

  export interface TrackerMessageGroupEventGroupIdFieldEvent {
    field: '$.groupEvent.group.id'
    value: string
  }

  export interface TrackerMessageGroupEventGroupNameFieldEvent {
    field: '$.groupEvent.group.name'
    value: string
  }

  export interface TrackerMessageGroupEventGroupOwnerFieldEvent {
    field: '$.groupEvent.group.owner'
    value: string
  }

  export interface TrackerMessageGroupEventGroupOpenFieldEvent {
    field: '$.groupEvent.group.open'
    value: boolean
  }

  export interface TrackerMessageGroupEventGroupMembersUsernameFieldEvent {
    field: '$.groupEvent.group.members[].username'
    value: string
    index: number
  }

  export interface TrackerMessageGroupEventGroupMembersOnlineFieldEvent {
    field: '$.groupEvent.group.members[].online'
    value: boolean
    index: number
  }

  export interface TrackerMessageGroupEventGroupMembersPeerIdsFieldEvent {
    field: '$.groupEvent.group.members[].peerIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageGroupEventGroupInvitedFieldEvent {
    field: '$.groupEvent.group.invited[]'
    index: number
    value: string
  }

  export interface TrackerMessageGroupEventGroupVersionFieldEvent {
    field: '$.groupEvent.group.version'
    value: number
  }

  export interface TrackerMessageGroupEventByFieldEvent {
    field: '$.groupEvent.by'
    value: string
  }

  export interface TrackerMessageCredentialTokenFieldEvent {
    field: '$.credential.token'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrackerMessageCredentialExpiresAtFieldEvent {
    field: '$.credential.expiresAt'
    value: number
  }

  export function encode (obj: Partial<TrackerMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TrackerMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TrackerMessage>): TrackerMessage {
    return decodeMessage(buf, TrackerMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TrackerMessage>): Generator<TrackerMessageIdFieldEvent | TrackerMessageErrorCodeFieldEvent | TrackerMessageErrorMessageFieldEvent | TrackerMessageErrorRetryAfterMsFieldEvent | TrackerMessageRegisteredUsernameFieldEvent | TrackerMessageLoggedInUsernameFieldEvent | TrackerMessageLoggedInHeartbeatMsFieldEvent | TrackerMessageLoggedInAddrsFieldEvent | TrackerMessageLoggedInSnapshotVersionFieldEvent | TrackerMessageLoggedInSnapshotPeersUsernameFieldEvent | TrackerMessageLoggedInSnapshotPeersPeerIdFieldEvent | TrackerMessageLoggedInSnapshotPeersAddrsFieldEvent | TrackerMessageLoggedInSnapshotPeersSinceFieldEvent | TrackerMessageLoggedInSnapshotPeersReachableFieldEvent | TrackerMessageLoggedInSnapshotPeersRelayFieldEvent | TrackerMessageLoggedInTrackerVersionFieldEvent | TrackerMessageLoggedInRelayFieldEvent | TrackerMessageLoggedInRelayDataLimitFieldEvent | TrackerMessageLoggedInRelayDurationLimitMsFieldEvent | TrackerMessageLoggedInCredentialTokenFieldEvent | TrackerMessageLoggedInCredentialExpiresAtFieldEvent | TrackerMessageLoggedInAddrProofFieldEvent | TrackerMessageLoggedInListIdFieldEvent | TrackerMessageLoggedInListDeltaBaseVersionFieldEvent | TrackerMessageLoggedInListDeltaEventsVersionFieldEvent | TrackerMessageLoggedInListDeltaEventsJoinedUsernameFieldEvent | TrackerMessageLoggedInListDeltaEventsJoinedPeerIdFieldEvent | TrackerMessageLoggedInListDeltaEventsJoinedAddrsFieldEvent | TrackerMessageLoggedInListDeltaEventsJoinedSinceFieldEvent | TrackerMessageLoggedInListDeltaEventsJoinedReachableFieldEvent | TrackerMessageLoggedInListDeltaEventsJoinedRelayFieldEvent | TrackerMessageLoggedInListDeltaEventsLeftFieldEvent | TrackerMessageLoggedInListDeltaEventsReasonFieldEvent | TrackerMessageSnapshotVersionFieldEvent | TrackerMessageSnapshotPeersUsernameFieldEvent | TrackerMessageSnapshotPeersPeerIdFieldEvent | TrackerMessageSnapshotPeersAddrsFieldEvent | TrackerMessageSnapshotPeersSinceFieldEvent | TrackerMessageSnapshotPeersReachableFieldEvent | TrackerMessageSnapshotPeersRelayFieldEvent | TrackerMessageDeltaBaseVersionFieldEvent | TrackerMessageDeltaEventsVersionFieldEvent | TrackerMessageDeltaEventsJoinedUsernameFieldEvent | TrackerMessageDeltaEventsJoinedPeerIdFieldEvent | TrackerMessageDeltaEventsJoinedAddrsFieldEvent | TrackerMessageDeltaEventsJoinedSinceFieldEvent | TrackerMessageDeltaEventsJoinedReachableFieldEvent | TrackerMessageDeltaEventsJoinedRelayFieldEvent | TrackerMessageDeltaEventsLeftFieldEvent | TrackerMessageDeltaEventsReasonFieldEvent | TrackerMessageNoticeKindFieldEvent | TrackerMessageNoticeMessageFieldEvent | TrackerMessagePeerUsernameFieldEvent | TrackerMessagePeerPeerIdFieldEvent | TrackerMessagePeerAddrsFieldEvent | TrackerMessagePeerSinceFieldEvent | TrackerMessagePeerReachableFieldEvent | TrackerMessagePeerRelayFieldEvent | TrackerMessageAccountUsernameFieldEvent | TrackerMessageAccountExistsFieldEvent | TrackerMessageDialFromUsernameFieldEvent | TrackerMessageDialFromPeerIdFieldEvent | TrackerMessageDialFromAddrsFieldEvent | TrackerMessageDialFromSinceFieldEvent | TrackerMessageDialFromReachableFieldEvent | TrackerMessageDialFromRelayFieldEvent | TrackerMessageFriendsFriendsUsernameFieldEvent | TrackerMessageFriendsFriendsAliasFieldEvent | TrackerMessageFriendsFriendsOnlineFieldEvent | TrackerMessageFriendsFriendsLastSeenFieldEvent | TrackerMessageFriendsFriendsReachableFieldEvent | TrackerMessageFriendsFriendsPresenceFieldEvent | TrackerMessageFriendsFriendsStatusTextFieldEvent | TrackerMessageFriendsFriendsPeerIdFieldEvent | TrackerMessageFriendsIncomingFieldEvent | TrackerMessageFriendsOutgoingFieldEvent | TrackerMessageSearchResultUsernamesFieldEvent | TrackerMessageFriendEventKindFieldEvent | TrackerMessageFriendEventUsernameFieldEvent | TrackerMessageFriendEventPresenceFieldEvent | TrackerMessageFriendEventStatusTextFieldEvent | TrackerMessageGroupsGroupsIdFieldEvent | TrackerMessageGroupsGroupsNameFieldEvent | TrackerMessageGroupsGroupsOwnerFieldEvent | TrackerMessageGroupsGroupsOpenFieldEvent | TrackerMessageGroupsGroupsMembersUsernameFieldEvent | TrackerMessageGroupsGroupsMembersOnlineFieldEvent | TrackerMessageGroupsGroupsMembersPeerIdsFieldEvent | TrackerMessageGroupsGroupsInvitedFieldEvent | TrackerMessageGroupsGroupsVersionFieldEvent | TrackerMessageGroupIdFieldEvent | TrackerMessageGroupNameFieldEvent | TrackerMessageGroupOwnerFieldEvent | TrackerMessageGroupOpenFieldEvent | TrackerMessageGroupMembersUsernameFieldEvent | TrackerMessageGroupMembersOnlineFieldEvent | TrackerMessageGroupMembersPeerIdsFieldEvent | TrackerMessageGroupInvitedFieldEvent | TrackerMessageGroupVersionFieldEvent | TrackerMessageGroupEventKindFieldEvent | TrackerMessageGroupEventGroupIdFieldEvent | TrackerMessageGroupEventGroupNameFieldEvent | TrackerMessageGroupEventGroupOwnerFieldEvent | TrackerMessageGroupEventGroupOpenFieldEvent | TrackerMessageGroupEventGroupMembersUsernameFieldEvent | TrackerMessageGroupEventGroupMembersOnlineFieldEvent | TrackerMessageGroupEventGroupMembersPeerIdsFieldEvent | TrackerMessageGroupEventGroupInvitedFieldEvent | TrackerMessageGroupEventGroupVersionFieldEvent | TrackerMessageGroupEventByFieldEvent | TrackerMessageCredentialTokenFieldEvent | TrackerMessageCredentialExpiresAtFieldEvent> {
    return streamMessage(buf, TrackerMessage.codec(), opts)
  }
}

export interface FriendList {
  friends: Friend[]
  incoming: string[]
  outgoing: string[]
}

export namespace FriendList {
  let _codec: Codec<FriendList>

  export const codec = (): Codec<FriendList> => {
    if (_codec == null) {
      _codec = message<FriendList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.friends != null && obj.friends.length > 0) {
          for (const value of obj.friends) {
            w.uint32(10)
            Friend.codec().encode(value, w)
          }
        }

        if (obj.incoming != null && obj.incoming.length > 0) {
          for (const value of obj.incoming) {
            w.uint32(18)
            w.string(value)
          }
        }

        if (obj.outgoing != null && obj.outgoing.length > 0) {
          for (const value of obj.outgoing) {
            w.uint32(26)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          friends: [],
          incoming: [],
          outgoing: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.friends != null && obj.friends.length === opts.limits.friends) {
                throw new MaxLengthError('Decode error - repeated field "friends" had too many elements')
              }

              obj.friends.push(Friend.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.friends$
              }))
              break
            }
            case 2: {
              if (opts.limits?.incoming != null && obj.incoming.length === opts.limits.incoming) {
                throw new MaxLengthError('Decode error - repeated field "incoming" had too many elements')
              }

              obj.incoming.push(reader.string())
              break
            }
            case 3: {
              if (opts.limits?.outgoing != null && obj.outgoing.length === opts.limits.outgoing) {
                throw new MaxLengthError('Decode error - repeated field "outgoing" had too many elements')
              }

              obj.outgoing.push(reader.string())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          friends: 0,
          incoming: 0,
          outgoing: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.friends != null && obj.friends === opts.limits.friends) {
                throw new MaxLengthError('Streaming decode error - repeated field "friends" had too many elements')
              }

              for (const evt of Friend.codec().stream(reader, reader.uint32(), `${prefix}.friends[]`, {
                limits: opts.limits?.friends$
              })) {
                yield {
                  ...evt,
                  index: obj.friends
                }
              }

              obj.friends++

              break
            }
            case 2: {
              if (opts.limits?.incoming != null && obj.incoming === opts.limits.incoming) {
                throw new MaxLengthError('Streaming decode error - repeated field "incoming" had too many elements')
              }

              yield {
                field: `${prefix}.incoming[]`,
                index: obj.incoming,
                value: reader.string()
              }

              obj.incoming++

              break
            }
            case 3: {
              if (opts.limits?.outgoing != null && obj.outgoing === opts.limits.outgoing) {
                throw new MaxLengthError('Streaming decode error - repeated field "outgoing" had too many elements')
              }

              yield {
                field: `${prefix}.outgoing[]`,
                index: obj.outgoing,
                value: reader.string()
              }

              obj.outgoing++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FriendListFriendsUsernameFieldEvent {
    field: '$.friends[].username'
    value: string
    index: number
  }

  export interface FriendListFriendsAliasFieldEvent {
    field: '$.friends[].alias'
    value: string
    index: number
  }

  export interface FriendListFriendsOnlineFieldEvent {
    field: '$.friends[].online'
    value: boolean
    index: number
  }

  export interface FriendListFriendsLastSeenFieldEvent {
    field: '$.friends[].lastSeen'
    value: number
    index: number
  }

  export interface FriendListFriendsReachableFieldEvent {
    field: '$.friends[].reachable'
    value: boolean
    index: number
  }

  export interface FriendListFriendsPresenceFieldEvent {
    field: '$.friends[].presence'
    value: number
    index: number
  }

  export interface FriendListFriendsStatusTextFieldEvent {
    field: '$.friends[].statusText'
    value: string
    index: number
  }

  export interface FriendListFriendsPeerIdFieldEvent {
    field: '$.friends[].peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FriendListIncomingFieldEvent {
    field: '$.incoming[]'
    index: number
    value: string
  }

  export interface FriendListOutgoingFieldEvent {
    field: '$.outgoing[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<FriendList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FriendList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendList>): FriendList {
    return decodeMessage(buf, FriendList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendList>): Generator<FriendListFriendsUsernameFieldEvent | FriendListFriendsAliasFieldEvent | FriendListFriendsOnlineFieldEvent | FriendListFriendsLastSeenFieldEvent | FriendListFriendsReachableFieldEvent | FriendListFriendsPresenceFieldEvent | FriendListFriendsStatusTextFieldEvent | FriendListFriendsPeerIdFieldEvent | FriendListIncomingFieldEvent | FriendListOutgoingFieldEvent> {
    return streamMessage(buf, FriendList.codec(), opts)
  }
}

export interface Friend {
  username: string
  alias: string
  online: boolean
  lastSeen: number
  reachable: boolean
  presence: number
  statusText: string
  peerId: Uint8Array<ArrayBuffer>
}

export namespace Friend {
  let _codec: Codec<Friend>

  export const codec = (): Codec<Friend> => {
    if (_codec == null) {
      _codec = message<Friend>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if ((obj.alias != null && obj.alias !== '')) {
          w.uint32(18)
          w.string(obj.alias)
        }

        if ((obj.online != null && obj.online !== false)) {
          w.uint32(24)
          w.bool(obj.online)
        }

        if ((obj.lastSeen != null && obj.lastSeen !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.lastSeen)
        }

        if ((obj.reachable != null && obj.reachable !== false)) {
          w.uint32(40)
          w.bool(obj.reachable)
        }

        if ((obj.presence != null && obj.presence !== 0)) {
          w.uint32(48)
          w.uint32(obj.presence)
        }

        if ((obj.statusText != null && obj.statusText !== '')) {
          w.uint32(58)
          w.string(obj.statusText)
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.peerId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: '',
          alias: '',
          online: false,
          lastSeen: 0,
          reachable: false,
          presence: 0,
          statusText: '',
          peerId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            case 2: {
              obj.alias = reader.string()
              break
            }
            case 3: {
              obj.online = reader.bool()
              break
            }
            case 4: {
              obj.lastSeen = reader.uint64Number()
              break
            }
            case 5: {
              obj.reachable = reader.bool()
              break
            }
            case 6: {
              obj.presence = reader.uint32()
              break
            }
            case 7: {
              obj.statusText = reader.string()
              break
            }
            case 8: {
              obj.peerId = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.alias`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.online`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.lastSeen`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.reachable`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.presence`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.statusText`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FriendUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface FriendAliasFieldEvent {
    field: '$.alias'
    value: string
  }

  export interface FriendOnlineFieldEvent {
    field: '$.online'
    value: boolean
  }

  export interface FriendLastSeenFieldEvent {
    field: '$.lastSeen'
    value: number
  }

  export interface FriendReachableFieldEvent {
    field: '$.reachable'
    value: boolean
  }

  export interface FriendPresenceFieldEvent {
    field: '$.presence'
    value: number
  }

  export interface FriendStatusTextFieldEvent {
    field: '$.statusText'
    value: string
  }

  export interface FriendPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Friend>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Friend.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Friend>): Friend {
    return decodeMessage(buf, Friend.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Friend>): Generator<FriendUsernameFieldEvent | FriendAliasFieldEvent | FriendOnlineFieldEvent | FriendLastSeenFieldEvent | FriendReachableFieldEvent | FriendPresenceFieldEvent | FriendStatusTextFieldEvent | FriendPeerIdFieldEvent> {
    return streamMessage(buf, Friend.codec(), opts)
  }
}

export interface SearchResult {
  usernames: string[]
}

export namespace SearchResult {
  let _codec: Codec<SearchResult>

  export const codec = (): Codec<SearchResult> => {
    if (_codec == null) {
      _codec = message<SearchResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.usernames != null && obj.usernames.length > 0) {
          for (const value of obj.usernames) {
            w.uint32(10)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          usernames: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.usernames != null && obj.usernames.length === opts.limits.usernames) {
                throw new MaxLengthError('Decode error - repeated field "usernames" had too many elements')
              }

              obj.usernames.push(reader.string())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          usernames: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.usernames != null && obj.usernames === opts.limits.usernames) {
                throw new MaxLengthError('Streaming decode error - repeated field "usernames" had too many elements')
              }

              yield {
                field: `${prefix}.usernames[]`,
                index: obj.usernames,
                value: reader.string()
              }

              obj.usernames++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SearchResultUsernamesFieldEvent {
    field: '$.usernames[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<SearchResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SearchResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SearchResult>): SearchResult {
    return decodeMessage(buf, SearchResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SearchResult>): Generator<SearchResultUsernamesFieldEvent> {
    return streamMessage(buf, SearchResult.codec(), opts)
  }
}

export interface FriendEvent {
  kind: number
  username: string
  presence: number
  statusText: string
}

export namespace FriendEvent {
  let _codec: Codec<FriendEvent>

  export const codec = (): Codec<FriendEvent> => {
    if (_codec == null) {
      _codec = message<FriendEvent>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.kind != null && obj.kind !== 0)) {
          w.uint32(8)
          w.uint32(obj.kind)
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(18)
          w.string(obj.username)
        }

        if ((obj.presence != null && obj.presence !== 0)) {
          w.uint32(24)
          w.uint32(obj.presence)
        }

        if ((obj.statusText != null && obj.statusText !== '')) {
          w.uint32(34)
          w.string(obj.statusText)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: 0,
          username: '',
          presence: 0,
          statusText: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = reader.uint32()
              break
            }
            case 2: {
              obj.username = reader.string()
              break
            }
            case 3: {
              obj.presence = reader.uint32()
              break
            }
            case 4: {
              obj.statusText = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.kind`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.presence`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.statusText`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FriendEventKindFieldEvent {
    field: '$.kind'
    value: number
  }

  export interface FriendEventUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface FriendEventPresenceFieldEvent {
    field: '$.presence'
    value: number
  }

  export interface FriendEventStatusTextFieldEvent {
    field: '$.statusText'
    value: string
  }

  export function encode (obj: Partial<FriendEvent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FriendEvent.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendEvent>): FriendEvent {
    return decodeMessage(buf, FriendEvent.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FriendEvent>): Generator<FriendEventKindFieldEvent | FriendEventUsernameFieldEvent | FriendEventPresenceFieldEvent | FriendEventStatusTextFieldEvent> {
    return streamMessage(buf, FriendEvent.codec(), opts)
  }
}

export interface GroupList {
  groups: Group[]
}

export namespace GroupList {
  let _codec: Codec<GroupList>

  export const codec = (): Codec<GroupList> => {
    if (_codec == null) {
      _codec = message<GroupList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.groups != null && obj.groups.length > 0) {
          for (const value of obj.groups) {
            w.uint32(10)
            Group.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groups: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.groups != null && obj.groups.length === opts.limits.groups) {
                throw new MaxLengthError('Decode error - repeated field "groups" had too many elements')
              }

              obj.groups.push(Group.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groups$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          groups: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.groups != null && obj.groups === opts.limits.groups) {
                throw new MaxLengthError('Streaming decode error - repeated field "groups" had too many elements')
              }

              for (const evt of Group.codec().stream(reader, reader.uint32(), `${prefix}.groups[]`, {
                limits: opts.limits?.groups$
              })) {
                yield {
                  ...evt,
                  index: obj.groups
                }
              }

              obj.groups++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupListGroupsIdFieldEvent {
    field: '$.groups[].id'
    value: string
    index: number
  }

  export interface GroupListGroupsNameFieldEvent {
    field: '$.groups[].name'
    value: string
    index: number
  }

  export interface GroupListGroupsOwnerFieldEvent {
    field: '$.groups[].owner'
    value: string
    index: number
  }

  export interface GroupListGroupsOpenFieldEvent {
    field: '$.groups[].open'
    value: boolean
    index: number
  }

  export interface GroupListGroupsMembersUsernameFieldEvent {
    field: '$.groups[].members[].username'
    value: string
    index: number
  }

  export interface GroupListGroupsMembersOnlineFieldEvent {
    field: '$.groups[].members[].online'
    value: boolean
    index: number
  }

  export interface GroupListGroupsMembersPeerIdsFieldEvent {
    field: '$.groups[].members[].peerIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupListGroupsInvitedFieldEvent {
    field: '$.groups[].invited[]'
    index: number
    value: string
  }

  export interface GroupListGroupsVersionFieldEvent {
    field: '$.groups[].version'
    value: number
    index: number
  }

  export function encode (obj: Partial<GroupList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupList>): GroupList {
    return decodeMessage(buf, GroupList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupList>): Generator<GroupListGroupsIdFieldEvent | GroupListGroupsNameFieldEvent | GroupListGroupsOwnerFieldEvent | GroupListGroupsOpenFieldEvent | GroupListGroupsMembersUsernameFieldEvent | GroupListGroupsMembersOnlineFieldEvent | GroupListGroupsMembersPeerIdsFieldEvent | GroupListGroupsInvitedFieldEvent | GroupListGroupsVersionFieldEvent> {
    return streamMessage(buf, GroupList.codec(), opts)
  }
}

export interface Group {
  id: string
  name: string
  owner: string
  open: boolean
  members: GroupMember[]
  invited: string[]
  version: number
}

export namespace Group {
  let _codec: Codec<Group>

  export const codec = (): Codec<Group> => {
    if (_codec == null) {
      _codec = message<Group>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.owner != null && obj.owner !== '')) {
          w.uint32(26)
          w.string(obj.owner)
        }

        if ((obj.open != null && obj.open !== false)) {
          w.uint32(32)
          w.bool(obj.open)
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(42)
            GroupMember.codec().encode(value, w)
          }
        }

        if (obj.invited != null && obj.invited.length > 0) {
          for (const value of obj.invited) {
            w.uint32(50)
            w.string(value)
          }
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.version)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          name: '',
          owner: '',
          open: false,
          members: [],
          invited: [],
          version: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.owner = reader.string()
              break
            }
            case 4: {
              obj.open = reader.bool()
              break
            }
            case 5: {
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(GroupMember.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.members$
              }))
              break
            }
            case 6: {
              if (opts.limits?.invited != null && obj.invited.length === opts.limits.invited) {
                throw new MaxLengthError('Decode error - repeated field "invited" had too many elements')
              }

              obj.invited.push(reader.string())
              break
            }
            case 7: {
              obj.version = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          members: 0,
          invited: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.owner`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.open`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              if (opts.limits?.members != null && obj.members === opts.limits.members) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              for (const evt of GroupMember.codec().stream(reader, reader.uint32(), `${prefix}.members[]`, {
                limits: opts.limits?.members$
              })) {
                yield {
                  ...evt,
                  index: obj.members
                }
              }

              obj.members++

              break
            }
            case 6: {
              if (opts.limits?.invited != null && obj.invited === opts.limits.invited) {
                throw new MaxLengthError('Streaming decode error - repeated field "invited" had too many elements')
              }

              yield {
                field: `${prefix}.invited[]`,
                index: obj.invited,
                value: reader.string()
              }

              obj.invited++

              break
            }
            case 7: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface GroupNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface GroupOwnerFieldEvent {
    field: '$.owner'
    value: string
  }

  export interface GroupOpenFieldEvent {
    field: '$.open'
    value: boolean
  }

  export interface GroupMembersUsernameFieldEvent {
    field: '$.members[].username'
    value: string
    index: number
  }

  export interface GroupMembersOnlineFieldEvent {
    field: '$.members[].online'
    value: boolean
    index: number
  }

  export interface GroupMembersPeerIdsFieldEvent {
    field: '$.members[].peerIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupInvitedFieldEvent {
    field: '$.invited[]'
    index: number
    value: string
  }

  export interface GroupVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export function encode (obj: Partial<Group>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Group.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Group>): Group {
    return decodeMessage(buf, Group.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Group>): Generator<GroupIdFieldEvent | GroupNameFieldEvent | GroupOwnerFieldEvent | GroupOpenFieldEvent | GroupMembersUsernameFieldEvent | GroupMembersOnlineFieldEvent | GroupMembersPeerIdsFieldEvent | GroupInvitedFieldEvent | GroupVersionFieldEvent> {
    return streamMessage(buf, Group.codec(), opts)
  }
}

export interface GroupMember {
  username: string
  online: boolean
  peerIds: Uint8Array<ArrayBuffer>[]
}

export namespace GroupMember {
  let _codec: Codec<GroupMember>

  export const codec = (): Codec<GroupMember> => {
    if (_codec == null) {
      _codec = message<GroupMember>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if ((obj.online != null && obj.online !== false)) {
          w.uint32(16)
          w.bool(obj.online)
        }

        if (obj.peerIds != null && obj.peerIds.length > 0) {
          for (const value of obj.peerIds) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: '',
          online: false,
          peerIds: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            case 2: {
              obj.online = reader.bool()
              break
            }
            case 3: {
              if (opts.limits?.peerIds != null && obj.peerIds.length === opts.limits.peerIds) {
                throw new MaxLengthError('Decode error - repeated field "peerIds" had too many elements')
              }

              obj.peerIds.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          peerIds: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.online`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              if (opts.limits?.peerIds != null && obj.peerIds === opts.limits.peerIds) {
                throw new MaxLengthError('Streaming decode error - repeated field "peerIds" had too many elements')
              }

              yield {
                field: `${prefix}.peerIds[]`,
                index: obj.peerIds,
                value: reader.bytes()
              }

              obj.peerIds++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupMemberUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface GroupMemberOnlineFieldEvent {
    field: '$.online'
    value: boolean
  }

  export interface GroupMemberPeerIdsFieldEvent {
    field: '$.peerIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupMember>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupMember.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMember>): GroupMember {
    return decodeMessage(buf, GroupMember.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMember>): Generator<GroupMemberUsernameFieldEvent | GroupMemberOnlineFieldEvent | GroupMemberPeerIdsFieldEvent> {
    return streamMessage(buf, GroupMember.codec(), opts)
  }
}

export interface GroupEvent {
  kind: number
  group?: Group
  by: string
}

export namespace GroupEvent {
  let _codec: Codec<GroupEvent>

  export const codec = (): Codec<GroupEvent> => {
    if (_codec == null) {
      _codec = message<GroupEvent>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.kind != null && obj.kind !== 0)) {
          w.uint32(8)
          w.uint32(obj.kind)
        }

        if (obj.group != null) {
          w.uint32(18)
          Group.codec().encode(obj.group, w)
        }

        if ((obj.by != null && obj.by !== '')) {
          w.uint32(26)
          w.string(obj.by)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: 0,
          by: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = reader.uint32()
              break
            }
            case 2: {
              obj.group = Group.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.group
              })
              break
            }
            case 3: {
              obj.by = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.kind`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield * Group.codec().stream(reader, reader.uint32(), `${prefix}.group`, {
                limits: opts.limits?.group
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.by`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupEventKindFieldEvent {
    field: '$.kind'
    value: number
  }

  export interface GroupEventGroupIdFieldEvent {
    field: '$.group.id'
    value: string
  }

  export interface GroupEventGroupNameFieldEvent {
    field: '$.group.name'
    value: string
  }

  export interface GroupEventGroupOwnerFieldEvent {
    field: '$.group.owner'
    value: string
  }

  export interface GroupEventGroupOpenFieldEvent {
    field: '$.group.open'
    value: boolean
  }

  export interface GroupEventGroupMembersUsernameFieldEvent {
    field: '$.group.members[].username'
    value: string
    index: number
  }

  export interface GroupEventGroupMembersOnlineFieldEvent {
    field: '$.group.members[].online'
    value: boolean
    index: number
  }

  export interface GroupEventGroupMembersPeerIdsFieldEvent {
    field: '$.group.members[].peerIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupEventGroupInvitedFieldEvent {
    field: '$.group.invited[]'
    index: number
    value: string
  }

  export interface GroupEventGroupVersionFieldEvent {
    field: '$.group.version'
    value: number
  }

  export interface GroupEventByFieldEvent {
    field: '$.by'
    value: string
  }

  export function encode (obj: Partial<GroupEvent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupEvent.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupEvent>): GroupEvent {
    return decodeMessage(buf, GroupEvent.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupEvent>): Generator<GroupEventKindFieldEvent | GroupEventGroupIdFieldEvent | GroupEventGroupNameFieldEvent | GroupEventGroupOwnerFieldEvent | GroupEventGroupOpenFieldEvent | GroupEventGroupMembersUsernameFieldEvent | GroupEventGroupMembersOnlineFieldEvent | GroupEventGroupMembersPeerIdsFieldEvent | GroupEventGroupInvitedFieldEvent | GroupEventGroupVersionFieldEvent | GroupEventByFieldEvent> {
    return streamMessage(buf, GroupEvent.codec(), opts)
  }
}

export interface DialRequest {
  from?: OnlinePeer
}

export namespace DialRequest {
  let _codec: Codec<DialRequest>

  export const codec = (): Codec<DialRequest> => {
    if (_codec == null) {
      _codec = message<DialRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.from != null) {
          w.uint32(10)
          OnlinePeer.codec().encode(obj.from, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.from = OnlinePeer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.from
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * OnlinePeer.codec().stream(reader, reader.uint32(), `${prefix}.from`, {
                limits: opts.limits?.from
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DialRequestFromUsernameFieldEvent {
    field: '$.from.username'
    value: string
  }

  export interface DialRequestFromPeerIdFieldEvent {
    field: '$.from.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DialRequestFromAddrsFieldEvent {
    field: '$.from.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DialRequestFromSinceFieldEvent {
    field: '$.from.since'
    value: number
  }

  export interface DialRequestFromReachableFieldEvent {
    field: '$.from.reachable'
    value: boolean
  }

  export interface DialRequestFromRelayFieldEvent {
    field: '$.from.relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DialRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DialRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DialRequest>): DialRequest {
    return decodeMessage(buf, DialRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DialRequest>): Generator<DialRequestFromUsernameFieldEvent | DialRequestFromPeerIdFieldEvent | DialRequestFromAddrsFieldEvent | DialRequestFromSinceFieldEvent | DialRequestFromReachableFieldEvent | DialRequestFromRelayFieldEvent> {
    return streamMessage(buf, DialRequest.codec(), opts)
  }
}

export interface Error {
  code: string
  message: string
  retryAfterMs: number
}

export namespace Error {
  let _codec: Codec<Error>

  export const codec = (): Codec<Error> => {
    if (_codec == null) {
      _codec = message<Error>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(10)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if ((obj.retryAfterMs != null && obj.retryAfterMs !== 0)) {
          w.uint32(24)
          w.uint32(obj.retryAfterMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          code: '',
          message: '',
          retryAfterMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.code = reader.string()
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            case 3: {
              obj.retryAfterMs = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.retryAfterMs`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ErrorCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface ErrorMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface ErrorRetryAfterMsFieldEvent {
    field: '$.retryAfterMs'
    value: number
  }

  export function encode (obj: Partial<Error>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Error.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Error>): Error {
    return decodeMessage(buf, Error.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Error>): Generator<ErrorCodeFieldEvent | ErrorMessageFieldEvent | ErrorRetryAfterMsFieldEvent> {
    return streamMessage(buf, Error.codec(), opts)
  }
}

export interface Registered {
  username: string
}

export namespace Registered {
  let _codec: Codec<Registered>

  export const codec = (): Codec<Registered> => {
    if (_codec == null) {
      _codec = message<Registered>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RegisteredUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export function encode (obj: Partial<Registered>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Registered.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Registered>): Registered {
    return decodeMessage(buf, Registered.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Registered>): Generator<RegisteredUsernameFieldEvent> {
    return streamMessage(buf, Registered.codec(), opts)
  }
}

export interface AccountInfo {
  username: string
  exists: boolean
}

export namespace AccountInfo {
  let _codec: Codec<AccountInfo>

  export const codec = (): Codec<AccountInfo> => {
    if (_codec == null) {
      _codec = message<AccountInfo>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if ((obj.exists != null && obj.exists !== false)) {
          w.uint32(16)
          w.bool(obj.exists)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: '',
          exists: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            case 2: {
              obj.exists = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.exists`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AccountInfoUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface AccountInfoExistsFieldEvent {
    field: '$.exists'
    value: boolean
  }

  export function encode (obj: Partial<AccountInfo>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AccountInfo.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountInfo>): AccountInfo {
    return decodeMessage(buf, AccountInfo.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountInfo>): Generator<AccountInfoUsernameFieldEvent | AccountInfoExistsFieldEvent> {
    return streamMessage(buf, AccountInfo.codec(), opts)
  }
}

export interface LoggedIn {
  username: string
  heartbeatMs: number
  addrs: Uint8Array<ArrayBuffer>[]
  snapshot?: Snapshot
  trackerVersion: string
  relay: boolean
  relayDataLimit: number
  relayDurationLimitMs: number
  credential?: Credential
  addrProof: Uint8Array<ArrayBuffer>
  listId: Uint8Array<ArrayBuffer>
  listDelta?: Delta
}

export namespace LoggedIn {
  let _codec: Codec<LoggedIn>

  export const codec = (): Codec<LoggedIn> => {
    if (_codec == null) {
      _codec = message<LoggedIn>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if ((obj.heartbeatMs != null && obj.heartbeatMs !== 0)) {
          w.uint32(16)
          w.uint32(obj.heartbeatMs)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (obj.snapshot != null) {
          w.uint32(34)
          Snapshot.codec().encode(obj.snapshot, w)
        }

        if ((obj.trackerVersion != null && obj.trackerVersion !== '')) {
          w.uint32(42)
          w.string(obj.trackerVersion)
        }

        if ((obj.relay != null && obj.relay !== false)) {
          w.uint32(48)
          w.bool(obj.relay)
        }

        if ((obj.relayDataLimit != null && obj.relayDataLimit !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.relayDataLimit)
        }

        if ((obj.relayDurationLimitMs != null && obj.relayDurationLimitMs !== 0)) {
          w.uint32(64)
          w.uint32(obj.relayDurationLimitMs)
        }

        if (obj.credential != null) {
          w.uint32(74)
          Credential.codec().encode(obj.credential, w)
        }

        if ((obj.addrProof != null && obj.addrProof.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.addrProof)
        }

        if ((obj.listId != null && obj.listId.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.listId)
        }

        if (obj.listDelta != null) {
          w.uint32(98)
          Delta.codec().encode(obj.listDelta, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: '',
          heartbeatMs: 0,
          addrs: [],
          trackerVersion: '',
          relay: false,
          relayDataLimit: 0,
          relayDurationLimitMs: 0,
          addrProof: uint8ArrayAlloc(0),
          listId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            case 2: {
              obj.heartbeatMs = reader.uint32()
              break
            }
            case 3: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
              break
            }
            case 4: {
              obj.snapshot = Snapshot.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.snapshot
              })
              break
            }
            case 5: {
              obj.trackerVersion = reader.string()
              break
            }
            case 6: {
              obj.relay = reader.bool()
              break
            }
            case 7: {
              obj.relayDataLimit = reader.uint64Number()
              break
            }
            case 8: {
              obj.relayDurationLimitMs = reader.uint32()
              break
            }
            case 9: {
              obj.credential = Credential.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.credential
              })
              break
            }
            case 10: {
              obj.addrProof = reader.bytes()
              break
            }
            case 11: {
              obj.listId = reader.bytes()
              break
            }
            case 12: {
              obj.listDelta = Delta.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.listDelta
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          addrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.heartbeatMs`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

              break
            }
            case 4: {
              yield * Snapshot.codec().stream(reader, reader.uint32(), `${prefix}.snapshot`, {
                limits: opts.limits?.snapshot
              })

              break
            }
            case 5: {
              yield {
                field: `${prefix}.trackerVersion`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.relay`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.relayDataLimit`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.relayDurationLimitMs`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield * Credential.codec().stream(reader, reader.uint32(), `${prefix}.credential`, {
                limits: opts.limits?.credential
              })

              break
            }
            case 10: {
              yield {
                field: `${prefix}.addrProof`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.listId`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield * Delta.codec().stream(reader, reader.uint32(), `${prefix}.listDelta`, {
                limits: opts.limits?.listDelta
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface LoggedInUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface LoggedInHeartbeatMsFieldEvent {
    field: '$.heartbeatMs'
    value: number
  }

  export interface LoggedInAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoggedInSnapshotVersionFieldEvent {
    field: '$.snapshot.version'
    value: number
  }

  export interface LoggedInSnapshotPeersUsernameFieldEvent {
    field: '$.snapshot.peers[].username'
    value: string
    index: number
  }

  export interface LoggedInSnapshotPeersPeerIdFieldEvent {
    field: '$.snapshot.peers[].peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LoggedInSnapshotPeersAddrsFieldEvent {
    field: '$.snapshot.peers[].addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoggedInSnapshotPeersSinceFieldEvent {
    field: '$.snapshot.peers[].since'
    value: number
    index: number
  }

  export interface LoggedInSnapshotPeersReachableFieldEvent {
    field: '$.snapshot.peers[].reachable'
    value: boolean
    index: number
  }

  export interface LoggedInSnapshotPeersRelayFieldEvent {
    field: '$.snapshot.peers[].relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoggedInTrackerVersionFieldEvent {
    field: '$.trackerVersion'
    value: string
  }

  export interface LoggedInRelayFieldEvent {
    field: '$.relay'
    value: boolean
  }

  export interface LoggedInRelayDataLimitFieldEvent {
    field: '$.relayDataLimit'
    value: number
  }

  export interface LoggedInRelayDurationLimitMsFieldEvent {
    field: '$.relayDurationLimitMs'
    value: number
  }

  export interface LoggedInCredentialTokenFieldEvent {
    field: '$.credential.token'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoggedInCredentialExpiresAtFieldEvent {
    field: '$.credential.expiresAt'
    value: number
  }

  export interface LoggedInAddrProofFieldEvent {
    field: '$.addrProof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoggedInListIdFieldEvent {
    field: '$.listId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoggedInListDeltaBaseVersionFieldEvent {
    field: '$.listDelta.baseVersion'
    value: number
  }

  export interface LoggedInListDeltaEventsVersionFieldEvent {
    field: '$.listDelta.events[].version'
    value: number
    index: number
  }

  export interface LoggedInListDeltaEventsJoinedUsernameFieldEvent {
    field: '$.listDelta.events[].joined.username'
    value: string
    index: number
  }

  export interface LoggedInListDeltaEventsJoinedPeerIdFieldEvent {
    field: '$.listDelta.events[].joined.peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LoggedInListDeltaEventsJoinedAddrsFieldEvent {
    field: '$.listDelta.events[].joined.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoggedInListDeltaEventsJoinedSinceFieldEvent {
    field: '$.listDelta.events[].joined.since'
    value: number
    index: number
  }

  export interface LoggedInListDeltaEventsJoinedReachableFieldEvent {
    field: '$.listDelta.events[].joined.reachable'
    value: boolean
    index: number
  }

  export interface LoggedInListDeltaEventsJoinedRelayFieldEvent {
    field: '$.listDelta.events[].joined.relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface LoggedInListDeltaEventsLeftFieldEvent {
    field: '$.listDelta.events[].left'
    value: string
    index: number
  }

  export interface LoggedInListDeltaEventsReasonFieldEvent {
    field: '$.listDelta.events[].reason'
    value: number
    index: number
  }

  export function encode (obj: Partial<LoggedIn>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LoggedIn.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LoggedIn>): LoggedIn {
    return decodeMessage(buf, LoggedIn.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LoggedIn>): Generator<LoggedInUsernameFieldEvent | LoggedInHeartbeatMsFieldEvent | LoggedInAddrsFieldEvent | LoggedInSnapshotVersionFieldEvent | LoggedInSnapshotPeersUsernameFieldEvent | LoggedInSnapshotPeersPeerIdFieldEvent | LoggedInSnapshotPeersAddrsFieldEvent | LoggedInSnapshotPeersSinceFieldEvent | LoggedInSnapshotPeersReachableFieldEvent | LoggedInSnapshotPeersRelayFieldEvent | LoggedInTrackerVersionFieldEvent | LoggedInRelayFieldEvent | LoggedInRelayDataLimitFieldEvent | LoggedInRelayDurationLimitMsFieldEvent | LoggedInCredentialTokenFieldEvent | LoggedInCredentialExpiresAtFieldEvent | LoggedInAddrProofFieldEvent | LoggedInListIdFieldEvent | LoggedInListDeltaBaseVersionFieldEvent | LoggedInListDeltaEventsVersionFieldEvent | LoggedInListDeltaEventsJoinedUsernameFieldEvent | LoggedInListDeltaEventsJoinedPeerIdFieldEvent | LoggedInListDeltaEventsJoinedAddrsFieldEvent | LoggedInListDeltaEventsJoinedSinceFieldEvent | LoggedInListDeltaEventsJoinedReachableFieldEvent | LoggedInListDeltaEventsJoinedRelayFieldEvent | LoggedInListDeltaEventsLeftFieldEvent | LoggedInListDeltaEventsReasonFieldEvent> {
    return streamMessage(buf, LoggedIn.codec(), opts)
  }
}

export interface Credential {
  token: Uint8Array<ArrayBuffer>
  expiresAt: number
}

export namespace Credential {
  let _codec: Codec<Credential>

  export const codec = (): Codec<Credential> => {
    if (_codec == null) {
      _codec = message<Credential>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.token != null && obj.token.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.token)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          token: uint8ArrayAlloc(0),
          expiresAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.token = reader.bytes()
              break
            }
            case 2: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.token`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CredentialTokenFieldEvent {
    field: '$.token'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CredentialExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export function encode (obj: Partial<Credential>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Credential.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Credential>): Credential {
    return decodeMessage(buf, Credential.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Credential>): Generator<CredentialTokenFieldEvent | CredentialExpiresAtFieldEvent> {
    return streamMessage(buf, Credential.codec(), opts)
  }
}

export interface Ack {}

export namespace Ack {
  let _codec: Codec<Ack>

  export const codec = (): Codec<Ack> => {
    if (_codec == null) {
      _codec = message<Ack>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export function encode (obj: Partial<Ack>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Ack.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Ack {
    return decodeMessage(buf, Ack.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Generator<{}> {
    return streamMessage(buf, Ack.codec(), opts)
  }
}

export interface OnlinePeer {
  username: string
  peerId: Uint8Array<ArrayBuffer>
  addrs: Uint8Array<ArrayBuffer>[]
  since: number
  reachable: boolean
  relay: Uint8Array<ArrayBuffer>[]
}

export namespace OnlinePeer {
  let _codec: Codec<OnlinePeer>

  export const codec = (): Codec<OnlinePeer> => {
    if (_codec == null) {
      _codec = message<OnlinePeer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.peerId)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.since != null && obj.since !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.since)
        }

        if ((obj.reachable != null && obj.reachable !== false)) {
          w.uint32(40)
          w.bool(obj.reachable)
        }

        if (obj.relay != null && obj.relay.length > 0) {
          for (const value of obj.relay) {
            w.uint32(50)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: '',
          peerId: uint8ArrayAlloc(0),
          addrs: [],
          since: 0,
          reachable: false,
          relay: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            case 2: {
              obj.peerId = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
              break
            }
            case 4: {
              obj.since = reader.uint64Number()
              break
            }
            case 5: {
              obj.reachable = reader.bool()
              break
            }
            case 6: {
              if (opts.limits?.relay != null && obj.relay.length === opts.limits.relay) {
                throw new MaxLengthError('Decode error - repeated field "relay" had too many elements')
              }

              obj.relay.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          addrs: 0,
          relay: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.since`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.reachable`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              if (opts.limits?.relay != null && obj.relay === opts.limits.relay) {
                throw new MaxLengthError('Streaming decode error - repeated field "relay" had too many elements')
              }

              yield {
                field: `${prefix}.relay[]`,
                index: obj.relay,
                value: reader.bytes()
              }

              obj.relay++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface OnlinePeerUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface OnlinePeerPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OnlinePeerAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface OnlinePeerSinceFieldEvent {
    field: '$.since'
    value: number
  }

  export interface OnlinePeerReachableFieldEvent {
    field: '$.reachable'
    value: boolean
  }

  export interface OnlinePeerRelayFieldEvent {
    field: '$.relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<OnlinePeer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OnlinePeer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OnlinePeer>): OnlinePeer {
    return decodeMessage(buf, OnlinePeer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OnlinePeer>): Generator<OnlinePeerUsernameFieldEvent | OnlinePeerPeerIdFieldEvent | OnlinePeerAddrsFieldEvent | OnlinePeerSinceFieldEvent | OnlinePeerReachableFieldEvent | OnlinePeerRelayFieldEvent> {
    return streamMessage(buf, OnlinePeer.codec(), opts)
  }
}

export interface Snapshot {
  version: number
  peers: OnlinePeer[]
}

export namespace Snapshot {
  let _codec: Codec<Snapshot>

  export const codec = (): Codec<Snapshot> => {
    if (_codec == null) {
      _codec = message<Snapshot>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.version)
        }

        if (obj.peers != null && obj.peers.length > 0) {
          for (const value of obj.peers) {
            w.uint32(18)
            OnlinePeer.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          peers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint64Number()
              break
            }
            case 2: {
              if (opts.limits?.peers != null && obj.peers.length === opts.limits.peers) {
                throw new MaxLengthError('Decode error - repeated field "peers" had too many elements')
              }

              obj.peers.push(OnlinePeer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.peers$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          peers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              if (opts.limits?.peers != null && obj.peers === opts.limits.peers) {
                throw new MaxLengthError('Streaming decode error - repeated field "peers" had too many elements')
              }

              for (const evt of OnlinePeer.codec().stream(reader, reader.uint32(), `${prefix}.peers[]`, {
                limits: opts.limits?.peers$
              })) {
                yield {
                  ...evt,
                  index: obj.peers
                }
              }

              obj.peers++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SnapshotVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SnapshotPeersUsernameFieldEvent {
    field: '$.peers[].username'
    value: string
    index: number
  }

  export interface SnapshotPeersPeerIdFieldEvent {
    field: '$.peers[].peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SnapshotPeersAddrsFieldEvent {
    field: '$.peers[].addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SnapshotPeersSinceFieldEvent {
    field: '$.peers[].since'
    value: number
    index: number
  }

  export interface SnapshotPeersReachableFieldEvent {
    field: '$.peers[].reachable'
    value: boolean
    index: number
  }

  export interface SnapshotPeersRelayFieldEvent {
    field: '$.peers[].relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Snapshot>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Snapshot.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Snapshot>): Snapshot {
    return decodeMessage(buf, Snapshot.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Snapshot>): Generator<SnapshotVersionFieldEvent | SnapshotPeersUsernameFieldEvent | SnapshotPeersPeerIdFieldEvent | SnapshotPeersAddrsFieldEvent | SnapshotPeersSinceFieldEvent | SnapshotPeersReachableFieldEvent | SnapshotPeersRelayFieldEvent> {
    return streamMessage(buf, Snapshot.codec(), opts)
  }
}

export enum LeaveReason {
  LOGOUT = 'LOGOUT',
  TIMEOUT = 'TIMEOUT',
  DISCONNECT = 'DISCONNECT',
  REPLACED = 'REPLACED'
}

enum __LeaveReasonValues {
  LOGOUT = 0,
  TIMEOUT = 1,
  DISCONNECT = 2,
  REPLACED = 3
}

export namespace LeaveReason {
  export const codec = (): Codec<LeaveReason> => {
    return enumeration<LeaveReason>(__LeaveReasonValues)
  }
}

export interface PresenceEvent {
  version: number
  joined?: OnlinePeer
  left?: string
  reason: number
}

export namespace PresenceEvent {
  let _codec: Codec<PresenceEvent>

  export const codec = (): Codec<PresenceEvent> => {
    if (_codec == null) {
      _codec = message<PresenceEvent>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.version)
        }

        if (obj.joined != null) {
          w.uint32(18)
          OnlinePeer.codec().encode(obj.joined, w)
        }

        if (obj.left != null) {
          w.uint32(26)
          w.string(obj.left)
        }

        if ((obj.reason != null && obj.reason !== 0)) {
          w.uint32(32)
          w.uint32(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          reason: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint64Number()
              break
            }
            case 2: {
              obj.joined = OnlinePeer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.joined
              })
              break
            }
            case 3: {
              obj.left = reader.string()
              break
            }
            case 4: {
              obj.reason = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield * OnlinePeer.codec().stream(reader, reader.uint32(), `${prefix}.joined`, {
                limits: opts.limits?.joined
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.left`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.reason`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface PresenceEventVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PresenceEventJoinedUsernameFieldEvent {
    field: '$.joined.username'
    value: string
  }

  export interface PresenceEventJoinedPeerIdFieldEvent {
    field: '$.joined.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceEventJoinedAddrsFieldEvent {
    field: '$.joined.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceEventJoinedSinceFieldEvent {
    field: '$.joined.since'
    value: number
  }

  export interface PresenceEventJoinedReachableFieldEvent {
    field: '$.joined.reachable'
    value: boolean
  }

  export interface PresenceEventJoinedRelayFieldEvent {
    field: '$.joined.relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceEventLeftFieldEvent {
    field: '$.left'
    value: string
  }

  export interface PresenceEventReasonFieldEvent {
    field: '$.reason'
    value: number
  }

  export function encode (obj: Partial<PresenceEvent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PresenceEvent.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceEvent>): PresenceEvent {
    return decodeMessage(buf, PresenceEvent.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceEvent>): Generator<PresenceEventVersionFieldEvent | PresenceEventJoinedUsernameFieldEvent | PresenceEventJoinedPeerIdFieldEvent | PresenceEventJoinedAddrsFieldEvent | PresenceEventJoinedSinceFieldEvent | PresenceEventJoinedReachableFieldEvent | PresenceEventJoinedRelayFieldEvent | PresenceEventLeftFieldEvent | PresenceEventReasonFieldEvent> {
    return streamMessage(buf, PresenceEvent.codec(), opts)
  }
}

export interface Delta {
  baseVersion: number
  events: PresenceEvent[]
}

export namespace Delta {
  let _codec: Codec<Delta>

  export const codec = (): Codec<Delta> => {
    if (_codec == null) {
      _codec = message<Delta>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.baseVersion != null && obj.baseVersion !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.baseVersion)
        }

        if (obj.events != null && obj.events.length > 0) {
          for (const value of obj.events) {
            w.uint32(18)
            PresenceEvent.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          baseVersion: 0,
          events: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.baseVersion = reader.uint64Number()
              break
            }
            case 2: {
              if (opts.limits?.events != null && obj.events.length === opts.limits.events) {
                throw new MaxLengthError('Decode error - repeated field "events" had too many elements')
              }

              obj.events.push(PresenceEvent.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.events$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          events: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.baseVersion`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              if (opts.limits?.events != null && obj.events === opts.limits.events) {
                throw new MaxLengthError('Streaming decode error - repeated field "events" had too many elements')
              }

              for (const evt of PresenceEvent.codec().stream(reader, reader.uint32(), `${prefix}.events[]`, {
                limits: opts.limits?.events$
              })) {
                yield {
                  ...evt,
                  index: obj.events
                }
              }

              obj.events++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DeltaBaseVersionFieldEvent {
    field: '$.baseVersion'
    value: number
  }

  export interface DeltaEventsVersionFieldEvent {
    field: '$.events[].version'
    value: number
    index: number
  }

  export interface DeltaEventsJoinedUsernameFieldEvent {
    field: '$.events[].joined.username'
    value: string
    index: number
  }

  export interface DeltaEventsJoinedPeerIdFieldEvent {
    field: '$.events[].joined.peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeltaEventsJoinedAddrsFieldEvent {
    field: '$.events[].joined.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeltaEventsJoinedSinceFieldEvent {
    field: '$.events[].joined.since'
    value: number
    index: number
  }

  export interface DeltaEventsJoinedReachableFieldEvent {
    field: '$.events[].joined.reachable'
    value: boolean
    index: number
  }

  export interface DeltaEventsJoinedRelayFieldEvent {
    field: '$.events[].joined.relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeltaEventsLeftFieldEvent {
    field: '$.events[].left'
    value: string
    index: number
  }

  export interface DeltaEventsReasonFieldEvent {
    field: '$.events[].reason'
    value: number
    index: number
  }

  export function encode (obj: Partial<Delta>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Delta.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Delta>): Delta {
    return decodeMessage(buf, Delta.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Delta>): Generator<DeltaBaseVersionFieldEvent | DeltaEventsVersionFieldEvent | DeltaEventsJoinedUsernameFieldEvent | DeltaEventsJoinedPeerIdFieldEvent | DeltaEventsJoinedAddrsFieldEvent | DeltaEventsJoinedSinceFieldEvent | DeltaEventsJoinedReachableFieldEvent | DeltaEventsJoinedRelayFieldEvent | DeltaEventsLeftFieldEvent | DeltaEventsReasonFieldEvent> {
    return streamMessage(buf, Delta.codec(), opts)
  }
}

export enum NoticeKind {
  SHUTDOWN = 'SHUTDOWN',
  REPLACED_BY_NEW_LOGIN = 'REPLACED_BY_NEW_LOGIN',
  EVICTED = 'EVICTED'
}

enum __NoticeKindValues {
  SHUTDOWN = 0,
  REPLACED_BY_NEW_LOGIN = 1,
  EVICTED = 2
}

export namespace NoticeKind {
  export const codec = (): Codec<NoticeKind> => {
    return enumeration<NoticeKind>(__NoticeKindValues)
  }
}

export interface Notice {
  kind: number
  message: string
}

export namespace Notice {
  let _codec: Codec<Notice>

  export const codec = (): Codec<Notice> => {
    if (_codec == null) {
      _codec = message<Notice>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.kind != null && obj.kind !== 0)) {
          w.uint32(8)
          w.uint32(obj.kind)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: 0,
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = reader.uint32()
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.kind`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface NoticeKindFieldEvent {
    field: '$.kind'
    value: number
  }

  export interface NoticeMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<Notice>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Notice.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Notice>): Notice {
    return decodeMessage(buf, Notice.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Notice>): Generator<NoticeKindFieldEvent | NoticeMessageFieldEvent> {
    return streamMessage(buf, Notice.codec(), opts)
  }
}

export interface PresenceState {
  listId: Uint8Array<ArrayBuffer>
  snapshot?: Snapshot
  savedAt: number
  bootTime: number
  heldSince: number
}

export namespace PresenceState {
  let _codec: Codec<PresenceState>

  export const codec = (): Codec<PresenceState> => {
    if (_codec == null) {
      _codec = message<PresenceState>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.listId != null && obj.listId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.listId)
        }

        if (obj.snapshot != null) {
          w.uint32(18)
          Snapshot.codec().encode(obj.snapshot, w)
        }

        if ((obj.savedAt != null && obj.savedAt !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.savedAt)
        }

        if ((obj.bootTime != null && obj.bootTime !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.bootTime)
        }

        if ((obj.heldSince != null && obj.heldSince !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.heldSince)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          listId: uint8ArrayAlloc(0),
          savedAt: 0,
          bootTime: 0,
          heldSince: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.listId = reader.bytes()
              break
            }
            case 2: {
              obj.snapshot = Snapshot.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.snapshot
              })
              break
            }
            case 3: {
              obj.savedAt = reader.uint64Number()
              break
            }
            case 4: {
              obj.bootTime = reader.uint64Number()
              break
            }
            case 5: {
              obj.heldSince = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.listId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield * Snapshot.codec().stream(reader, reader.uint32(), `${prefix}.snapshot`, {
                limits: opts.limits?.snapshot
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.savedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.bootTime`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.heldSince`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface PresenceStateListIdFieldEvent {
    field: '$.listId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceStateSnapshotVersionFieldEvent {
    field: '$.snapshot.version'
    value: number
  }

  export interface PresenceStateSnapshotPeersUsernameFieldEvent {
    field: '$.snapshot.peers[].username'
    value: string
    index: number
  }

  export interface PresenceStateSnapshotPeersPeerIdFieldEvent {
    field: '$.snapshot.peers[].peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PresenceStateSnapshotPeersAddrsFieldEvent {
    field: '$.snapshot.peers[].addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceStateSnapshotPeersSinceFieldEvent {
    field: '$.snapshot.peers[].since'
    value: number
    index: number
  }

  export interface PresenceStateSnapshotPeersReachableFieldEvent {
    field: '$.snapshot.peers[].reachable'
    value: boolean
    index: number
  }

  export interface PresenceStateSnapshotPeersRelayFieldEvent {
    field: '$.snapshot.peers[].relay[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceStateSavedAtFieldEvent {
    field: '$.savedAt'
    value: number
  }

  export interface PresenceStateBootTimeFieldEvent {
    field: '$.bootTime'
    value: number
  }

  export interface PresenceStateHeldSinceFieldEvent {
    field: '$.heldSince'
    value: number
  }

  export function encode (obj: Partial<PresenceState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PresenceState.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceState>): PresenceState {
    return decodeMessage(buf, PresenceState.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceState>): Generator<PresenceStateListIdFieldEvent | PresenceStateSnapshotVersionFieldEvent | PresenceStateSnapshotPeersUsernameFieldEvent | PresenceStateSnapshotPeersPeerIdFieldEvent | PresenceStateSnapshotPeersAddrsFieldEvent | PresenceStateSnapshotPeersSinceFieldEvent | PresenceStateSnapshotPeersReachableFieldEvent | PresenceStateSnapshotPeersRelayFieldEvent | PresenceStateSavedAtFieldEvent | PresenceStateBootTimeFieldEvent | PresenceStateHeldSinceFieldEvent> {
    return streamMessage(buf, PresenceState.codec(), opts)
  }
}
