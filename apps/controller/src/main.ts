#!/usr/bin/env node
/** Process entry: wires real stdin/stdout/files and SIGTERM/SIGINT into the CLI and sets the exit code. */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { text } from 'node:stream/consumers'
import { runCli } from './cli.js'

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
  stdout: (chunk) => process.stdout.write(chunk),
  stderr: (chunk) => process.stderr.write(chunk),
})
