import { useState } from 'preact/hooks'
import { errorText } from './api-client.ts'
import type { ChatState } from './chat-state.ts'
import type { ChatStore } from './chat-store.ts'
import { sameUser } from './format.ts'

interface Props {
  store: ChatStore
  state: ChatState
}

/** Find people by name (`search`) and ask them to be friends (`friend-add`), or just write to them. */
export function PeopleSearch({ store, state }: Props) {
  const [query, setQuery] = useState('')
  const [results, setResults] = useState<string[] | undefined>()
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    const q = query.trim()
    if (q === '' || busy) return
    setBusy(true)
    setError('')
    try {
      const reply = await store.client.call('search', { query: q })
      setResults(reply.users.filter(u => !sameUser(u, state.me)))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const add = async (user: string): Promise<void> => {
    setError('')
    try {
      const reply = await store.client.call('friend-add', { user })
      if (reply.pending) {
        store.update(s => {
          if (!s.outgoing.some(u => sameUser(u, reply.user))) s.outgoing = [...s.outgoing, reply.user]
        })
      } else {
        await store.refreshFriends()
      }
    } catch (err) {
      setError(errorText(err))
    }
  }

  const relation = (user: string): string | undefined => {
    if (state.friends.some(f => sameUser(f.user, user))) return 'friend'
    if (state.outgoing.some(u => sameUser(u, user))) return 'request sent'
    if (state.incoming.some(u => sameUser(u, user))) return 'asks you'
    return undefined
  }

  return (
    <section class="side-section search">
      <form class="side-form" onSubmit={submit}>
        <label for="search-input">Find people</label>
        <div class="row">
          <input
            id="search-input"
            type="search"
            maxLength={32}
            placeholder="Username"
            value={query}
            spellcheck={false}
            data-testid="search-input"
            onInput={e => setQuery(e.currentTarget.value)}
          />
          <button type="submit" class="small-button" disabled={busy} data-testid="search-submit">
            Search
          </button>
        </div>
      </form>
      {error !== '' && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {results !== undefined && (
        <ul class="result-list" data-testid="search-results" aria-label="Search results">
          {results.length === 0 && <li class="empty">Nobody by that name.</li>}
          {results.map(user => {
            const rel = relation(user)
            return (
              <li key={user} class="request-row" data-testid={`result-${user}`}>
                <span class="request-who">
                  <span class="request-name">{user}</span>
                  {rel !== undefined && <span class="muted small">{rel}</span>}
                </span>
                <span class="request-actions">
                  {rel === undefined && (
                    <button
                      type="button"
                      class="small-button"
                      data-testid={`add-${user}`}
                      aria-label={`Add ${user} as a friend`}
                      onClick={() => add(user)}
                    >
                      Add friend
                    </button>
                  )}
                  <button
                    type="button"
                    class="small-button ghost"
                    aria-label={`Write to ${user}`}
                    onClick={() => store.openUser(user)}
                  >
                    Message
                  </button>
                </span>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}

/** Friend requests: incoming to answer, outgoing still waiting (withdrawn with `friend-remove`). */
export function Requests({ store, state }: Props) {
  if (state.incoming.length === 0 && state.outgoing.length === 0) return null
  const answer = (user: string, accept: boolean) =>
    store.attempt(async () => {
      if (accept) await store.client.call('friend-accept', { user })
      else await store.client.call('friend-decline', { user })
      store.update(s => {
        s.incoming = s.incoming.filter(u => !sameUser(u, user))
      })
      if (accept) await store.refreshFriends()
    })
  return (
    <section class="side-section requests" data-testid="requests">
      <h2>Friend requests</h2>
      <ul class="result-list">
        {state.incoming.map(user => (
          <li key={`in-${user}`} class="request-row" data-testid={`request-${user}`}>
            <span class="request-who">
              <span class="request-name">{user}</span>
              <span class="muted small">asks to be your friend</span>
            </span>
            <span class="request-actions">
              <button
                type="button"
                class="small-button primary"
                data-testid={`accept-${user}`}
                aria-label={`Accept ${user}'s friend request`}
                onClick={() => answer(user, true)}
              >
                Accept
              </button>
              <button
                type="button"
                class="small-button ghost"
                data-testid={`decline-${user}`}
                aria-label={`Decline ${user}'s friend request`}
                onClick={() => answer(user, false)}
              >
                Decline
              </button>
            </span>
          </li>
        ))}
        {state.outgoing.map(user => (
          <li key={`out-${user}`} class="request-row" data-testid={`pending-${user}`}>
            <span class="request-who">
              <span class="request-name">{user}</span>
              <span class="muted small">request sent, waiting for an answer</span>
            </span>
            <span class="request-actions">
              <button
                type="button"
                class="small-button ghost"
                aria-label={`Withdraw your request to ${user}`}
                onClick={() =>
                  store.attempt(async () => {
                    await store.client.call('friend-remove', { user })
                    store.update(s => {
                      s.outgoing = s.outgoing.filter(u => !sameUser(u, user))
                    })
                  })
                }
              >
                Withdraw
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
