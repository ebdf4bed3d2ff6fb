/**
 * The NetworkPolicy generator's defaults against what the controller ships, both built by their own
 * packages' exported builders (no file of another package is read by path): the StatefulSet the
 * controller renders for its full-node example, and the Deployment of its install manifests
 * (`installObjects`). If either changes labels, namespace, ServiceAccount or container ports in a way
 * the policies no longer match, this fails. The analyzer is np-guard's netpol-analyzer (testenv).
 */
import { DEFAULT_PLATFORM, installObjects, renderSeiNodes } from '@sei-k8s/controller'
import { generateNodePolicies, type NetworkPolicy } from '@sei-k8s/policy'
import { analyzeNetworkPolicies, ensureBinaries, type KubeObject } from '@sei-k8s/testenv'
import { beforeAll, describe, expect, it } from 'vitest'
import { controllerExample } from './support/package-files.js'

interface Deployment extends KubeObject {
  spec: { template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string } } }
}

function shippedDeployment(): Deployment {
  const found = installObjects()
    .map(([, object]) => object as KubeObject)
    .find((object) => object.kind === 'Deployment')
  if (found === undefined) throw new Error('installObjects() holds no Deployment')
  return found as Deployment
}

function renderedStatefulSet(): KubeObject {
  const found = renderSeiNodes(controllerExample('full-node.yaml'), DEFAULT_PLATFORM).find(
    (object) => object.kind === 'StatefulSet',
  )
  if (found === undefined) throw new Error('the full-node example rendered no StatefulSet')
  return found as unknown as KubeObject
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

describe('generated default policies against the shipped controller', () => {
  beforeAll(async () => {
    await ensureBinaries({ tools: ['netpolicy'], log: (line) => process.stderr.write(`${line}\n`) })
  })

  it('name the shipped Deployment: its namespace, pod labels and ServiceAccount', () => {
    const deployment = shippedDeployment()
    const proxy = generateNodePolicies({ namespaces: ['sei'] }).find(
      (policy) => policy.metadata.name === 'sei-node-proxy',
    ) as NetworkPolicy
    const [peer] = proxy.spec.ingress[0]?.from ?? []
    expect(peer?.namespaceSelector?.matchLabels).toEqual({
      'kubernetes.io/metadata.name': deployment.metadata.namespace,
    })
    // Every label the policy requires is on the Deployment's pods (the pods may carry more).
    expect(deployment.spec.template.metadata.labels).toMatchObject(
      peer?.podSelector?.matchLabels ?? { missing: '' },
    )
    const calico = generateNodePolicies({ namespaces: ['sei'], flavor: 'calico' })
    expect(JSON.stringify(calico)).toContain(
      `"names":["${deployment.spec.template.spec.serviceAccountName}"]`,
    )
  })

  it('admit the shipped Deployment, and only it, to the proxy of a rendered SeiNode', async () => {
    const statefulSet = renderedStatefulSet()
    const deployment = shippedDeployment()
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
