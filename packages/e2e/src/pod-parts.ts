/**
 * PURE: the parts of a node pod that the end-to-end runs for real: the sidecar container's env,
 * kube-rbac-proxy's args, the proxy ConfigMap's config file and every kubelet probe. One function for a
 * pod spec from any source: the controller's builders (offline) or a Pod read back from the API server.
 */
import { CONTAINERS, ENV, RBAC_PROXY } from '@sei-k8s/contract'

/** The slice of a container this reads; both the builders' type and a Pod from the API fit it. */
interface ContainerLike {
  readonly name: string
  readonly args?: readonly string[]
  readonly env?: readonly { readonly name: string; readonly value?: string }[]
  readonly startupProbe?: ProbeLike
  readonly livenessProbe?: ProbeLike
  readonly readinessProbe?: ProbeLike
}

interface ProbeLike {
  readonly httpGet?: { readonly path: string; readonly port: number | string }
  readonly tcpSocket?: { readonly port: number | string }
}

export interface PodSpecLike {
  readonly serviceAccountName?: string
  readonly initContainers?: readonly ContainerLike[]
  readonly containers: readonly ContainerLike[]
}

/** One kubelet HTTP probe: which container, which probe, and where kubelet would send it. */
export interface RenderedHttpProbe {
  readonly container: string
  readonly kind: 'startupProbe' | 'livenessProbe' | 'readinessProbe'
  readonly path: string
  readonly port: number
}

export interface RenderedPod {
  readonly namespace: string
  readonly nodeName: string
  /** The ServiceAccount the pod runs as: kube-rbac-proxy's identity for TokenReview and SAR. */
  readonly serviceAccount: string
  /** The sidecar container's env, name → value, exactly as in the pod spec. */
  readonly sidecarEnv: Readonly<Record<string, string>>
  /** The tasks and public ports (from the sidecar env). */
  readonly tasksPort: number
  readonly publicPort: number
  readonly proxyArgs: readonly string[]
  /** kube-rbac-proxy's `--upstream`, as in the pod spec. */
  readonly proxyUpstream: URL
  readonly proxyConfigYaml: string
  readonly httpProbes: readonly RenderedHttpProbe[]
  /** Containers with a tcpSocket probe, and its port. */
  readonly tcpProbes: readonly { readonly container: string; readonly port: number }[]
}

const PROBE_KINDS = ['startupProbe', 'livenessProbe', 'readinessProbe'] as const

function envOf(container: ContainerLike): Record<string, string> {
  const env: Record<string, string> = {}
  for (const entry of container.env ?? []) {
    // A pod would resolve valueFrom at run time; nothing here can, so the env must be literal.
    if (entry.value === undefined) throw new Error(`env ${entry.name} of ${container.name} has no value`)
    env[entry.name] = entry.value
  }
  return env
}

function portFrom(env: Record<string, string>, name: string): number {
  const port = Number(env[name])
  if (!Number.isInteger(port)) throw new Error(`${name}=${JSON.stringify(env[name])} is not a port`)
  return port
}

function numericPort(container: string, port: number | string): number {
  // The controller renders numeric probe ports; a named one would need the container's ports to resolve.
  if (typeof port !== 'number') throw new Error(`probe of ${container} uses a named port ${port}`)
  return port
}

function probesOf(containers: readonly ContainerLike[]): Pick<RenderedPod, 'httpProbes' | 'tcpProbes'> {
  const httpProbes: RenderedHttpProbe[] = []
  const tcpProbes: { container: string; port: number }[] = []
  for (const container of containers) {
    for (const kind of PROBE_KINDS) {
      const probe = container[kind]
      if (probe?.httpGet) {
        const { path, port } = probe.httpGet
        httpProbes.push({ container: container.name, kind, path, port: numericPort(container.name, port) })
      }
      if (probe?.tcpSocket)
        tcpProbes.push({ container: container.name, port: numericPort(container.name, probe.tcpSocket.port) })
    }
  }
  return { httpProbes, tcpProbes }
}

export interface PodPartsInput {
  readonly namespace: string
  /** The SeiNode's name (its `LABELS.node` label). */
  readonly nodeName: string
  readonly spec: PodSpecLike
  /** The data of the proxy's ConfigMap. */
  readonly configMapData: Readonly<Record<string, string>>
}

/** Picks a node pod spec apart; throws naming the part that is missing. */
export function podParts(input: PodPartsInput): RenderedPod {
  const containers = [...(input.spec.initContainers ?? []), ...input.spec.containers]
  const container = (name: string): ContainerLike => {
    const found = containers.find((c) => c.name === name)
    if (!found) throw new Error(`the pod has no container ${name}`)
    return found
  }
  const sidecarEnv = envOf(container(CONTAINERS.sidecar))
  const proxyArgs = [...(container(CONTAINERS.rbacProxy).args ?? [])]
  const upstream = proxyArgs.find((a) => a.startsWith('--upstream='))
  if (!upstream) throw new Error('kube-rbac-proxy has no --upstream')
  const proxyConfigYaml = input.configMapData[RBAC_PROXY.configKey]
  if (proxyConfigYaml === undefined) throw new Error(`the proxy ConfigMap has no ${RBAC_PROXY.configKey}`)
  if (!input.spec.serviceAccountName) throw new Error('the pod names no ServiceAccount')
  return {
    namespace: input.namespace,
    nodeName: input.nodeName,
    serviceAccount: input.spec.serviceAccountName,
    sidecarEnv,
    tasksPort: portFrom(sidecarEnv, ENV.sidecarPort),
    publicPort: portFrom(sidecarEnv, ENV.sidecarPublicPort),
    proxyArgs,
    proxyUpstream: new URL(upstream.slice('--upstream='.length)),
    proxyConfigYaml,
    ...probesOf(containers),
  }
}

/** The HTTP probe `kind` of `container`; throws when the pod has none. */
export function httpProbe(
  rendered: RenderedPod,
  container: string,
  kind: RenderedHttpProbe['kind'],
): RenderedHttpProbe {
  const found = rendered.httpProbes.find((p) => p.container === container && p.kind === kind)
  if (!found) throw new Error(`no HTTP ${kind} for ${container}`)
  return found
}
