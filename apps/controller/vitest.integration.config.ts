import { defineConfig } from 'vitest/config'

// Against the real kube-apiserver from @sei-k8s/testenv: the global setup (test/integration) starts
// ONE control plane for the run; each test uses fresh namespaces.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.int.test.ts'],
    globalSetup: ['./test/integration/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
})
