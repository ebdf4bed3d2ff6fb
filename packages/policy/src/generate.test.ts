import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { CONTRACT_VERSION } from '@sei-k8s/contract'
import { describe, expect, it } from 'vitest'
import { generateNodePolicies } from './generate.js'
import { PolicyOptionsError } from './input.js'
import { toJson, toYaml } from './yaml.js'

// Golden files: review a diff in testdata/ like any code change. Regenerate with UPDATE_GOLDEN=1.
const CASES = {
  'vanilla-default': { namespaces: ['sei'] },
  'vanilla-configured': {
    namespaces: ['sei-testnet', 'sei-mainnet'],
    publicPorts: [9100, 19100],
    nodeCidrs: ['10.0.0.0/16', 'fd00:10::/64'],
    rpcFrom: ['ingress-nginx', '203.0.113.0/24'],
    p2pFrom: ['sentries', '198.51.100.0/24'],
    prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
  },
  'cilium-default': { namespaces: ['sei'], flavor: 'cilium' },
  'calico-configured': {
    namespaces: ['sei'],
    flavor: 'calico',
    nodeCidrs: ['10.0.0.0/16'],
    rpcFrom: ['ingress-nginx'],
    prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
  },
} as const

function golden(name: string, actual: string): string {
  const url = new URL(`../testdata/${name}.yaml`, import.meta.url)
  const { UPDATE_GOLDEN } = process.env
  if (UPDATE_GOLDEN === '1') writeFileSync(url, actual)
  if (!existsSync(url)) throw new Error(`missing golden file ${url.pathname}: run with UPDATE_GOLDEN=1`)
  return readFileSync(url, 'utf8')
}

describe('generateNodePolicies', () => {
  it.each(Object.entries(CASES))('matches the golden file testdata/%s.yaml', (name, input) => {
    const yaml = toYaml(generateNodePolicies(input))
    expect(yaml).toBe(golden(name, yaml))
  })

  it('produces byte-identical output run to run and whatever the order of list options', () => {
    const first = toYaml(generateNodePolicies(CASES['vanilla-configured']))
    const shuffled = {
      ...CASES['vanilla-configured'],
      namespaces: ['sei-mainnet', 'sei-testnet', 'sei-mainnet'],
      nodeCidrs: ['fd00:10::/64', '10.0.0.0/16'],
      rpcFrom: ['203.0.113.0/24', 'ingress-nginx'],
    }
    expect(toYaml(generateNodePolicies(shuffled))).toBe(first)
    expect(toYaml(generateNodePolicies(CASES['vanilla-configured']))).toBe(first)
    expect(toJson(generateNodePolicies(shuffled))).toBe(
      toJson(generateNodePolicies(CASES['vanilla-configured'])),
    )
  })

  it('emits five policies per namespace, ordered by namespace then name', () => {
    const objects = generateNodePolicies({ namespaces: ['b', 'a'] })
    expect(objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'a/sei-node-p2p',
      'a/sei-node-proxy',
      'a/sei-node-public',
      'a/sei-node-rpc',
      'a/sei-node-seid-metrics',
      'b/sei-node-p2p',
      'b/sei-node-proxy',
      'b/sei-node-public',
      'b/sei-node-rpc',
      'b/sei-node-seid-metrics',
    ])
  })

  it('annotates each object with the contract version and the options that shaped it, but not the namespace list', () => {
    const [first] = generateNodePolicies({ namespaces: ['a', 'b'], nodeCidrs: ['10.0.0.0/16'] })
    const annotations = first?.metadata.annotations ?? {}
    expect(annotations['sei.io/contract-version']).toBe(CONTRACT_VERSION)
    const recorded: unknown = JSON.parse(annotations['sei.io/policy-options'] ?? '')
    expect(recorded).toMatchObject({ nodeCidrs: ['10.0.0.0/16'], flavor: 'vanilla' })
    expect(recorded).not.toHaveProperty('namespaces')
    expect(first?.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'sei-k8s-policy' })
    // Adding a namespace must not rewrite the existing namespace's policies in a GitOps diff.
    const alone = toYaml(generateNodePolicies({ namespaces: ['a'], nodeCidrs: ['10.0.0.0/16'] }))
    const together = toYaml(
      generateNodePolicies({ namespaces: ['a', 'b'], nodeCidrs: ['10.0.0.0/16'] }).filter(
        (o) => o.metadata.namespace === 'a',
      ),
    )
    expect(together).toBe(alone)
  })

  it('throws PolicyOptionsError listing every invalid option before generating anything', () => {
    expect(() => generateNodePolicies({ namespaces: ['OK?'], flavor: 'weave' })).toThrow(PolicyOptionsError)
    expect(() => generateNodePolicies({ namespaces: ['OK?'], flavor: 'weave' })).toThrow(
      /flavor = "weave": must be one of vanilla, cilium, calico\n {2}namespaces\[0\] = "OK\?"/,
    )
  })
})
