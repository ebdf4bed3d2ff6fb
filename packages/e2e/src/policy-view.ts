/**
 * The platform step seen on the running system: the NetworkPolicies `@sei-k8s/policy` generates for the
 * namespaces that hold SeiNodes, and what the np-guard analyzer says they allow between the Pods the API
 * server really holds (node Pods from the StatefulSets, the controller's Pod from its Deployment, a
 * Prometheus Pod in `monitoring`, a tenant client elsewhere).
 */
import { CONTROLLER } from '@sei-k8s/contract'
import { generateNodePolicies } from '@sei-k8s/policy'
import {
  type AllowedConnection,
  analyzeNetworkPolicies,
  type ControlPlaneClient,
  type KubeObject,
} from '@sei-k8s/testenv'

export const MONITORING_NAMESPACE = 'monitoring'
const TENANT_NAMESPACE = 'tenant'

async function ensureNamespace(plane: ControlPlaneClient, name: string): Promise<void> {
  const res = await plane.kube.request('GET', `/api/v1/namespaces/${name}`)
  if (res.status === 404) await plane.createNamespace(name)
}

/** A Pod kwok runs: stands for Prometheus or a tenant's client (never dialled; only its labels matter). */
async function ensurePod(
  plane: ControlPlaneClient,
  namespace: string,
  name: string,
  labels: Record<string, string>,
) {
  await plane.applyManifest([
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels },
      spec: { containers: [{ name: 'main', image: 'registry.invalid/stand-in:0' }] },
    } as KubeObject,
  ])
}

/** Creates the monitoring Prometheus and a tenant client Pod (idempotent). */
export async function ensureNeighbours(plane: ControlPlaneClient): Promise<void> {
  await ensureNamespace(plane, MONITORING_NAMESPACE)
  await ensureNamespace(plane, TENANT_NAMESPACE)
  await ensurePod(plane, MONITORING_NAMESPACE, 'prometheus', { 'app.kubernetes.io/name': 'prometheus' })
  await ensurePod(plane, TENANT_NAMESPACE, 'client', { app: 'client' })
}

/** The object as the analyzer needs it: no status, no managed fields. */
function strip(object: KubeObject & { spec?: unknown }): KubeObject {
  const { name, namespace, labels, ownerReferences } = object.metadata as KubeObject['metadata'] & {
    ownerReferences?: unknown
  }
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      ...(labels ? { labels } : {}),
      ...(ownerReferences ? { ownerReferences } : {}),
    },
    ...(object.spec ? { spec: object.spec } : {}),
  } as KubeObject
}

/** The Pods of a namespace; list items carry no kind, so it is set here. */
async function listPods(plane: ControlPlaneClient, namespace: string): Promise<KubeObject[]> {
  const path = `/api/v1/namespaces/${namespace}/pods`
  const body = (await plane.kube.expectOk('GET', path)).body as { items: KubeObject[] }
  return body.items.map((o) => strip({ ...o, apiVersion: 'v1', kind: 'Pod' }))
}

export interface PolicyView {
  readonly policies: readonly KubeObject[]
  /** The Namespaces and Pods read from the API that the analyzer ran over. */
  readonly world: readonly KubeObject[]
  readonly allowed: readonly AllowedConnection[]
}

/** Generates the policies for `nodeNamespaces` and runs the analyzer over them and the real Pods. */
export async function analyzeSystem(
  plane: ControlPlaneClient,
  nodeNamespaces: readonly string[],
  options: { readonly publicPorts?: readonly number[] } = {},
): Promise<PolicyView> {
  const namespaces = [
    ...new Set([...nodeNamespaces, CONTROLLER.namespace, MONITORING_NAMESPACE, TENANT_NAMESPACE]),
  ]
  const world: KubeObject[] = []
  for (const ns of namespaces) {
    world.push(strip((await plane.kube.expectOk('GET', `/api/v1/namespaces/${ns}`)).body as KubeObject))
    world.push(...(await listPods(plane, ns)))
  }
  const input = {
    namespaces: [...nodeNamespaces],
    ...(options.publicPorts ? { publicPorts: [...options.publicPorts] } : {}),
  }
  const policies = generateNodePolicies(input) as unknown as KubeObject[]
  const allowed = await analyzeNetworkPolicies([...world, ...policies])
  return { policies, world, allowed }
}
