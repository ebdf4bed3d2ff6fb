import { defineConfig } from 'vitest/config'

// Integration tests run against the real binaries. The global setup starts ONE control plane for the
// whole run (2-core machines: one apiserver is plenty); lifecycle tests start their own planes.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.int.test.ts'],
    globalSetup: ['./test/integration/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
