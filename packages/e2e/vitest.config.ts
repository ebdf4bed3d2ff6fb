import { defineConfig } from 'vitest/config'

// Unit tests of the pure parts (no processes); the integration files run with vitest.integration.config.ts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
  },
})
