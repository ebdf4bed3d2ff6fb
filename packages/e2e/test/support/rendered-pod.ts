/**
 * The parts of a rendered node pod the end-to-end test runs for real: the sidecar container's env, the
 * kube-rbac-proxy container's args, the proxy ConfigMap's config file and every kubelet probe. Pure: it
 * only picks the controller's `buildAll` output apart.
 */
import { CONTAINERS, ENV, RBAC_PROXY } from '@sei-k8s/contract'
import {
  buildAll,
  type ConfigMap,
  type Container,
  DEFAULT_PLATFORM,
  parseYamlStream,
  readSeiNodes,
  type StatefulSet,
} from '@sei-k8s/controller'

/** One kubelet HTTP probe as rendered: which container, which probe, and where kubelet would send it. */
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
  /** The sidecar container's env, name → value, exactly as rendered. */
  readonly sidecarEnv: Readonly<Record<string, string>>
  /** The rendered tasks and public ports (from the sidecar env). */
  readonly tasksPort: number
  readonly publicPort: number
  readonly proxyArgs: readonly string[]
  /** kube-rbac-proxy's `--upstream`, as rendered. */
  readonly proxyUpstream: URL
  readonly proxyConfigYaml: string
  readonly httpProbes: readonly RenderedHttpProbe[]
  /** Containers with a tcpSocket probe, and its port. */
  readonly tcpProbes: readonly { readonly container: string; readonly port: number }[]
}

const PROBE_KINDS = ['startupProbe', 'livenessProbe', 'readinessProbe'] as const

function envOf(container: Container): Record<string, string> {
  const env: Record<string, string> = {}
  for (const entry of container.env ?? []) {
    // A pod would resolve valueFrom at run time; nothing here can, so the rendered env must be literal.
    if (entry.value === undefined) throw new Error(`env ${entry.name} of ${container.name} has no value`)
    env[entry.name] = entry.value
  }
  return env
}

function portFrom(env: Record<string, string>, name: string): number {
  const port = Number(env[name])
  if (!Number.isInteger(port)) throw new Error(`rendered ${name}=${JSON.stringify(env[name])} is not a port`)
  return port
}

function probesOf(containers: readonly Container[]): Pick<RenderedPod, 'httpProbes' | 'tcpProbes'> {
  const httpProbes: RenderedHttpProbe[] = []
  const tcpProbes: { container: string; port: number }[] = []
  for (const container of containers) {
    for (const kind of PROBE_KINDS) {
      const probe = container[kind]
      if (probe?.httpGet) httpProbes.push({ container: container.name, kind, ...probe.httpGet })
      if (probe?.tcpSocket) tcpProbes.push({ container: container.name, port: probe.tcpSocket.port })
    }
  }
  return { httpProbes, tcpProbes }
}

/**
 * Renders the SeiNode in `yamlText` into `namespace` with the default platform config, as the controller
 * would apply it, and returns the pod's parts. Throws when the example is invalid or a part is missing.
 */
export function renderPod(yamlText: string, namespace: string): RenderedPod {
  const [node] = readSeiNodes(parseYamlStream(yamlText))
  if (!node) throw new Error('the example holds no SeiNode')
  const objects = buildAll({ ...node, metadata: { ...node.metadata, namespace } }, DEFAULT_PLATFORM)
  const statefulSet = objects.find((o): o is StatefulSet => o.kind === 'StatefulSet')
  const configMap = objects.find((o): o is ConfigMap => o.kind === 'ConfigMap')
  if (!statefulSet || !configMap) throw new Error('buildAll rendered no StatefulSet or no ConfigMap')
  const pod = statefulSet.spec.template.spec
  const containers = [...pod.initContainers, ...pod.containers]
  const container = (name: string): Container => {
    const found = containers.find((c) => c.name === name)
    if (!found) throw new Error(`no container ${name} rendered`)
    return found
  }
  const sidecarEnv = envOf(container(CONTAINERS.sidecar))
  const proxyArgs = container(CONTAINERS.rbacProxy).args ?? []
  const upstream = proxyArgs.find((a) => a.startsWith('--upstream='))
  if (!upstream) throw new Error('kube-rbac-proxy has no --upstream')
  const proxyConfigYaml = configMap.data[RBAC_PROXY.configKey]
  if (proxyConfigYaml === undefined) throw new Error(`the proxy ConfigMap has no ${RBAC_PROXY.configKey}`)
  return {
    namespace,
    nodeName: statefulSet.metadata.name,
    serviceAccount: pod.serviceAccountName,
    sidecarEnv,
    tasksPort: portFrom(sidecarEnv, ENV.sidecarPort),
    publicPort: portFrom(sidecarEnv, ENV.sidecarPublicPort),
    proxyArgs,
    proxyUpstream: new URL(upstream.slice('--upstream='.length)),
    proxyConfigYaml,
    ...probesOf(containers),
  }
}

/** The rendered HTTP probe `kind` of `container`; throws when it is not rendered. */
export function httpProbe(
  rendered: RenderedPod,
  container: string,
  kind: RenderedHttpProbe['kind'],
): RenderedHttpProbe {
  const found = rendered.httpProbes.find((p) => p.container === container && p.kind === kind)
  if (!found) throw new Error(`no HTTP ${kind} rendered for ${container}`)
  return found
}
