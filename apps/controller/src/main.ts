#!/usr/bin/env node
/** Process entry: wires real stdin/stdout/files and SIGTERM/SIGINT into the CLI and sets the exit code. */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { text } from 'node:stream/consumers'
import { runCli } from './cli.js'

/**
 * stdout lines written once per event-loop turn: a pipe write is a synchronous syscall in Node, and one
 * per log line was a tenth of `run`'s CPU with 1,000 nodes. Flushed at exit, crash included.
 */
let pending: string[] = []
const flushStdout = (): void => {
  if (pending.length === 0) return
  const text = pending.join('')
  pending = []
  process.stdout.write(text)
}
process.on('exit', flushStdout)

const stop = new AbortController()
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort(signal))

process.exitCode = await runCli(process.argv.slice(2), {
  signal: stop.signal,
  readFile: (path) => readFile(path, 'utf8'),
  readStdin: () => text(process.stdin),
  writeFile: async (path, content) => {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, content)
  },
  stdout: (chunk) => {
    pending.push(chunk)
    if (pending.length === 1) setImmediate(flushStdout)
  },
  stderr: (chunk) => process.stderr.write(chunk),
})
