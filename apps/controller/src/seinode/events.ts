/**
 * Kubernetes Events (events.k8s.io/v1) about a SeiNode: phase changes and Stalled. Best effort: a failed
 * Event is logged by the caller and never fails a reconcile.
 */
import { CONTROLLER, CRD, SEINODE_API_VERSION } from '@sei-k8s/contract'
import type { KubeClient, KubeObject } from '../kube/client.js'
import { RESOURCES } from '../kube/resources.js'

interface NodeEvent {
  readonly type: 'Normal' | 'Warning'
  readonly reason: string
  readonly note: string
}

export interface EventRecorder {
  record(node: KubeObject, event: NodeEvent): Promise<void>
}

/** `eventTime` is a MicroTime: RFC 3339 with exactly six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

export function createEventRecorder(client: KubeClient, instance: string, now: () => number): EventRecorder {
  let seq = 0
  return {
    async record(node, event) {
      const t = now()
      const name = `${node.metadata.name}.${t.toString(16)}${(seq++ % 4096).toString(16).padStart(3, '0')}`
      await client.create(RESOURCES.event, {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: {
          name,
          ...(node.metadata.namespace === undefined ? {} : { namespace: node.metadata.namespace }),
        },
        eventTime: microTime(t),
        reportingController: `${CRD.group}/${CONTROLLER.fieldManager}`,
        reportingInstance: instance,
        action: 'Reconcile',
        reason: event.reason,
        note: event.note.slice(0, 1024),
        type: event.type,
        regarding: {
          apiVersion: SEINODE_API_VERSION,
          kind: CRD.kind,
          name: node.metadata.name,
          namespace: node.metadata.namespace,
          uid: node.metadata.uid,
        },
      } as KubeObject)
    },
  }
}
