#!/usr/bin/env node
/**
 * `npm run demo`: the three rollout steps working together on real components, narrated. A cluster-mode
 * control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, a kwok node), the shipped
 * install.yaml, the built controller as its ServiceAccount, two example SeiNodes whose Pods run the real
 * sidecar behind the real kube-rbac-proxy, then the generated NetworkPolicies and what the analyzer says
 * they allow. Every process is stopped on exit and on Ctrl-C; `--keep` keeps everything up until Ctrl-C.
 */
import { parseArgs } from 'node:util'
import { missingBinaries, TOOLS } from '@sei-k8s/testenv'
import { runDemo } from './demo-steps.js'

const HELP = `Usage: npm run demo [-- --keep]

Starts a local Kubernetes control plane (cluster mode, no containers: kwok plays kubelet), installs the
SeiNode controller from its shipped install.yaml, applies two example SeiNodes, runs each node Pod's real
sidecar behind the real kube-rbac-proxy, and narrates what happens. Everything runs on 127.0.0.1.

  --keep   leave everything running and print the KUBECONFIG export (kubectl get seinodes -A works);
           Ctrl-C stops it all
  --help   this text

The first run builds the Kubernetes binaries from the Go module proxy (about 17 minutes on 2 cores);
later runs take under a minute.
`

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  return runDemo({
    keep: values.keep === true,
    missing: missingBinaries().map((name) => `${name} ${TOOLS[name].version}`),
    say: (line) => process.stdout.write(`${line}\n`),
  })
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
