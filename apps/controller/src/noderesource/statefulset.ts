/**
 * The StatefulSet `<node>`: one replica (zero while paused), the headless Service as `serviceName`,
 * `OnDelete` updates (a seid restart is an operator decision) and one data volume per pod.
 */

import { VOLUMES } from './containers.js'
import type { StatefulSet } from './k8s-types.js'
import { nodeLabels, nodeSelector } from './labels.js'
import type { NodeView } from './node-view.js'
import { buildPodSpec } from './pod.js'

/** Builds the StatefulSet of a node. */
export function buildStatefulSet(view: NodeView): StatefulSet {
  const labels = nodeLabels(view)
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: view.name, namespace: view.namespace, labels },
    spec: {
      replicas: view.node.spec.paused === true ? 0 : 1,
      serviceName: view.name,
      selector: { matchLabels: nodeSelector(view) },
      updateStrategy: { type: 'OnDelete' },
      template: { metadata: { labels }, spec: buildPodSpec(view) },
      volumeClaimTemplates: [
        {
          // volumeClaimTemplates are immutable: only the selector labels, which never change for a node.
          metadata: { name: VOLUMES.data, labels: nodeSelector(view) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(view.storageClassName === undefined ? {} : { storageClassName: view.storageClassName }),
            resources: { requests: { storage: view.storageSize } },
          },
        },
      ],
    },
  }
}
