/**
 * Node options both apps run with (env `NODE_OPTIONS`: the sidecar's release image, the controller's
 * Deployment). V8's young generation grows to 3 × its semi-space (up to ~130 MiB with Node 24's
 * defaults) under load and keeps it. 2 MiB semi-spaces hold the sidecar's RSS near idle after a request
 * burst, and bring the controller's from about 345 MiB to 205-224 MiB with 1,000 SeiNodes cached (live
 * heap 80-100 MiB), both at no measurable throughput cost (each app's bench/run.mjs). A heap flag can
 * only be set at process start, hence an env var.
 */
export const APP_NODE_OPTIONS = '--max-semi-space-size=2'

/**
 * glibc malloc environment of the sidecar (its image sets it). Node's threads (V8's compiler and GC
 * workers, libuv's pool) each get a malloc arena of their own by default (up to 8 per core), and glibc
 * keeps what they freed: after a 10 s task-submission burst the sidecar's RSS stayed 67-75 MiB above
 * idle with the default and 36 MiB above with two arenas, at the same throughput and 2 MiB less idle
 * RSS (apps/sidecar bench/run.mjs, README). Read by glibc at process start, hence an env var.
 */
export const SIDECAR_MALLOC_ENV = { MALLOC_ARENA_MAX: '2' } as const
