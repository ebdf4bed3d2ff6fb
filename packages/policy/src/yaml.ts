/**
 * Deterministic serialisation of Kubernetes objects: keys sorted at every level, no line folding (long
 * annotations and scripts stay byte-identical) and, for policies, a fixed object order, so the same input
 * gives byte-identical files and GitOps diffs show only real changes. Pure. The one copy of it: the
 * controller's `render` and install manifests use it too.
 */
import { stringify } from 'yaml'
import type { PolicyObject } from './objects.js'

/** A deep copy of `value` with object keys sorted (arrays keep their order: it carries meaning). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]))
  }
  return value
}

/** JSON with sorted keys and no whitespace, for annotations. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

/** Objects in output order: by namespace, then kind, then name. */
export function sortObjects<T extends PolicyObject>(objects: readonly T[]): T[] {
  const key = (o: PolicyObject) => `${o.metadata.namespace}\u0000${o.kind}\u0000${o.metadata.name}`
  return [...objects].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

/** One YAML document, sorted keys, no line folding (long annotations stay on one line). */
export function toYamlDocument(value: unknown): string {
  return stringify(sortKeys(value), { lineWidth: 0, minContentWidth: 0 })
}

/** A multi-document YAML stream of `objects` in the order given, each document introduced by `---`. */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((object) => `---\n${toYamlDocument(object)}`).join('')
}

/** A JSON array of `objects` in the order given, two-space indented, sorted keys, trailing newline. */
export function toJsonArray(objects: readonly unknown[]): string {
  return `${JSON.stringify(objects.map(sortKeys), null, 2)}\n`
}

/** A multi-document YAML stream of policy `objects` in output order. */
export function toYaml(objects: readonly PolicyObject[]): string {
  return toYamlStream(sortObjects(objects))
}

/** A JSON array of policy `objects` in output order. */
export function toJson(objects: readonly PolicyObject[]): string {
  return toJsonArray(sortObjects(objects))
}
