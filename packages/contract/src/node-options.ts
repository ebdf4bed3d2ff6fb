/**
 * Node options both apps run with (env `NODE_OPTIONS`: the sidecar's image and pod spec, the controller's
 * Deployment). V8's young generation grows to 3 × its semi-space (up to ~130 MiB with Node 24's
 * defaults) under load and keeps it. 2 MiB semi-spaces hold the sidecar's RSS near idle after a request
 * burst, and bring the controller's from about 345 MiB to about 205 MiB with 1,000 SeiNodes cached (live
 * heap 80-100 MiB), both at no measurable throughput cost (each app's bench/run.mjs). A heap flag can
 * only be set at process start, hence an env var.
 */
export const APP_NODE_OPTIONS = '--max-semi-space-size=2'
