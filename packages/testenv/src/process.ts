import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { TestenvError } from './errors.js'
import { isAddressInUse } from './ports.js'

interface ExitStatus {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A process testenv started; `stop()` is idempotent and resolves once the process is gone. */
export interface ManagedProcess {
  readonly name: string
  readonly pid: number
  readonly logFile: string
  readonly exited: Promise<ExitStatus>
  hasExited(): boolean
  stop(): Promise<void>
}

export interface StartProcessOptions {
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
  /** stdout and stderr are appended here; named in every error about this process. */
  readonly logFile: string
  readonly env?: NodeJS.ProcessEnv
  /** Detach into its own session so the process outlives this Node process (CLI `up`). */
  readonly detached?: boolean
  readonly stopGraceMs?: number
}

/** startProcess spawns a binary with its output in a log file. Throws if it cannot be started at all. */
export function startProcess(options: StartProcessOptions): ManagedProcess {
  const fd = openSync(options.logFile, 'a')
  let child: ChildProcess
  try {
    child = spawn(options.command, options.args, {
      stdio: ['ignore', fd, fd],
      env: options.env ?? process.env,
      detached: options.detached ?? false,
    })
  } finally {
    // the child holds its own copy of the descriptor
    closeSync(fd)
  }
  const pid = child.pid
  if (pid === undefined) {
    throw new TestenvError('processExited', `could not start ${options.name} (${options.command})`, {
      logFile: options.logFile,
    })
  }
  let done = false
  // If this Node process exits without stop() (a crashed test run, process.exit in a worker), do not
  // leave an attached child behind. 'exit' handlers must be synchronous: SIGKILL is.
  const killOnExit = (): void => {
    if (!done) child.kill('SIGKILL')
  }
  if (!options.detached) process.once('exit', killOnExit)
  const exited = new Promise<ExitStatus>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true
      process.removeListener('exit', killOnExit)
      resolve({ code, signal })
    })
    child.on('error', () => {
      done = true
      process.removeListener('exit', killOnExit)
      resolve({ code: null, signal: null })
    })
  })
  if (options.detached) child.unref()
  let stopping: Promise<void> | undefined
  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    hasExited: () => done,
    stop() {
      stopping ??= stopChild(child, exited, () => done, options.stopGraceMs ?? 5_000)
      return stopping
    },
  }
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<ExitStatus>,
  isDone: () => boolean,
  graceMs: number,
): Promise<void> {
  if (isDone()) return
  child.kill('SIGTERM')
  const timedOut = await Promise.race([exited.then(() => false), delay(graceMs).then(() => true)])
  if (timedOut && !isDone()) {
    child.kill('SIGKILL')
    await exited
  }
}

/** stopInReverse stops processes last-started first and collects every error. */
export async function stopInReverse(processes: readonly ManagedProcess[]): Promise<unknown[]> {
  const errors: unknown[] = []
  for (const proc of [...processes].reverse()) {
    try {
      await proc.stop()
    } catch (error) {
      errors.push(error)
    }
  }
  return errors
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** isPidAlive reports whether a process with this PID exists (signal 0 checks without sending). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    // A killed child whose parent already exited is re-parented to init or a subreaper (turbo is
    // one) and may stay a zombie until reaped: it answers signal 0 but runs nothing.
    return !isZombie(pid)
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * stopPid stops a process that is not our child (CLI `down`): SIGTERM, then SIGKILL after the
 * grace period. Resolves once the PID is gone.
 */
export async function stopPid(pid: number, graceMs = 5_000): Promise<void> {
  if (!isPidAlive(pid)) return
  signal(pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    if (!isPidAlive(pid)) return
    await delay(50)
  }
  signal(pid, 'SIGKILL')
  while (isPidAlive(pid)) await delay(20)
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // already gone
  }
}

/** httpOk: a plain-HTTP health probe (etcd, kwok) answering 2xx within 2 s. */
export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
  await res.arrayBuffer()
  return res.ok
}

export interface WaitOptions {
  readonly what: string
  readonly timeoutMs: number
  readonly intervalMs?: number
}

/**
 * waitUntilHealthy polls `check` until it returns true. It fails fast with TESTENV_PROCESS_EXITED
 * (or TESTENV_PORT_RACE when the log shows a bind failure) if the process dies, and with
 * TESTENV_NOT_READY after the timeout; both name the process's log file.
 */
export async function waitUntilHealthy(
  proc: ManagedProcess,
  check: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs
  for (;;) {
    if (proc.hasExited()) throw exitError(proc, options.what)
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) {
      throw new TestenvError('notReady', `${options.what} not ready after ${options.timeoutMs} ms`, {
        logFile: proc.logFile,
      })
    }
    await delay(options.intervalMs ?? 100)
  }
}

function exitError(proc: ManagedProcess, what: string): TestenvError {
  const text = readTail(proc.logFile)
  if (isAddressInUse(text)) {
    return new TestenvError('portRace', `${what} could not bind its port`, { logFile: proc.logFile })
  }
  return new TestenvError('processExited', `${what} exited during start-up`, { logFile: proc.logFile })
}

function readTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-8_192)
  } catch {
    return ''
  }
}

/** True when /proc says the PID is a zombie (state Z); false when /proc cannot tell. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The state follows the parenthesised command name, which may itself contain ") ".
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z'
  } catch {
    return false
  }
}
