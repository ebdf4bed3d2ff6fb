// Bundle of the sidecar for start-up time: resolving and compiling ~400 modules of fastify, pino and
// prom-client from node_modules is most of a cold start. The source layout is unchanged: the entry
// src/start.ts enables Node's compile cache and imports main.ts, which must be compiled only after the
// cache is on, so it is a second, separate build (`main.cjs`).
//
// Two builds rather than one with two chunks: in one build rolldown puts its runtime helpers in the
// main chunk and has the entry `require('./main.cjs')` for them at its top, i.e. before the cache is
// enabled — every start then compiled the 2 MB bundle anew (~55 ms in a start-up profile) and the cache
// directory stayed empty. The entry build keeps `./main.js` external (the contract's few constants are
// inlined into it) and loads it with a plain `require`.
import { defineConfig } from 'rolldown'

const common = {
  platform: 'node',
  external: [/^node:/],
}
// CommonJS output: `require('node:http')` is a plain builtin load, while an ESM `import` of it builds
// a facade over every export, and its lazy `WebSocket`/`fetch` getters pull in undici (~70 ms).
const output = { dir: 'dist/bundle', format: 'cjs', entryFileNames: '[name].cjs' }

export default defineConfig([
  {
    ...common,
    input: { 'sei-sidecar': 'src/start.ts' },
    plugins: [
      {
        name: 'main-as-separate-file',
        resolveId: (id, importer) =>
          id === './main.js' && importer?.endsWith('start.ts') ? { id: './main.cjs', external: true } : null,
      },
    ],
    // `require()`, not `import()`: an ESM import of a CommonJS file lexes all 2 MB for its exports.
    output: { ...output, dynamicImportInCjs: false },
  },
  {
    ...common,
    input: { main: 'src/main.ts' },
    // package.json says "sideEffects": false (true of the library surface); main.ts runs on import.
    treeshake: { moduleSideEffects: [{ test: /src[\\/]main\.ts$/, sideEffects: true }] },
    // Whitespace and comments only (2.0 -> 1.5 MB): V8 keeps the source of a script for lazy
    // compilation, so this is idle RSS (-1.4 MiB measured); names are not mangled, so stack traces
    // still name every function.
    output: { ...output, minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } } },
  },
])
