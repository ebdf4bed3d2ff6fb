import { describe, expect, it } from 'vitest'
import {
  LABELS,
  type LabelSource,
  ROLE_BLOCKS,
  resourceLabels,
  roleBlockOf,
  selectorLabels,
} from './labels.js'

function node(spec: Partial<LabelSource['spec']> = {}): LabelSource {
  return { metadata: { name: 'pacific-1-rpc-0' }, spec: { chainId: 'pacific-1', fullNode: {}, ...spec } }
}

describe('labels', () => {
  it('selects on sei.io/node only', () => {
    expect(selectorLabels('n1')).toEqual({ 'sei.io/node': 'n1' })
  })

  it.each(Object.entries(ROLE_BLOCKS))('maps role block %s to sei.io/role=%s', (block, role) => {
    const labels = resourceLabels({ metadata: { name: 'n' }, spec: { chainId: 'c', [block]: {} } })
    expect(labels[LABELS.role]).toBe(role)
  })

  it('includes the selector labels in the resource labels', () => {
    expect(resourceLabels(node())).toMatchObject(selectorLabels('pacific-1-rpc-0'))
  })

  it('never lets podLabels override system labels', () => {
    const labels = resourceLabels(
      node({
        podLabels: {
          'sei.io/node': 'other',
          'sei.io/chain': 'evil',
          'sei.io/role': 'validator',
          'sei.io/dedicated-node': 'true',
          'sei.io/snapshot-publish': 'true',
          team: 'rpc',
        },
      }),
    )
    expect(labels).toEqual({
      'sei.io/node': 'pacific-1-rpc-0',
      'sei.io/chain': 'pacific-1',
      'sei.io/role': 'node',
      team: 'rpc',
    })
  })

  it('adds the optional flags only when set', () => {
    const labels = resourceLabels(node(), { isDedicatedNode: true, isSnapshotPublisher: true })
    expect(labels[LABELS.dedicatedNode]).toBe('true')
    expect(labels[LABELS.snapshotPublish]).toBe('true')
  })

  it('rejects a spec with no role block or with two', () => {
    expect(() => roleBlockOf({ chainId: 'c' })).toThrow(/found none/)
    expect(() => roleBlockOf({ chainId: 'c', seed: {}, archive: {} })).toThrow(/found archive, seed/)
  })

  it('keeps the public label keys (NetworkPolicies, PodMonitors and dashboards select on them)', () => {
    expect(LABELS).toEqual({
      node: 'sei.io/node',
      chain: 'sei.io/chain',
      role: 'sei.io/role',
      dedicatedNode: 'sei.io/dedicated-node',
      snapshotPublish: 'sei.io/snapshot-publish',
    })
  })
})
