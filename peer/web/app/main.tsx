import { render } from 'preact'
import { ApiClient } from './api-client.ts'
import { App } from './app.tsx'
import './layout.css'
import './conversation.css'
import './files.css'

/** The token is in the address `p2pchat web` printed; without it the page can do nothing. */
const token = new URLSearchParams(location.search).get('token')
const client = token === null || token === '' ? undefined : new ApiClient(token)

const root = document.getElementById('app')
if (root !== null) render(<App client={client} />, root)
