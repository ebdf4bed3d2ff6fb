import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiserverArgs, apiserverUrl } from './apiserver.js'
import { type KubeconfigDocument, STATIC_USERS } from './auth-files.js'
import { type BinaryPaths, findBinaries, type Log } from './binaries.js'
import { type ClusterOptions, type StartedCluster, startCluster } from './cluster.js'
import type { Env } from './env.js'
import { TestenvError } from './errors.js'
import { etcdArgs, etcdHealthUrl } from './etcd.js'
import { createKubeHelpers, type KubeHelpers } from './kube-helpers.js'
import { createKubeHttp, type KubeHttp } from './kube-http.js'
import { type PlaneFiles, preparePlaneFiles, writeKubeconfigs } from './plane-files.js'
import { freePorts } from './ports.js'
import { httpOk, type ManagedProcess, startProcess, stopInReverse, waitUntilHealthy } from './process.js'

/** ControlPlaneInfo: everything a client needs to use a running plane; plain JSON (crosses processes). */
export interface ControlPlaneInfo {
  readonly apiUrl: string
  readonly caFile: string
  readonly adminToken: string
  readonly kubeconfigPath: string
  /** kubeconfig of kube-rbac-proxy's identity (bound to system:auth-delegator). */
  readonly rbacProxyKubeconfigPath: string
  readonly dir: string
  readonly logDir: string
  /** gitVersion reported by the apiserver's /version. */
  readonly version: string
  /** True when kube-controller-manager, kube-scheduler and kwok run (cluster mode). */
  readonly cluster: boolean
  /** The kwok nodes Pods are scheduled to (cluster mode); empty otherwise. */
  readonly nodeNames: readonly string[]
  readonly pids: {
    readonly etcd: number
    readonly apiserver: number
    readonly controllerManager?: number
    readonly scheduler?: number
    readonly kwok?: number
  }
}

/** A client of a running plane: its coordinates, an admin HTTP client and the helpers. */
export interface ControlPlaneClient extends KubeHelpers {
  readonly info: ControlPlaneInfo
  readonly apiUrl: string
  readonly caFile: string
  readonly adminToken: string
  readonly kubeconfigPath: string
  /** The admin kubeconfig document (load it with client-node's `KubeConfig.loadFromString(JSON.stringify(…))`). */
  readonly kubeConfig: KubeconfigDocument
  readonly kube: KubeHttp
  /** The kwok nodes (cluster mode); empty in the apiserver-only mode. */
  readonly nodeNames: readonly string[]
}

/** A started plane. `stop()` is idempotent, stops in reverse start order, and collects every error. */
export interface ControlPlane extends ControlPlaneClient, AsyncDisposable {
  stop(): Promise<void>
}

export interface StartControlPlaneOptions {
  /** Cached binaries; default: findBinaries() (throws TESTENV_BINARIES_MISSING if not built). */
  readonly binaries?: BinaryPaths
  readonly env?: Env
  /** Working directory (certs, data, logs); default: a fresh temp dir. Kept when start fails. */
  readonly dir?: string
  readonly log?: Log
  readonly readyTimeoutMs?: number
  /** Start processes in their own session so they outlive this Node process (CLI `up`). */
  readonly detached?: boolean
  /** Keep `dir` after stop (logs, etcd data). */
  readonly keepDir?: boolean
  readonly extraApiserverArgs?: readonly string[]
  /** Attempts with fresh ports when a port race is detected. */
  readonly portAttempts?: number
  /**
   * Cluster mode: also run kube-controller-manager, kube-scheduler and kwok with fake nodes, and keep
   * the ServiceAccount admission plugin on, so workloads get Pods that are scheduled, Running and
   * Ready. `true` means one node. Off by default: the apiserver-only plane starts faster.
   */
  readonly cluster?: boolean | ClusterOptions
}

/** The binaries each mode needs (a missing cluster binary does not stop the apiserver-only plane). */
const PLANE_TOOLS = ['etcd', 'kubeApiserver'] as const
const CLUSTER_TOOLS = [...PLANE_TOOLS, 'kubeControllerManager', 'kubeScheduler', 'kwok'] as const

/** connectControlPlane returns a client for a plane described by `info` (e.g. from vitest's inject). */
export function connectControlPlane(info: ControlPlaneInfo): ControlPlaneClient {
  const kube = createKubeHttp({
    apiUrl: info.apiUrl,
    ca: readFileSync(info.caFile, 'utf8'),
    token: info.adminToken,
  })
  const kubeConfig = JSON.parse(readFileSync(info.kubeconfigPath, 'utf8')) as KubeconfigDocument
  return clientFor(info, kube, kubeConfig)
}

/** The client surface shared by a started plane and one connected to from its info. */
function clientFor(
  info: ControlPlaneInfo,
  kube: KubeHttp,
  kubeConfig: KubeconfigDocument,
): ControlPlaneClient {
  return {
    ...createKubeHelpers(kube, { cluster: info.cluster }),
    info,
    nodeNames: info.nodeNames,
    apiUrl: info.apiUrl,
    caFile: info.caFile,
    adminToken: info.adminToken,
    kubeconfigPath: info.kubeconfigPath,
    kubeConfig,
    kube,
  }
}

interface Started {
  readonly etcd: ManagedProcess
  readonly apiserver: ManagedProcess
  readonly apiUrl: string
}

/**
 * startControlPlane starts etcd, then kube-apiserver, on free 127.0.0.1 ports and waits until the
 * apiserver's /readyz answers 200; in cluster mode it then starts kube-controller-manager,
 * kube-scheduler and kwok and waits until every fake node is Ready. A port race restarts with fresh
 * ports. A failed start stops whatever already started (reverse order) and throws an error naming
 * the log file to read (the dir is kept).
 */
export async function startControlPlane(options: StartControlPlaneOptions = {}): Promise<ControlPlane> {
  const clusterOptions = options.cluster === true ? {} : options.cluster || undefined
  const tools = clusterOptions ? CLUSTER_TOOLS : PLANE_TOOLS
  const binaries = options.binaries ?? findBinaries({ env: options.env ?? process.env, tools })
  const files = preparePlaneFiles(options.dir ?? mkdtempSync(join(tmpdir(), 'sei-testenv-')))
  const started = await startWithPortRetry(binaries, files, options, clusterOptions !== undefined)
  const kubeConfig = writeKubeconfigs(files, started.apiUrl)
  const kube = createKubeHttp({
    apiUrl: started.apiUrl,
    ca: readFileSync(files.certs.caCert, 'utf8'),
    token: files.adminToken,
  })
  let version: string
  let cluster: StartedCluster | undefined
  try {
    await bindRbacProxyIdentity(kube)
    const res = await kube.expectOk('GET', '/version')
    version = String((res.body as { gitVersion?: unknown } | undefined)?.gitVersion ?? 'unknown')
    if (clusterOptions) {
      const ctx = {
        binaries,
        files,
        kube,
        detached: options.detached ?? false,
        readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
        ...(options.log ? { log: options.log } : {}),
        ...(options.portAttempts ? { portAttempts: options.portAttempts } : {}),
      }
      cluster = await startCluster(ctx, clusterOptions)
    }
  } catch (error) {
    kube.close()
    await stopInReverse([started.etcd, started.apiserver])
    throw error
  }
  const mode = cluster ? ` with ${cluster.nodeNames.length} kwok node(s)` : ''
  options.log?.(
    `testenv: kube-apiserver ${version} ready at ${started.apiUrl}${mode} (logs: ${files.logDir})`,
  )
  return planeHandle(files, started, cluster, kube, kubeConfig, version, options.keepDir ?? false)
}

function planeHandle(
  files: PlaneFiles,
  started: Started,
  cluster: StartedCluster | undefined,
  kube: KubeHttp,
  kubeConfig: KubeconfigDocument,
  version: string,
  keepDir: boolean,
): ControlPlane {
  const info: ControlPlaneInfo = {
    apiUrl: started.apiUrl,
    caFile: files.certs.caCert,
    adminToken: files.adminToken,
    kubeconfigPath: files.kubeconfigPath,
    rbacProxyKubeconfigPath: files.rbacProxyKubeconfigPath,
    dir: files.dir,
    logDir: files.logDir,
    version,
    cluster: cluster !== undefined,
    nodeNames: cluster?.nodeNames ?? [],
    pids: { etcd: started.etcd.pid, apiserver: started.apiserver.pid, ...clusterPids(cluster) },
  }
  const processes = [started.etcd, started.apiserver, ...(cluster?.processes ?? [])]
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= stopAll(kube, processes, keepDir ? undefined : files.dir)
    return stopping
  }
  return { ...clientFor(info, kube, kubeConfig), stop, [Symbol.asyncDispose]: stop }
}

function clusterPids(cluster: StartedCluster | undefined): Partial<ControlPlaneInfo['pids']> {
  if (!cluster) return {}
  const [controllerManager, scheduler, kwok] = cluster.processes.map((p) => p.pid)
  return { controllerManager, scheduler, kwok }
}

async function startWithPortRetry(
  binaries: BinaryPaths,
  files: PlaneFiles,
  options: StartControlPlaneOptions,
  serviceAccountAdmission: boolean,
): Promise<Started> {
  const attempts = options.portAttempts ?? 3
  for (let attempt = 1; ; attempt++) {
    try {
      return await startProcesses(binaries, files, options, serviceAccountAdmission)
    } catch (error) {
      if (!(error instanceof TestenvError && error.kind === 'portRace') || attempt >= attempts) throw error
      options.log?.(`testenv: port race (${error.message}); retrying with fresh ports`)
    }
  }
}

async function startProcesses(
  binaries: BinaryPaths,
  files: PlaneFiles,
  options: StartControlPlaneOptions,
  serviceAccountAdmission: boolean,
): Promise<Started> {
  const [clientPort = 0, peerPort = 0, securePort = 0] = await freePorts(3)
  const dataDir = join(files.dir, 'etcd-data')
  rmSync(dataDir, { recursive: true, force: true })
  const etcd = startProcess({
    name: 'etcd',
    command: binaries.etcd,
    args: etcdArgs({ dataDir, clientPort, peerPort }),
    logFile: join(files.logDir, 'etcd.log'),
    detached: options.detached ?? false,
  })
  try {
    await waitUntilHealthy(etcd, () => httpOk(etcdHealthUrl(clientPort)), { what: 'etcd', timeoutMs: 20_000 })
  } catch (error) {
    await etcd.stop()
    throw error
  }
  const apiUrl = apiserverUrl(securePort)
  const apiserver = startProcess({
    name: 'kube-apiserver',
    command: binaries.kubeApiserver,
    args: apiserverArgs({
      etcdUrl: `http://127.0.0.1:${clientPort}`,
      securePort,
      certs: files.certs,
      tokenFile: files.tokenFile,
      certDir: join(files.dir, 'apiserver-certs'),
      serviceAccountAdmission,
      ...(options.extraApiserverArgs ? { extraArgs: options.extraApiserverArgs } : {}),
    }),
    logFile: join(files.logDir, 'kube-apiserver.log'),
    detached: options.detached ?? false,
  })
  const probe = createKubeHttp({
    apiUrl,
    ca: readFileSync(files.certs.caCert, 'utf8'),
    token: files.adminToken,
  })
  try {
    await waitUntilHealthy(apiserver, async () => (await probe.request('GET', '/readyz')).status === 200, {
      what: 'kube-apiserver',
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      intervalMs: 200,
    })
  } catch (error) {
    await apiserver.stop()
    await etcd.stop()
    throw error
  } finally {
    probe.close()
  }
  return { etcd, apiserver, apiUrl }
}

/** kube-rbac-proxy needs TokenReview + SubjectAccessReview: exactly what system:auth-delegator grants. */
async function bindRbacProxyIdentity(kube: KubeHttp): Promise<void> {
  await kube.expectOk('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'testenv:kube-rbac-proxy:auth-delegator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: STATIC_USERS.rbacProxy.name }],
    },
  })
}

async function stopAll(
  kube: KubeHttp,
  processes: readonly ManagedProcess[],
  removeDir: string | undefined,
): Promise<void> {
  kube.close()
  // reverse start order: the clients of the apiserver first, then the apiserver, so it never sees
  // its storage vanish, then etcd
  const errors = await stopInReverse(processes)
  if (removeDir) rmSync(removeDir, { recursive: true, force: true })
  if (errors.length > 0) throw new AggregateError(errors, 'stopping the control plane')
}
