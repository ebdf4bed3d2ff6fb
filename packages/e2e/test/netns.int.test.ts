/**
 * Issue 16, item 4: the network view of a node Pod. Its sidecar and kube-rbac-proxy run inside a network
 * namespace whose veth address (198.18.0.0/15) stands for the pod IP, with the Pod's env and args from the
 * API unchanged. From outside: the public port and the proxy port answer, the tasks port is refused; and
 * the controller drives the node's init plan through the proxy on the pod address.
 */
import { CONTROLLER, PORTS, PUBLIC_PATHS, TASK_API_PATHS } from '@sei-k8s/contract'
import { type ControlPlaneClient, connectControlPlane } from '@sei-k8s/testenv'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { request } from '../src/http.js'
import { controllerExample } from '../src/package-files.js'
import type { RenderedPod } from '../src/pod-parts.js'
import { initSeidHome, seidInitArgs } from '../src/seid-init.js'
import { readNodePod, type System, startSystem } from '../src/system.js'
import { callerFor } from './support/identities.js'
import { type NetnsPod, netnsUnavailable, startNetnsPod } from './support/netns-pod.js'
import { applyExample } from './support/seinodes.js'

// CI runs as root with iproute2 (.ci/run installs it) and must not skip; elsewhere one loud line.
const unavailable = netnsUnavailable()
if (unavailable && process.env['CI'] === 'true') throw new Error(`netns.int.test.ts under CI: ${unavailable}`)
if (unavailable) process.stderr.write(`SKIPPED netns.int.test.ts: ${unavailable}\n`)

let plane: ControlPlaneClient
let system: System | undefined
let pod: NetnsPod | undefined
let parts: RenderedPod
let key = ''

beforeAll(async () => {
  if (unavailable) return
  plane = connectControlPlane(inject('seiTestenv'))
  system = await startSystem(plane)
  const namespace = await plane.createNamespace()
  const name = await applyExample(plane, controllerExample('full-node.yaml'), namespace)
  key = `${namespace}/${name}`
  await plane.waitFor(
    'Pod',
    namespace,
    `${name}-0`,
    (p) => (p as { status?: { phase?: string } } | undefined)?.status?.phase === 'Running',
    60_000,
  )
  const read = await readNodePod(plane, namespace, name)
  parts = read.parts
  const init = seidInitArgs(read.pod.spec)
  pod = await startNetnsPod(plane, parts, { initHome: (home) => initSeidHome(home, init) })
})

afterAll(async () => {
  await system?.stop()
  await pod?.stop()
  if (pod) expect(pod.sidecar.hasExited()).toBe(true)
})

async function connectionError(url: string): Promise<string | undefined> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(3000) })
    return undefined
  } catch (error) {
    return ((error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).name) as string
  }
}

describe.skipIf(unavailable !== undefined)('a node Pod seen from outside its network namespace', () => {
  it('answers on the public port and the proxy port of the pod address, and refuses the tasks port', async () => {
    const ip = pod?.podIp ?? ''
    expect([parts.tasksPort, parts.publicPort]).toEqual([PORTS.tasks, PORTS.public])
    expect((await request(`http://${ip}:${PORTS.public}`, 'GET', PUBLIC_PATHS.livez)).status).toBe(200)
    // The proxy answers (and wants a token); the tasks listener is not there at all.
    expect((await request(`http://${ip}:${PORTS.proxy}`, 'GET', TASK_API_PATHS.status)).status).toBe(401)
    expect(await connectionError(`http://${ip}:${PORTS.tasks}${TASK_API_PATHS.status}`)).toBe('ECONNREFUSED')
  })

  it('lets the controller run the init plan through the proxy on the pod address', async () => {
    const ip = pod?.podIp ?? ''
    system?.sidecarUrlMap?.set(key, `http://${ip}:${PORTS.proxy}`)
    const [namespace = '', name = ''] = key.split('/')
    await plane.waitFor(
      { apiVersion: 'sei.io/v1alpha1', kind: 'SeiNode' },
      namespace,
      name,
      (o) =>
        (
          o as { status?: { conditions?: { type: string; status: string }[] } } | undefined
        )?.status?.conditions?.some((c) => c.type === 'SidecarReady' && c.status === 'True') === true,
      60_000,
    )
    const controller = await callerFor(plane, CONTROLLER.namespace, CONTROLLER.serviceAccount)
    const status = await request(`http://${ip}:${PORTS.proxy}`, 'GET', TASK_API_PATHS.status, {
      token: controller.token,
    })
    expect(status.json).toEqual({ status: 'Ready' })
    expect((await request(`http://${ip}:${PORTS.public}`, 'GET', PUBLIC_PATHS.healthz)).status).toBe(200)
  })
})
