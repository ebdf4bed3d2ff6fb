import { defineConfig } from 'vitest/config'

// Real processes (the built sidecar, Prometheus, network namespaces): run files one at a time so they
// do not fight over the two shared cores, with timeouts that allow for process start-up.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.int.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
