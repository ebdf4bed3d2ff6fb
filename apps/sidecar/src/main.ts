#!/usr/bin/env node
/**
 * sei-sidecar entry point: argv, environment, logger and signals. The only file (with sidecar.ts,
 * which it calls) that listens; start order and reverse stop live in sidecar.ts.
 */
import { flushCompileCache } from 'node:module'
import { pino } from 'pino'
import { loadConfigFromProcess } from './config.js'
import { BUILTIN_TASKS } from './engine/tasks/index.js'
import { helpText } from './help.js'
import { checkHomeWritable } from './home.js'
import { type RunningSidecar, startSidecar } from './sidecar.js'

/** Under the pod's 30 s termination grace period, with room for kubelet's own SIGKILL margin. */
const SHUTDOWN = { drainDelayMs: 1_000, budgetMs: 25_000 } as const

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText(BUILTIN_TASKS))
    return 0
  }
  if (argv.length > 0) {
    process.stderr.write(`sei-sidecar: unknown argument ${JSON.stringify(argv[0])}; see --help\n`)
    return 2
  }
  const log = pino({ base: { service: 'sei-sidecar' } })
  // Listen for signals before starting: one arriving mid-start shuts down right after the start.
  let stopReason: string | undefined
  let onStop: (reason: string) => void = (reason) => {
    stopReason ??= reason
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => onStop(signal))

  const loaded = loadConfigFromProcess()
  const homeProblem = loaded.ok ? await checkHomeWritable(loaded.config.home) : undefined
  if (!loaded.ok || homeProblem) {
    const errors = loaded.ok ? [homeProblem ?? ''] : loaded.errors
    log.fatal({ errors }, 'invalid configuration')
    process.stderr.write(`sei-sidecar: invalid configuration:\n${errors.map((e) => `  ${e}`).join('\n')}\n`)
    return 1
  }
  let sidecar: RunningSidecar
  try {
    sidecar = await startSidecar(loaded.config, log, SHUTDOWN)
  } catch (error) {
    log.fatal({ err: error }, 'start-up failed')
    // The one line an operator reads in `kubectl logs` / the terminal, e.g. a taken port by variable.
    process.stderr.write(`sei-sidecar: start-up failed: ${(error as Error).message ?? String(error)}\n`)
    return 1
  }
  // Write the code cache of everything loaded so far now: a SIGKILLed process never writes it at exit.
  flushCompileCache()
  const stopped = new Promise<boolean>((resolve) => {
    onStop = (reason) => void sidecar.shutdown(reason).then(resolve)
  })
  if (stopReason) onStop(stopReason)
  return (await stopped) ? 0 : 1
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
    // Give pino a moment to flush; never let a stray handle keep a terminating pod alive.
    setTimeout(() => process.exit(code), 200).unref()
  },
  (error: unknown) => {
    process.stderr.write(
      `sei-sidecar: fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exit(1)
  },
)
