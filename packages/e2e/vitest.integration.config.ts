import { defineConfig } from 'vitest/config'

// Real processes only (kube-apiserver, etcd, kube-rbac-proxy, the built sidecar): files run one at a
// time so they do not fight over the shared cores, with timeouts that allow for process start-up.
export default defineConfig({
  test: {
    include: ['test/**/*.int.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
})
