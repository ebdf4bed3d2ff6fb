import { defineConfig } from 'vitest/config'

// Integration tests: two real releases (test/integration/release-setup.ts) checked for identical bytes,
// their images unpacked and run, their install.yaml dry-run applied on testenv's real API server.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.int.test.ts'],
    globalSetup: ['@sei-k8s/testenv/vitest-setup', './test/integration/release-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
})
