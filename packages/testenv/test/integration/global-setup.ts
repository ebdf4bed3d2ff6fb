// One control plane for the whole integration run (see vitest.integration.config.ts).
export { default } from '../../src/vitest-setup.js'
