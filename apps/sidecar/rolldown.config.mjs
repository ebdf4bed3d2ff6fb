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
// ASCII output: one non-Latin-1 character (pino, fast-uri and typebox carry a few) makes V8 hold the
// whole 1.5 MB source, which it keeps for lazy compilation, as a two-byte string (idle -1.4 MiB).
const output = { dir: 'dist/bundle', format: 'cjs', entryFileNames: '[name].cjs', charset: 'ascii' }

// Node builtins that dependencies require at load time but the sidecar never uses: fastify's
// server.js takes http2, https and dns for options we do not set (HTTP/2, TLS, listening on a host
// name), prom-client's Pushgateway takes https. Loading http2 (with tls) added 7 MiB of RSS to a bare
// node process, 1.7 MiB to the idle sidecar (their code, heap and the binary's pages they touch). Each
// becomes a proxy that loads the real module on first use, so nothing breaks if one is used after all.
const LAZY_BUILTINS = new Set(['node:http2', 'node:https', 'https', 'node:dns'])
const LAZY_PREFIX = '\0lazy-builtin:'
const lazyBuiltins = {
  name: 'lazy-builtins',
  resolveId: (id, importer) =>
    LAZY_BUILTINS.has(id) && !importer?.startsWith(LAZY_PREFIX) ? { id: LAZY_PREFIX + id } : null,
  load(id) {
    if (!id.startsWith(LAZY_PREFIX)) return null
    const name = JSON.stringify(id.slice(LAZY_PREFIX.length))
    return `let real
const load = () => (real ??= require(${name}))
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const descriptor = Object.getOwnPropertyDescriptor(load(), key)
    return descriptor && { ...descriptor, configurable: true }
  },
})
`
  },
}

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
    plugins: [lazyBuiltins],
    // `external` is decided before plugins resolve: leave the lazy ones to the plugin, except the
    // proxy's own require of the real module.
    external: (id, importer) =>
      id.startsWith('node:') && !(LAZY_BUILTINS.has(id) && !importer?.startsWith(LAZY_PREFIX)),
    // package.json says "sideEffects": false (true of the library surface); main.ts runs on import.
    treeshake: { moduleSideEffects: [{ test: /src[\\/]main\.ts$/, sideEffects: true }] },
    // Whitespace and comments only (2.0 -> 1.5 MB): V8 keeps the source of a script for lazy
    // compilation, so this is idle RSS (-1.4 MiB measured); names are not mangled, so stack traces
    // still name every function.
    output: { ...output, minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } } },
  },
])
