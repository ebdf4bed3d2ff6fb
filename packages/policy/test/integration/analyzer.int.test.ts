// Proof by analyzer: np-guard's netpol-analyzer (through @sei-k8s/testenv) computes every allowed
// connection of a world of pods under the generated policies, and the test compares the FULL list
// with the matrix below. Any difference fails with a line diff.
import { type AllowedConnection, analyzeNetworkPolicies, type KubeObject } from '@sei-k8s/testenv'
import { describe, expect, it } from 'vitest'
import { generateNodePolicies } from '../../src/generate.js'
import type { NetworkPolicy } from '../../src/objects.js'
import { buildWorld, WORLD } from './world.js'

const NODE = `${WORLD.nodeNamespace}/${WORLD.nodeName}[Pod]`
const GRAFANA = 'monitoring/grafana[Pod]'
const PROMETHEUS = 'monitoring/prometheus[Pod]'
const CONTROLLER = 'sei-k8s-controller-system/controller[Pod]'
const UNRELATED = 'sei-k8s-controller-system/unrelated[Pod]'
const SAME_NAMESPACE = `${WORLD.nodeNamespace}/rpc-client[Pod]`
const TENANT = `${WORLD.tenantNamespace}/client[Pod]`
const IMPOSTOR = `${WORLD.tenantNamespace}/impostor[Pod]`
const PODS = [GRAFANA, PROMETHEUS, CONTROLLER, UNRELATED, SAME_NAMESPACE, NODE, TENANT, IMPOSTOR]
const EVERYWHERE = '0.0.0.0-255.255.255.255'

function line(src: string, dst: string, conn: string): string {
  return `${src} => ${dst} : ${conn}`
}

function linesOf(list: readonly AllowedConnection[]): string[] {
  return list.map((c) => line(c.raw.src, c.raw.dst, c.raw.conn)).sort()
}

/**
 * Traffic the policies must not touch: every pod other than the node pod is selected by no policy,
 * and no policy restricts egress, so all of it stays open ("All Connections"), including the node
 * pod's own outbound traffic.
 */
function untouched(ipRanges: readonly string[]): string[] {
  const lines: string[] = []
  for (const dst of [...PODS.filter((pod) => pod !== NODE), ...ipRanges]) {
    for (const src of [...ipRanges, ...PODS]) {
      const isIpToIp = ipRanges.includes(src) && ipRanges.includes(dst)
      if (src !== dst && !isIpToIp) lines.push(line(src, dst, 'All Connections'))
    }
  }
  return lines
}

async function analyze(policies: readonly KubeObject[]): Promise<string[]> {
  return linesOf(await analyzeNetworkPolicies([...buildWorld(), ...policies]))
}

function policiesFor(input: Record<string, unknown>): KubeObject[] {
  return generateNodePolicies({ namespaces: [WORLD.nodeNamespace], ...input }) as unknown as KubeObject[]
}

describe('generated policies under the NetworkPolicy analyzer', () => {
  it('allows exactly the default matrix', async () => {
    const toNode = [
      // anyone (outside the cluster included) → p2p only; 7777, 8443, 9100 and RPC denied
      line(EVERYWHERE, NODE, 'TCP 26656'),
      // any monitoring pod → public 9100 and seid metrics 26660
      line(GRAFANA, NODE, 'TCP 9100,26656,26660'),
      line(PROMETHEUS, NODE, 'TCP 9100,26656,26660'),
      // the controller pod → proxy 8443
      line(CONTROLLER, NODE, 'TCP 8443,26656'),
      // an unrelated pod in the controller namespace → no 8443
      line(UNRELATED, NODE, 'TCP 26656'),
      // same namespace → RPC 26657, REST, gRPC, EVM; no 8443, no 9100
      line(SAME_NAMESPACE, NODE, 'TCP 1317,8545-8546,9090,26656-26657'),
      // another tenant → p2p only (no 26657 unless configured, no 9100, no 8443)
      line(TENANT, NODE, 'TCP 26656'),
      // a pod copying the controller's labels in another namespace → no 8443 (namespace AND labels)
      line(IMPOSTOR, NODE, 'TCP 26656'),
    ]
    const actual = await analyze(policiesFor({}))
    expect(actual).toEqual([...toNode, ...untouched([EVERYWHERE])].sort())
    // Spelled out although the matrix implies it: nothing reaches the loopback tasks port.
    const intoNode = actual.filter((entry) => entry.includes(`=> ${NODE} :`))
    expect(intoNode.filter((entry) => /All Connections|\b7777\b/.test(entry))).toEqual([])
  })

  it('allows exactly the configured matrix: node CIDRs, an RPC tenant and a Prometheus selector', async () => {
    const nodes = '10.0.0.0-10.0.255.255'
    const below = '0.0.0.0-9.255.255.255'
    const above = '10.1.0.0-255.255.255.255'
    const toNode = [
      line(below, NODE, 'TCP 26656'),
      // node CIDR → probe targets public 9100 and seid readiness 26657 (and p2p); never the proxy 8443
      line(nodes, NODE, 'TCP 9100,26656-26657'),
      line(above, NODE, 'TCP 26656'),
      // only the Prometheus pod of the monitoring namespace → 9100 and 26660
      line(GRAFANA, NODE, 'TCP 26656'),
      line(PROMETHEUS, NODE, 'TCP 9100,26656,26660'),
      line(CONTROLLER, NODE, 'TCP 8443,26656'),
      line(UNRELATED, NODE, 'TCP 26656'),
      line(SAME_NAMESPACE, NODE, 'TCP 1317,8545-8546,9090,26656-26657'),
      // the configured tenant → client ports, still no 8443 or 9100
      line(TENANT, NODE, 'TCP 1317,8545-8546,9090,26656-26657'),
      line(IMPOSTOR, NODE, 'TCP 1317,8545-8546,9090,26656-26657'),
    ]
    const actual = await analyze(
      policiesFor({
        nodeCidrs: ['10.0.0.0/16'],
        rpcFrom: [WORLD.tenantNamespace],
        prometheusPodLabels: WORLD.prometheusLabels,
      }),
    )
    expect(actual).toEqual([...toNode, ...untouched([below, nodes, above])].sort())
  })

  it('restricts p2p to the configured sources when --p2p-from is given', async () => {
    const actual = await analyze(policiesFor({ p2pFrom: [WORLD.tenantNamespace] }))
    const toNode = actual.filter((entry) => entry.includes(`=> ${NODE} :`))
    expect(toNode).toEqual(
      [
        line(GRAFANA, NODE, 'TCP 9100,26660'),
        line(PROMETHEUS, NODE, 'TCP 9100,26660'),
        line(CONTROLLER, NODE, 'TCP 8443'),
        line(SAME_NAMESPACE, NODE, 'TCP 1317,8545-8546,9090,26657'),
        line(TENANT, NODE, 'TCP 26656'),
        line(IMPOSTOR, NODE, 'TCP 26656'),
      ].sort(),
    )
  })

  it('would catch the classic mistake: namespace and pod selectors as two peers admit the wrong pods', async () => {
    // Negative control: the same policies with the proxy peer split in two (OR instead of AND).
    const policies = policiesFor({}).map((object) => {
      const policy = object as unknown as NetworkPolicy
      if (policy.metadata.name !== 'sei-node-proxy') return object
      const [rule] = policy.spec.ingress
      const [peer] = rule?.from ?? []
      const split = [{ namespaceSelector: peer?.namespaceSelector }, { podSelector: peer?.podSelector }]
      return { ...object, spec: { ...policy.spec, ingress: [{ ...rule, from: split }] } }
    })
    const actual = await analyze(policies)
    // OR: every pod of the controller namespace now reaches the proxy, not just the controller.
    expect(actual).toContain(line(UNRELATED, NODE, 'TCP 8443,26656'))
  })
})
