import { request } from 'node:https'
import type { KubeObject } from '../../src/index.js'

/** A CRD with a schema strict enough to reject a bad object: spec.replicas is an integer >= 1. */
export function widgetCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.testenv.sei.io' },
    spec: {
      group: 'testenv.sei.io',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['replicas'],
                  properties: {
                    replicas: { type: 'integer', minimum: 1 },
                    chainId: { type: 'string', pattern: '^[a-z0-9-]+$' },
                  },
                },
              },
            },
          },
        },
      ],
    },
  }
}

export function widget(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'testenv.sei.io/v1alpha1', kind: 'Widget', metadata: { name, namespace }, spec }
}

/** Role + RoleBinding granting `verbs` on sei.io/seinodetasks to one ServiceAccount. */
export function taskAccess(
  namespace: string,
  serviceAccount: string,
  verbs: readonly string[],
): KubeObject[] {
  const name = `tasks-${serviceAccount}`
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace },
      rules: [{ apiGroups: ['sei.io'], resources: ['seinodetasks'], verbs }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
    },
  ]
}

export interface SimpleResponse {
  readonly status: number
  readonly body: string
}

/** httpsGet talks to kube-rbac-proxy, whose certificate it signed itself. */
export function httpsGet(url: string, headers: Record<string, string> = {}): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, rejectUnauthorized: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      )
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)))
    req.on('error', reject)
    req.end()
  })
}

/**
 * A pod template shaped like a SeiNode pod: a native sidecar (init container with restartPolicy
 * Always) and a main container. Images are never pulled: kwok plays the kubelet.
 */
function podTemplate(labels: Record<string, string>, serviceAccountName?: string): Record<string, unknown> {
  return {
    metadata: { labels },
    spec: {
      ...(serviceAccountName ? { serviceAccountName } : {}),
      initContainers: [{ name: 'sidecar', image: 'registry.invalid/sidecar:1', restartPolicy: 'Always' }],
      containers: [{ name: 'app', image: 'registry.invalid/app:1' }],
    },
  }
}

/**
 * A StatefulSet of `replicas` pods from podTemplate (OrderedReady, like the controller's), with a
 * `data` volumeClaimTemplate when `volumeSize` is given (as a SeiNode's has).
 */
export function statefulSet(
  namespace: string,
  name: string,
  replicas: number,
  volumeSize?: string,
): KubeObject {
  const labels = { app: name }
  const claims = volumeSize
    ? [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: volumeSize } } },
        },
      ]
    : undefined
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: labels },
      template: podTemplate(labels),
      ...(claims ? { volumeClaimTemplates: claims } : {}),
    },
  }
}

/** A bare Pod from podTemplate. */
export function pod(namespace: string, name: string, serviceAccountName?: string): KubeObject {
  const template = podTemplate({ app: name }, serviceAccountName)
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...(template['metadata'] as object) },
    spec: template['spec'],
  }
}
