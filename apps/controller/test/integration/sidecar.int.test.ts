/**
 * The controller driving real sidecars through real kube-rbac-proxies: the built sidecar process, the proxy
 * with the args and ConfigMap the builder rendered (testenv's startRbacProxy), the controller's bearer
 * token minted for the shipped controller ServiceAccount with the shipped task-submitter binding
 * (install.yaml applied). No kubelet: StatefulSet readiness is patched into its status subresource.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CONTROLLER, SIDECAR_TASK_TYPES } from '@sei-k8s/contract'
import type { KubeObject } from '@sei-k8s/testenv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SeiNode, SeiNodeStatus } from '../../src/api/seinode.js'
import { installObjects } from '../../src/manifests/index.js'
import { taskId } from '../../src/sidecar/task-id.js'
import { node } from '../fixtures.js'
import { connectPlane } from './helpers.js'
import { getObject, type RunningController, startController, waitFor } from './run-helpers.js'
import { addToUrlMap, type NodeSidecar, startFakeSeid, startNodeSidecar } from './sidecar-harness.js'

const plane = connectPlane()
const dir = mkdtempSync(join(tmpdir(), 'sei-controller-sidecar-int-'))
const urlMap = join(dir, 'sidecar-urls.json')
const tokenFile = join(dir, 'token')
const CONTROLLER_USER = `system:serviceaccount:${CONTROLLER.namespace}:${CONTROLLER.serviceAccount}`
const CHAIN = 'test-1'
const namespaces: Record<'main' | 'restart' | 'forbidden' | 'failing', string> = {
  main: '',
  restart: '',
  forbidden: '',
  failing: '',
}
let controller: RunningController
const sidecars: NodeSidecar[] = []
const extraControllers: RunningController[] = []

type Node = SeiNode & { status?: SeiNodeStatus }
const nodePath = (ns: string, name: string) => `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes/${name}`
const condition = (n: Node | undefined, type: string) => n?.status?.conditions?.find((c) => c.type === type)

function controllerArgs(nsList: readonly string[], token: string): string[] {
  return [
    ...nsList.map((ns) => `--namespace=${ns}`),
    `--sidecar-url-map=${urlMap}`,
    `--sidecar-token-file=${token}`,
    '--sidecar-poll-seconds=1',
  ]
}

/** Creates the SeiNode, its sidecar + proxy (in the URL map) and simulates a ready pod. */
async function createNode(ns: string, name: string, overrides: Record<string, string>): Promise<NodeSidecar> {
  const seiNode = node({ chainId: CHAIN, overrides }, name)
  const value: SeiNode = { ...seiNode, metadata: { ...seiNode.metadata, namespace: ns } }
  const sidecar = await startNodeSidecar(plane, value)
  sidecars.push(sidecar)
  addToUrlMap(urlMap, ns, name, sidecar.proxy.url)
  await plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body: value })
  const sts = `/apis/apps/v1/namespaces/${ns}/statefulsets/${name}`
  await waitFor('StatefulSet', () => getObject(plane, sts))
  await plane.kube.expectOk('PATCH', `${sts}/status`, {
    body: { status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 } },
    contentType: 'application/merge-patch+json',
  })
  return sidecar
}

async function readNode(ns: string, name: string): Promise<Node | undefined> {
  return getObject<Node>(plane, nodePath(ns, name))
}

async function waitForCondition(ns: string, name: string, type: string, status: string, timeoutMs = 30_000) {
  return waitFor(
    `${ns}/${name} ${type}=${status}`,
    async () => {
      const n = await readNode(ns, name)
      return condition(n, type)?.status === status ? n : undefined
    },
    timeoutMs,
  )
}

function countById(tasks: readonly { taskId: string }[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const t of tasks) counts.set(t.taskId, (counts.get(t.taskId) ?? 0) + 1)
  return counts
}

beforeAll(async () => {
  await plane.applyManifest(installObjects().map(([, o]) => o as KubeObject))
  await plane.waitForCrd('seinodes.sei.io')
  writeFileSync(
    tokenFile,
    await plane.createServiceAccountToken(CONTROLLER.namespace, CONTROLLER.serviceAccount),
  )
  for (const key of Object.keys(namespaces) as (keyof typeof namespaces)[]) {
    namespaces[key] = await plane.createNamespace()
  }
  controller = await startController({
    kubeconfigPath: plane.kubeconfigPath,
    args: controllerArgs([namespaces.main, namespaces.restart, namespaces.failing], tokenFile),
  })
})

afterAll(async () => {
  await controller?.stop()
  for (const c of extraControllers) await c.stop()
  for (const s of sidecars) await s.stop()
  rmSync(dir, { recursive: true, force: true })
  plane.kube.close()
})

describe('the controller drives each sidecar through kube-rbac-proxy', () => {
  let alpha: NodeSidecar

  it('runs the init plan: status.nodeId from node_key.json, overrides in the TOML files, SidecarReady=True, every request as the controller', async () => {
    const ns = namespaces.main
    alpha = await createNode(ns, 'alpha', { 'mempool.size': '8000', 'app.minimum-gas-prices': '"0.01usei"' })
    const ready = await waitForCondition(ns, 'alpha', 'Ready', 'True')
    expect(condition(ready, 'SidecarReady')).toMatchObject({ status: 'True', reason: 'Ready' })
    expect(ready.status?.nodeId).toBe(alpha.nodeIdFromKey())
    expect(ready.status?.initializedGeneration).toBe(1)
    expect(alpha.readFile('config.toml')).toMatch(/^size = 8000$/m)
    expect(alpha.readFile('config.toml')).toMatch(/^moniker = "alpha"$/m)
    expect(alpha.readFile('app.toml')).toMatch(/^minimum-gas-prices = "0.01usei"$/m)
    const submitted = alpha.submitted()
    const uid = ready.metadata.uid ?? ''
    const plan = [
      SIDECAR_TASK_TYPES.generateIdentity,
      SIDECAR_TASK_TYPES.configPatch,
      SIDECAR_TASK_TYPES.configValidate,
      SIDECAR_TASK_TYPES.markReady,
    ].map((type, i) => taskId(uid, 1, type, i))
    expect(submitted.map((t) => t.taskId)).toEqual(plan)
    for (const t of submitted) expect(t.user).toBe(CONTROLLER_USER)
    const at = (msg: string) =>
      controller.lines.find((l) => l.key === `${ns}/alpha` && l.msg === msg)?.['time']
    // A figure, not an assertion: the plan's wall time from the first submission to its completion.
    console.log(
      `init plan: ${Number(at('plan complete')) - Number(at('task submitted'))} ms from first submission to complete`,
    )
    const metrics = await controller.metrics()
    expect(metrics).toMatch(/sei_controller_sidecar_requests_total\{operation="submit",code="201"\} [1-9]/)
    expect(metrics).toMatch(
      /sei_controller_sidecar_request_duration_seconds_count\{operation="status"\} [1-9]/,
    )
  })

  it('re-issues mark-ready after the sidecar restarts (same SEI_HOME); no other task runs twice', async () => {
    const ns = namespaces.main
    const before = condition(await readNode(ns, 'alpha'), 'SidecarReady')
    // Condition times have 1 s resolution: restart in a later second than the last transition.
    await new Promise((r) => setTimeout(r, 1100))
    await alpha.restart()
    // lastTransitionTime moves only when the status changes: a new one on a True condition proves it went
    // False (or Unknown) in between (a window of milliseconds: the re-issued mark-ready is fast).
    await waitFor('SidecarReady True again, after a transition', async () => {
      const c = condition(await readNode(ns, 'alpha'), 'SidecarReady')
      return c?.status === 'True' && c.lastTransitionTime !== before?.lastTransitionTime
    })
    const after = await waitForCondition(ns, 'alpha', 'SidecarReady', 'True')
    expect(condition(after, 'SidecarReady')?.lastTransitionTime).not.toBe(before?.lastTransitionTime)
    const submitted = alpha.submitted()
    const types = new Map((await alpha.tasks()).map((t) => [t.id, t]))
    const reissued = submitted.slice(4)
    expect(reissued.length).toBe(1)
    expect(types.get(reissued[0]?.taskId ?? '')?.type).toBe('mark-ready')
    for (const [, n] of countById(submitted)) expect(n).toBe(1)
    for (const t of types.values()) expect(t.run).toBe(1)
  })

  it('resumes a plan with the same task ids after a controller restart mid-plan, without duplicate work', async () => {
    const ns = namespaces.restart
    const beta = await createNode(ns, 'beta', { 'mempool.size': '7000' })
    // Asked of the sidecar's task store, polled tightly, and the controller killed at once (as a crashed
    // pod would be): log lines can reach the test after the whole plan (~750 ms) has run on a loaded machine.
    await waitFor('the first task on the sidecar', async () => (await beta.tasks()).length > 0, 20_000, 5)
    await controller.stop('SIGKILL')
    // Stopped mid-plan: not every step reached the sidecar.
    expect((await beta.tasks()).length).toBeLessThan(4)
    controller = await startController({
      kubeconfigPath: plane.kubeconfigPath,
      args: controllerArgs([namespaces.main, namespaces.restart, namespaces.failing], tokenFile),
    })
    const ready = await waitForCondition(ns, 'beta', 'Ready', 'True')
    const uid = ready.metadata.uid ?? ''
    const plan = ['generate-identity', 'config-patch', 'config-validate', 'mark-ready'].map((type, i) =>
      taskId(uid, 1, type, i),
    )
    const submitted = beta.submitted()
    expect(submitted.map((t) => t.taskId)).toEqual(plan)
    for (const t of await beta.tasks()) expect(t.run).toBe(1)
    expect(ready.status?.nodeId).toBe(beta.nodeIdFromKey())
  })

  it('reports a token without the task-submitter binding as SidecarReady=False/Forbidden and keeps running', async () => {
    const ns = namespaces.forbidden
    const strangerToken = join(dir, 'stranger-token')
    writeFileSync(strangerToken, await plane.createServiceAccountToken(ns, 'stranger'))
    const stranger = await startController({
      kubeconfigPath: plane.kubeconfigPath,
      args: controllerArgs([ns], strangerToken),
    })
    extraControllers.push(stranger)
    const gamma = await createNode(ns, 'gamma', {})
    const n = await waitFor('Ready=False/SidecarNotReady', async () => {
      const got = await readNode(ns, 'gamma')
      return condition(got, 'Ready')?.reason === 'SidecarNotReady' ? got : undefined
    })
    const c = condition(n, 'SidecarReady')
    expect(c?.reason).toBe('Forbidden')
    expect(c?.message).toContain(`system:serviceaccount:${ns}:stranger`)
    // The proxy's SubjectAccessReview outcome: who, which verb, which resource.
    expect(c?.message).toMatch(
      /403 from kube-rbac-proxy: Forbidden \(user=\S+, verb=get, resource=seinodetasks/,
    )
    expect(condition(n, 'Ready')).toMatchObject({ status: 'False', reason: 'SidecarNotReady' })
    expect(gamma.submitted()).toEqual([])
    expect(stranger.process.exitCode).toBe(null)
    expect((await fetch(`http://127.0.0.1:${stranger.healthPort}/healthz`)).status).toBe(200)
  })

  it("stops the plan at a failing task: Ready=False/InitTaskFailed with the sidecar's error; fixing the spec recovers", async () => {
    const ns = namespaces.failing
    const delta = await createNode(ns, 'delta', { 'client.chain-id': 'wrong-1' })
    const failed = await waitFor('InitTaskFailed', async () => {
      const n = await readNode(ns, 'delta')
      return condition(n, 'Ready')?.reason === 'InitTaskFailed' ? n : undefined
    })
    expect(condition(failed, 'Ready')?.status).toBe('False')
    expect(condition(failed, 'Ready')?.message).toContain('config-validate')
    expect(condition(failed, 'Ready')?.message).toContain(
      'client.toml chain-id is "wrong-1", expected "test-1"',
    )
    await plane.kube.expectOk('PATCH', nodePath(ns, 'delta'), {
      body: { spec: { overrides: { 'client.chain-id': CHAIN } } },
      contentType: 'application/merge-patch+json',
    })
    const ready = await waitForCondition(ns, 'delta', 'Ready', 'True')
    expect(ready.status?.initializedGeneration).toBe(2)
    expect(delta.readFile('client.toml')).toMatch(/^chain-id = "test-1"$/m)
  })

  it('applies an overrides change once: config-patch, config-validate, restart-seid (a fake seid gets SIGTERM); a resync submits nothing', async () => {
    const ns = namespaces.main
    const seid = startFakeSeid()
    try {
      const before = alpha.submitted().length
      await plane.kube.expectOk('PATCH', nodePath(ns, 'alpha'), {
        body: { spec: { overrides: { 'mempool.size': '9000', 'app.minimum-gas-prices': '"0.01usei"' } } },
        contentType: 'application/merge-patch+json',
      })
      const configured = await waitFor('configuredGeneration 2', async () => {
        const n = await readNode(ns, 'alpha')
        return n?.status?.configuredGeneration === 2 ? n : undefined
      })
      expect(await seid.died).toBe('SIGTERM')
      expect(alpha.readFile('config.toml')).toMatch(/^size = 9000$/m)
      const uid = configured.metadata.uid ?? ''
      const plan = ['config-patch', 'config-validate', 'restart-seid'].map((type, i) =>
        taskId(uid, 2, type, i),
      )
      expect(
        alpha
          .submitted()
          .slice(before)
          .map((t) => t.taskId),
      ).toEqual(plan)
      // Several polls (1 s) later: nothing more was submitted.
      const settled = alpha.submitted().length
      await new Promise((r) => setTimeout(r, 3500))
      expect(alpha.submitted().length).toBe(settled)
      expect(condition(await readNode(ns, 'alpha'), 'Ready')?.status).toBe('True')
    } finally {
      seid.kill()
    }
  })
})
