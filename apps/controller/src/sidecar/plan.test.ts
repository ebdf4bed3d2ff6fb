import { readFileSync } from 'node:fs'
import { peerAddress } from '@sei-k8s/contract'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { node } from '../../test/fixtures.js'
import type { SeiNode } from '../api/seinode.js'
import { overridesHash, overridesPatch } from './overrides.js'
import { decideStep, markReadyReissueId, planFor, retryDelayMs } from './plan.js'
import { taskId } from './task-id.js'

const withMeta = (n: SeiNode, generation: number, status?: SeiNode['status']): SeiNode => ({
  ...n,
  metadata: { ...n.metadata, uid: 'uid-1', generation },
  ...(status === undefined ? {} : { status }),
})

describe('task ids', () => {
  it('are UUIDv5 of (uid, generation, type, index): stable, and different for any other input', () => {
    const id = taskId('uid-1', 3, 'config-patch', 1)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(taskId('uid-1', 3, 'config-patch', 1)).toBe(id)
    const others = [
      taskId('uid-2', 3, 'config-patch', 1),
      taskId('uid-1', 4, 'config-patch', 1),
      taskId('uid-1', 3, 'config-validate', 1),
      taskId('uid-1', 3, 'config-patch', 2),
    ]
    expect(new Set([id, ...others]).size).toBe(5)
  })
})

describe('planFor', () => {
  it('runs the init plan until initializedGeneration is recorded', () => {
    const n = withMeta(node({ chainId: 'test-1', overrides: { 'mempool.size': '8000' } }, 'alpha'), 2)
    const plan = planFor(n)
    expect(plan?.kind).toBe('init')
    expect(plan?.steps.map((s) => s.type)).toEqual([
      'generate-identity',
      'config-patch',
      'config-validate',
      'mark-ready',
    ])
    expect(plan?.steps[0]?.params).toEqual({ chainId: 'test-1', moniker: 'alpha' })
    expect(plan?.steps[1]?.params).toEqual({ files: { 'config.toml': { mempool: { size: 8000 } } } })
    expect(plan?.steps[2]?.id).toBe(taskId('uid-1', 2, 'config-validate', 2))
  })

  it('leaves config-patch out of the plans of a node without overrides', () => {
    const init = planFor(withMeta(node({ chainId: 'test-1' }, 'alpha'), 2))
    expect(init?.steps.map((s) => s.type)).toEqual(['generate-identity', 'config-validate', 'mark-ready'])
    const cleared = planFor(
      withMeta(node({}), 3, {
        initializedGeneration: 1,
        appliedOverridesHash: overridesHash({ 'mempool.size': '8000' }),
      }),
    )
    expect(cleared?.steps.map((s) => s.type)).toEqual(['config-validate', 'restart-seid'])
  })

  it('needs nothing once initialised with these overrides, whatever else changed (image, generation)', () => {
    const overrides = { 'mempool.size': '8000' }
    const n = withMeta(node({ overrides, image: 'seid:v2' }), 5, {
      initializedGeneration: 1,
      configuredGeneration: 1,
      appliedOverridesHash: overridesHash(overrides),
    })
    expect(planFor(n)).toBeUndefined()
  })

  it('reconfigures (patch, validate, restart-seid) when the overrides changed after init', () => {
    const n = withMeta(node({ overrides: { 'mempool.size': '9000' } }), 3, {
      initializedGeneration: 1,
      appliedOverridesHash: overridesHash({ 'mempool.size': '8000' }),
    })
    const plan = planFor(n)
    expect(plan?.kind).toBe('reconfigure')
    expect(plan?.steps.map((s) => s.type)).toEqual(['config-patch', 'config-validate', 'restart-seid'])
    expect(plan?.steps.map((s) => s.id)).toEqual([
      taskId('uid-1', 3, 'config-patch', 0),
      taskId('uid-1', 3, 'config-validate', 1),
      taskId('uid-1', 3, 'restart-seid', 2),
    ])
  })

  it('gives each re-issued mark-ready its own id, apart from the plan ids', () => {
    const n = withMeta(node(), 1, { initializedGeneration: 1 })
    const ids = [1, 2, 3].map((i) => markReadyReissueId(n, i))
    expect(new Set([...ids, taskId('uid-1', 1, 'mark-ready', 3)]).size).toBe(4)
  })
})

describe('decideStep', () => {
  const failed = (run: number) => ({
    id: 'x',
    type: 'config-validate',
    status: 'failed' as const,
    run,
    error: 'client.toml chain-id is "wrong"',
    completedAt: '2026-01-01T00:00:00.000Z',
  })
  const t0 = Date.parse('2026-01-01T00:00:00.000Z')

  it('submits an unknown id, waits on a running one, moves on from a completed one', () => {
    expect(decideStep(undefined, t0)).toEqual({ kind: 'submit' })
    expect(decideStep({ id: 'x', type: 't', status: 'running', run: 1 }, t0)).toEqual({ kind: 'wait' })
    expect(decideStep({ id: 'x', type: 't', status: 'completed', run: 1 }, t0)).toEqual({ kind: 'done' })
  })

  it('retries a failed task after a delay that doubles per run, capped', () => {
    expect(decideStep(failed(1), t0)).toEqual({
      kind: 'failed',
      error: 'client.toml chain-id is "wrong"',
      retryInMs: 2_000,
    })
    expect(decideStep(failed(3), t0 + 8_000)).toMatchObject({ retryInMs: 0 })
    expect(retryDelayMs(1)).toBe(2_000)
    expect(retryDelayMs(2)).toBe(4_000)
    expect(retryDelayMs(50)).toBe(300_000)
  })
})

describe('overrides', () => {
  it('routes keys to files by prefix (config.toml by default) and types the values', () => {
    expect(
      overridesPatch({
        'mempool.size': '5000',
        'p2p.pex': 'false',
        'app.minimum-gas-prices': '"0.01usei"',
        'app.evm.gas-cap': '9223372036854775807',
        'client.chain-id': 'test-1',
        'config.consensus.timeout_commit': '"500ms"',
        'app.ratio': '0.5',
      }),
    ).toEqual({
      files: {
        'app.toml': {
          evm: { 'gas-cap': 9223372036854775807n },
          'minimum-gas-prices': '0.01usei',
          ratio: 0.5,
        },
        'client.toml': { 'chain-id': 'test-1' },
        'config.toml': {
          consensus: { timeout_commit: '500ms' },
          mempool: { size: 5000 },
          p2p: { pex: false },
        },
      },
    })
  })

  it('hashes the overrides regardless of key order; absent equals empty', () => {
    expect(overridesHash({ a: '1', b: '2' })).toBe(overridesHash({ b: '2', a: '1' }))
    expect(overridesHash(undefined)).toBe(overridesHash({}))
    expect(overridesHash({ a: '1' })).not.toBe(overridesHash({ a: '2' }))
  })
})

describe('peers from status.nodeId', () => {
  it('examples/peered-full-node.yaml peers with the form peerAddress() gives for a status.nodeId', () => {
    const example = parse(
      readFileSync(new URL('../../examples/peered-full-node.yaml', import.meta.url), 'utf8'),
    ) as SeiNode
    const [peer] = example.spec.peers ?? []
    const nodeId = peer?.split('@')[0] ?? ''
    expect(peer).toBe(peerAddress(nodeId, 'pacific-1-rpc-0', 'sei'))
    expect(peer).toBe(`${nodeId}@pacific-1-rpc-0-0.pacific-1-rpc-0.sei.svc:26656`)
  })
})
