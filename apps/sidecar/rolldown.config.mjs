// Bundle of the sidecar for start-up time: resolving and compiling ~400 modules of fastify, pino and
// prom-client from node_modules is most of a cold start. The source layout is unchanged: the entry
// src/start.ts enables Node's compile cache and imports main.ts, which lands in a second chunk so it is
// compiled (and cached) only after the cache is on. `dist/main.js` (tsc) stays runnable.
import { defineConfig } from 'rolldown'

export default defineConfig({
  input: { 'sei-sidecar': 'src/start.ts' },
  platform: 'node',
  external: [/^node:/],
  // package.json says "sideEffects": false (true of the library surface); main.ts runs on import.
  treeshake: { moduleSideEffects: [{ test: /src[\\/]main\.ts$/, sideEffects: true }] },
  // CommonJS output: `require('node:http')` is a plain builtin load, while an ESM `import` of it builds
  // a facade over every export, and its lazy `WebSocket`/`fetch` getters pull in undici (~70 ms).
  output: {
    dir: 'dist/bundle',
    format: 'cjs',
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name].cjs',
    // The contract, shared by the entry and main, in its own chunk: otherwise it sits in the entry and
    // main would require the entry back while it is still loading (a cycle with empty exports).
    advancedChunks: { groups: [{ name: 'contract', test: /packages[\\/]contract/ }] },
  },
})
