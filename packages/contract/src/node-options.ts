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
 * Malloc environment of the sidecar (its image sets it): jemalloc (Debian `libjemalloc2`, in the image's
 * base layer) instead of glibc malloc, with its background thread. glibc keeps what Node's threads freed
 * inside its arenas: after 100k task submissions the sidecar's RSS stayed 17-24 MiB above idle with two
 * arenas and fixed trim thresholds, although the V8 heap was back at its idle size; a `malloc_trim(0)`
 * from a debugger gave back 18 MiB at once. jemalloc returns freed pages after a decay time (10 s); its
 * background thread does so on time rather than on later allocations, which an idle sidecar hardly makes
 * (idle 73 -> 68 MiB). Figures: apps/sidecar README, bench/run.mjs. Read at process start (the dynamic
 * loader, jemalloc), hence env vars. The path is Debian's for amd64, the image's only architecture.
 */
export const SIDECAR_MALLOC_ENV = {
  LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  MALLOC_CONF: 'background_thread:true',
} as const
