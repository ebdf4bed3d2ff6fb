/** Starts the built sidecar (the bundled bin, `dist/bundle/sei-sidecar.cjs`) as a real process on free loopback ports. */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@sei-k8s/testenv'

export const MAIN = fileURLToPath(new URL('../../dist/bundle/sei-sidecar.cjs', import.meta.url))

export function makeHome(): { home: string; remove: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'sidecar-int-'))
  return { home, remove: () => rmSync(home, { recursive: true, force: true }) }
}

export interface SidecarProcess {
  readonly child: ChildProcess
  readonly pid: number
  readonly tasksPort: number
  readonly publicPort: number
  readonly tasksUrl: string
  readonly publicUrl: string
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string
  /** Resolves with the exit code (or signal name) once the process ended. */
  readonly exited: Promise<number | string>
  signal(name: NodeJS.Signals): void
}

export interface StartOptions {
  readonly home: string
  readonly env?: Readonly<Record<string, string>>
  readonly tasksPort?: number
  readonly publicPort?: number
  /** Wrap the command, e.g. ['ip', 'netns', 'exec', 'ns1']. */
  readonly prefix?: readonly string[]
  /** Where to poll startupz; defaults to 127.0.0.1. */
  readonly publicHost?: string
  readonly waitForStartup?: boolean
}

export async function startSidecar(options: StartOptions): Promise<SidecarProcess> {
  const tasksPort = options.tasksPort ?? (await freePort())
  const publicPort = options.publicPort ?? (await freePort())
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    SEI_HOME: options.home,
    SEI_CHAIN_ID: 'test-1',
    SEI_SIDECAR_PORT: String(tasksPort),
    SEI_SIDECAR_PUBLIC_PORT: String(publicPort),
    ...options.env,
  }
  const [command, ...args] = [...(options.prefix ?? []), process.execPath, MAIN]
  const child = spawn(command ?? process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  )
  const host = options.publicHost ?? '127.0.0.1'
  const sidecar: SidecarProcess = {
    child,
    pid: child.pid ?? -1,
    tasksPort,
    publicPort,
    tasksUrl: `http://127.0.0.1:${tasksPort}`,
    publicUrl: `http://${host}:${publicPort}`,
    output: () => output,
    exited,
    signal: (name) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(name)
    },
  }
  if (options.waitForStartup !== false) await waitForStartup(sidecar)
  return sidecar
}

async function waitForStartup(sidecar: SidecarProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let hasExited = false
  void sidecar.exited.then(() => {
    hasExited = true
  })
  while (Date.now() < deadline) {
    if (hasExited) throw new Error(`sidecar exited during start-up:\n${sidecar.output()}`)
    try {
      const res = await fetch(`${sidecar.publicUrl}/v0/startupz`, { signal: AbortSignal.timeout(1000) })
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`sidecar not started within ${timeoutMs}ms:\n${sidecar.output()}`)
}

/** Stops the process (SIGKILL if it will not go) and waits for it. Safe to call twice. */
export async function stopSidecar(sidecar: SidecarProcess | undefined): Promise<void> {
  if (!sidecar) return
  sidecar.signal('SIGTERM')
  const timer = setTimeout(() => sidecar.signal('SIGKILL'), 10_000)
  await sidecar.exited
  clearTimeout(timer)
}

export const IDENTITY = {
  'x-remote-user': 'system:serviceaccount:sei-k8s-controller-system:sei-k8s-controller-manager',
}

export async function submit(sidecar: SidecarProcess, body: unknown): Promise<Response> {
  return fetch(`${sidecar.tasksUrl}/v0/tasks`, {
    method: 'POST',
    headers: { ...IDENTITY, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

/** Says loudly why a test cannot run here; in CI a missing prerequisite is a failure instead. */
export function missingPrerequisite(what: string, howToInstall: string): string | undefined {
  const message = `SKIPPED: ${what} is missing; install it with: ${howToInstall}`
  if (process.env['CI'] === 'true' || process.env['CI'] === '1') {
    throw new Error(`${message} (CI=${process.env['CI']}: a missing prerequisite fails the suite)`)
  }
  console.warn(`\n!!! ${message}\n`)
  return message
}
