/**
 * The node side of the sidecar tests, as real processes: the built sidecar (`@sei-k8s/sidecar`'s bundled
 * bin) on free loopback ports with its own SEI_HOME (seid's three config files written as `seid init`
 * would), and in front of it the real kube-rbac-proxy started with the args and ConfigMap the builder
 * rendered for that SeiNode. Plus the URL map file the controller reads (`--sidecar-url-map`), and a
 * fake `seid` for restart-seid.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CONTAINERS, ENV, HEADERS, rbacProxyConfigMapName } from '@sei-k8s/contract'
import { binaryPaths, type ControlPlaneClient, type RbacProxy, startRbacProxy } from '@sei-k8s/testenv'
import type { SeiNode } from '../../src/api/seinode.js'
import { DEFAULT_PLATFORM } from '../../src/platform.js'
import { render } from '../fixtures.js'
import { waitFor } from './run-helpers.js'

const SIDECAR_BIN = fileURLToPath(
  new URL('../../node_modules/@sei-k8s/sidecar/dist/bundle/sei-sidecar.cjs', import.meta.url),
)

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (typeof address !== 'object' || address === null) throw new Error('no port')
  return address.port
}

/** What `seid init` leaves in config/: the files config-patch merges into and config-validate reads. */
function writeSeidConfig(home: string, chainId: string): void {
  const dir = join(home, 'config')
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'config.toml'),
    'moniker = "init"\n\n[mempool]\nsize = 5000\n\n[p2p]\nmax_num_inbound_peers = 40\n',
  )
  writeFileSync(join(dir, 'app.toml'), '# seid app config\nminimum-gas-prices = ""\n')
  writeFileSync(join(dir, 'client.toml'), `chain-id = "${chainId}"\n`)
}

interface SubmittedTask {
  readonly taskId: string
  readonly user: string
}

export interface NodeSidecar {
  readonly home: string
  readonly proxy: RbacProxy
  /** `task submitted` lines of every incarnation of the sidecar process (its own log: who sent what). */
  submitted(): SubmittedTask[]
  /** SIGKILL the sidecar and start it again on the same ports and SEI_HOME. */
  restart(): Promise<void>
  /** The node id derived from config/node_key.json (CometBFT: first 20 bytes of sha256(ed25519 pubkey)). */
  nodeIdFromKey(): string
  readFile(file: string): string
  /** GET a task straight from the loopback tasks listener (as the proxy would forward it). */
  tasks(): Promise<{ id: string; type: string; run: number; status: string }[]>
  stop(): Promise<void>
}

export async function startNodeSidecar(plane: ControlPlaneClient, seiNode: SeiNode): Promise<NodeSidecar> {
  const home = mkdtempSync(join(tmpdir(), 'sei-controller-sidecar-'))
  writeSeidConfig(home, seiNode.spec.chainId)
  const tasksPort = await freePort()
  const publicPort = await freePort()
  let output = ''
  let child: ChildProcess | undefined
  const start = async (): Promise<void> => {
    const proc = spawn(process.execPath, [SIDECAR_BIN], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        [ENV.home]: home,
        [ENV.chainId]: seiNode.spec.chainId,
        [ENV.sidecarPort]: String(tasksPort),
        [ENV.sidecarPublicPort]: String(publicPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    proc.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    proc.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child = proc
    await waitFor(`sidecar startupz (${output})`, async () => {
      if (proc.exitCode !== null) throw new Error(`sidecar exited ${proc.exitCode}: ${output}`)
      try {
        const res = await fetch(`http://127.0.0.1:${publicPort}/v0/startupz`, {
          signal: AbortSignal.timeout(1000),
        })
        return res.status === 200
      } catch {
        return false
      }
    })
  }
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill(signal)
    await exited
  }
  await start()
  const rendered = render(seiNode, DEFAULT_PLATFORM)
  if (rendered.configMap.metadata.name !== rbacProxyConfigMapName(seiNode.metadata.name)) {
    throw new Error('unexpected ConfigMap')
  }
  const proxy = await startRbacProxy(plane, {
    upstream: `http://127.0.0.1:${tasksPort}/`,
    configYaml: rendered.configMap.data['config.yaml'] ?? '',
    args: rendered.container(CONTAINERS.rbacProxy).args ?? [],
    binaries: binaryPaths(),
  })
  return {
    home,
    proxy,
    submitted: () =>
      output
        .split('\n')
        .filter((l) => l.includes('"task submitted"'))
        .map((l) => JSON.parse(l) as { taskId: string; user: string })
        .map(({ taskId, user }) => ({ taskId, user })),
    restart: async () => {
      await kill('SIGKILL')
      await start()
    },
    nodeIdFromKey: () => {
      const key = JSON.parse(readFileSync(join(home, 'config', 'node_key.json'), 'utf8')) as {
        priv_key: { value: string }
      }
      const pub = Buffer.from(key.priv_key.value, 'base64').subarray(32)
      return createHash('sha256').update(pub).digest('hex').slice(0, 40)
    },
    readFile: (file) => readFileSync(join(home, 'config', file), 'utf8'),
    tasks: async () => {
      const res = await fetch(`http://127.0.0.1:${tasksPort}/v0/tasks`, {
        headers: { [HEADERS.remoteUser]: 'test-observer' },
      })
      return (await res.json()) as { id: string; type: string; run: number; status: string }[]
    },
    stop: async () => {
      await proxy.stop()
      await kill('SIGTERM')
      rmSync(home, { recursive: true, force: true })
    },
  }
}

/** Adds `namespace/name → url` to the controller's URL map file (atomically: the controller may read it). */
export function addToUrlMap(path: string, namespace: string, name: string, url: string): void {
  let map: Record<string, string> = {}
  try {
    map = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>
  } catch {
    // first entry
  }
  map[`${namespace}/${name}`] = url
  writeFileSync(`${path}.tmp`, JSON.stringify(map))
  renameSync(`${path}.tmp`, path)
}

/**
 * A FAKE seid for restart-seid: `/bin/sleep` exec'd through a symlink named `seid` (the kernel takes the
 * process's comm from the exec'd path, which is how the sidecar finds seid). Resolves the signal it died of.
 */
export function startFakeSeid(): {
  readonly pid: number
  readonly died: Promise<string | null>
  kill(): void
} {
  const dir = mkdtempSync(join(tmpdir(), 'fake-seid-'))
  const link = join(dir, 'seid')
  symlinkSync('/bin/sleep', link)
  const child = spawn(link, ['300'], { stdio: 'ignore' })
  const died = new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
  return {
    pid: child.pid ?? -1,
    died,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
