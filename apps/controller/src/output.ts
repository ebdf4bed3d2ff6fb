/**
 * Deterministic serialisation of Kubernetes objects: keys sorted at every level, object order kept as
 * given, no line folding (scripts stay byte-identical). Small GitOps diffs depend on this.
 */
import { stringify } from 'yaml'

/** Returns a copy of `value` with the keys of every mapping sorted. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    )
  }
  return value
}

/** One YAML document (no leading `---`). */
export function toYamlDocument(object: unknown): string {
  return stringify(sortKeys(object), { lineWidth: 0, minContentWidth: 0 })
}

/** A multi-document YAML stream, each document introduced by `---`. */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((o) => `---\n${toYamlDocument(o)}`).join('')
}

/** A JSON array, two-space indented, with a trailing newline. */
export function toJsonArray(objects: readonly unknown[]): string {
  return `${JSON.stringify(objects.map(sortKeys), null, 2)}\n`
}
