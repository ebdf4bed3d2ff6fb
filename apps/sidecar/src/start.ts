#!/usr/bin/env node
/**
 * Entry point of the bundled binary (`dist/bundle/sei-sidecar.cjs`): turns on Node's compile cache,
 * then loads main.ts. The cache (V8 code cache on disk) lives under SEI_HOME, a writable volume that
 * survives container restarts, so every start after the first skips compiling the bundle. When the
 * directory is not writable Node just runs without it.
 */
import { enableCompileCache } from 'node:module'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { ENV, ENV_DEFAULTS } from '@sei-k8s/contract'

// V8 optimizes for size while the task API is idle (idle-memory.ts), so that its memory reducer gives
// back what a burst grew; start-up counts as idle. Set here, before the bundle loads, so it also governs
// the heap's growth during start-up. Not a NODE_OPTIONS flag (Node refuses it there).
setFlagsFromString('--optimize-for-size')

// Read before config.ts validates the environment: a bad SEI_HOME only costs the cache here, and
// main.ts then reports it properly.
const home = process.env[ENV.home]?.trim() || ENV_DEFAULTS.home
enableCompileCache(join(home, 'sidecar', 'compile-cache'))
void import('./main.js')
