/**
 * Resource limits of the sidecar's task engine. Fixed, not configurable: they protect the process (and
 * the config files it writes) from any one client. `--help` and the contract table print them.
 */
export const SIDECAR_LIMITS = {
  /** Task `params`, checked at submission (400 naming the limit). */
  params: {
    /** Nesting depth of objects and arrays (params itself is depth 1). */
    maxDepth: 16,
    /** Object keys plus array elements, counted over the whole tree. */
    maxKeys: 10_000,
    /** `JSON.stringify(params)` in bytes. */
    maxEncodedBytes: 256 * 1024,
    /**
     * Sum over every value of its full dotted path plus its encoding, in bytes: what a TOML rendering
     * can grow to, since nested tables repeat their whole path in each `[a.b.c]` header.
     */
    maxExpandedBytes: 1024 * 1024,
  },
  /** A patched config file larger than this is not written (the task fails, the file is unchanged). */
  maxConfigFileBytes: 4 * 1024 * 1024,
  tasks: {
    /** Handlers running at once, all types together. */
    maxRunning: 32,
    /** Handlers of one type running at once (types writing the same files run one at a time). */
    maxRunningPerType: 16,
    /** Accepted tasks waiting for a slot (durable, in submission order); beyond it: 429. */
    maxQueued: 1_000,
    /** `Retry-After` of a 429 when the queue is full. */
    retryAfterSeconds: 5,
  },
  /** `Retry-After` of a 503 when another process holds the store's write lock. */
  storeBusyRetryAfterSeconds: 1,
  /** Retention pruning runs every `intervalMs`, deleting at most `batch` rows per step. */
  retention: { intervalMs: 60_000, batch: 500 },
} as const
