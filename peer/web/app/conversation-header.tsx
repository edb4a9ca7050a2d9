import { useEffect, useRef, useState } from 'preact/hooks'
import type { GroupInfo } from '../../api/schema.ts'
import { errorText } from './api-client.ts'
import type { ChatState, Conversation } from './chat-state.ts'
import { isMember, PRESENCE_LABELS, presenceOf } from './chat-state.ts'
import type { ChatStore } from './chat-store.ts'
import { sameUser } from './format.ts'
import { friendLine, reachHint, reachTitle } from './presence.ts'

interface Props {
  store: ChatStore
  state: ChatState
  conv: Conversation
}

export function ConversationHeader({ store, state, conv }: Props) {
  if (conv.kind === 'group') {
    const group = state.groups.find(g => g.group === conv.id)
    return (
      <GroupHeader
        store={store}
        state={state}
        group={group}
        id={conv.id}
        name={group?.name ?? state.groupNames[conv.id]}
      />
    )
  }
  return <UserHeader store={store} state={state} conv={conv} />
}

function UserHeader({ store, state, conv }: Props) {
  const user = conv.id
  const friend = state.friends.find(f => sameUser(f.user, user))
  const online = state.online.find(u => sameUser(u.user, user))
  const [renaming, setRenaming] = useState(false)
  const [alias, setAlias] = useState('')

  const presence = presenceOf(state, user)
  let line: string
  if (friend !== undefined) line = friendLine(friend, presence)
  else if (presence !== 'offline') line = PRESENCE_LABELS[presence]
  else line = 'offline: messages wait until they come online'
  if (presence === 'offline' && friend !== undefined) line += ' · messages wait until they come online'
  // How the last message went, else whether they can be dialled directly.
  const lastVia = conv.messages.findLast(m => m.via !== undefined)?.via

  const pending = state.outgoing.some(u => sameUser(u, user))
  return (
    <header class="conv-header">
      <div class="conv-title">
        <h2 id="conv-title">
          <span class={`dot dot-${presence}`} aria-hidden="true" />
          {friend !== undefined && friend.alias !== '' ? `${friend.alias} (${user})` : user}
          <span class="sr-only"> ({PRESENCE_LABELS[presence]})</span>
        </h2>
        <p class="muted small" data-testid="conv-presence">
          {line}
          {online !== undefined && (
            <>
              {' · '}
              <span
                class="reach-hint"
                title={lastVia !== undefined ? VIA_TITLES[lastVia] : reachTitle(online)}
                data-testid="conv-via"
              >
                {lastVia !== undefined ? VIA_WORDS[lastVia] : reachHint(online)}
              </span>
            </>
          )}
        </p>
      </div>
      <div class="conv-actions">
        {friend === undefined && !pending && (
          <button
            type="button"
            class="small-button"
            data-testid="conv-add-friend"
            onClick={() =>
              store.attempt(async () => {
                const reply = await store.client.call('friend-add', { user })
                if (reply.pending) {
                  store.update(s => {
                    s.outgoing = [...s.outgoing, reply.user]
                  })
                } else await store.refreshFriends()
              })
            }
          >
            Add friend
          </button>
        )}
        {pending && <span class="muted small">friend request sent</span>}
        {friend !== undefined && !renaming && (
          <button
            type="button"
            class="small-button ghost"
            onClick={() => {
              setAlias(friend.alias)
              setRenaming(true)
            }}
          >
            Rename
          </button>
        )}
        {friend !== undefined && renaming && (
          <form
            class="row"
            onSubmit={e => {
              e.preventDefault()
              void store
                .attempt(async () => {
                  await store.client.call('friend-alias', { user, alias: alias.trim() })
                  await store.refreshFriends()
                })
                .then(() => setRenaming(false))
            }}
          >
            <label for="friend-alias" class="sr-only">
              Your name for {user}
            </label>
            <input
              id="friend-alias"
              type="text"
              maxLength={64}
              value={alias}
              placeholder="Alias (empty: none)"
              onInput={e => setAlias(e.currentTarget.value)}
            />
            <button type="submit" class="small-button">
              Save
            </button>
            <button type="button" class="small-button ghost" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </form>
        )}
        {friend !== undefined && (
          <ConfirmButton
            label="Remove friend"
            question={`Remove ${user} from your friends?`}
            testid="conv-remove-friend"
            onConfirm={() =>
              store.attempt(async () => {
                await store.client.call('friend-remove', { user })
                store.update(s => {
                  s.friends = s.friends.filter(f => !sameUser(f.user, user))
                })
              })
            }
          />
        )}
      </div>
    </header>
  )
}

const VIA_WORDS: Record<string, string> = {
  direct: 'direct connection',
  reversed: 'direct connection (they called back)',
  relayed: 'via relay'
}

const VIA_TITLES: Record<string, string> = {
  direct: 'The last message went straight between your computers.',
  reversed:
    'They could not be dialled, so they were asked to call back: the last message went straight between your computers.',
  relayed: "The last message went through the tracker's relay: neither side could dial the other."
}

interface GroupProps {
  store: ChatStore
  state: ChatState
  group: GroupInfo | undefined
  id: string
  /** The group's name, remembered after leaving it. */
  name: string | undefined
}

function GroupHeader({ store, state, group, id, name }: GroupProps) {
  const [invitee, setInvitee] = useState('')
  const [error, setError] = useState('')
  if (group === undefined || !isMember(group, state.me)) {
    return (
      <header class="conv-header">
        <div class="conv-title">
          <h2 id="conv-title">
            <span class="dot dot-group" aria-hidden="true" />
            {name ?? 'Group'}
          </h2>
          <p class="muted small" data-testid="group-left-note">
            You are no longer in this group; its history stays here.
          </p>
        </div>
      </header>
    )
  }
  const online = group.members.filter(m => m.online).length
  const canInvite = group.open || sameUser(group.owner, state.me)

  const invite = async (e: Event): Promise<void> => {
    e.preventDefault()
    const user = invitee.trim()
    if (user === '') return
    setError('')
    try {
      const reply = await store.client.call('group-invite', { group: id, user })
      store.replaceGroup(reply.group)
      setInvitee('')
    } catch (err) {
      setError(errorText(err))
    }
  }

  return (
    <header class="conv-header">
      <div class="conv-title">
        <h2 id="conv-title">
          <span class="dot dot-group" aria-hidden="true" />
          {group.name}
        </h2>
        <p class="muted small">
          {group.open ? 'open group' : 'closed group'} · owner {group.owner} · {online} of{' '}
          {group.members.length} online · id <code class="selectable">{group.group}</code>
        </p>
        <ul class="members" aria-label="Members" data-testid="group-members">
          {group.members.map(m => {
            const presence = memberPresence(state, m)
            return (
              <li key={m.user} class={m.online ? 'member online' : 'member'}>
                <span class={`dot dot-${presence}`} aria-hidden="true" />
                {m.user}
                <span class="sr-only"> ({PRESENCE_LABELS[presence]})</span>
              </li>
            )
          })}
          {group.invited.map(u => (
            <li key={`i-${u}`} class="member invited">
              {u} <span class="muted">(invited)</span>
            </li>
          ))}
        </ul>
      </div>
      <div class="conv-actions">
        {canInvite && (
          <form class="row" onSubmit={invite}>
            <label for="group-invite-user" class="sr-only">
              Invite someone to {group.name}
            </label>
            <input
              id="group-invite-user"
              type="text"
              placeholder="Invite username"
              spellcheck={false}
              value={invitee}
              data-testid="group-invite-user"
              onInput={e => setInvitee(e.currentTarget.value)}
            />
            <button type="submit" class="small-button" data-testid="group-invite-submit">
              Invite
            </button>
          </form>
        )}
        <ConfirmButton
          label="Leave group"
          question={`Leave ${group.name}?`}
          testid="group-leave"
          onConfirm={() =>
            store.attempt(async () => {
              await store.client.call('group-leave', { group: id })
              store.update(s => {
                s.groups = s.groups.filter(g => g.group !== id)
              })
            })
          }
        />
        {error !== '' && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </header>
  )
}

/**
 * A member's dot: the group says whether they are online (they may be nobody you know); a friend's or
 * someone in the online list shows their presence as everywhere else.
 */
function memberPresence(state: ChatState, m: { user: string; online: boolean }) {
  if (sameUser(m.user, state.me)) return state.presence
  const seen = presenceOf(state, m.user)
  if (seen !== 'offline') return seen
  return m.online ? 'online' : 'offline'
}

/** A button whose action asks first, in the page (no window.confirm: it blocks and tests cannot see it). */
function ConfirmButton(props: { label: string; question: string; testid: string; onConfirm: () => unknown }) {
  const [asking, setAsking] = useState(false)
  const yes = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (asking) yes.current?.focus()
  }, [asking])
  if (!asking) {
    return (
      <button
        type="button"
        class="small-button ghost"
        data-testid={props.testid}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    )
  }
  return (
    <span class="confirm">
      <span class="small">{props.question}</span>
      <button
        type="button"
        class="small-button danger"
        data-testid={`${props.testid}-confirm`}
        ref={yes}
        onClick={() => {
          setAsking(false)
          void props.onConfirm()
        }}
      >
        Yes
      </button>
      <button type="button" class="small-button ghost" onClick={() => setAsking(false)}>
        No
      </button>
    </span>
  )
}
