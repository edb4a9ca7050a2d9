import type { Readable, Writable } from 'node:stream'
import { InvalidCommandError } from '../../src/errors.ts'
import type { PeerClient } from '../core/peer-client.ts'
import { EVENT_NAMES, errorReply, MAX_COMMAND_BYTES, parseCommand, runCommand } from './commands.ts'

/** Write every PeerClient event as a JSON line. Attach before `start()` so nothing is missed. */
export function forwardEvents(peer: PeerClient, output: Writable): void {
  for (const name of EVENT_NAMES) {
    peer.addEventListener(name, (e: CustomEvent) =>
      output.write(`${JSON.stringify({ event: name, ...e.detail })}\n`)
    )
  }
}

/**
 * JSON-lines front-end: one command per line on `input`, replies and events one per line on `output`.
 * Nothing else is written to `output`. A bad line gets an error reply and the loop carries on.
 * Resolves when `quit` is received or the input ends.
 */
export function runJsonLines(peer: PeerClient, input: Readable, output: Writable): Promise<void> {
  const write = (obj: object): void => {
    output.write(`${JSON.stringify(obj)}\n`)
  }
  return new Promise(resolve => {
    let buffer = ''
    let discarding = false
    let done = false
    let chain = Promise.resolve()
    const finish = (): void => {
      if (done) return
      done = true
      input.off('data', onData)
      chain.then(() => resolve())
    }
    const handle = (line: string): void => {
      if (line.trim() === '') return
      let id: string | undefined
      let cmd: ReturnType<typeof parseCommand>
      try {
        cmd = parseCommand(line)
        id = cmd.id
      } catch (err) {
        write(errorReply((err as { id?: string }).id, err))
        return
      }
      // Commands run in order, so replies come in the order the commands were given.
      chain = chain.then(async () => {
        try {
          const reply = await runCommand(peer, cmd)
          write({ ...(id === undefined ? {} : { id }), ok: true, ...reply })
        } catch (err) {
          write(errorReply(id, err))
        }
      })
      if (cmd.cmd === 'quit') finish()
    }
    const onData = (chunk: Buffer | string): void => {
      buffer += chunk.toString()
      let nl = buffer.indexOf('\n')
      while (nl >= 0 && !done) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        if (discarding) discarding = false
        else handle(line)
        nl = buffer.indexOf('\n')
      }
      if (Buffer.byteLength(buffer) > MAX_COMMAND_BYTES) {
        // Bounded: an endless line is answered and dropped up to its newline.
        buffer = ''
        if (!discarding) {
          write(
            errorReply(
              undefined,
              new InvalidCommandError(`command line over ${MAX_COMMAND_BYTES} bytes: dropped`)
            )
          )
        }
        discarding = true
      }
    }
    input.setEncoding?.('utf8')
    input.on('data', onData)
    input.on('end', () => {
      // A last command without a newline still counts.
      if (!discarding && buffer.trim() !== '') handle(buffer)
      finish()
    })
  })
}
