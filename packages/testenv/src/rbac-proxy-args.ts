import { LOOPBACK } from './ports.js'

/** The flags whose values testenv substitutes; every other caller arg passes through unchanged. */
const LISTEN_FLAGS = ['--secure-listen-address', '--insecure-listen-address'] as const
const REPLACED_FLAGS = [...LISTEN_FLAGS, '--upstream', '--config-file', '--kubeconfig'] as const

export interface RbacProxyArgsOptions {
  readonly listenPort: number
  readonly upstream: string
  readonly configFile: string
  readonly kubeconfigPath: string
}

export interface RbacProxyArgs {
  readonly args: string[]
  /** `https` when the caller's args use --secure-listen-address (the default), else `http`. */
  readonly scheme: 'https' | 'http'
}

function flagName(arg: string): string {
  const eq = arg.indexOf('=')
  return eq === -1 ? arg : arg.slice(0, eq)
}

/**
 * rbacProxyArgs rewrites the args the controller renders for the pod so they run on this machine:
 * the listen address becomes 127.0.0.1:<free port> (keeping secure vs insecure), `--upstream` points
 * at the test's upstream, `--config-file` at the caller's config written to disk, and `--kubeconfig`
 * at the identity bound to system:auth-delegator (in a pod that comes from the mounted SA token).
 * Only `--flag=value` form is accepted for those flags, the form the controller renders.
 */
export function rbacProxyArgs(callerArgs: readonly string[], options: RbacProxyArgsOptions): RbacProxyArgs {
  const listen = callerArgs.map(flagName).find((name) => (LISTEN_FLAGS as readonly string[]).includes(name))
  const scheme = listen === '--insecure-listen-address' ? 'http' : 'https'
  const kept = callerArgs.filter((arg) => !(REPLACED_FLAGS as readonly string[]).includes(flagName(arg)))
  const listenFlag = scheme === 'http' ? '--insecure-listen-address' : '--secure-listen-address'
  return {
    scheme,
    args: [
      `${listenFlag}=${LOOPBACK}:${options.listenPort}`,
      `--upstream=${options.upstream}`,
      `--config-file=${options.configFile}`,
      `--kubeconfig=${options.kubeconfigPath}`,
      ...kept,
    ],
  }
}
