// Render throughput: how long validate + buildAll + YAML take per SeiNode, and how long the install
// manifests take to generate. Prints figures; never fails on timing. Run after `pnpm run build`:
//   pnpm --filter @sei-k8s/controller run bench
import { performance } from 'node:perf_hooks'
import { toYamlStream } from '@sei-k8s/policy'
import { DEFAULT_PLATFORM, manifestFiles, renderSeiNodes } from '../dist/index.js'

const ROLES = ['fullNode', 'validator', 'archive', 'seed', 'replayer']

function nodesYaml(count) {
  const docs = []
  for (let i = 0; i < count; i++) {
    const role = ROLES[i % ROLES.length]
    docs.push(`apiVersion: sei.io/v1alpha1
kind: SeiNode
metadata: {name: node-${i}, namespace: sei}
spec:
  chainId: pacific-1
  image: ghcr.io/sei-protocol/seid:v6.1.0
  ${role}: {}
  podLabels: {team: rpc}
  sidecar: {port: ${17000 + (i % 100)}, publicPort: ${19000 + (i % 100)}}
`)
  }
  return docs.join('---\n')
}

function time(label, runs, fn) {
  fn()
  const started = performance.now()
  let result
  for (let i = 0; i < runs; i++) result = fn()
  const ms = (performance.now() - started) / runs
  return { label, ms, result }
}

for (const count of [1, 100, 1000]) {
  const text = nodesYaml(count)
  const runs = count >= 1000 ? 3 : 20
  const render = time(`render ${count} node(s)`, runs, () => renderSeiNodes(text, DEFAULT_PLATFORM))
  const yaml = time(`  + YAML of ${render.result.length} objects`, runs, () => toYamlStream(render.result))
  console.log(
    `${render.label.padEnd(24)} ${render.ms.toFixed(2).padStart(9)} ms  (${((render.ms * 1000) / count).toFixed(0)} µs/node)`,
  )
  console.log(
    `${yaml.label.padEnd(24)} ${yaml.ms.toFixed(2).padStart(9)} ms  (${((yaml.ms * 1000) / count).toFixed(0)} µs/node, ${(yaml.result.length / 1024).toFixed(0)} KiB)`,
  )
}
const manifests = time('install manifests', 20, () => manifestFiles())
console.log(
  `${manifests.label.padEnd(24)} ${manifests.ms.toFixed(2).padStart(9)} ms  (${manifests.result.size} files)`,
)
