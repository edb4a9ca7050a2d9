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

  export interface ClientMessageHeartbeatAckFieldEvent {
    field: '$.heartbeat.ack'
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

  export function encode (obj: Partial<ClientMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClientMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientMessage>): ClientMessage {
    return decodeMessage(buf, ClientMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientMessage>): Generator<ClientMessageIdFieldEvent | ClientMessageRegisterUsernameFieldEvent | ClientMessageRegisterPasswordFieldEvent | ClientMessageLoginUsernameFieldEvent | ClientMessageLoginPasswordFieldEvent | ClientMessageLoginAddrsFieldEvent | ClientMessageHeartbeatAckFieldEvent | ClientMessageLookupPeerIdFieldEvent | ClientMessageAccountUsernameFieldEvent | ClientMessageConnectPeerIdFieldEvent> {
    return streamMessage(buf, ClientMessage.codec(), opts)
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

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: '',
          password: '',
          addrs: []
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

  export function encode (obj: Partial<Login>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Login.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Login>): Login {
    return decodeMessage(buf, Login.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Login>): Generator<LoginUsernameFieldEvent | LoginPasswordFieldEvent | LoginAddrsFieldEvent> {
    return streamMessage(buf, Login.codec(), opts)
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

export interface Logout {}

export namespace Logout {
  let _codec: Codec<Logout>

  export const codec = (): Codec<Logout> => {
    if (_codec == null) {
      _codec = message<Logout>((obj, w, opts = {}) => {
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

  export function encode (obj: Partial<Logout>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Logout.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Logout>): Logout {
    return decodeMessage(buf, Logout.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Logout>): Generator<{}> {
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

  export function encode (obj: Partial<TrackerMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TrackerMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TrackerMessage>): TrackerMessage {
    return decodeMessage(buf, TrackerMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TrackerMessage>): Generator<TrackerMessageIdFieldEvent | TrackerMessageErrorCodeFieldEvent | TrackerMessageErrorMessageFieldEvent | TrackerMessageErrorRetryAfterMsFieldEvent | TrackerMessageRegisteredUsernameFieldEvent | TrackerMessageLoggedInUsernameFieldEvent | TrackerMessageLoggedInHeartbeatMsFieldEvent | TrackerMessageLoggedInAddrsFieldEvent | TrackerMessageLoggedInSnapshotVersionFieldEvent | TrackerMessageLoggedInSnapshotPeersUsernameFieldEvent | TrackerMessageLoggedInSnapshotPeersPeerIdFieldEvent | TrackerMessageLoggedInSnapshotPeersAddrsFieldEvent | TrackerMessageLoggedInSnapshotPeersSinceFieldEvent | TrackerMessageLoggedInSnapshotPeersReachableFieldEvent | TrackerMessageLoggedInTrackerVersionFieldEvent | TrackerMessageLoggedInRelayFieldEvent | TrackerMessageLoggedInRelayDataLimitFieldEvent | TrackerMessageLoggedInRelayDurationLimitMsFieldEvent | TrackerMessageSnapshotVersionFieldEvent | TrackerMessageSnapshotPeersUsernameFieldEvent | TrackerMessageSnapshotPeersPeerIdFieldEvent | TrackerMessageSnapshotPeersAddrsFieldEvent | TrackerMessageSnapshotPeersSinceFieldEvent | TrackerMessageSnapshotPeersReachableFieldEvent | TrackerMessageDeltaBaseVersionFieldEvent | TrackerMessageDeltaEventsVersionFieldEvent | TrackerMessageDeltaEventsJoinedUsernameFieldEvent | TrackerMessageDeltaEventsJoinedPeerIdFieldEvent | TrackerMessageDeltaEventsJoinedAddrsFieldEvent | TrackerMessageDeltaEventsJoinedSinceFieldEvent | TrackerMessageDeltaEventsJoinedReachableFieldEvent | TrackerMessageDeltaEventsLeftFieldEvent | TrackerMessageDeltaEventsReasonFieldEvent | TrackerMessageNoticeKindFieldEvent | TrackerMessageNoticeMessageFieldEvent | TrackerMessagePeerUsernameFieldEvent | TrackerMessagePeerPeerIdFieldEvent | TrackerMessagePeerAddrsFieldEvent | TrackerMessagePeerSinceFieldEvent | TrackerMessagePeerReachableFieldEvent | TrackerMessageAccountUsernameFieldEvent | TrackerMessageAccountExistsFieldEvent | TrackerMessageDialFromUsernameFieldEvent | TrackerMessageDialFromPeerIdFieldEvent | TrackerMessageDialFromAddrsFieldEvent | TrackerMessageDialFromSinceFieldEvent | TrackerMessageDialFromReachableFieldEvent> {
    return streamMessage(buf, TrackerMessage.codec(), opts)
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

  export function encode (obj: Partial<DialRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DialRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DialRequest>): DialRequest {
    return decodeMessage(buf, DialRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DialRequest>): Generator<DialRequestFromUsernameFieldEvent | DialRequestFromPeerIdFieldEvent | DialRequestFromAddrsFieldEvent | DialRequestFromSinceFieldEvent | DialRequestFromReachableFieldEvent> {
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
          relayDurationLimitMs: 0
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

  export function encode (obj: Partial<LoggedIn>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LoggedIn.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LoggedIn>): LoggedIn {
    return decodeMessage(buf, LoggedIn.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LoggedIn>): Generator<LoggedInUsernameFieldEvent | LoggedInHeartbeatMsFieldEvent | LoggedInAddrsFieldEvent | LoggedInSnapshotVersionFieldEvent | LoggedInSnapshotPeersUsernameFieldEvent | LoggedInSnapshotPeersPeerIdFieldEvent | LoggedInSnapshotPeersAddrsFieldEvent | LoggedInSnapshotPeersSinceFieldEvent | LoggedInSnapshotPeersReachableFieldEvent | LoggedInTrackerVersionFieldEvent | LoggedInRelayFieldEvent | LoggedInRelayDataLimitFieldEvent | LoggedInRelayDurationLimitMsFieldEvent> {
    return streamMessage(buf, LoggedIn.codec(), opts)
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

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: '',
          peerId: uint8ArrayAlloc(0),
          addrs: [],
          since: 0,
          reachable: false
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

  export function encode (obj: Partial<OnlinePeer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OnlinePeer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OnlinePeer>): OnlinePeer {
    return decodeMessage(buf, OnlinePeer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OnlinePeer>): Generator<OnlinePeerUsernameFieldEvent | OnlinePeerPeerIdFieldEvent | OnlinePeerAddrsFieldEvent | OnlinePeerSinceFieldEvent | OnlinePeerReachableFieldEvent> {
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

  export function encode (obj: Partial<Snapshot>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Snapshot.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Snapshot>): Snapshot {
    return decodeMessage(buf, Snapshot.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Snapshot>): Generator<SnapshotVersionFieldEvent | SnapshotPeersUsernameFieldEvent | SnapshotPeersPeerIdFieldEvent | SnapshotPeersAddrsFieldEvent | SnapshotPeersSinceFieldEvent | SnapshotPeersReachableFieldEvent> {
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

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceEvent>): Generator<PresenceEventVersionFieldEvent | PresenceEventJoinedUsernameFieldEvent | PresenceEventJoinedPeerIdFieldEvent | PresenceEventJoinedAddrsFieldEvent | PresenceEventJoinedSinceFieldEvent | PresenceEventJoinedReachableFieldEvent | PresenceEventLeftFieldEvent | PresenceEventReasonFieldEvent> {
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

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Delta>): Generator<DeltaBaseVersionFieldEvent | DeltaEventsVersionFieldEvent | DeltaEventsJoinedUsernameFieldEvent | DeltaEventsJoinedPeerIdFieldEvent | DeltaEventsJoinedAddrsFieldEvent | DeltaEventsJoinedSinceFieldEvent | DeltaEventsJoinedReachableFieldEvent | DeltaEventsLeftFieldEvent | DeltaEventsReasonFieldEvent> {
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
