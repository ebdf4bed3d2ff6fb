import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { node } from '../../test/fixtures.js'
import type { SeiNode } from '../api/seinode.js'
import type { KubeClient, KubeObject } from '../kube/client.js'
import { KubeApiError } from '../kube/errors.js'
import { DEFAULT_PLATFORM } from '../platform.js'
import { OwnWrites } from './own-writes.js'
import { createSeiNodeReconciler, StalledError } from './reconciler.js'
import type { SidecarObservation } from './sidecar-sync.js'

/** The sidecar as the tests see it: not answering (sidecar-sync has its own tests). */
const unreachable: SidecarObservation = {
  sidecarReady: { status: 'Unknown', reason: 'Unreachable', message: 'connect ECONNREFUSED' },
  requeueAfterMs: 5_000,
}

/** An in-memory API: applied objects land in `owned` (as the informer cache would see them). */
function setup(
  seiNode: SeiNode,
  options: { refuseApply?: KubeApiError; refuseStatus?: KubeApiError; foreign?: KubeObject } = {},
  onLog?: (line: { level: number; msg: string }) => void,
) {
  const ownWrites = new OwnWrites()
  const owned = new Map<string, KubeObject>()
  const asked: string[] = []
  const writes: string[] = []
  let status: unknown
  const forced: boolean[] = []
  // No `get`: the reconciler must answer existence from its caches.
  const client = {
    async apply(object: KubeObject, _manager: string, applyOptions: { force?: boolean } = {}) {
      writes.push(`apply ${object.kind}`)
      forced.push(applyOptions.force !== false)
      if (options.refuseApply && object.kind === 'StatefulSet') throw options.refuseApply
      const stored = {
        ...object,
        metadata: { ...object.metadata, uid: `uid-${object.kind}`, resourceVersion: '1' },
      }
      owned.set(`${object.kind}/${object.metadata.namespace}/${object.metadata.name}`, stored)
      return stored
    },
    async patchStatus(_r: unknown, _m: unknown, s: unknown) {
      writes.push('status')
      if (options.refuseStatus) throw options.refuseStatus
      status = s
      return { ...seiNode, metadata: { ...seiNode.metadata, resourceVersion: '2' }, status: s }
    },
    async create() {
      writes.push('event')
      return {}
    },
  } as unknown as KubeClient
  const current = (): SeiNode => ({ ...seiNode, status: status as SeiNode['status'] })
  const reconcile = createSeiNodeReconciler({
    client,
    caches: {
      node: () => current(),
      owned: (kind, key) =>
        owned.get(`${kind}/${key}`) ??
        (options.foreign !== undefined &&
        options.foreign.kind === kind &&
        `${options.foreign.metadata.namespace}/${options.foreign.metadata.name}` === key
          ? options.foreign
          : undefined),
    },
    platform: DEFAULT_PLATFORM,
    nodeRbac: { ensure: async () => {} },
    events: { record: async () => void writes.push('event') },
    log:
      onLog === undefined
        ? pino({ level: 'silent' })
        : pino({ level: 'debug' }, { write: (line: string) => onLog(JSON.parse(line)) }),
    now: () => Date.UTC(2026, 0, 1),
    newId: () => 'id',
    ownWrites,
    sidecar: async (n) => {
      asked.push(n.metadata.name)
      return unreachable
    },
  })
  return {
    reconcile,
    writes,
    forced,
    asked,
    owned,
    ownWrites,
    status: () => status as SeiNode['status'],
  }
}

const signal = new AbortController().signal
const withUid = (n: SeiNode): SeiNode => ({
  ...n,
  metadata: { ...n.metadata, uid: 'node-uid', generation: 2 },
})

describe('SeiNode reconciler', () => {
  it('applies the three objects and the status once, then writes nothing on a resync', async () => {
    const { reconcile, writes, status } = setup(withUid(node()))
    await reconcile('sei/pacific-1-rpc-0', signal)
    expect(writes.filter((w) => w !== 'event')).toEqual([
      'apply ConfigMap',
      'apply Service',
      'apply StatefulSet',
      'status',
    ])
    expect(status()?.observedGeneration).toBe(2)
    expect(status()?.conditions?.find((c) => c.type === 'SidecarReady')).toMatchObject({
      status: 'Unknown',
      reason: 'Unreachable',
    })
    writes.length = 0
    await reconcile('sei/pacific-1-rpc-0', signal)
    expect(writes).toEqual([])
  })

  it('creates without force (a Conflict, never a takeover) and applies drift with force', async () => {
    const { reconcile, forced, owned } = setup(withUid(node()))
    await reconcile('sei/pacific-1-rpc-0', signal)
    expect(forced).toEqual([false, false, false])
    forced.length = 0
    // Someone scaled our StatefulSet by hand: the cached object differs from the intent.
    const key = 'StatefulSet/sei/pacific-1-rpc-0'
    const sts = owned.get(key) as KubeObject & { spec: { replicas: number } }
    owned.set(key, { ...sts, spec: { ...sts.spec, replicas: 5 } } as KubeObject)
    await reconcile('sei/pacific-1-rpc-0', signal)
    expect(forced).toEqual([true])
  })

  it('remembers what its writes answered with, so their watch echoes queue nothing', async () => {
    const { reconcile, owned, ownWrites } = setup(withUid(node()))
    await reconcile('sei/pacific-1-rpc-0', signal)
    // Three applies and the status patch.
    expect(ownWrites.size).toBe(4)
    for (const object of owned.values()) expect(ownWrites.shouldQueue(object, 'k')).toBe(false)
    const echo = { ...withUid(node()), metadata: { ...withUid(node()).metadata, resourceVersion: '2' } }
    expect(ownWrites.shouldQueue(echo as unknown as KubeObject, 'k')).toBe(false)
    expect(ownWrites.size).toBe(0)
  })

  it('does nothing for a SeiNode that is gone', async () => {
    // Its client has no methods: any call would throw.
    const gone = createSeiNodeReconcilerForMissing()
    expect(await gone('sei/none', signal)).toEqual({})
  })

  it('stalls on an object it does not control, without applying it', async () => {
    const foreign = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'pacific-1-rpc-0-rbac-proxy-config', namespace: 'sei' },
    }
    const { reconcile, writes, status } = setup(withUid(node()), { foreign })
    await expect(reconcile('sei/pacific-1-rpc-0', signal)).rejects.toBeInstanceOf(StalledError)
    expect(writes.some((w) => w.startsWith('apply'))).toBe(false)
    expect(status()?.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'NotOwned',
    })
  })

  it("stalls with the API's reason on a 422 and throws for a backed-off retry; a 503 only throws", async () => {
    const invalid = new KubeApiError(422, 'Invalid', 'spec.volumeClaimTemplates: field is immutable')
    const refused = setup(withUid(node()), { refuseApply: invalid })
    await expect(refused.reconcile('sei/pacific-1-rpc-0', signal)).rejects.toBeInstanceOf(StalledError)
    expect(refused.status()?.phase).toBe('Failed')
    expect(refused.status()?.conditions?.find((c) => c.type === 'Stalled')?.message).toContain(
      'field is immutable',
    )
    const down = setup(withUid(node()), { refuseApply: new KubeApiError(503, 'ServiceUnavailable', 'later') })
    await expect(down.reconcile('sei/pacific-1-rpc-0', signal)).rejects.toBeInstanceOf(KubeApiError)
    expect(down.writes).not.toContain('status')
  })

  it('requeues a status conflict (stale cached resourceVersion) quietly: no error, no Event, nothing logged above debug', async () => {
    const conflict = new KubeApiError(
      409,
      'Conflict',
      'Operation cannot be fulfilled on seinodes.sei.io "pacific-1-rpc-0": the object has been modified',
    )
    const lines: { level: number; msg: string }[] = []
    const { reconcile, writes } = setup(withUid(node()), { refuseStatus: conflict }, (line) =>
      lines.push(line),
    )
    expect(await reconcile('sei/pacific-1-rpc-0', signal)).toEqual({ requeue: true })
    expect(writes).toContain('status')
    expect(writes).not.toContain('event')
    expect(lines.filter((l) => l.msg === 'status conflict, requeued').map((l) => l.level)).toEqual([20])
    expect(lines.some((l) => l.level >= 40)).toBe(false)
    // Any other status failure is still an error for a backed-off retry.
    const down = setup(withUid(node()), {
      refuseStatus: new KubeApiError(503, 'ServiceUnavailable', 'later'),
    })
    await expect(down.reconcile('sei/pacific-1-rpc-0', signal)).rejects.toBeInstanceOf(KubeApiError)
  })

  it('asks the sidecar once the StatefulSet exists and returns its requeueAfter; never for a paused node', async () => {
    const running = setup(withUid(node()))
    expect(await running.reconcile('sei/pacific-1-rpc-0', signal)).toEqual({ requeueAfterMs: 5_000 })
    expect(running.asked).toEqual(['pacific-1-rpc-0'])
    const paused = setup(withUid(node({ paused: true })))
    expect(await paused.reconcile('sei/pacific-1-rpc-0', signal)).toEqual({})
    expect(paused.asked).toEqual([])
    expect(paused.status()?.conditions?.find((c) => c.type === 'SidecarReady')).toMatchObject({
      status: 'False',
      reason: 'Paused',
    })
  })
})

function createSeiNodeReconcilerForMissing() {
  return createSeiNodeReconciler({
    client: {} as KubeClient,
    caches: { node: () => undefined, owned: () => undefined },
    platform: DEFAULT_PLATFORM,
    nodeRbac: { ensure: async () => {} },
    events: { record: async () => {} },
    log: pino({ level: 'silent' }),
    now: () => 0,
    newId: () => 'id',
    ownWrites: new OwnWrites(),
    sidecar: async () => unreachable,
  })
}
