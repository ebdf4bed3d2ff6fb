/**
 * The built sidecar (`node <its bin>`) as a real process, started with a rendered env in which only the
 * ports (free loopback ports) and SEI_HOME (a temp dir) are replaced. Stopped by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ENV } from '@sei-k8s/contract'
import { sidecarMain } from './package-files.js'

export interface SidecarProcess {
  readonly pid: number
  readonly tasksPort: number
  readonly publicPort: number
  readonly home: string
  /** The exact env the process got. */
  readonly env: Readonly<Record<string, string>>
  /** stdout + stderr so far (pino JSON lines). */
  output(): string
  hasExited(): boolean
  /** SIGTERM by PID, SIGKILL after `graceMs`; waits for the exit, then removes SEI_HOME. Idempotent. */
  stop(graceMs?: number): Promise<void>
}

export interface StartSidecarOptions {
  /** The sidecar container's env as rendered. */
  readonly renderedEnv: Readonly<Record<string, string>>
  readonly tasksPort: number
  readonly publicPort: number
  /** Prepares SEI_HOME before the sidecar starts (what the pod's init container would leave there). */
  readonly initHome?: (home: string) => void
  /** A command the sidecar runs under, e.g. `ip netns exec NS` (it must exec, keeping the PID). */
  readonly prefix?: readonly string[]
}

/** Spawns the sidecar; does not wait for it (the caller polls the rendered startup probe, like kubelet). */
export function startSidecarProcess(options: StartSidecarOptions): SidecarProcess {
  const home = mkdtempSync(join(tmpdir(), 'sei-e2e-home-'))
  options.initHome?.(home)
  const env = {
    ...options.renderedEnv,
    [ENV.sidecarPort]: String(options.tasksPort),
    [ENV.sidecarPublicPort]: String(options.publicPort),
    [ENV.home]: home,
  }
  // No inherited environment: the process sees what the pod spec gives it and nothing else.
  const [command = process.execPath, ...args] = [...(options.prefix ?? []), process.execPath, sidecarMain()]
  const child: ChildProcess = spawn(command, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (child.pid === undefined) {
    rmSync(home, { recursive: true, force: true })
    throw new Error('could not spawn the sidecar')
  }
  const pid = child.pid
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  let exited = false
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      resolve()
    }),
  )
  let stopping: Promise<void> | undefined
  return {
    pid,
    tasksPort: options.tasksPort,
    publicPort: options.publicPort,
    home,
    env,
    output: () => output,
    hasExited: () => exited,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (!exited) process.kill(pid, 'SIGTERM')
        const timer = setTimeout(() => {
          if (!exited) process.kill(pid, 'SIGKILL')
        }, graceMs)
        await exit
        clearTimeout(timer)
        rmSync(home, { recursive: true, force: true })
      })()
      return stopping
    },
  }
}
