#!/usr/bin/env node
// Entry of `sei-policy`: wires the process to runCli. All behaviour lives in cli/run.ts.
import { runCli } from './cli/run.js'

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
})
