import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { errorText } from './api-client.ts'
import type { ChatState, ConvKey, PresenceView } from './chat-state.ts'
import { groupConv, isMember, PRESENCE_LABELS, presenceOf, userConv } from './chat-state.ts'
import type { ChatStore } from './chat-store.ts'
import { sameUser } from './format.ts'
import { PeopleSearch, Requests } from './people-tools.tsx'
import { friendLine, reachHint, reachTitle } from './presence.ts'

interface Props {
  store: ChatStore
  state: ChatState
}

/** Everyone and every group to talk to: each person has exactly one conversation button. */
export function Sidebar({ store, state }: Props) {
  const friendKeys = new Set(state.friends.map(f => userConv(f.user)))
  const onlineKeys = new Set(state.online.map(u => userConv(u.user)))
  const others = Object.values(state.conversations).filter(
    c => c.kind === 'user' && !friendKeys.has(c.key) && !onlineKeys.has(c.key)
  )
  const memberOf = state.groups.filter(g => isMember(g, state.me))
  const invitedTo = state.groups.filter(
    g => !isMember(g, state.me) && g.invited.some(u => sameUser(u, state.me))
  )

  return (
    <nav class="sidebar" aria-label="Conversations">
      <PeopleSearch store={store} state={state} />
      <Requests store={store} state={state} />

      <Section title="Friends" count={state.friends.length}>
        <ul class="conv-list" data-testid="friends-list">
          {state.friends.length === 0 && <li class="empty">No friends yet: search for people above.</li>}
          {state.friends.map(f => (
            <li key={f.user} data-testid={`friend-${f.user}`}>
              <ConvButton
                store={store}
                state={state}
                convKey={userConv(f.user)}
                id={f.user}
                label={f.alias !== '' ? f.alias : f.user}
                sub={friendLine(f, presenceOf(state, f.user))}
                presence={presenceOf(state, f.user)}
                onOpen={() => store.openUser(f.user)}
              />
            </li>
          ))}
        </ul>
      </Section>

      <Section title="Online now" count={state.online.length}>
        <ul class="conv-list" data-testid="online-list">
          {state.online.length === 0 && <li class="empty">Nobody else is online.</li>}
          {state.online.map(u => (
            <li key={u.user} data-testid={`online-${u.user}`}>
              <ConvButton
                store={store}
                state={state}
                convKey={userConv(u.user)}
                id={u.user}
                label={u.user}
                sub={friendKeys.has(userConv(u.user)) ? `friend · ${reachHint(u)}` : reachHint(u)}
                subTitle={reachTitle(u)}
                presence={presenceOf(state, u.user)}
                {...(friendKeys.has(userConv(u.user))
                  ? { testid: `online-open-${u.user}`, badge: false }
                  : {})}
                onOpen={() => store.openUser(u.user)}
              />
            </li>
          ))}
        </ul>
      </Section>

      {others.length > 0 && (
        <Section title="Other conversations" count={others.length}>
          <ul class="conv-list" data-testid="other-list">
            {others.map(c => (
              <li key={c.key}>
                <ConvButton
                  store={store}
                  state={state}
                  convKey={c.key}
                  id={c.id}
                  label={c.id}
                  sub="offline"
                  presence="offline"
                  onOpen={() => store.openUser(c.id)}
                />
              </li>
            ))}
          </ul>
        </Section>
      )}

      <Section title="Groups" count={memberOf.length}>
        <ul class="conv-list" data-testid="groups-list">
          {memberOf.length === 0 && <li class="empty">No groups yet.</li>}
          {memberOf.map(g => (
            <li key={g.group} data-testid={`group-${g.group}`}>
              <ConvButton
                store={store}
                state={state}
                convKey={groupConv(g.group)}
                id={g.group}
                label={g.name}
                sub={`${g.members.filter(m => m.online).length} of ${g.members.length} online`}
                presence="group"
                testid={`conv-group-${g.group}`}
                onOpen={() => store.openGroup(g.group)}
              />
            </li>
          ))}
          {invitedTo.map(g => (
            <li key={g.group} class="request-row" data-testid={`group-invited-${g.group}`}>
              <span class="request-who">
                <span class="request-name">{g.name}</span>
                <span class="muted small">invitation from owner {g.owner}</span>
              </span>
              <span class="request-actions">
                <button
                  type="button"
                  class="small-button primary"
                  aria-label={`Join the group ${g.name}`}
                  data-testid={`group-join-${g.group}`}
                  onClick={() =>
                    store.attempt(async () => {
                      const reply = await store.client.call('group-join', { group: g.group })
                      store.replaceGroup(reply.group)
                      store.openGroup(g.group)
                    })
                  }
                >
                  Join
                </button>
              </span>
            </li>
          ))}
        </ul>
        <GroupCreate store={store} />
        <GroupJoinById store={store} />
      </Section>
    </nav>
  )
}

function Section({ title, count, children }: { title: string; count: number; children: ComponentChildren }) {
  return (
    <section class="side-section">
      <h2>
        {title} <span class="count">{count}</span>
      </h2>
      {children}
    </section>
  )
}

interface ConvButtonProps {
  store: ChatStore
  state: ChatState
  convKey: ConvKey
  /** The username or group id in the test ids. */
  id: string
  label: string
  sub: string
  /** A tooltip explaining the second line. */
  subTitle?: string
  presence: PresenceView | 'group'
  /** Another button for the same conversation: its own test id, no second unread badge. */
  testid?: string
  badge?: boolean
  onOpen: () => void
}

function ConvButton(props: ConvButtonProps) {
  const { state, convKey, id, label, sub, subTitle, presence, testid, badge = true, onOpen } = props
  const unread = badge ? (state.unread[convKey] ?? 0) : 0
  const selected = state.selected === convKey
  return (
    <button
      type="button"
      class={selected ? 'conv-button selected' : 'conv-button'}
      aria-current={selected ? 'true' : undefined}
      data-testid={testid ?? `conv-user-${id}`}
      onClick={onOpen}
    >
      <span class={`dot dot-${presence}`} aria-hidden="true" />
      <span class="conv-name" title={label}>
        {label}
        {presence !== 'group' && <span class="sr-only"> ({PRESENCE_LABELS[presence]})</span>}
      </span>
      <span class="conv-sub" title={subTitle}>
        {sub}
      </span>
      {unread > 0 && (
        <>
          <span class="badge" aria-hidden="true" data-testid={`unread-${id}`}>
            {unread}
          </span>
          <span class="sr-only">, {unread} unread</span>
        </>
      )}
    </button>
  )
}

function GroupCreate({ store }: { store: ChatStore }) {
  const [name, setName] = useState('')
  const [open, setOpen] = useState(false)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    if (name.trim() === '' || busy) return
    setBusy(true)
    setError('')
    try {
      const reply = await store.client.call('group-create', { name: name.trim(), open })
      store.replaceGroup(reply.group)
      store.openGroup(reply.group.group)
      setName('')
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="side-form" onSubmit={submit}>
      <label for="group-create-name">New group</label>
      <div class="row">
        <input
          id="group-create-name"
          type="text"
          maxLength={64}
          placeholder="Group name"
          value={name}
          data-testid="group-create-name"
          onInput={e => setName(e.currentTarget.value)}
        />
        <button type="submit" class="small-button" disabled={busy} data-testid="group-create-submit">
          Create
        </button>
      </div>
      <div class="check-row">
        <input
          id="group-create-open"
          type="checkbox"
          checked={open}
          onChange={e => setOpen(e.currentTarget.checked)}
        />
        <label for="group-create-open">Open: anyone with its id may join</label>
      </div>
      {error !== '' && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}

/** Open groups are joined by their id (someone shares it). */
function GroupJoinById({ store }: { store: ChatStore }) {
  const [id, setId] = useState('')
  const [error, setError] = useState('')
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    if (id.trim() === '') return
    setError('')
    try {
      const reply = await store.client.call('group-join', { group: id.trim() })
      store.replaceGroup(reply.group)
      store.openGroup(reply.group.group)
      setId('')
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <form class="side-form" onSubmit={submit}>
      <label for="group-join-id">Join an open group by id</label>
      <div class="row">
        <input
          id="group-join-id"
          type="text"
          spellcheck={false}
          value={id}
          data-testid="group-join-id"
          onInput={e => setId(e.currentTarget.value)}
        />
        <button type="submit" class="small-button" data-testid="group-join-id-submit">
          Join
        </button>
      </div>
      {error !== '' && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}
