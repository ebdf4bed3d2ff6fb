import type { KubeObject } from './kube-object.js'

/**
 * BUILTIN_KINDS: the apiVersion of the built-in kinds tests wait on most, so `waitFor('Pod', …)`
 * needs no apiVersion. Anything else (CRDs such as SeiNode) is named as `{ apiVersion, kind }`.
 */
export const BUILTIN_KINDS = {
  ConfigMap: 'v1',
  Endpoints: 'v1',
  Event: 'v1',
  Namespace: 'v1',
  Node: 'v1',
  PersistentVolume: 'v1',
  PersistentVolumeClaim: 'v1',
  Pod: 'v1',
  Secret: 'v1',
  Service: 'v1',
  ServiceAccount: 'v1',
  DaemonSet: 'apps/v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  Job: 'batch/v1',
  Lease: 'coordination.k8s.io/v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  PodDisruptionBudget: 'policy/v1',
} as const

export type BuiltinKind = keyof typeof BUILTIN_KINDS

/** A kind to wait on: a built-in kind's name, or apiVersion + kind. */
export type KindRef = BuiltinKind | { readonly apiVersion: string; readonly kind: string }

/** resolveKind turns a KindRef into apiVersion + kind. */
export function resolveKind(ref: KindRef): { apiVersion: string; kind: string } {
  return typeof ref === 'string' ? { apiVersion: BUILTIN_KINDS[ref], kind: ref } : ref
}

/**
 * A condition on the object's current state; `undefined` means it does not exist (404), so
 * `(o) => o === undefined` waits for a deletion to finish.
 */
export type ObjectPredicate = (object: KubeObject | undefined) => boolean

/** conditionStatus returns `status.conditions[type].status` ('True' | 'False' | 'Unknown'), if present. */
export function conditionStatus(object: KubeObject | undefined, type: string): string | undefined {
  const status = object?.['status'] as { conditions?: unknown } | undefined
  if (!Array.isArray(status?.conditions)) return undefined
  for (const c of status.conditions as unknown[]) {
    const cond = c as { type?: unknown; status?: unknown }
    if (cond.type === type && typeof cond.status === 'string') return cond.status
  }
  return undefined
}

/** isPodReady: the Pod's Ready condition is True (what endpoints and StatefulSet readyReplicas use). */
export function isPodReady(pod: KubeObject | undefined): boolean {
  return conditionStatus(pod, 'Ready') === 'True'
}

/** describeForTimeout: the part of the last seen object worth printing when a wait times out. */
export function describeForTimeout(object: KubeObject | undefined): string {
  if (!object) return 'not found'
  const status = object['status']
  const text = JSON.stringify(status === undefined ? object.metadata : status)
  return text.length > 600 ? `${text.slice(0, 600)}…` : text
}
