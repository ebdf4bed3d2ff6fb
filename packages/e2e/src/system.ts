/**
 * The whole system on one cluster-mode control plane: the shipped install.yaml applied, the built
 * controller running as its shipped ServiceAccount, and for each node Pod that kube-controller-manager
 * creates from the controller's StatefulSet, the real sidecar and kube-rbac-proxy started from that Pod
 * as the API server holds it (env, args, ConfigMap), with only listen ports and SEI_HOME moved.
 *
 * kwok plays kubelet for the Pod's phase; this harness plays kubelet's readiness probe: the Pod turns
 * Ready only while the real sidecar's readiness probe (from the Pod spec) answers 200.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CONTAINERS, CONTROLLER, LABELS } from '@sei-k8s/contract'
import type { ControlPlaneClient, KubeObject } from '@sei-k8s/testenv'
import { parseAllDocuments } from 'yaml'
import {
  type ControllerProcess,
  controllerRunFlags,
  type LogLine,
  startController,
  writeTokenKubeconfig,
} from './controller-process.js'
import { type NodePod, startNodePod } from './node-pod.js'
import { controllerInstallYaml } from './package-files.js'
import { httpProbe, type PodSpecLike, podParts, type RenderedPod } from './pod-parts.js'
import { initSeidHome, seidInitArgs } from './seid-init.js'
import { SidecarUrlMap } from './sidecar-url-map.js'

/** The controller's flag naming the bearer token file it sends to node proxies (with `--sidecar-url-map`). */
const SIDECAR_TOKEN_FLAG = '--sidecar-token-file'

/** A node Pod as the API server holds it (the fields this harness reads). */
export interface ApiPod {
  readonly metadata: {
    readonly name: string
    readonly namespace: string
    readonly labels?: Record<string, string>
  }
  readonly spec: PodSpecLike & {
    readonly volumes?: readonly { readonly name: string; readonly configMap?: { readonly name: string } }[]
  }
  readonly status?: { readonly phase?: string }
}

export interface RunningNode {
  readonly key: string
  readonly pod: ApiPod
  readonly parts: RenderedPod
  readonly nodePod: NodePod
  stop(): Promise<void>
}

export interface System {
  readonly plane: ControlPlaneClient
  readonly install: readonly KubeObject[]
  readonly controller: ControllerProcess
  /** Present when this controller build addresses node proxies through `--sidecar-url-map`. */
  readonly sidecarUrlMap: SidecarUrlMap | undefined
  readonly nodes: ReadonlyMap<string, RunningNode>
  /** Waits for the node's Pod to be Running, then starts its sidecar and proxy from the Pod in the API. */
  runNode(namespace: string, name: string): Promise<RunningNode>
  /** Stops one node's processes (the Pod stays). */
  stopNode(namespace: string, name: string): Promise<void>
  stop(): Promise<void>
}

export interface StartSystemOptions {
  readonly onControllerLine?: (line: LogLine) => void
}

/** The install.yaml objects, in file order. */
export function installObjects(): KubeObject[] {
  return parseAllDocuments(controllerInstallYaml())
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null)
}

/** Reads the node Pod and its proxy ConfigMap from the API and picks them apart. */
export async function readNodePod(
  plane: ControlPlaneClient,
  namespace: string,
  name: string,
): Promise<{ pod: ApiPod; parts: RenderedPod }> {
  const podName = `${name}-0`
  const pod = (await plane.kube.expectOk('GET', `/api/v1/namespaces/${namespace}/pods/${podName}`))
    .body as ApiPod
  const proxy = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find(
    (c) => c.name === CONTAINERS.rbacProxy,
  ) as { volumeMounts?: { name: string }[] } | undefined
  const mounted = new Set((proxy?.volumeMounts ?? []).map((m) => m.name))
  const configMaps = (pod.spec.volumes ?? []).filter((v) => v.configMap && mounted.has(v.name))
  if (configMaps.length !== 1 || !configMaps[0]?.configMap)
    throw new Error(
      `pod ${namespace}/${podName}: kube-rbac-proxy mounts ${configMaps.length} ConfigMaps, expected 1`,
    )
  const configMap = (
    await plane.kube.expectOk(
      'GET',
      `/api/v1/namespaces/${namespace}/configmaps/${configMaps[0].configMap.name}`,
    )
  ).body as { data?: Record<string, string> }
  const nodeName = pod.metadata.labels?.[LABELS.node]
  if (nodeName !== name) throw new Error(`pod ${namespace}/${podName} has ${LABELS.node}=${nodeName}`)
  return {
    pod,
    parts: podParts({ namespace, nodeName, spec: pod.spec, configMapData: configMap.data ?? {} }),
  }
}

/** Applies install.yaml, starts the controller as its ServiceAccount. A failed start undoes what started. */
export async function startSystem(
  plane: ControlPlaneClient,
  options: StartSystemOptions = {},
): Promise<System> {
  const install = installObjects()
  await plane.applyManifest(install)
  await plane.waitForCrd('seinodes.sei.io')
  const dir = mkdtempSync(join(tmpdir(), 'sei-e2e-system-'))
  const nodes = new Map<string, RunningNode>()
  let controller: ControllerProcess | undefined
  let sidecarUrlMap: SidecarUrlMap | undefined
  try {
    const token = await plane.createServiceAccountToken(CONTROLLER.namespace, CONTROLLER.serviceAccount)
    const kubeconfigPath = writeTokenKubeconfig(plane, dir, token)
    const flags = controllerRunFlags()
    const extraArgs: string[] = []
    if (flags.has(SidecarUrlMap.flag)) {
      // Controller part 3 drives each node's sidecar through its proxy: tell it where the proxies really
      // listen, and give it the same ServiceAccount token its pod would have mounted.
      sidecarUrlMap = new SidecarUrlMap(join(dir, 'sidecar-urls.json'))
      const tokenFile = join(dir, 'sidecar-token')
      writeFileSync(tokenFile, token, { mode: 0o600 })
      extraArgs.push(`${SidecarUrlMap.flag}=${sidecarUrlMap.path}`, `${SIDECAR_TOKEN_FLAG}=${tokenFile}`)
    }
    controller = await startController({
      install,
      kubeconfigPath,
      extraArgs,
      ...(options.onControllerLine ? { onLine: options.onControllerLine } : {}),
    })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  const running = controller
  // Set by stop(): a node still starting when the system stops (Ctrl-C) must not outlive it.
  let isStopping = false

  async function runNode(namespace: string, name: string): Promise<RunningNode> {
    const key = `${namespace}/${name}`
    const existing = nodes.get(key)
    if (existing) return existing
    const podName = `${name}-0`
    await plane.waitFor(
      'Pod',
      namespace,
      podName,
      (p) => (p as ApiPod | undefined)?.status?.phase === 'Running',
      60_000,
    )
    // Not Ready until the real sidecar says so (kwok would report Ready at once).
    await plane.setPodReady(namespace, podName, false)
    const { pod, parts } = await readNodePod(plane, namespace, name)
    const init = seidInitArgs(pod.spec)
    const nodePod = await startNodePod(plane, parts, { initHome: (home) => initSeidHome(home, init) })
    if (isStopping) {
      await nodePod.stop()
      throw new Error(`the system stopped while ${key} was starting`)
    }
    const readiness = httpProbe(parts, CONTAINERS.sidecar, 'readinessProbe')
    let ready = false
    let stopped = false
    const loop = (async () => {
      while (!stopped) {
        const now = (await nodePod.probe(readiness)).status === 200
        if (now !== ready && !stopped) {
          await plane.setPodReady(namespace, podName, now).catch(() => undefined)
          ready = now
        }
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    })()
    sidecarUrlMap?.set(key, nodePod.proxy.url)
    const node: RunningNode = {
      key,
      pod,
      parts,
      nodePod,
      async stop() {
        stopped = true
        await loop
        sidecarUrlMap?.delete(key)
        await nodePod.stop()
      },
    }
    nodes.set(key, node)
    return node
  }

  return {
    plane,
    install,
    controller: running,
    sidecarUrlMap,
    nodes,
    runNode,
    async stopNode(namespace, name) {
      const key = `${namespace}/${name}`
      await nodes.get(key)?.stop()
      nodes.delete(key)
    },
    async stop() {
      isStopping = true
      const errors: unknown[] = []
      // The controller first: it must not call into proxies that are going away.
      await running.stop().catch((e: unknown) => errors.push(e))
      for (const node of nodes.values()) await node.stop().catch((e: unknown) => errors.push(e))
      nodes.clear()
      rmSync(dir, { recursive: true, force: true })
      if (errors.length > 0) throw new AggregateError(errors, 'stopping the system')
    },
  }
}
