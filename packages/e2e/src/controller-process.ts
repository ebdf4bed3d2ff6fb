/**
 * The built controller (`run`) as a real process, started the way the shipped Deployment starts it: its
 * args and env read from install.yaml's Deployment, with only the listen addresses moved (free ports on
 * 127.0.0.1) and a kubeconfig holding a token of the shipped ServiceAccount in place of the in-cluster files.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CONTROLLER } from '@sei-k8s/contract'
import type { ControlPlaneClient, KubeObject } from '@sei-k8s/testenv'
import { waitFor } from './http.js'
import { controllerMain } from './package-files.js'

/** One pino JSON line of the controller. */
export interface LogLine {
  readonly msg: string
  readonly [field: string]: unknown
}

export interface ControllerProcess {
  readonly pid: number
  readonly args: readonly string[]
  readonly lines: readonly LogLine[]
  readonly healthPort: number
  readonly metricsPort: number
  hasExited(): boolean
  /** SIGTERM by PID (SIGKILL after 15 s); resolves with the exit code. Idempotent. */
  stop(): Promise<number | null>
}

interface DeploymentContainer {
  readonly args?: readonly string[]
  readonly env?: readonly { readonly name: string; readonly value?: string }[]
}

/** The controller Deployment's only container, from the install objects. */
export function deploymentContainer(install: readonly KubeObject[]): DeploymentContainer {
  const deployment = install.find(
    (o) => o.kind === 'Deployment' && o.metadata.namespace === CONTROLLER.namespace,
  ) as { spec?: { template?: { spec?: { containers?: DeploymentContainer[] } } } } | undefined
  const containers = deployment?.spec?.template?.spec?.containers ?? []
  if (containers.length !== 1 || !containers[0])
    throw new Error(`install.yaml's controller Deployment has ${containers.length} containers, expected 1`)
  return containers[0]
}

const MOVED_FLAGS = new Set(['--health-port', '--metrics-port', '--bind-address', '--kubeconfig'])

/**
 * PURE: the Deployment's args with the listen addresses moved to free ports on loopback and the given
 * kubeconfig; every other arg (`run`, `--leader-elect=true`, …) kept as shipped, then `extra`.
 */
export function controllerArgs(
  shipped: readonly string[],
  kubeconfigPath: string,
  extra: readonly string[] = [],
): string[] {
  const kept = shipped.filter((a) => !MOVED_FLAGS.has(a.split('=')[0] ?? a))
  return [
    ...kept,
    '--health-port=0',
    '--metrics-port=0',
    '--bind-address=127.0.0.1',
    `--kubeconfig=${kubeconfigPath}`,
    ...extra,
  ]
}

/** A kubeconfig for the plane with a bearer token; its context namespace is the controller's own, as in its pod. */
export function writeTokenKubeconfig(plane: ControlPlaneClient, dir: string, token: string): string {
  const path = join(dir, 'controller.kubeconfig.json')
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'testenv', cluster: { server: plane.apiUrl, 'certificate-authority': plane.caFile } }],
    users: [{ name: CONTROLLER.serviceAccount, user: { token } }],
    contexts: [
      {
        name: 'controller',
        context: { cluster: 'testenv', user: CONTROLLER.serviceAccount, namespace: CONTROLLER.namespace },
      },
    ],
    'current-context': 'controller',
  }
  writeFileSync(path, JSON.stringify(config), { mode: 0o600 })
  return path
}

/** The flags `run --help` lists: later controller parts add flags; callers pass only those this build has. */
export function controllerRunFlags(): Set<string> {
  const help = spawnSync(process.execPath, [controllerMain(), 'run', '--help'], { encoding: 'utf8' })
  return new Set(`${help.stdout}${help.stderr}`.match(/--[a-z][a-z-]+/g) ?? [])
}

export interface StartControllerOptions {
  readonly install: readonly KubeObject[]
  readonly kubeconfigPath: string
  readonly extraArgs?: readonly string[]
  /** Called with each log line as it arrives. */
  readonly onLine?: (line: LogLine) => void
}

/** Starts `run` and resolves once it logged `caches synced`; a failed start kills it and throws its output. */
export async function startController(options: StartControllerOptions): Promise<ControllerProcess> {
  const container = deploymentContainer(options.install)
  const args = controllerArgs(container.args ?? [], options.kubeconfigPath, options.extraArgs)
  const env: Record<string, string> = {}
  for (const entry of container.env ?? []) if (entry.value !== undefined) env[entry.name] = entry.value
  // The Deployment's env and nothing inherited, as in the pod.
  const child: ChildProcess = spawn(process.execPath, [controllerMain(), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (child.pid === undefined) throw new Error('could not spawn the controller')
  const pid = child.pid
  const lines: LogLine[] = []
  let stderr = ''
  let buffered = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      const text = buffered.slice(0, i)
      buffered = buffered.slice(i + 1)
      let line: LogLine
      try {
        line = JSON.parse(text) as LogLine
      } catch {
        line = { msg: `unparsable: ${text}` }
      }
      lines.push(line)
      options.onLine?.(line)
    }
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  let exited = false
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exited = true
      resolve(code)
    }),
  )
  let stopping: Promise<number | null> | undefined
  const stop = (): Promise<number | null> => {
    stopping ??= (async () => {
      if (!exited) process.kill(pid, 'SIGTERM')
      const timer = setTimeout(() => {
        if (!exited) process.kill(pid, 'SIGKILL')
      }, 15_000)
      const code = await exit
      clearTimeout(timer)
      return code
    })()
    return stopping
  }
  try {
    await waitFor('the controller to sync its caches', async () => {
      if (exited) throw new Error(`the controller exited during start-up:\n${stderr}`)
      return lines.some((l) => l.msg === 'caches synced') ? true : undefined
    })
  } catch (error) {
    await stop()
    throw error
  }
  const starting = lines.find((l) => l.msg === 'controller starting')
  return {
    pid,
    args,
    lines,
    healthPort: Number(starting?.['healthPort']),
    metricsPort: Number(starting?.['metricsPort']),
    hasExited: () => exited,
    stop,
  }
}
