import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiserverArgs, apiserverUrl } from './apiserver.js'
import { type KubeconfigDocument, STATIC_USERS } from './auth-files.js'
import { type BinaryPaths, findBinaries, type Log } from './binaries.js'
import type { Env } from './env.js'
import { TestenvError } from './errors.js'
import { etcdArgs, etcdHealthUrl } from './etcd.js'
import { createKubeHelpers, type KubeHelpers } from './kube-helpers.js'
import { createKubeHttp, type KubeHttp } from './kube-http.js'
import { type PlaneFiles, preparePlaneFiles, writeKubeconfigs } from './plane-files.js'
import { freePorts } from './ports.js'
import { type ManagedProcess, startProcess, waitUntilHealthy } from './process.js'

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
  readonly pids: { readonly etcd: number; readonly apiserver: number }
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
}

/** A started plane. `stop()` is idempotent, stops the apiserver then etcd, and collects every error. */
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
}

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
    ...createKubeHelpers(kube),
    info,
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
 * apiserver's /readyz answers 200. A port race restarts both with fresh ports. A failed start stops
 * whatever already started and throws an error naming the log file to read (the dir is kept).
 */
export async function startControlPlane(options: StartControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = options.binaries ?? findBinaries({ env: options.env ?? process.env })
  const files = preparePlaneFiles(options.dir ?? mkdtempSync(join(tmpdir(), 'sei-testenv-')))
  const started = await startWithPortRetry(binaries, files, options)
  const kubeConfig = writeKubeconfigs(files, started.apiUrl)
  const kube = createKubeHttp({
    apiUrl: started.apiUrl,
    ca: readFileSync(files.certs.caCert, 'utf8'),
    token: files.adminToken,
  })
  let version: string
  try {
    await bindRbacProxyIdentity(kube)
    const res = await kube.expectOk('GET', '/version')
    version = String((res.body as { gitVersion?: unknown } | undefined)?.gitVersion ?? 'unknown')
  } catch (error) {
    kube.close()
    await Promise.allSettled([started.apiserver.stop(), started.etcd.stop()])
    throw error
  }
  options.log?.(`testenv: kube-apiserver ${version} ready at ${started.apiUrl} (logs: ${files.logDir})`)
  return planeHandle(files, started, kube, kubeConfig, version, options.keepDir ?? false)
}

function planeHandle(
  files: PlaneFiles,
  started: Started,
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
    pids: { etcd: started.etcd.pid, apiserver: started.apiserver.pid },
  }
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= stopAll(kube, started.apiserver, started.etcd, keepDir ? undefined : files.dir)
    return stopping
  }
  return { ...clientFor(info, kube, kubeConfig), stop, [Symbol.asyncDispose]: stop }
}

async function startWithPortRetry(
  binaries: BinaryPaths,
  files: PlaneFiles,
  options: StartControlPlaneOptions,
): Promise<Started> {
  const attempts = options.portAttempts ?? 3
  for (let attempt = 1; ; attempt++) {
    try {
      return await startProcesses(binaries, files, options)
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

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
  await res.arrayBuffer()
  return res.ok
}

async function stopAll(
  kube: KubeHttp,
  apiserver: ManagedProcess,
  etcd: ManagedProcess,
  removeDir: string | undefined,
): Promise<void> {
  kube.close()
  const errors: unknown[] = []
  // reverse start order: the apiserver first, so it never sees its storage vanish
  for (const proc of [apiserver, etcd]) {
    try {
      await proc.stop()
    } catch (error) {
      errors.push(error)
    }
  }
  if (removeDir) rmSync(removeDir, { recursive: true, force: true })
  if (errors.length > 0) throw new AggregateError(errors, 'stopping the control plane')
}
