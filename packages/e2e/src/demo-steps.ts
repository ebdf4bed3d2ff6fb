/** The demo's steps, each narrated in a few lines; every started process is stopped on exit or Ctrl-C. */

import { homedir } from 'node:os'
import { CONTROLLER, HEADERS, PORTS, PUBLIC_PATHS, TASK_API_PATHS } from '@sei-k8s/contract'
import {
  type ControlPlane,
  ensureBinaries,
  type KubeObject,
  resolveCacheDir,
  startControlPlane,
} from '@sei-k8s/testenv'
import { parse } from 'yaml'
import { connectionMatrix, peerLabel, policySummary } from './demo-format.js'
import { request } from './http.js'
import { controllerExample } from './package-files.js'
import { analyzeSystem, ensureNeighbours } from './policy-view.js'
import { type RunningNode, type System, startSystem } from './system.js'

/** The two example SeiNodes: defaults, and non-default sidecar ports that everything must follow. */
const EXAMPLES = ['full-node.yaml', 'archive-custom-ports.yaml'] as const
const READY_TIMEOUT_MS = 45_000
/** One fake worker large enough for an archive node (16 CPU, 64Gi requested) beside a full node. */
const ARCHIVE_CLASS_NODE = { cpu: '64', memory: '256Gi', pods: '110', ephemeralStorage: '500Gi' } as const

export interface DemoOptions {
  readonly keep: boolean
  /** Binaries not built yet (`name version`). */
  readonly missing: readonly string[]
  readonly say: (line: string) => void
}

interface SeiNodeObject {
  readonly metadata: { readonly name: string; readonly namespace: string }
  readonly spec: { readonly sidecar?: { readonly publicPort?: number } }
  readonly status?: {
    readonly phase?: string
    readonly nodeId?: string
    readonly conditions?: readonly { type: string; status: string; reason?: string; message?: string }[]
  }
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`

export async function runDemo(options: DemoOptions): Promise<number> {
  const { say } = options
  const started = Date.now()
  let plane: ControlPlane | undefined
  let system: System | undefined
  let stopping: Promise<void> | undefined
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      const pids = [
        ...(system ? [system.controller.pid] : []),
        ...[...(system?.nodes.values() ?? [])].flatMap((n) => [n.nodePod.sidecar.pid, n.nodePod.proxy.pid]),
        ...Object.values(plane?.info.pids ?? {}),
      ]
      await system?.stop().catch((e: unknown) => say(`   stopping the system: ${String(e)}`))
      await plane?.stop().catch((e: unknown) => say(`   stopping the control plane: ${String(e)}`))
      if (pids.length > 0)
        say(`stopped ${pids.length} processes (pids ${pids.join(' ')}) and removed their temp dirs`)
    })()
    return stopping
  }
  let interrupted = false
  let flow: Promise<number> = Promise.resolve(0)
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return
    interrupted = true
    say(`\n${signal}: stopping everything…`)
    // Stop what runs, then let the step in flight notice and undo what it was starting (bounded wait).
    void stopAll()
      .then(() => Promise.race([flow, new Promise((r) => setTimeout(r, 10_000))]))
      .then(() => process.exit(130))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  flow = steps()
  return flow

  async function steps(): Promise<number> {
    try {
      say(
        'sei-k8s demo: sidecar, controller and NetworkPolicies on real Kubernetes components (all on 127.0.0.1)',
      )
      say('\n[1/9] binaries')
      if (options.missing.length > 0) {
        say(`   first run: building ${options.missing.join(', ')} from the Go module proxy`)
        say('   (measured: about 17 min for all of them on 2 cores, cached afterwards; progress below)')
        const t = Date.now()
        await ensureBinaries({ log: (line) => say(`   ${line}`) })
        say(`   built in ${seconds(t)}`)
      } else {
        say(`   all cached in ${resolveCacheDir(process.env, homedir())}`)
      }

      say('\n[2/9] cluster-mode control plane')
      let t = Date.now()
      // Own session: Ctrl-C in the terminal reaches the demo, which stops the controller while the API server
      // still answers (it releases its Lease), then the plane; not every process at once.
      plane = await startControlPlane({
        cluster: { nodes: 1, nodeCapacity: ARCHIVE_CLASS_NODE },
        detached: true,
      })
      say(`   kube-apiserver ${plane.info.version} at ${plane.apiUrl}, etcd, kube-controller-manager,`)
      say(`   kube-scheduler and kwok (fake node ${plane.nodeNames.join(', ')}) ready in ${seconds(t)}`)

      say('\n[3/9] install.yaml and the controller')
      t = Date.now()
      system = await startSystem(plane)
      const kinds = new Map<string, number>()
      for (const o of system.install) kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1)
      say(
        `   applied apps/controller/config/install.yaml: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`,
      )
      say(
        `   controller \`run ${system.controller.args.filter((a) => a.startsWith('--leader')).join(' ')}\` pid ${system.controller.pid},`,
      )
      say(
        `   as system:serviceaccount:${CONTROLLER.namespace}:${CONTROLLER.serviceAccount} (a token of the shipped ServiceAccount); caches synced in ${seconds(t)}`,
      )
      if (!system.sidecarUrlMap)
        say('   this controller build has no sidecar client (controller part 3): no init plan will run')

      say('\n[4/9] two example SeiNodes')
      const nodes: SeiNodeObject[] = []
      for (const file of EXAMPLES) {
        const node = parse(controllerExample(file)) as SeiNodeObject
        const ns = node.metadata.namespace
        if ((await plane.kube.request('GET', `/api/v1/namespaces/${ns}`)).status === 404)
          await plane.createNamespace(ns)
        await plane.applyManifest([node as unknown as KubeObject])
        nodes.push(node)
        say(`   applied apps/controller/examples/${file}: SeiNode ${ns}/${node.metadata.name}`)
      }
      for (const node of nodes) {
        const key = `${node.metadata.namespace}/${node.metadata.name}`
        const created = await waitForLog(system, key, 3)
        say(`   the controller created for ${key}: ${created.join(', ')}`)
      }

      say('\n[5/9] node Pods, run for real')
      const running: RunningNode[] = []
      for (const node of nodes) {
        const n = await system.runNode(node.metadata.namespace, node.metadata.name)
        running.push(n)
        const pod = (
          await plane.kube.expectOk(
            'GET',
            `/api/v1/namespaces/${n.parts.namespace}/pods/${n.pod.metadata.name}`,
          )
        ).body as { spec: { nodeName?: string } }
        say(
          `   Pod ${n.parts.namespace}/${n.pod.metadata.name} (from StatefulSet ${n.parts.nodeName}) Running on ${pod.spec.nodeName}`,
        )
        say(
          `     sei-sidecar pid ${n.nodePod.sidecar.pid}: tasks 127.0.0.1:${n.nodePod.sidecar.tasksPort} (Pod: ${n.parts.tasksPort}), public :${n.nodePod.sidecar.publicPort} (Pod: ${n.parts.publicPort})`,
        )
        say(
          `     kube-rbac-proxy pid ${n.nodePod.proxy.pid}: ${n.nodePod.proxy.url} → ${n.nodePod.upstream} (Pod: :${PORTS.proxy} → ${n.parts.proxyUpstream})`,
        )
      }

      say('\n[6/9] init plan: the controller drives each sidecar through its proxy')
      const token = await plane.createServiceAccountToken(CONTROLLER.namespace, CONTROLLER.serviceAccount)
      const initialised = await Promise.all(
        running.map((n) => narrateTasks(plane as ControlPlane, n, token, say)),
      )

      say(
        '\n[7/9] the proxy decides (every path needs a token that passes TokenReview and SubjectAccessReview)',
      )
      const first = running[0]
      if (first) {
        const stranger = await plane.createServiceAccountToken('default', 'demo-stranger')
        const calls = [
          [`as ${CONTROLLER.serviceAccount} (bound to sei-k8s-task-submitter)`, { token }],
          ['as default/demo-stranger (no binding)', { token: stranger }],
          [
            'without a token, forged X-Remote-User: system:admin',
            { headers: { [HEADERS.remoteUser]: 'system:admin' } },
          ],
        ] as const
        for (const [who, auth] of calls) {
          const res = await request(first.nodePod.proxy.url, 'GET', TASK_API_PATHS.status, auth)
          const body = res.text.trim().split('\n')[0] ?? ''
          say(
            `   GET ${TASK_API_PATHS.status} ${who} → ${res.status} ${body.length > 70 ? `${body.slice(0, 70)}…` : body}`,
          )
        }
        const metrics = await request(first.nodePod.proxy.url, 'GET', PUBLIC_PATHS.metrics, { token })
        say(
          `   GET ${PUBLIC_PATHS.metrics} through the proxy as the controller → ${metrics.status} (metrics live on the public port only)`,
        )
      }

      say('\n[8/9] nodes')
      for (const [i, node] of nodes.entries()) {
        // A node whose init plan did not finish cannot turn Ready: report it as it stands.
        const status = await waitNodeReady(plane, node, initialised[i] ? READY_TIMEOUT_MS : 0)
        const cond = (type: string) => status?.conditions?.find((c) => c.type === type)
        const ready = cond('Ready')
        const detail = ready?.status === 'True' ? '' : ` (${ready?.reason}: ${ready?.message})`
        say(
          `   ${node.metadata.namespace}/${node.metadata.name}: phase ${status?.phase}, Ready=${ready?.status}, SidecarReady=${cond('SidecarReady')?.status ?? 'unset'}, nodeId ${status?.nodeId ?? 'unset'}${detail}`,
        )
      }

      say(
        '\n[9/9] NetworkPolicies (platform step), checked by the np-guard analyzer over the Pods in the API',
      )
      await ensureNeighbours(plane)
      const namespaces = [...new Set(nodes.map((n) => n.metadata.namespace))]
      const publicPorts = [...new Set(running.map((n) => n.parts.publicPort))]
      const view = await analyzeSystem(plane, namespaces, { publicPorts })
      for (const line of policySummary(view.policies)) say(`   ${line}`)
      const destinations = [
        ...new Set(
          view.allowed
            .map((c) => c.dst)
            .filter((p) => p.type === 'workload' && namespaces.includes(p.namespace))
            .map(peerLabel),
        ),
      ].sort()
      say('   allowed TCP ports (- = none):')
      for (const line of connectionMatrix(view.allowed, destinations)) say(`   ${line}`)
      const tasksPorts = running.map((n) => n.parts.tasksPort)
      say(`   tasks ports ${tasksPorts.join(', ')}: allowed from nobody (loopback only)`)

      say(`\ndone in ${seconds(started)}`)
      if (options.keep) {
        say('\neverything is still running (--keep). In another shell:')
        say(`   export KUBECONFIG=${plane.kubeconfigPath}`)
        say('   kubectl get seinodes -A; kubectl get pods -A')
        say('press Ctrl-C here to stop every process and remove the temp files')
        await new Promise<never>(() => {})
      }
      await stopAll()
      return 0
    } catch (error) {
      // After Ctrl-C, a step failing because its processes are going away is expected, not news.
      if (!interrupted) say(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`)
      await stopAll()
      return interrupted ? 130 : 1
    }
  }
}

/** The first `count` "created" lines of the controller about `key`, as `Kind name`. */
async function waitForLog(system: System, key: string, count: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const created = system.controller.lines.filter((l) => l['key'] === key && l.msg === 'created')
    if (created.length >= count) return created.map((l) => `${String(l['kind'])} ${String(l['name'])}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the controller created no objects for ${key} within 20 s`)
}

/** The SeiNode's SidecarReady condition. */
async function sidecarCondition(plane: ControlPlane, node: RunningNode) {
  const path = `/apis/sei.io/v1alpha1/namespaces/${node.parts.namespace}/seinodes/${node.parts.nodeName}`
  const status = (await plane.kube.request('GET', path)).body as SeiNodeObject
  return status.status?.conditions?.find((c) => c.type === 'SidecarReady')
}

/**
 * Prints each task of the node's sidecar as it finishes, until mark-ready completed (true), the sidecar
 * refused a submission with a 4xx (the controller's retries cannot succeed: false), or the timeout (false).
 */
async function narrateTasks(
  plane: ControlPlane,
  node: RunningNode,
  token: string,
  say: (l: string) => void,
): Promise<boolean> {
  const seen = new Map<string, string>()
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    const res = await request(node.nodePod.proxy.url, 'GET', TASK_API_PATHS.tasks, { token })
    const tasks = ((res.json ?? []) as TaskView[])
      .slice()
      .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))
    for (const task of tasks) {
      const state = `${task.status}/${task.run}`
      if (task.status === 'running' || seen.get(task.id) === state) continue
      seen.set(task.id, state)
      const why = task.error ? `: ${task.error.slice(0, 100)}` : ''
      say(
        `   ${node.key}  ${task.type.padEnd(17)} ${task.status}${task.run > 1 ? ` (run ${task.run})` : ''}${why}`,
      )
      if (task.type === 'mark-ready' && task.status === 'completed') return true
    }
    const condition = await sidecarCondition(plane, node)
    if (condition?.status !== 'True' && / 4\d\d [A-Z_]+: /.test(condition?.message ?? '')) {
      say(
        `   ${node.key}  the sidecar refused the next task: SidecarReady=${condition?.status} ${condition?.reason}: ${condition?.message}`,
      )
      return false
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  const condition = await sidecarCondition(plane, node)
  say(
    `   ${node.key}  init plan not finished after ${READY_TIMEOUT_MS / 1000} s; SidecarReady=${condition?.status ?? 'unset'} ${condition?.reason ?? ''}: ${condition?.message ?? ''}`,
  )
  return false
}

interface TaskView {
  readonly id: string
  readonly type: string
  readonly status: string
  readonly run: number
  readonly error?: string
  readonly submittedAt: string
}

/** Waits until the SeiNode is Ready=True (or the timeout) and returns its status either way. */
async function waitNodeReady(plane: ControlPlane, node: SeiNodeObject, timeoutMs: number) {
  const path = `/apis/sei.io/v1alpha1/namespaces/${node.metadata.namespace}/seinodes/${node.metadata.name}`
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const status = ((await plane.kube.expectOk('GET', path)).body as SeiNodeObject).status
    const ready = status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
    if (ready || Date.now() > deadline) return status
    await new Promise((r) => setTimeout(r, 200))
  }
}
