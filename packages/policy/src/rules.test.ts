import { PORT_NAMES, PORTS, SEID_PORTS } from '@sei-k8s/contract'
import { describe, expect, it } from 'vitest'
import { assertNoTasksPort, type PolicyPlan, planNodePolicies } from './rules.js'
import { options } from './test-options.js'

function portsOf(plans: readonly PolicyPlan[]): number[] {
  return [
    ...new Set(plans.flatMap((plan) => plan.rules.flatMap((rule) => rule.ports.map((ref) => ref.port)))),
  ]
}

describe('planNodePolicies', () => {
  it('opens every container port of a node pod except the tasks port, each taken from the contract', () => {
    const expected = [PORTS.proxy, PORTS.public, ...Object.values(SEID_PORTS).map((p) => p.port)]
    expect(portsOf(planNodePolicies(options(), 'sei')).sort()).toEqual(expected.sort())
  })

  it('never lists the loopback tasks port, whatever the options', () => {
    const plans = planNodePolicies(
      options({ rpcFrom: ['team-a', '10.0.0.0/8'], p2pFrom: ['10.1.0.0/16'], nodeCidrs: ['10.2.0.0/16'] }),
      'sei',
    )
    expect(portsOf(plans)).not.toContain(PORTS.tasks)
  })

  it('refuses a plan that lists the tasks port', () => {
    const leaky: PolicyPlan = {
      name: 'leaky',
      description: '',
      rules: [{ ports: [{ name: 'tasks', port: PORTS.tasks }], sources: [{ kind: 'anywhere' }] }],
    }
    expect(() => assertNoTasksPort([leaky])).toThrow(/tasks port 7777/)
  })

  it('names the proxy and public ports as the pod spec does', () => {
    const [proxy, publicPlan] = planNodePolicies(options(), 'sei')
    expect(proxy?.rules[0]?.ports).toEqual([{ name: PORT_NAMES.proxy, port: PORTS.proxy }])
    expect(publicPlan?.rules[0]?.ports).toEqual([{ name: PORT_NAMES.public, port: PORTS.public }])
  })

  it('admits only the controller to the proxy port, plus node traffic for the tcpSocket liveness probe', () => {
    const proxy = planNodePolicies(options(), 'sei').find((plan) => plan.name === 'sei-node-proxy')
    expect(proxy?.rules).toEqual([
      {
        ports: [{ name: 'api', port: 8443 }],
        sources: [
          {
            kind: 'controller',
            namespace: 'sei-k8s-controller-system',
            podLabels: {
              'app.kubernetes.io/component': 'manager',
              'app.kubernetes.io/name': 'sei-k8s-controller',
            },
            serviceAccount: 'sei-k8s-controller-manager',
          },
        ],
      },
      { ports: [{ name: 'api', port: 8443 }], sources: [{ kind: 'localNode' }] },
    ])
  })

  it('never gives the proxy port an address source: node CIDRs may hold pod IPs (AWS VPC CNI)', () => {
    const plans = planNodePolicies(
      options({ nodeCidrs: ['10.2.0.0/16'], rpcFrom: ['10.8.0.0/16'], p2pFrom: ['10.9.0.0/16'] }),
      'sei',
    )
    const proxySources = plans
      .flatMap((plan) => plan.rules)
      .filter((rule) => rule.ports.some((ref) => ref.port === PORTS.proxy))
      .flatMap((rule) => rule.sources)
    expect(proxySources.map((source) => source.kind).sort()).toEqual(['controller', 'localNode'])
  })

  it('allows p2p from anywhere by default and only from --p2p-from sources (plus nodes) when given', () => {
    const p2p = (input: Record<string, unknown>) =>
      planNodePolicies(options(input), 'sei').find((plan) => plan.name === 'sei-node-p2p')?.rules[0]?.sources
    expect(p2p({})).toEqual([{ kind: 'anywhere' }])
    expect(p2p({ p2pFrom: ['sentries', '203.0.113.0/24'] })).toEqual([
      { kind: 'namespace', namespace: 'sentries', podLabels: {} },
      { kind: 'cidrs', cidrs: ['203.0.113.0/24'] },
      { kind: 'localNode' },
      { kind: 'nodes', cidrs: [], remote: false },
    ])
  })

  it('allows client ports from the same namespace plus rpcFrom, without repeating the own namespace', () => {
    const rpc = planNodePolicies(options({ rpcFrom: ['sei', 'indexer', '10.8.0.0/16'] }), 'sei').find(
      (plan) => plan.name === 'sei-node-rpc',
    )
    expect(rpc?.rules[0]?.ports.map((ref) => ref.port)).toEqual([1317, 8545, 8546, 9090, 26657])
    expect(rpc?.rules[0]?.sources).toEqual([
      { kind: 'sameNamespace' },
      { kind: 'namespace', namespace: 'indexer', podLabels: {} },
      { kind: 'cidrs', cidrs: ['10.8.0.0/16'] },
    ])
  })

  it('gives the local kubelet the probe targets (proxy liveness, public port, seid rpc readiness), and node CIDRs all but the proxy', () => {
    const plans = planNodePolicies(options({ nodeCidrs: ['10.2.0.0/16'] }), 'sei')
    const portsFrom = (kind: string) =>
      plans
        .flatMap((plan) => plan.rules.filter((rule) => rule.sources.some((s) => s.kind === kind)))
        .flatMap((rule) => rule.ports.map((ref) => ref.port))
    expect(portsFrom('localNode')).toEqual([PORTS.proxy, PORTS.public, SEID_PORTS.rpc.port])
    expect(portsFrom('nodes')).toEqual([PORTS.public, SEID_PORTS.rpc.port])
  })

  it('opens every configured public port under the contract port name (custom spec.sidecar.publicPort)', () => {
    const publicPlan = planNodePolicies(options({ publicPorts: [19100, 9100] }), 'sei').find(
      (plan) => plan.name === 'sei-node-public',
    )
    expect(publicPlan?.rules[0]?.ports).toEqual([
      { name: PORT_NAMES.public, port: 9100 },
      { name: PORT_NAMES.public, port: 19100 },
    ])
    expect(publicPlan?.description).toContain(':9100,:19100')
  })
})
