/**
 * Helpers of the `run` integration tests: the controller as a real process (`node dist/main.js run`),
 * write counts read from the API server's own /metrics (independent of the controller), polling.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ControlPlaneClient, KubeObject } from '@sei-k8s/testenv'
import { buildSeiNodeCrd } from '../../src/api/crd.js'

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url))
const MAIN = join(PACKAGE_DIR, 'dist', 'main.js')
/** Where no sidecar listens (port 1 on loopback): the default of tests that run none. */
export const CLOSED_SIDECAR_URL = 'http://127.0.0.1:1'

interface LogLine {
  readonly level: number
  readonly msg: string
  readonly key?: string
  readonly [field: string]: unknown
}

export interface RunningController {
  readonly process: ChildProcess
  readonly lines: LogLine[]
  readonly healthPort: number
  readonly metricsPort: number
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
  metrics(): Promise<string>
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** Starts `run` against `kubeconfigPath` with free health/metrics ports on 127.0.0.1. */
export async function startController(options: {
  readonly kubeconfigPath: string
  readonly args: readonly string[]
  /** Wait for this log message before resolving (default: 'caches synced'). */
  readonly readyMessage?: string
}): Promise<RunningController> {
  const child = spawn(
    process.execPath,
    [
      MAIN,
      'run',
      `--kubeconfig=${options.kubeconfigPath}`,
      '--health-port=0',
      '--metrics-port=0',
      '--bind-address=127.0.0.1',
      // Tests that run no sidecar: a closed loopback port, never a DNS lookup of *.svc.cluster.local.
      ...(options.args.some((a) => a.startsWith('--sidecar-url-template'))
        ? []
        : [`--sidecar-url-template=${CLOSED_SIDECAR_URL}`]),
      ...options.args,
    ],
    { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const lines: LogLine[] = []
  let stderr = ''
  let buffered = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    let i = buffered.indexOf('\n')
    while (i >= 0) {
      const line = buffered.slice(0, i)
      buffered = buffered.slice(i + 1)
      i = buffered.indexOf('\n')
      try {
        lines.push(JSON.parse(line) as LogLine)
      } catch {
        lines.push({ level: 0, msg: `unparsable: ${line}` })
      }
    }
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = options.readyMessage ?? 'caches synced'
  try {
    await waitFor(`controller log "${ready}" (stderr: ${stderr})`, () => {
      if (child.exitCode !== null) throw new Error(`controller exited ${child.exitCode}: ${stderr}`)
      return lines.some((l) => l.msg === ready)
    })
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  const starting = lines.find((l) => l.msg === 'controller starting')
  const healthPort = Number(starting?.['healthPort'])
  const metricsPort = Number(starting?.['metricsPort'])
  return {
    process: child,
    lines,
    healthPort,
    metricsPort,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
    async metrics() {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
      return res.text()
    },
  }
}

/** Installs the SeiNode CRD (idempotent). */
export async function ensureCrd(plane: ControlPlaneClient): Promise<void> {
  await plane.applyManifest([buildSeiNodeCrd() as unknown as KubeObject])
  await plane.waitForCrd('seinodes.sei.io')
}

const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY', 'CREATE', 'UPDATE'])

/**
 * Write requests the API server counted (apiserver_request_total), by resource, read from its /metrics.
 * `resources` limits the sum (e.g. without leases).
 */
export async function apiWrites(plane: ControlPlaneClient, resources: readonly string[]): Promise<number> {
  const res = await plane.kube.expectOk('GET', '/metrics')
  let sum = 0
  for (const line of res.text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue
    const verb = /verb="([A-Z]+)"/.exec(line)?.[1] ?? ''
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? ''
    if (!WRITE_VERBS.has(verb) || !resources.includes(resource)) continue
    sum += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return sum
}

/** Requests the API server counted for one verb and resource (any code). */
export async function apiRequests(
  plane: ControlPlaneClient,
  verb: string,
  resource: string,
): Promise<number> {
  const res = await plane.kube.expectOk('GET', '/metrics')
  let sum = 0
  for (const line of res.text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue
    if (!line.includes(`verb="${verb}"`) || !line.includes(`resource="${resource}"`)) continue
    sum += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return sum
}

/** GET an object as admin; undefined on 404. */
export async function getObject<T = Record<string, unknown>>(
  plane: ControlPlaneClient,
  path: string,
): Promise<T | undefined> {
  const res = await plane.kube.request('GET', path)
  if (res.status === 404) return undefined
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`)
  return res.body as T
}

/** A kubeconfig file for `token` against the plane. */
export function writeTokenKubeconfig(plane: ControlPlaneClient, dir: string, token: string): string {
  const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}.json`)
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'plane', cluster: { server: plane.apiUrl, 'certificate-authority': plane.caFile } }],
    users: [{ name: 'user', user: { token } }],
    contexts: [{ name: 'ctx', context: { cluster: 'plane', user: 'user' } }],
    'current-context': 'ctx',
  }
  writeFileSync(path, JSON.stringify(config))
  return path
}
