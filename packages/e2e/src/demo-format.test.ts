import { generateNodePolicies } from '@sei-k8s/policy'
import type { AllowedConnection, KubeObject } from '@sei-k8s/testenv'
import { describe, expect, it } from 'vitest'
import { connectionMatrix, peerLabel, policySummary } from './demo-format.js'

const pod = (namespace: string, name: string) => ({ type: 'workload', namespace, name, kind: 'Pod' }) as const

function conn(
  src: AllowedConnection['src'],
  dst: AllowedConnection['dst'],
  tcp: string[],
): AllowedConnection {
  return {
    src,
    dst,
    connections: { all: false, protocols: { TCP: tcp } },
    raw: { src: '', dst: '', conn: '' },
  }
}

describe('connectionMatrix', () => {
  it('puts sources down, destinations across, the allowed TCP ports in the cells and - where none', () => {
    const anyAddress = { type: 'ip', range: '0.0.0.0-255.255.255.255' } as const
    const lines = connectionMatrix(
      [
        conn(pod('ctl', 'manager'), pod('sei', 'a'), ['8443', '26656']),
        conn(anyAddress, pod('sei', 'a'), ['26656']),
        conn(anyAddress, pod('sei', 'b'), ['26656']),
        conn(pod('sei', 'a'), pod('other', 'x'), ['80']),
      ],
      ['sei/a', 'sei/b'],
    )
    expect(lines).toEqual([
      'from \\ to                sei/a       sei/b',
      'any address (0.0.0.0/0)  26656       26656',
      'ctl/manager              8443,26656  -',
    ])
  })

  it('names peers as namespace/name, an IP range as it is', () => {
    expect(peerLabel(pod('ns', 'p'))).toBe('ns/p')
    expect(peerLabel({ type: 'ip', range: '10.0.0.0-10.0.0.255' })).toBe('10.0.0.0-10.0.0.255')
  })
})

describe('policySummary', () => {
  it('lists each generated policy with its ports and sources', () => {
    const policies = generateNodePolicies({ namespaces: ['sei'] }) as unknown as KubeObject[]
    const lines = policySummary(policies)
    expect(lines[0]).toMatch(/^policy\s+ports\s+from$/)
    expect(lines.find((l) => l.startsWith('sei/sei-node-proxy'))).toMatch(
      /8443\s+pods \{.+\} in sei-k8s-controller-system$/,
    )
    expect(lines.find((l) => l.startsWith('sei/sei-node-public'))).toMatch(/9100\s+namespace monitoring$/)
    expect(lines.find((l) => l.startsWith('sei/sei-node-p2p'))).toMatch(/26656\s+anywhere$/)
    expect(lines.join('\n')).not.toContain('7777')
  })
})
