/**
 * Whether an owned object needs an apply. PURE. Server-side apply semantics without the round trip:
 * the live object is up to date when every field we set has our value (the server may add defaults and
 * other managers may add fields; neither is drift), AND its applied-hash annotation matches our intent
 * (so a field we stopped setting, which a subset check cannot see, still triggers an apply that lets the
 * server remove it). A naive deep-equal would flap on every server default.
 */
import { createHash } from 'node:crypto'
import { APPLIED_HASH_ANNOTATION } from '@sei-k8s/contract'
import type { KubeObject, OwnerReference } from '../kube/client.js'
import { canonical } from './status.js'

/** Short sha256 of an object's canonical JSON. */
function intentHash(object: unknown): string {
  return createHash('sha256').update(canonical(object)).digest('hex').slice(0, 16)
}

/** The object to apply: desired + controller owner reference + the hash of that intent. */
export function withIntent<T extends KubeObject>(desired: T, owner: OwnerReference): T {
  const owned = { ...desired, metadata: { ...desired.metadata, ownerReferences: [owner] } }
  return {
    ...owned,
    metadata: {
      ...owned.metadata,
      annotations: { ...owned.metadata.annotations, [APPLIED_HASH_ANNOTATION]: intentHash(owned) },
    },
  }
}

/** True when every field of `wanted` has the same value in `live` (arrays: same length, element-wise). */
export function isSubset(wanted: unknown, live: unknown): boolean {
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(live) && live.length === wanted.length && wanted.every((w, i) => isSubset(w, live[i]))
    )
  }
  if (typeof wanted === 'object' && wanted !== null) {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return false
    const l = live as Record<string, unknown>
    return Object.entries(wanted).every(([k, w]) => isSubset(w, l[k]))
  }
  // The server stores an integer quantity (storage: 10) as its string form.
  if (typeof wanted === 'number' && typeof live === 'string') return String(wanted) === live
  return wanted === live
}

/** True when applying `intended` (from withIntent) to the server would change nothing. */
export function isUpToDate(intended: KubeObject, live: KubeObject | undefined): boolean {
  if (live === undefined) return false
  const hash = intended.metadata.annotations?.[APPLIED_HASH_ANNOTATION]
  return live.metadata.annotations?.[APPLIED_HASH_ANNOTATION] === hash && isSubset(intended, live)
}

/** The controller owner reference of `object`, if any. */
export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.controller === true)
}
