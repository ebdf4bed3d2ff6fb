/**
 * Makes sure the binaries this package runs (etcd, kube-apiserver, kube-rbac-proxy) are built before any
 * test file starts its own control plane. Like the controller's setup, it builds the pinned set only when
 * one of them is missing, so a failing build of a tool these tests never use cannot fail them.
 */
import { existsSync } from 'node:fs'
import { binaryPaths, ensureBinaries } from '@sei-k8s/testenv'

export default async function setup(): Promise<void> {
  const paths = binaryPaths()
  const needed = [paths.etcd, paths.kubeApiserver, paths.kubeRbacProxy]
  if (needed.every((path) => existsSync(path))) return
  await ensureBinaries({
    log: (line) => {
      process.stderr.write(`${line}\n`)
    },
  })
}
