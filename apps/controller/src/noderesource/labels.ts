/**
 * Labels of a node's objects, from the contract's PUBLIC label helpers. Kept as the single place the
 * builders get labels from, so every object of a node carries the same set.
 */
import { resourceLabels, selectorLabels } from '@sei-k8s/contract'
import type { NodeView } from './node-view.js'

/** Labels of the StatefulSet, its pod template, the Service and the ConfigMap (user podLabels lose). */
export function nodeLabels(view: NodeView): Record<string, string> {
  return resourceLabels(view.node)
}

/** `{[LABELS.node]: <name>}` only: the immutable StatefulSet and Service selectors. */
export function nodeSelector(view: NodeView): Record<string, string> {
  return selectorLabels(view.name)
}
