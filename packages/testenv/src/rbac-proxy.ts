import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import { type BinaryPaths, findBinaries } from './binaries.js'
import type { ControlPlaneClient } from './plane.js'
import { freePort, LOOPBACK } from './ports.js'
import { type ManagedProcess, startProcess, waitUntilHealthy } from './process.js'
import { rbacProxyArgs } from './rbac-proxy-args.js'

export interface StartRbacProxyOptions {
  /** The upstream the proxy forwards to, e.g. a test server on http://127.0.0.1:<port>/. */
  readonly upstream: string
  /** The proxy's config file content (authorization.resourceAttributes …), as the controller renders it. */
  readonly configYaml: string
  /** The args the controller renders; listen address, upstream, config file and kubeconfig are substituted. */
  readonly args?: readonly string[]
  readonly binaries?: BinaryPaths
  readonly readyTimeoutMs?: number
}

/** A running kube-rbac-proxy. With a secure listen address it serves a self-signed certificate. */
export interface RbacProxy extends AsyncDisposable {
  readonly url: string
  readonly pid: number
  readonly logFile: string
  /** The exact argv the proxy was started with. */
  readonly args: readonly string[]
  stop(): Promise<void>
}

/**
 * startRbacProxy runs the real kube-rbac-proxy on 127.0.0.1 in front of `upstream`, authenticating
 * and authorizing against the given plane with an identity bound to system:auth-delegator.
 * Resolves once the proxy answers HTTP (any status); throws with its log file otherwise.
 */
export async function startRbacProxy(
  plane: ControlPlaneClient,
  options: StartRbacProxyOptions,
): Promise<RbacProxy> {
  const binaries = options.binaries ?? findBinaries()
  const id = randomBytes(4).toString('hex')
  const dir = join(plane.info.dir, `kube-rbac-proxy-${id}`)
  mkdirSync(dir, { recursive: true })
  const configFile = join(dir, 'config.yaml')
  writeFileSync(configFile, options.configYaml)
  const port = await freePort()
  const { args, scheme } = rbacProxyArgs(options.args ?? [], {
    listenPort: port,
    upstream: options.upstream,
    configFile,
    kubeconfigPath: plane.info.rbacProxyKubeconfigPath,
  })
  const proc = startProcess({
    name: 'kube-rbac-proxy',
    command: binaries.kubeRbacProxy,
    args,
    logFile: join(plane.info.logDir, `kube-rbac-proxy-${id}.log`),
  })
  const url = `${scheme}://${LOOPBACK}:${port}`
  try {
    await waitUntilHealthy(proc, () => answers(url), {
      what: 'kube-rbac-proxy',
      timeoutMs: options.readyTimeoutMs ?? 20_000,
    })
  } catch (error) {
    await proc.stop()
    throw error
  }
  return handle(proc, url, args)
}

function handle(proc: ManagedProcess, url: string, args: readonly string[]): RbacProxy {
  return {
    url,
    pid: proc.pid,
    logFile: proc.logFile,
    args,
    stop: () => proc.stop(),
    [Symbol.asyncDispose]: () => proc.stop(),
  }
}

/** answers resolves true once anything answers HTTP on `url` (an unauthenticated request gets 401). */
function answers(url: string): Promise<boolean> {
  if (url.startsWith('http:')) {
    return fetch(url, { signal: AbortSignal.timeout(2_000) }).then(async (res) => {
      await res.arrayBuffer()
      return true
    })
  }
  return new Promise((resolve) => {
    // the proxy's certificate is self-signed by the proxy itself; only reachability matters here
    const req = request(url, { rejectUnauthorized: false, timeout: 2_000 }, (res) => {
      res.resume()
      resolve(true)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}
