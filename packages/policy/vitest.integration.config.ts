import { defineConfig } from 'vitest/config'

// Integration tests: the built CLI as a process, the NetworkPolicy analyzer and the real API server.
// testenv's global setup builds missing binaries (loudly) and starts ONE control plane for the run.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.int.test.ts'],
    globalSetup: ['@sei-k8s/testenv/vitest-setup'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
})
