// `run` against a private testenv control plane (etcd + kube-apiserver on loopback, no kubelet):
// for N = 200 and 1,000 SeiNodes, all existing before the controller starts (created "at once" from its
// point of view: one list), how long until every owned object exists, compared in the same run with the
// floor — the same server-side applies (same objects, same concurrency: 4 nodes at a time, a node's 3
// applies sent together, as the controller sends them) from a tight loop with no controller logic, timed
// before and after the controller (the ratio is against their mean, so load drift on a shared machine
// hits both sides). A second reference, the floor plus each node's status patch and PhaseChanged Event
// (the writes any controller meeting the issue makes besides the applies), is timed after them, and a
// third, the applies one at a time (the issue's "tight loop" read literally; for information); then the
// write requests the API server counts during a full steady-state resync (a
// restarted controller re-reconciling all N), and the controller's RSS with N SeiNodes cached (the
// controller runs with the shipped Deployment's NODE_OPTIONS, the contract's APP_NODE_OPTIONS).
// The API server's request counts by verb are printed for the floor and the controller. Sidecars: none
// run; the URL template points at a closed loopback port and a token file exists, so each reconcile's
// sidecar call is a real fetch refused at once (its count and time are printed).
// Prints figures; never fails on timing. Usage (after `pnpm run build`):
//   pnpm --filter @sei-k8s/controller run bench:run [-- 200 1000]
// Experiments: BENCH_CONCURRENCY=8 (controller and floor alike), BENCH_NODE_OPTIONS='--max-semi-space-size=1'
// (the controller's NODE_OPTIONS instead of the contract's).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { APP_NODE_OPTIONS, CONTROLLER, EVENT_REASONS, SIDECAR_CLIENT_METRICS } from '@sei-k8s/contract'
import { binaryPaths, startControlPlane } from '@sei-k8s/testenv'
import { buildAll, buildSeiNodeCrd, DEFAULT_PLATFORM } from '../dist/index.js'
import { createKubeClient } from '../dist/kube/client.js'
import { openConnection } from '../dist/kube/connection.js'
import { RESOURCES } from '../dist/kube/resources.js'
import { withIntent } from '../dist/seinode/drift.js'
import { createEventRecorder } from '../dist/seinode/events.js'
import { computeStatus } from '../dist/seinode/status.js'

const SIZES = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0)
const COUNTS = SIZES.length > 0 ? SIZES : [200, 1000]
// The controller's default --concurrency (run-args.ts); BENCH_CONCURRENCY overrides it for experiments.
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4)
const WRITES = [
  'statefulsets',
  'services',
  'configmaps',
  'seinodes',
  'serviceaccounts',
  'clusterrolebindings',
  'events',
]
const ROLES = ['fullNode', 'validator', 'archive', 'seed', 'replayer']

const node = (ns, i) => ({
  apiVersion: 'sei.io/v1alpha1',
  kind: 'SeiNode',
  metadata: { name: `node-${i}`, namespace: ns },
  spec: { chainId: 'pacific-1', image: 'ghcr.io/sei-protocol/seid:v6.1.0', [ROLES[i % ROLES.length]]: {} },
})

async function pool(items, width, fn) {
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++])
    }),
  )
}

/** apiserver_request_total by `VERB resource` (only the resources the controller and floor touch). */
async function requests(plane) {
  const res = await plane.kube.expectOk('GET', '/metrics')
  const counts = new Map()
  for (const line of res.text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue
    const verb = /verb="([A-Z]+)"/.exec(line)?.[1]
    const resource = /resource="([^"]*)"/.exec(line)?.[1]
    const subresource = /subresource="([^"]*)"/.exec(line)?.[1]
    if (!WRITES.includes(resource)) continue
    const key = `${verb} ${resource}${subresource ? `/${subresource}` : ''}`
    counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)))
  }
  return counts
}

const delta = (after, before) =>
  [...after]
    .map(([k, v]) => [k, v - (before.get(k) ?? 0)])
    .filter(([, v]) => v > 0)
    .sort(([a], [b]) => a.localeCompare(b))

const writeCount = (entries) =>
  entries
    .filter(([k]) => ['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY'].includes(k.split(' ')[0]))
    .reduce((sum, [, v]) => sum + v, 0)

const show = (entries) => entries.map(([k, v]) => `${k} ${v}`).join(', ')

/** Sum and count of a histogram's series in a Prometheus text exposition. */
function histogram(text, name) {
  let sum = 0
  let count = 0
  for (const m of text.matchAll(new RegExp(`^${name}_(sum|count)\\{[^}]*\\} (\\S+)`, 'gm'))) {
    if (m[1] === 'sum') sum += Number(m[2])
    else count += Number(m[2])
  }
  return { sum, count }
}

/** Set when a controller exits without being stopped; `until` then throws. */
let unexpectedExit

function startController(plane, ns) {
  const child = spawn(
    process.execPath,
    [
      'dist/main.js',
      'run',
      `--kubeconfig=${plane.kubeconfigPath}`,
      `--namespace=${ns}`,
      `--concurrency=${CONCURRENCY}`,
      '--health-port=0',
      '--metrics-port=0',
      '--bind-address=127.0.0.1',
      '--log-level=info',
      // No sidecars run here: a closed loopback port (never a DNS lookup of *.svc.cluster.local).
      '--sidecar-url-template=http://127.0.0.1:1',
      `--sidecar-token-file=${TOKEN_FILE}`,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? APP_NODE_OPTIONS },
    },
  )
  const state = { child, created: 0, synced: undefined, metricsPort: 0, succeeded: 0, stopping: false }
  // A controller that exits on its own (a bad flag, a crash) ends the bench instead of a long wait.
  child.once('exit', (code, signal) => {
    if (!state.stopping)
      unexpectedExit = `controller exited (code ${code}, signal ${signal}) before it was stopped`
  })
  let buffered = ''
  child.stdout.on('data', (chunk) => {
    buffered += chunk
    let i = buffered.indexOf('\n')
    while (i >= 0) {
      const text = buffered.slice(0, i)
      buffered = buffered.slice(i + 1)
      i = buffered.indexOf('\n')
      // Parsing every line would cost the bench CPU the controller competes for: count by substring.
      if (text.includes('"msg":"created"')) {
        state.created++
        continue
      }
      const line = JSON.parse(text)
      // Warnings and errors of the controller reach the bench's stderr.
      if (line.level >= 40) console.error(JSON.stringify(line).slice(0, 600))
      if (line.msg === 'caches synced') state.synced = performance.now()
      if (line.msg === 'controller starting') state.metricsPort = line.metricsPort
    }
  })
  return state
}

async function until(check, what, timeoutMs = 900_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (unexpectedExit !== undefined) throw new Error(`${unexpectedExit}, waiting for ${what}`)
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function reconcileCount(state) {
  const text = await (await fetch(`http://127.0.0.1:${state.metricsPort}/metrics`)).text()
  // A node whose sidecar does not answer is requeued for the poll: count both outcomes.
  let sum = 0
  for (const m of text.matchAll(
    /^controller_runtime_reconcile_total\{controller="seinode",result="(?:success|requeue_after)"\} (\d+)/gm,
  ))
    sum += Number(m[1])
  return sum
}

async function stop(state) {
  state.stopping = true
  state.child.kill('SIGTERM')
  await new Promise((r) => state.child.once('exit', r))
}

/** CPU seconds (user + system) used so far by a process. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** The bench's child processes named like `name` (kube-apiserver, etcd). */
function childPids(name) {
  return readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
    .trim()
    .split(' ')
    .filter((pid) => pid !== '' && readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith(name))
}

/** CPU seconds of the controller, kube-apiserver and etcd, for a phase's difference. */
const cpu = (controllerPid) => ({
  controller: cpuSeconds(controllerPid),
  apiserver: childPids('kube-apiserver').reduce((sum, pid) => sum + cpuSeconds(pid), 0),
  etcd: childPids('etcd').reduce((sum, pid) => sum + cpuSeconds(pid), 0),
})

const cpuDelta = (after, before) =>
  Object.keys(after)
    .map((k) => `${k} ${(after[k] - before[k]).toFixed(2)} s`)
    .join(', ')

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

const tokenDir = mkdtempSync(join(tmpdir(), 'sei-bench-'))
const TOKEN_FILE = join(tokenDir, 'token')
writeFileSync(TOKEN_FILE, 'bench-token\n')

/** The floor: every node's applies (a node's three at once), `CONCURRENCY` nodes at a time. */
async function floor(ns, n, { oneAtATime = false } = {}) {
  const nodes = []
  for (let i = 0; i < n; i++) {
    const owner = {
      apiVersion: 'sei.io/v1alpha1',
      kind: 'SeiNode',
      name: `node-${i}`,
      uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
      controller: true,
    }
    nodes.push(buildAll(node(ns, i), DEFAULT_PLATFORM).map((o) => withIntent(o, owner)))
  }
  const t = performance.now()
  if (oneAtATime) {
    // The issue's words taken literally: one apply after another in a tight loop.
    for (const objects of nodes) for (const o of objects) await client.apply(o, CONTROLLER.fieldManager)
  } else {
    await pool(nodes, CONCURRENCY, (objects) =>
      Promise.all(objects.map((o) => client.apply(o, CONTROLLER.fieldManager))),
    )
  }
  return performance.now() - t
}

/**
 * The floor plus what any controller meeting the issue must also write per node: its status (the one
 * the controller computes, through the status subresource) and the PhaseChanged Event, after the node's
 * applies, `CONCURRENCY` nodes at a time. The SeiNodes are created before (not timed, not counted).
 */
async function floorWithStatus(ns, n) {
  const nodes = []
  await pool(
    Array.from({ length: n }, (_, i) => i),
    16,
    async (i) => {
      const res = await plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, {
        body: node(ns, i),
      })
      nodes.push(res.body)
    },
  )
  const events = createEventRecorder(client, 'bench', Date.now)
  const before = await requests(plane)
  const t = performance.now()
  await pool(nodes, CONCURRENCY, async (seiNode) => {
    const { name, uid, resourceVersion } = seiNode.metadata
    const owner = { apiVersion: seiNode.apiVersion, kind: seiNode.kind, name, uid, controller: true }
    const objects = buildAll(seiNode, DEFAULT_PLATFORM).map((o) => withIntent(o, owner))
    const [, , statefulSet] = await Promise.all(objects.map((o) => client.apply(o, CONTROLLER.fieldManager)))
    const status = computeStatus({
      node: seiNode,
      statefulSet,
      stall: undefined,
      sidecar: {
        sidecarReady: { status: 'Unknown', reason: 'Unreachable', message: 'connect ECONNREFUSED' },
      },
      now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    })
    await client.patchStatus(RESOURCES.seiNode, { namespace: ns, name, resourceVersion }, status)
    await events.record(seiNode, {
      type: 'Normal',
      reason: EVENT_REASONS.phaseChanged,
      note: `phase (none) → ${status.phase}`,
    })
  })
  const ms = performance.now() - t
  return { ms, requests: delta(await requests(plane), before) }
}

const plane = await startControlPlane({ binaries: binaryPaths() })
const connection = await openConnection({ kubeconfigPath: plane.kubeconfigPath })
const client = createKubeClient(connection)
try {
  await plane.applyManifest([buildSeiNodeCrd()])
  await plane.waitForCrd('seinodes.sei.io')
  console.log(`bench: kube-apiserver ${plane.info.version}, concurrency ${CONCURRENCY}`)
  for (const n of COUNTS) {
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')
    let before = await requests(plane)
    const floorCpuBefore = cpu(process.pid)
    const floorBeforeMs = await floor(await plane.createNamespace(), n)
    const floorCpu = cpuDelta(cpu(process.pid), floorCpuBefore).replace('controller', 'bench')
    const floorRequests = delta(await requests(plane), before)

    const ns = await plane.createNamespace()
    await pool(
      Array.from({ length: n }, (_, i) => node(ns, i)),
      16,
      (body) => plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body }),
    )
    before = await requests(plane)
    const controller = startController(plane, ns)
    await until(() => controller.synced !== undefined, 'caches synced')
    const cpuBefore = cpu(controller.child.pid)
    await until(() => controller.created >= 3 * n, `${3 * n} owned objects`)
    const controllerMs = performance.now() - controller.synced
    const cpuUsed = cpuDelta(cpu(controller.child.pid), cpuBefore)
    await until(async () => (await reconcileCount(controller)) >= n, 'every status written')
    const allMs = performance.now() - controller.synced
    const created = await (await fetch(`http://127.0.0.1:${controller.metricsPort}/metrics`)).text()
    const controllerRequests = delta(await requests(plane), before)
    const counter = (re) => [...created.matchAll(re)].reduce((sum, m) => sum + Number(m[1]), 0)
    const errors = counter(/^controller_runtime_reconcile_errors_total\{controller="seinode"\} (\d+)/gm)
    const requeues = counter(
      /^controller_runtime_reconcile_total\{controller="seinode",result="requeue"\} (\d+)/gm,
    )
    const total = counter(
      /^controller_runtime_reconcile_total\{controller="seinode",result="[a-z_]+"\} (\d+)/gm,
    )
    const sidecar = histogram(created, SIDECAR_CLIENT_METRICS.requestDuration)
    const stsCount = (await plane.kube.expectOk('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets`)).body
      .items.length
    const creatorRss = rssMiB(controller.child.pid)
    await stop(controller)
    const floorAfterMs = await floor(await plane.createNamespace(), n)
    const floorMs = (floorBeforeMs + floorAfterMs) / 2
    const withStatus = await floorWithStatus(await plane.createNamespace(), n)
    const sequentialMs = await floor(await plane.createNamespace(), n, { oneAtATime: true })

    // Steady state: a fresh controller lists all N and reconciles each once; count the writes.
    await new Promise((r) => setTimeout(r, 1000))
    before = await requests(plane)
    const resync = startController(plane, ns)
    await until(() => resync.synced !== undefined, 'caches synced')
    await until(async () => (await reconcileCount(resync)) >= n, 'resync of every node')
    const resyncMs = performance.now() - resync.synced
    await new Promise((r) => setTimeout(r, 1000))
    const resyncWrites = writeCount(delta(await requests(plane), before))
    const rss = rssMiB(resync.child.pid)
    const metricsText = await (await fetch(`http://127.0.0.1:${resync.metricsPort}/metrics`)).text()
    const heapMiB = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metricsText)?.[1] ?? 0) / 1048576
    const heapTotalMiB = Number(/^nodejs_heap_size_total_bytes (\S+)/m.exec(metricsText)?.[1] ?? 0) / 1048576
    await stop(resync)

    const sec = (ms) => (ms / 1000).toFixed(2)
    console.log(
      `N=${n} (loadavg ${load}): owned objects ${stsCount === n ? 'all' : `MISSING (${stsCount} StatefulSets)`} in ${sec(controllerMs)} s ` +
        `(floor ${sec(floorBeforeMs)} s before, ${sec(floorAfterMs)} s after, ratio ${(controllerMs / floorMs).toFixed(2)}); ` +
        `statuses too: ${sec(allMs)} s (${total} reconciles, ${requeues} status-conflict requeues, ${errors} errors; ` +
        `${sidecar.count} sidecar calls refused in ${sidecar.sum.toFixed(2)} s total); ` +
        `steady resync of ${n} in ${sec(resyncMs)} s with ${resyncWrites} write requests; controller RSS ${rss.toFixed(0)} MiB (the one that created them: ${creatorRss.toFixed(0)} MiB; V8 heap used ${heapMiB.toFixed(0)} of ${heapTotalMiB.toFixed(0)} MiB)`,
    )
    console.log(
      `  floor + each node's status patch and Event (what any controller writes): ${sec(withStatus.ms)} s, ` +
        `ratio to it ${(controllerMs / withStatus.ms).toFixed(2)}; requests ${show(withStatus.requests)}`,
    )
    console.log(
      `  the same applies one at a time (a literal "tight loop"): ${sec(sequentialMs)} s, ratio to it ` +
        `${(controllerMs / sequentialMs).toFixed(2)} (not the like-for-like floor: the controller runs ${CONCURRENCY} nodes at once)`,
    )
    console.log(`  floor: CPU ${floorCpu}; requests ${show(floorRequests)}`)
    console.log(`  controller: CPU ${cpuUsed}; requests ${show(controllerRequests)}`)
  }
} finally {
  connection.close()
  plane.kube.close()
  await plane.stop()
  rmSync(tokenDir, { recursive: true, force: true })
}
