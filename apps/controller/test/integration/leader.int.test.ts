/**
 * Two `run` processes with leader election on a Lease: exactly one reconciles; SIGTERM on the leader
 * releases the Lease, and the standby reconciles within 3 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectPlane, inNamespace, readExample } from './helpers.js'
import { ensureCrd, getObject, type RunningController, startController, waitFor } from './run-helpers.js'

const plane = connectPlane()
let ns = ''
const controllers: RunningController[] = []

beforeAll(async () => {
  await ensureCrd(plane)
  ns = await plane.createNamespace()
})

afterAll(async () => {
  for (const c of controllers) await c.stop()
  plane.kube.close()
})

const start = () =>
  startController({
    kubeconfigPath: plane.kubeconfigPath,
    args: [`--namespace=${ns}`, '--leader-elect=true', `--leader-election-namespace=${ns}`],
  })

const isLeader = (c: RunningController) => c.lines.some((l) => l.msg === 'became leader')
const reconciled = (c: RunningController, name: string) =>
  c.lines.some((l) => l.key === `${ns}/${name}` && l.msg === 'created')

describe('run: leader election', () => {
  it('only the leader reconciles; SIGTERM hands over within 3 s', async () => {
    controllers.push(await start())
    await waitFor('the first to lead', () => isLeader(controllers[0] as RunningController))
    controllers.push(await start())
    const [first, second] = controllers as [RunningController, RunningController]
    const lease = await getObject<{ spec: { holderIdentity: string; leaseDurationSeconds: number } }>(
      plane,
      `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/sei-k8s-controller.sei.io`,
    )
    expect(lease?.spec.leaseDurationSeconds).toBe(15)

    const one = inNamespace(readExample('seed.yaml'), ns)
    await plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body: one })
    await waitFor('the leader reconciles', () => reconciled(first, one.metadata.name))
    await new Promise((r) => setTimeout(r, 1000))
    expect(isLeader(second)).toBe(false)
    expect(second.lines.some((l) => l['reconcileId'] !== undefined)).toBe(false)

    const stoppedAt = Date.now()
    expect(await first.stop('SIGTERM')).toBe(0)
    const two = { ...inNamespace(readExample('full-node.yaml'), ns) }
    await plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body: two })
    await waitFor('the standby reconciles', () => reconciled(second, two.metadata.name), 10_000, 20)
    const takeoverMs = Date.now() - stoppedAt
    process.stderr.write(`leader handover: SIGTERM → standby reconciled in ${takeoverMs} ms\n`)
    expect(takeoverMs).toBeLessThan(3000)
  })
})
