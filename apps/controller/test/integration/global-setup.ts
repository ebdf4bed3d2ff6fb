/**
 * One control plane (etcd + kube-apiserver) for the controller's integration run. Like
 * `@sei-k8s/testenv/vitest-setup`, but it needs only etcd, kube-apiserver and kube-rbac-proxy: it builds the
 * pinned set only when one of them is missing, so a failing build of a tool these tests never use (the
 * NetworkPolicy analyzer) cannot fail them.
 */
import { existsSync } from 'node:fs'
import { binaryPaths, ensureBinaries, startControlPlane } from '@sei-k8s/testenv'
import { PROVIDE_KEY, type ProvideTarget } from '@sei-k8s/testenv/vitest-setup'

const log = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

export default async function setup(project: ProvideTarget): Promise<() => Promise<void>> {
  const paths = binaryPaths()
  const needed = [paths.etcd, paths.kubeApiserver, paths.kubeRbacProxy]
  if (!needed.every((path) => existsSync(path))) await ensureBinaries({ log })
  const plane = await startControlPlane({ binaries: paths, log })
  project.provide(PROVIDE_KEY, plane.info)
  return () => plane.stop()
}
