import { describe, expect, it } from 'vitest'
import {
  type AllowedConnection,
  analyzeNetworkPolicies,
  evalConnection,
  type KubeObject,
} from '../../src/index.js'

const NS = 'sei-nodes'

function pod(name: string, app: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { app } },
    spec: {
      containers: [{ name: 'main', image: 'example.invalid/app:1', ports: [{ containerPort: 9100 }] }],
    },
  }
}

// Ingress to `server` only from `client`, only on TCP 9100.
const objects: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
  pod('client', 'client'),
  pod('server', 'server'),
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'server-ingress', namespace: NS },
    spec: {
      podSelector: { matchLabels: { app: 'server' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { app: 'client' } } }],
          ports: [{ protocol: 'TCP', port: 9100 }],
        },
      ],
    },
  },
]

function between(
  list: readonly AllowedConnection[],
  src: string,
  dst: string,
): AllowedConnection | undefined {
  return list.find(
    (c) => c.src.type === 'workload' && c.src.name === src && c.dst.type === 'workload' && c.dst.name === dst,
  )
}

describe('NetworkPolicy analyzer', () => {
  it('lists client → server on TCP 9100 only, and leaves the unselected client open', async () => {
    const list = await analyzeNetworkPolicies(objects)
    const toServer = between(list, 'client', 'server')
    expect(toServer?.connections).toEqual({ all: false, protocols: { TCP: ['9100'] } })
    expect(between(list, 'server', 'client')?.connections.all).toBe(true)
    // nothing outside the cluster may reach the server
    expect(
      list.some((c) => c.src.type === 'ip' && c.dst.type === 'workload' && c.dst.name === 'server'),
    ).toBe(false)
  })

  it('evaluates single connections: the allowed port passes, another port and the reverse policy do not', async () => {
    const client = { namespace: NS, pod: 'client' }
    const server = { namespace: NS, pod: 'server' }
    expect(await evalConnection(objects, { source: client, destination: server, port: 9100 })).toBe(true)
    expect(await evalConnection(objects, { source: client, destination: server, port: 8443 })).toBe(false)
    expect(await evalConnection(objects, { source: server, destination: client, port: 8443 })).toBe(true)
  })
})
