// The generated defaults against what is actually shipped: the controller's rendered StatefulSet for
// a full node (its committed render golden file) and the controller's install Deployment. If either
// changes labels, namespace or container ports in a way the policies no longer match, this fails.
import { readFileSync } from 'node:fs'
import { analyzeNetworkPolicies, type KubeObject } from '@sei-k8s/testenv'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { generateNodePolicies } from '../../src/generate.js'

const CONTROLLER_APP = new URL('../../../../apps/controller/', import.meta.url)

function load(path: string, kind: string): KubeObject {
  const docs = parseAllDocuments(readFileSync(new URL(path, CONTROLLER_APP), 'utf8')).map(
    (doc) => doc.toJS() as KubeObject,
  )
  const found = docs.find((doc) => doc.kind === kind)
  if (found === undefined) throw new Error(`no ${kind} in apps/controller/${path}`)
  return found
}

function namespace(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
  }
}

function pod(ns: string, name: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'main', image: 'registry.invalid/test:0' }] },
  }
}

describe('generated defaults against the shipped controller manifests', () => {
  it('admit the shipped controller Deployment, and only it, to the proxy of a rendered SeiNode', async () => {
    const statefulSet = load('testdata/render/full-node.yaml', 'StatefulSet')
    const deployment = load('config/manager/deployment.yaml', 'Deployment')
    const nodeNamespace = statefulSet.metadata.namespace ?? ''
    const controllerNamespace = deployment.metadata.namespace ?? ''
    const world = [
      namespace(nodeNamespace),
      namespace(controllerNamespace),
      namespace('monitoring'),
      namespace('tenant-b'),
      statefulSet,
      deployment,
      pod(controllerNamespace, 'unrelated', { app: 'unrelated' }),
      pod('monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' }),
      pod('tenant-b', 'client', { app: 'client' }),
    ]
    const policies = generateNodePolicies({ namespaces: [nodeNamespace] }) as unknown as KubeObject[]
    const node = `${nodeNamespace}/${statefulSet.metadata.name}[StatefulSet]`
    const toNode = (await analyzeNetworkPolicies([...world, ...policies]))
      .filter((c) => c.raw.dst === node)
      .map((c) => `${c.raw.src} => ${c.raw.conn}`)
      .sort()
    expect(toNode).toEqual(
      [
        '0.0.0.0-255.255.255.255 => TCP 26656',
        `${controllerNamespace}/${deployment.metadata.name}[Deployment] => TCP 8443,26656`,
        `${controllerNamespace}/unrelated[Pod] => TCP 26656`,
        'monitoring/prometheus[Pod] => TCP 9100,26656,26660',
        'tenant-b/client[Pod] => TCP 26656',
      ].sort(),
    )
  })
})
