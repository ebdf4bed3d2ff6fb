/**
 * /readyz is 503 until every watch synced (here: a ServiceAccount without rights cannot list, until the
 * shipped ClusterRole is bound to it), /healthz is 200 throughout, and /metrics passes
 * `promtool check metrics` (Debian package `prometheus`; .ci/run installs it) with controller-runtime names.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CONTROLLER_METRICS, CONTROLLER_RBAC } from '@sei-k8s/contract'
import type { KubeObject } from '@sei-k8s/testenv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildManagerRole } from '../../src/manifests/rbac.js'
import { connectPlane } from './helpers.js'
import {
  ensureCrd,
  type RunningController,
  startController,
  waitFor,
  writeTokenKubeconfig,
} from './run-helpers.js'

const plane = connectPlane()
const dir = mkdtempSync(join(tmpdir(), 'sei-controller-obs-'))
let controller: RunningController | undefined

beforeAll(async () => {
  await ensureCrd(plane)
  await plane.applyManifest([buildManagerRole() as KubeObject])
})

afterAll(async () => {
  await controller?.stop()
  rmSync(dir, { recursive: true, force: true })
  plane.kube.close()
})

/** promtool present; outside CI its absence skips that check with one loud line, in CI it fails. */
function hasPromtool(): boolean {
  if (spawnSync('sh', ['-c', 'command -v promtool']).status === 0) return true
  const message = 'SKIPPED: promtool is missing; install it with: apt-get install -y prometheus'
  if (process.env['CI'] === 'true' || process.env['CI'] === '1') throw new Error(`${message} (CI: required)`)
  console.warn(`\n!!! ${message}\n`)
  return false
}

const get = async (port: number, path: string) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  return { status: res.status, text: await res.text() }
}

describe('health and metrics', () => {
  it('/readyz is 503 until synced, then 200; /metrics passes promtool', async () => {
    const ns = await plane.createNamespace()
    const token = await plane.createServiceAccountToken(ns, 'controller')
    controller = await startController({
      kubeconfigPath: writeTokenKubeconfig(plane, dir, token),
      args: [`--namespace=${ns}`],
      readyMessage: 'controller starting',
    })
    const port = controller.healthPort
    const notReady = await get(port, '/readyz')
    expect(notReady.status).toBe(503)
    expect(notReady.text).toMatch(/\[-\]informer-seinodes-0 failed: not synced/)
    expect((await get(port, '/healthz')).status).toBe(200)

    await plane.applyManifest([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `obs-${ns}` },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: CONTROLLER_RBAC.managerRole,
        },
        subjects: [{ kind: 'ServiceAccount', name: 'controller', namespace: ns }],
      } as KubeObject,
    ])
    await waitFor('/readyz 200', async () => (await get(port, '/readyz')).status === 200, 40_000, 250)
    expect((await get(port, '/readyz?verbose')).text).toMatch(/\[\+\]informer-statefulsets-1 ok/)

    const text = await controller.metrics()
    for (const name of Object.values(CONTROLLER_METRICS))
      expect(text).toContain(`# TYPE ${name.replace(/_total$/, '')}`)
    expect(text).toContain('controller_runtime_reconcile_total{controller="seinode",result="success"} 0')
    if (!hasPromtool()) return
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
    expect(check.error).toBeUndefined()
    expect(`${check.stdout}${check.stderr}`).toBe('')
    expect(check.status).toBe(0)
  }, 60_000)
})
