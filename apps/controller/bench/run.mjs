// `run` against a private testenv control plane (etcd + kube-apiserver on loopback, no kubelet):
// for N = 200 and 1,000 SeiNodes, all existing before the controller starts (created "at once" from its
// point of view: one list), how long until every owned object exists, compared in the same run with the
// floor — the same server-side applies (same objects, same concurrency) from a tight loop with no
// controller logic; then the write requests the API server counts during a full steady-state resync
// (a restarted controller re-reconciling all N), and the controller's RSS with N SeiNodes cached (the
// controller runs with the shipped Deployment's environment, MANAGER_ENV).
// Prints figures; never fails on timing. Usage (after `pnpm run build`):
//   pnpm --filter @sei-k8s/controller run bench:run [-- 200 1000]
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { CONTROLLER } from '@sei-k8s/contract'
import { binaryPaths, startControlPlane } from '@sei-k8s/testenv'
import { buildAll, buildSeiNodeCrd, DEFAULT_PLATFORM } from '../dist/index.js'
import { createKubeClient } from '../dist/kube/client.js'
import { openConnection } from '../dist/kube/connection.js'
import { MANAGER_ENV } from '../dist/manifests/manager.js'
import { withIntent } from '../dist/seinode/drift.js'

const SIZES = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0)
const COUNTS = SIZES.length > 0 ? SIZES : [200, 1000]
const CONCURRENCY = 4
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

async function writes(plane) {
  const res = await plane.kube.expectOk('GET', '/metrics')
  let sum = 0
  for (const line of res.text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue
    const verb = /verb="([A-Z]+)"/.exec(line)?.[1]
    const resource = /resource="([^"]*)"/.exec(line)?.[1]
    if (['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY'].includes(verb) && WRITES.includes(resource)) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1))
    }
  }
  return sum
}

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
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...Object.fromEntries(MANAGER_ENV) } },
  )
  const state = { child, created: 0, synced: undefined, metricsPort: 0, succeeded: 0 }
  let buffered = ''
  child.stdout.on('data', (chunk) => {
    buffered += chunk
    let i = buffered.indexOf('\n')
    while (i >= 0) {
      const line = JSON.parse(buffered.slice(0, i))
      buffered = buffered.slice(i + 1)
      i = buffered.indexOf('\n')
      if (line.msg === 'created') state.created++
      if (line.msg === 'caches synced') state.synced = performance.now()
      if (line.msg === 'controller starting') state.metricsPort = line.metricsPort
    }
  })
  return state
}

async function until(check, what, timeoutMs = 900_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
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
  state.child.kill('SIGTERM')
  await new Promise((r) => state.child.once('exit', r))
}

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

const plane = await startControlPlane({ binaries: binaryPaths() })
const connection = await openConnection({ kubeconfigPath: plane.kubeconfigPath })
const client = createKubeClient(connection)
try {
  await plane.applyManifest([buildSeiNodeCrd()])
  await plane.waitForCrd('seinodes.sei.io')
  console.log(
    `bench: kube-apiserver ${plane.info.version}, concurrency ${CONCURRENCY}, loadavg ${(
      await import('node:os')
    )
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
  for (const n of COUNTS) {
    // Floor: the same applies (same objects, owner reference, intent annotation) from a tight loop.
    const floorNs = await plane.createNamespace()
    const floorObjects = []
    for (let i = 0; i < n; i++) {
      const owner = {
        apiVersion: 'sei.io/v1alpha1',
        kind: 'SeiNode',
        name: `node-${i}`,
        uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
        controller: true,
      }
      floorObjects.push(buildAll(node(floorNs, i), DEFAULT_PLATFORM).map((o) => withIntent(o, owner)))
    }
    const t = performance.now()
    await pool(floorObjects, CONCURRENCY, async (objects) => {
      for (const o of objects) await client.apply(o, CONTROLLER.fieldManager)
    })
    const floorMs = performance.now() - t

    const ns = await plane.createNamespace()
    await pool(
      Array.from({ length: n }, (_, i) => node(ns, i)),
      16,
      (body) => plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body }),
    )
    const controller = startController(plane, ns)
    await until(() => controller.synced !== undefined, 'caches synced')
    await until(() => controller.created >= 3 * n, `${3 * n} owned objects`)
    const controllerMs = performance.now() - controller.synced
    await until(async () => (await reconcileCount(controller)) >= n, 'every status written')
    const allMs = performance.now() - controller.synced
    const created = await (await fetch(`http://127.0.0.1:${controller.metricsPort}/metrics`)).text()
    const errors = Number(
      /^controller_runtime_reconcile_errors_total\{controller="seinode"\} (\d+)/m.exec(created)?.[1] ?? 0,
    )
    const total = [
      ...created.matchAll(
        /^controller_runtime_reconcile_total\{controller="seinode",result="(?:success|requeue_after)"\} (\d+)/gm,
      ),
    ].reduce((sum, m) => sum + Number(m[1]), 0)
    const stsCount = (await plane.kube.expectOk('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets`)).body
      .items.length
    await stop(controller)

    // Steady state: a fresh controller lists all N and reconciles each once; count the writes.
    await new Promise((r) => setTimeout(r, 1000))
    const before = await writes(plane)
    const resync = startController(plane, ns)
    await until(() => resync.synced !== undefined, 'caches synced')
    await until(async () => (await reconcileCount(resync)) >= n, 'resync of every node')
    const resyncMs = performance.now() - resync.synced
    await new Promise((r) => setTimeout(r, 1000))
    const resyncWrites = (await writes(plane)) - before
    const rss = rssMiB(resync.child.pid)
    const metricsText = await (await fetch(`http://127.0.0.1:${resync.metricsPort}/metrics`)).text()
    const heapMiB = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metricsText)?.[1] ?? 0) / 1048576
    const heapTotalMiB = Number(/^nodejs_heap_size_total_bytes (\S+)/m.exec(metricsText)?.[1] ?? 0) / 1048576
    await stop(resync)

    console.log(
      `N=${n}: owned objects ${stsCount === n ? 'all' : `MISSING (${stsCount} StatefulSets)`} in ${(controllerMs / 1000).toFixed(2)} s ` +
        `(floor ${(floorMs / 1000).toFixed(2)} s, ratio ${(controllerMs / floorMs).toFixed(2)}); statuses too: ${(allMs / 1000).toFixed(2)} s (${total} reconciles, ${errors} errors); ` +
        `steady resync of ${n} in ${(resyncMs / 1000).toFixed(2)} s with ${resyncWrites} write requests; controller RSS ${rss.toFixed(0)} MiB (V8 heap used ${heapMiB.toFixed(0)} of ${heapTotalMiB.toFixed(0)} MiB)`,
    )
  }
} finally {
  connection.close()
  plane.kube.close()
  await plane.stop()
}
