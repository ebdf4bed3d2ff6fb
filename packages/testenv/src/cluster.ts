import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BinaryPaths, Log } from './binaries.js'
import { controllerManagerArgs } from './controller-manager.js'
import { TestenvError } from './errors.js'
import { createKubeHttp, type KubeHttp } from './kube-http.js'
import type { KubeObject } from './kube-object.js'
import {
  DEFAULT_NODE_CAPACITY,
  FAKE_STORAGE_CLASS,
  fakeNode,
  fakeNodeName,
  KWOK_STAGES_FILE,
  kwokArgs,
  type NodeCapacity,
} from './kwok.js'
import type { PlaneFiles } from './plane-files.js'
import { freePorts, LOOPBACK } from './ports.js'
import {
  delay,
  httpOk,
  type ManagedProcess,
  startProcess,
  stopInReverse,
  waitUntilHealthy,
} from './process.js'
import { schedulerArgs, schedulerConfig } from './scheduler.js'

/** Cluster mode: kube-controller-manager, kube-scheduler and kwok with `nodes` fake nodes. */
export interface ClusterOptions {
  /** Fake nodes kwok manages (default 1), named `kwok-node-<i>`. */
  readonly nodes?: number
  /** Capacity and allocatable of every fake node (default 16 CPU, 64Gi, 110 Pods). */
  readonly nodeCapacity?: NodeCapacity
}

export interface StartedCluster {
  /** In start order: kube-controller-manager, kube-scheduler, kwok. */
  readonly processes: readonly ManagedProcess[]
  readonly nodeNames: readonly string[]
}

export interface StartClusterContext {
  readonly binaries: BinaryPaths
  readonly files: PlaneFiles
  /** Admin client of the running apiserver. */
  readonly kube: KubeHttp
  readonly detached: boolean
  readonly readyTimeoutMs: number
  readonly log?: Log
  readonly portAttempts?: number
}

/** A started component and how to ask it whether it is healthy. */
interface Component {
  readonly proc: ManagedProcess
  readonly healthUrl: string
  /** The Kubernetes components serve TLS with the plane's loopback certificate; kwok plain HTTP. */
  readonly tls: boolean
}

/**
 * startCluster starts kube-controller-manager, kube-scheduler and kwok (in that order) against a
 * running apiserver, creates the fake nodes, and waits until all three answer /healthz, the
 * ServiceAccount controller has created `default/default` (so the ServiceAccount admission plugin
 * admits Pods) and every node is Ready and untainted. A port race restarts the three with fresh
 * ports; any other failure stops what started (reverse order) and throws an error naming the log.
 */
export async function startCluster(
  ctx: StartClusterContext,
  options: ClusterOptions,
): Promise<StartedCluster> {
  const count = options.nodes ?? 1
  if (!Number.isInteger(count) || count < 1) {
    throw new TestenvError('invalidInput', `cluster.nodes must be an integer >= 1, got ${String(count)}`)
  }
  const nodeNames = Array.from({ length: count }, (_, i) => fakeNodeName(i))
  const attempts = ctx.portAttempts ?? 3
  for (let attempt = 1; ; attempt++) {
    const components = await spawnComponents(ctx)
    const processes = components.map((c) => c.proc)
    try {
      // Nodes and the StorageClass are created while the components start: kwok picks them up by watch.
      await Promise.all([
        waitForHealth(ctx, components),
        createNodes(ctx.kube, count, options.nodeCapacity),
        createOnce(ctx.kube, '/apis/storage.k8s.io/v1/storageclasses', FAKE_STORAGE_CLASS),
      ])
      await waitForServiceAccount(ctx, processes[0])
      await waitForNodesReady(ctx, nodeNames, processes[2])
      return { processes, nodeNames }
    } catch (error) {
      await stopInReverse(processes)
      if (!(error instanceof TestenvError && error.kind === 'portRace') || attempt >= attempts) throw error
      ctx.log?.(`testenv: port race (${error.message}); restarting the cluster components with fresh ports`)
    }
  }
}

async function spawnComponents(ctx: StartClusterContext): Promise<Component[]> {
  const { files, binaries } = ctx
  const [kcmPort = 0, schedPort = 0, kwokPort = 0] = await freePorts(3)
  const schedulerConfigFile = join(files.dir, 'kube-scheduler.config.json')
  writeFileSync(
    schedulerConfigFile,
    JSON.stringify(schedulerConfig(files.components.scheduler.kubeconfigPath)),
  )
  const specs = [
    {
      name: 'kube-controller-manager',
      command: binaries.kubeControllerManager,
      args: controllerManagerArgs({
        kubeconfig: files.components.controllerManager.kubeconfigPath,
        securePort: kcmPort,
        certs: files.certs,
        certDir: join(files.dir, 'kube-controller-manager-certs'),
      }),
      healthUrl: `https://${LOOPBACK}:${kcmPort}/healthz`,
      tls: true,
    },
    {
      name: 'kube-scheduler',
      command: binaries.kubeScheduler,
      args: schedulerArgs({
        configFile: schedulerConfigFile,
        kubeconfig: files.components.scheduler.kubeconfigPath,
        securePort: schedPort,
        certs: files.certs,
        certDir: join(files.dir, 'kube-scheduler-certs'),
      }),
      healthUrl: `https://${LOOPBACK}:${schedPort}/healthz`,
      tls: true,
    },
    {
      name: 'kwok',
      command: binaries.kwok,
      args: kwokArgs({
        kubeconfig: files.components.kwok.kubeconfigPath,
        configFile: KWOK_STAGES_FILE,
        port: kwokPort,
      }),
      healthUrl: `http://${LOOPBACK}:${kwokPort}/healthz`,
      tls: false,
    },
  ]
  const started: Component[] = []
  try {
    for (const spec of specs) {
      const logFile = join(files.logDir, `${spec.name}.log`)
      const proc = startProcess({ ...spec, logFile, detached: ctx.detached })
      started.push({ proc, healthUrl: spec.healthUrl, tls: spec.tls })
    }
    return started
  } catch (error) {
    await stopInReverse(started.map((c) => c.proc))
    throw error
  }
}

async function waitForHealth(ctx: StartClusterContext, components: readonly Component[]): Promise<void> {
  const ca = readFileSync(ctx.files.certs.caCert, 'utf8')
  await Promise.all(
    components.map(async ({ proc, healthUrl, tls }) => {
      const url = new URL(healthUrl)
      const probe = tls ? createKubeHttp({ apiUrl: url.origin, ca, token: ctx.files.adminToken }) : undefined
      const check = probe
        ? async () => (await probe.request('GET', url.pathname)).status === 200
        : () => httpOk(healthUrl)
      try {
        await waitUntilHealthy(proc, check, { what: proc.name, timeoutMs: ctx.readyTimeoutMs })
      } finally {
        probe?.close()
      }
    }),
  )
}

/** Nodes are created with their status (capacity, addresses); batches keep 1,000 nodes quick. */
async function createNodes(kube: KubeHttp, count: number, capacity = DEFAULT_NODE_CAPACITY): Promise<void> {
  const batch = 16
  for (let first = 0; first < count; first += batch) {
    const indexes = Array.from({ length: Math.min(batch, count - first) }, (_, i) => first + i)
    await Promise.all(indexes.map((i) => createOnce(kube, '/api/v1/nodes', fakeNode(i, capacity))))
  }
}

/** createOnce POSTs an object; one that already exists (409, e.g. after a port-race restart) is fine. */
async function createOnce(kube: KubeHttp, collection: string, object: KubeObject): Promise<void> {
  const res = await kube.request('POST', collection, { body: object })
  if (res.status !== 201 && res.status !== 409) {
    throw new TestenvError(
      'apiRequest',
      `creating ${object.kind} ${object.metadata.name}: ${res.status} ${res.text.slice(0, 300)}`,
    )
  }
}

async function waitForServiceAccount(
  ctx: StartClusterContext,
  kcm: ManagedProcess | undefined,
): Promise<void> {
  await pollUntil(ctx, kcm, 'the ServiceAccount default/default (kube-controller-manager)', async () => {
    const res = await ctx.kube.request('GET', '/api/v1/namespaces/default/serviceaccounts/default')
    return res.status === 200
  })
}

async function waitForNodesReady(
  ctx: StartClusterContext,
  nodeNames: readonly string[],
  kwok: ManagedProcess | undefined,
): Promise<void> {
  const wanted = new Set(nodeNames)
  await pollUntil(ctx, kwok, `${nodeNames.length} kwok node(s) Ready and untainted`, async () => {
    const res = await ctx.kube.request('GET', '/api/v1/nodes')
    const items = (res.body as { items?: NodeLike[] } | undefined)?.items ?? []
    const ready = items.filter((n) => wanted.has(n.metadata?.name ?? '') && isNodeSchedulable(n))
    return ready.length === wanted.size
  })
}

interface NodeLike {
  readonly metadata?: { readonly name?: string }
  readonly spec?: { readonly taints?: readonly unknown[] }
  readonly status?: { readonly conditions?: readonly { readonly type?: string; readonly status?: string }[] }
}

/**
 * Ready, and without taints: the apiserver taints every new node `node.kubernetes.io/not-ready`
 * until the node lifecycle controller sees it Ready; a Pod created before that would wait out the
 * scheduler's backoff.
 */
function isNodeSchedulable(node: NodeLike): boolean {
  const ready = (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  return ready && (node.spec?.taints ?? []).length === 0
}

async function pollUntil(
  ctx: StartClusterContext,
  owner: ManagedProcess | undefined,
  what: string,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + ctx.readyTimeoutMs
  for (;;) {
    if (owner?.hasExited()) {
      throw new TestenvError('processExited', `${owner.name} exited before ${what}`, {
        logFile: owner.logFile,
      })
    }
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) {
      throw new TestenvError('notReady', `no ${what} after ${ctx.readyTimeoutMs} ms`, {
        ...(owner ? { logFile: owner.logFile } : {}),
      })
    }
    await delay(100)
  }
}
