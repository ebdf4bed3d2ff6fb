import { describe, expect, it } from 'vitest'
import { node, raw } from '../../test/fixtures.js'
import { formatFieldError, validateSeiNode } from './validate.js'

function messages(value: unknown): string[] {
  const result = validateSeiNode(value)
  return result.ok ? [] : result.errors.map(formatFieldError)
}

describe('validateSeiNode', () => {
  it('accepts a minimal full node', () => {
    expect(validateSeiNode(node())).toEqual({ ok: true, value: node() })
  })

  it('accepts every optional field', () => {
    const full = node({
      validator: { resources: { requests: { cpu: '4', memory: '16Gi' } }, storage: { size: '2Ti' } },
      sidecar: { image: 'ghcr.io/sei-protocol/seictl:1.0.0', port: 17777, publicPort: 19100 },
      podLabels: { team: 'rpc', 'example.com/tier': 'gold' },
      peers: [`${'a'.repeat(40)}@seed-0.sei.svc:26656`],
      overrides: { 'mempool.size': '5000', 'p2p.max_num_inbound_peers': '40' },
      paused: true,
    })
    expect(messages(full)).toEqual([])
  })

  it('names a missing chainId', () => {
    const value = raw(node())
    delete (value['spec'] as Record<string, unknown>)['chainId']
    expect(messages(value)).toEqual(['spec.chainId: required field is missing'])
  })

  it('names a chainId that is not a DNS-1123 label, with its value', () => {
    expect(messages(node({ chainId: 'Pacific_1' }))).toEqual([
      'spec.chainId: must be a DNS-1123 label (lowercase alphanumerics and \'-\', alphanumeric at both ends); got "Pacific_1"',
    ])
  })

  it('rejects no role block and two role blocks', () => {
    const none = raw(node())
    delete (none['spec'] as Record<string, unknown>)['fullNode']
    expect(messages(none)).toEqual([
      'spec: exactly one of fullNode, validator, archive, seed, replayer must be set',
    ])
    expect(messages(node({ fullNode: {}, seed: {} }))).toEqual([
      'spec: exactly one of fullNode, validator, archive, seed, replayer must be set',
    ])
  })

  it('rejects a port out of range', () => {
    expect(messages(node({ sidecar: { publicPort: 70000 } }))).toEqual([
      'spec.sidecar.publicPort: expected integer to be less or equal to 65535; got 70000',
    ])
  })

  it('rejects a public port equal to the (default or custom) tasks port', () => {
    expect(messages(node({ sidecar: { publicPort: 7777 } }))).toEqual([
      'spec.sidecar.publicPort: publicPort must differ from port (the loopback tasks listener, default 7777)',
    ])
    expect(messages(node({ sidecar: { port: 9100 } }))).toHaveLength(1)
    expect(messages(node({ sidecar: { port: 9200, publicPort: 9200 } }))).toHaveLength(1)
  })

  it('rejects sidecar ports taken by the proxy or seid', () => {
    expect(messages(node({ sidecar: { port: 8443, publicPort: 26657 } }))).toEqual([
      'spec.sidecar.port: port must not be a port of kube-rbac-proxy or seid (1317, 8443, 8545, 8546, 9090, 26656, 26657, 26660)',
      'spec.sidecar.publicPort: publicPort must not be a port of kube-rbac-proxy or seid (1317, 8443, 8545, 8546, 9090, 26656, 26657, 26660)',
    ])
  })

  it('reports every bad field at once, not only the first', () => {
    const value = raw(node({ chainId: 'BAD', fullNode: {}, seed: {}, sidecar: { port: 0 } }))
    delete (value['spec'] as Record<string, unknown>)['image']
    ;(value['spec'] as Record<string, unknown>)['chainID'] = 'typo'
    const found = messages(value).map((m) => m.split(':')[0])
    expect(found).toEqual(['spec.image', 'spec.chainID', 'spec.chainId', 'spec.sidecar.port', 'spec'])
  })

  it('names bad map keys and values by their key', () => {
    expect(
      messages(node({ podLabels: { 'bad key!': 'x', ok: 'bad value!' }, overrides: { 'a..b': '1' } })),
    ).toEqual([
      "spec.podLabels.ok: must be a label value (alphanumerics, '-', '_', '.', alphanumeric at both ends); got \"bad value!\"",
      'spec.podLabels["bad key!"]: invalid key: must be a label key ([prefix/]name)',
      'spec.overrides["a..b"]: invalid key: must be a TOML dotted key such as mempool.size',
    ])
  })

  it('rejects names that cannot be a StatefulSet with pods', () => {
    expect(messages(node({}, 'x'.repeat(53)))).toEqual([
      `metadata.name: expected string length less or equal to 52; got "${'x'.repeat(53)}"`,
    ])
    expect(messages(node({}, '1node'))).toEqual([
      'metadata.name: must be a DNS-1035 label (lowercase alphanumerics and \'-\', starting with a letter); got "1node"',
    ])
  })

  it('rejects a wrong apiVersion or kind', () => {
    expect(messages({ ...node(), apiVersion: 'v1', kind: 'Pod' }).map((m) => m.split(':')[0])).toEqual([
      'apiVersion',
      'kind',
    ])
  })
})
