// Cluster-mode figures: warm start to all components ready (apiserver-only mode beside it), and
// how long 100 Pods take to become Ready, as one 100-replica StatefulSet (OrderedReady and
// Parallel) and as 100 one-replica StatefulSets (the shape of the controller's 1,000-node bench).
// Prints figures; never fails on timing. Run after `pnpm run build` and `cli.js build`:
//   pnpm --filter @sei-k8s/testenv run bench
import { performance } from 'node:perf_hooks'
import { isPodReady, startControlPlane } from '../dist/index.js'

const STARTS = Number(process.env.BENCH_STARTS ?? 3)
const PODS = Number(process.env.BENCH_PODS ?? 100)

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
const readyReplicas = (o) => Number(o?.status?.readyReplicas ?? 0)

function statefulSet(namespace, name, replicas, podManagementPolicy) {
  const labels = { app: name }
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace },
    spec: {
      replicas,
      podManagementPolicy,
      serviceName: name,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          initContainers: [{ name: 'sidecar', image: 'registry.invalid/s:1', restartPolicy: 'Always' }],
          containers: [{ name: 'app', image: 'registry.invalid/a:1' }],
        },
      },
    },
  }
}

async function timeStart(cluster) {
  const started = performance.now()
  const plane = await startControlPlane(cluster ? { cluster: true } : {})
  const ms = performance.now() - started
  await plane.stop()
  return ms
}

/** Runs one measurement in a fresh namespace and deletes it afterwards (nodes hold 110 Pods each). */
async function inNamespace(plane, measure) {
  const ns = await plane.createNamespace()
  try {
    return await measure(ns)
  } finally {
    await plane.kube.request('DELETE', `/api/v1/namespaces/${ns}`)
    await plane.waitFor('Namespace', undefined, ns, (o) => o === undefined, 300_000)
  }
}

function timeStatefulSet(plane, policy) {
  return inNamespace(plane, async (ns) => {
    const started = performance.now()
    await plane.applyManifest([statefulSet(ns, 'bench', PODS, policy)])
    await plane.waitFor('StatefulSet', ns, 'bench', (o) => readyReplicas(o) === PODS, 600_000)
    return performance.now() - started
  })
}

function timeManyStatefulSets(plane) {
  return inNamespace(plane, async (ns) => {
    const started = performance.now()
    const names = Array.from({ length: PODS }, (_, i) => `node-${i}`)
    await plane.applyManifest(names.map((n) => statefulSet(ns, n, 1, 'OrderedReady')))
    for (const n of names) await plane.waitFor('Pod', ns, `${n}-0`, isPodReady, 600_000)
    return performance.now() - started
  })
}

for (const cluster of [false, true]) {
  const runs = []
  for (let i = 0; i < STARTS; i++) runs.push(await timeStart(cluster))
  const label = cluster
    ? 'cluster mode (1 node), warm start to all ready'
    : 'apiserver-only, warm start to /readyz'
  console.log(`${label}: ${runs.map(seconds).join(', ')}`)
}

// Enough room for PODS Pods at 110 per node, and more than one node to spread over.
const plane = await startControlPlane({ cluster: { nodes: Math.max(2, Math.ceil(PODS / 100)) } })
// A signal ends Node without 'exit' handlers: stop the plane first so no process is left behind.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => plane.stop().finally(() => process.exit(130)))
}
try {
  console.log(
    `${PODS}-replica StatefulSet, OrderedReady, to readyReplicas=${PODS}: ${seconds(await timeStatefulSet(plane, 'OrderedReady'))}`,
  )
  console.log(
    `${PODS}-replica StatefulSet, Parallel, to readyReplicas=${PODS}: ${seconds(await timeStatefulSet(plane, 'Parallel'))}`,
  )
  console.log(
    `${PODS} one-replica StatefulSets, every Pod Ready: ${seconds(await timeManyStatefulSets(plane))}`,
  )
} finally {
  await plane.stop()
}
