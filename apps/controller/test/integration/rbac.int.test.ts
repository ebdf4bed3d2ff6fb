/**
 * RBAC proven, not assumed: the shipped install.yaml applied, then `run` with a token of the shipped
 * controller ServiceAccount (not admin) reconciles a SeiNode in a namespace nobody prepared (node
 * ServiceAccount and proxy binding included). In-process, the verbs the code calls are recorded and must be
 * exactly the shipped ClusterRole's.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CONTROLLER, CONTROLLER_RBAC } from '@sei-k8s/contract'
import type { KubeObject } from '@sei-k8s/testenv'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Verb } from '../../src/kube/client.js'
import type { Resource } from '../../src/kube/resources.js'
import { installObjects } from '../../src/manifests/index.js'
import { buildLeaderElectionRole, buildManagerRole } from '../../src/manifests/rbac.js'
import { DEFAULT_PLATFORM } from '../../src/platform.js'
import { run } from '../../src/run.js'
import { connectPlane, inNamespace, readExample } from './helpers.js'
import { CLOSED_SIDECAR_URL, getObject, waitFor, writeTokenKubeconfig } from './run-helpers.js'

const plane = connectPlane()
const dir = mkdtempSync(join(tmpdir(), 'sei-controller-rbac-'))
let kubeconfigPath = ''

beforeAll(async () => {
  const objects = installObjects().map(([, o]) => o as KubeObject)
  await plane.applyManifest(objects)
  await plane.waitForCrd('seinodes.sei.io')
  const token = await plane.createServiceAccountToken(CONTROLLER.namespace, CONTROLLER.serviceAccount)
  kubeconfigPath = writeTokenKubeconfig(plane, dir, token)
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  plane.kube.close()
})

interface Rule {
  apiGroups: string[]
  resources: string[]
  verbs: string[]
}

describe('run with the shipped ServiceAccount', () => {
  it('reconciles in an unprepared namespace, calling exactly the verbs of the shipped ClusterRole', async () => {
    const ns = await plane.createNamespace()
    const calls = new Set<string>()
    const record = (verb: Verb, resource: Resource) =>
      calls.add(`${resource.group}/${resource.plural}:${verb}`)
    const stop = new AbortController()
    const log = pino({ level: 'warn' })
    const running = run(
      {
        kubeconfigPath,
        namespaces: [ns],
        platform: DEFAULT_PLATFORM,
        concurrency: 2,
        isLeaderElect: true,
        leaderElectionNamespace: undefined,
        leaderElectionId: `rbac-test-${ns}`,
        healthPort: 0,
        metricsPort: 0,
        bindAddress: '127.0.0.1',
        watchdogMs: 60_000,
        sidecarUrlTemplate: CLOSED_SIDECAR_URL,
        onCall: record,
      },
      log,
      stop.signal,
    )
    const node = inNamespace(readExample('full-node.yaml'), ns)
    const name = node.metadata.name
    await plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body: node })
    await waitFor(
      'status written by the controller',
      async () => {
        const n = await getObject<{ status?: { observedGeneration?: number } }>(
          plane,
          `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes/${name}`,
        )
        return n?.status?.observedGeneration === 1
      },
      30_000,
    )
    expect(await getObject(plane, `/apis/apps/v1/namespaces/${ns}/statefulsets/${name}`)).toBeDefined()
    expect(await getObject(plane, `/api/v1/namespaces/${ns}/serviceaccounts/seid-node`)).toBeDefined()
    const binding = await getObject<{
      metadata: { ownerReferences?: { kind: string; name: string }[] }
      roleRef: { name: string }
      subjects: { namespace: string }[]
    }>(plane, `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${CONTROLLER_RBAC.rbacProxyRole}:${ns}`)
    expect(binding?.roleRef.name).toBe(CONTROLLER_RBAC.rbacProxyRole)
    expect(binding?.subjects[0]?.namespace).toBe(ns)
    // Owned by the Namespace: garbage-collected with it.
    expect(binding?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Namespace', name: ns }),
    ])
    // Paused: one more reconcile path (status + Event).
    await plane.kube.expectOk('PATCH', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes/${name}`, {
      body: { spec: { paused: true } },
      contentType: 'application/merge-patch+json',
    })
    await waitFor('phase Paused', async () => {
      const n = await getObject<{ status?: { phase?: string } }>(
        plane,
        `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes/${name}`,
      )
      return n?.status?.phase === 'Paused'
    })
    stop.abort()
    expect(await running).toBe('stopped')

    const granted = new Set<string>()
    for (const rule of (buildManagerRole() as { rules: Rule[] }).rules) {
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources)
          for (const verb of rule.verbs) granted.add(`${group}/${resource}:${verb}`)
      }
    }
    const leaseVerbs = [...calls]
      .filter((c) => c.startsWith('coordination.k8s.io/'))
      .map((c) => c.split(':')[1])
    const leaderRole = buildLeaderElectionRole() as { rules: Rule[] }
    expect(leaseVerbs.sort()).toEqual([...(leaderRole.rules[0]?.verbs ?? [])].sort())
    const clusterCalls = [...calls].filter((c) => !c.startsWith('coordination.k8s.io/'))
    // `bind` is checked by the API server on the binding's create; it is not a request of its own.
    expect([...granted].filter((g) => !g.endsWith(':bind')).sort()).toEqual(clusterCalls.sort())
  }, 60_000)
})
