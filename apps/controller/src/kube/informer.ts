/**
 * Informer: a cache of one resource kept current by list + watch, the part of client-go's reflector that
 * client-node's ListWatch lacks (it stops for good on any error other than 410 or a timeout).
 *
 * - Lists, then watches from the list's resourceVersion with `allowWatchBookmarks`, so a quiet watch still
 *   advances its resourceVersion and stays cheap to resume.
 * - 410 Gone (as the HTTP status or as an in-stream ERROR event) → relist; the store is diffed against the
 *   fresh list so deletions missed meanwhile are delivered.
 * - Any other failure (connection refused, 5xx, reset) → reconnect after a jittered, capped exponential
 *   backoff; the backoff resets once a watch stayed up `healthyAfterMs` or delivered an event.
 * - A watchdog relists when neither an event nor a bookmark arrived within `watchdogMs`: a watch that is
 *   open but silent (a stuck proxy, a half-open TCP connection) is the failure users of client-node report.
 * - `synced` turns true after the first list and stays true: the cache may be stale while reconnecting,
 *   which is what reconcile tolerates (it is level-based); `isHealthy` says whether the watch is current.
 * Handlers only see "changed" and "deleted"; they map objects to work-queue keys.
 */
import type { WatchRestartReason } from '@sei-k8s/contract'
import { type Clock, sleep, systemClock } from '../runtime/clock.js'
import type { KubeClient, KubeObject, ObjectList } from './client.js'
import { isKubeError, KubeApiError } from './errors.js'
import { apiVersionOf, type Resource, resourcePath } from './resources.js'

interface InformerHandlers<T> {
  changed(object: T): void
  deleted(object: T): void
}

export interface InformerOptions<T extends KubeObject> {
  readonly client: KubeClient
  readonly resource: Resource
  /** undefined: all namespaces. */
  readonly namespace?: string | undefined
  readonly labelSelector?: string | undefined
  /** Lists and watches only metadata (PartialObjectMetadata); objects are cached with their resource's kind. */
  readonly metadataOnly?: boolean | undefined
  readonly handlers: InformerHandlers<T>
  readonly clock?: Clock
  /** Relist when no event or bookmark arrived for this long. */
  readonly watchdogMs?: number
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number }
  readonly healthyAfterMs?: number
  /**
   * Server-side watch timeout; the server closes the watch after it and we resume from the last rv.
   * Default: half the watchdog period (at most 300 s). An idle watch gets no bookmark for minutes
   * (measured: none within 75 s on kube-apiserver v1.37), so a healthy but quiet watch must end and
   * reopen — which counts as activity — well before the watchdog would call it stalled.
   */
  readonly watchTimeoutSeconds?: number
  readonly random?: () => number
  readonly onRestart?: (reason: WatchRestartReason, error?: unknown) => void
  readonly onUnparsableLine?: () => void
  /** Shrinks an object before it is cached (e.g. drops managedFields). */
  readonly transform?: (object: T) => T
}

/** Items per LIST page. */
const LIST_PAGE_SIZE = 500

const INFORMER_DEFAULTS = {
  watchdogMs: 180_000,
  backoff: { initialMs: 800, maxMs: 30_000 },
  healthyAfterMs: 30_000,
  maxWatchTimeoutSeconds: 300,
} as const

interface WatchEvent {
  readonly type: string
  readonly object: unknown
}

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(object: KubeObject): string {
  const ns = object.metadata.namespace
  return ns === undefined || ns === '' ? object.metadata.name : `${ns}/${object.metadata.name}`
}

/** Drops managedFields: the cache holds only what reconcile reads. */
function withoutManagedFields<T extends KubeObject>(object: T): T {
  if (object.metadata.managedFields === undefined) return object
  const { managedFields: _dropped, ...metadata } = object.metadata
  return { ...object, metadata }
}

export class Informer<T extends KubeObject> {
  readonly #o: InformerOptions<T>
  readonly #clock: Clock
  readonly #store = new Map<string, T>()
  #isSynced = false
  #lastActivityMs = 0
  #resourceVersion: string | undefined
  #syncWaiters: (() => void)[] = []

  constructor(options: InformerOptions<T>) {
    this.#o = options
    this.#clock = options.clock ?? systemClock
  }

  get resource(): Resource {
    return this.#o.resource
  }

  get isSynced(): boolean {
    return this.#isSynced
  }

  /** Synced, and the watch delivered something (event or bookmark) within the watchdog period. */
  isHealthy(): boolean {
    return this.#isSynced && this.#clock.now() - this.#lastActivityMs <= this.#watchdogMs()
  }

  get(key: string): T | undefined {
    return this.#store.get(key)
  }

  list(): T[] {
    return [...this.#store.values()]
  }

  /** Resolves once the first list completed (or immediately if it has). */
  waitSynced(): Promise<void> {
    if (this.#isSynced) return Promise.resolve()
    return new Promise((resolve) => this.#syncWaiters.push(resolve))
  }

  /** Runs until `signal` aborts; never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    const backoff = this.#o.backoff ?? INFORMER_DEFAULTS.backoff
    const healthyAfterMs = this.#o.healthyAfterMs ?? INFORMER_DEFAULTS.healthyAfterMs
    let failures = 0
    let needList = true
    while (!signal.aborted) {
      const startedMs = this.#clock.now()
      let delivered = false
      let failed = false
      try {
        if (needList) {
          await this.#relist(signal)
          needList = false
        }
        const outcome = await this.#watch(signal, () => {
          delivered = true
        })
        if (signal.aborted) return
        this.#o.onRestart?.(outcome)
        // 410 and a silent watch need a fresh list; a server-side timeout resumes from the last rv.
        needList = outcome !== 'closed'
        // A watch the server closes at once, again and again, must not become a hot loop.
        failed = outcome === 'closed' && !delivered && this.#clock.now() - startedMs < 1000
      } catch (error) {
        if (signal.aborted) return
        const isGone = isKubeError(error, 'Gone')
        this.#o.onRestart?.(isGone ? 'gone' : 'error', error)
        if (isGone) needList = true
        failed = !isGone
      }
      if (delivered || this.#clock.now() - startedMs >= healthyAfterMs) failures = 0
      if (!failed) continue
      const capped = Math.min(backoff.maxMs, backoff.initialMs * 2 ** failures)
      failures++
      // Jitter in [capped/2, capped]: replicas restarted together do not reconnect in lockstep.
      const delayMs = capped / 2 + (capped / 2) * (this.#o.random ?? Math.random)()
      try {
        await sleep(this.#clock, delayMs, signal)
      } catch {
        return
      }
    }
  }

  #watchdogMs(): number {
    return this.#o.watchdogMs ?? INFORMER_DEFAULTS.watchdogMs
  }

  #watchTimeoutSeconds(): number {
    const half = Math.floor(this.#watchdogMs() / 2000)
    return (
      this.#o.watchTimeoutSeconds ?? Math.max(1, Math.min(INFORMER_DEFAULTS.maxWatchTimeoutSeconds, half))
    )
  }

  async #relist(signal: AbortSignal): Promise<void> {
    // Pages of LIST_PAGE_SIZE (client-go's reflector does the same): one huge response would be parsed in
    // one piece, and the heap it grows to stays committed long after.
    const items: T[] = []
    let list: ObjectList<T> | undefined
    do {
      list = await this.#o.client.list<T>(this.#o.resource, {
        namespace: this.#o.namespace,
        labelSelector: this.#o.labelSelector,
        limit: LIST_PAGE_SIZE,
        continue: list?.metadata.continue,
        metadataOnly: this.#o.metadataOnly,
      })
      // A metadata-only list of nothing says `items: null`.
      for (const raw of list.items ?? []) items.push(this.#shrink(raw))
      if (signal.aborted) return
    } while (list.metadata.continue)
    if (signal.aborted) return
    const seen = new Set<string>()
    for (const object of items) {
      const key = objectKey(object)
      seen.add(key)
      const old = this.#store.get(key)
      this.#store.set(key, object)
      if (old?.metadata.resourceVersion !== object.metadata.resourceVersion) this.#o.handlers.changed(object)
    }
    for (const [key, old] of this.#store) {
      if (seen.has(key)) continue
      this.#store.delete(key)
      this.#o.handlers.deleted(old)
    }
    this.#resourceVersion = list.metadata.resourceVersion
    this.#lastActivityMs = this.#clock.now()
    if (!this.#isSynced) {
      this.#isSynced = true
      for (const waiter of this.#syncWaiters.splice(0)) waiter()
    }
  }

  /** Stamps the resource's kind (list items and metadata-only objects lack their own), then transforms. */
  #shrink(object: T): T {
    const typed = { ...object, apiVersion: apiVersionOf(this.#o.resource), kind: this.#o.resource.kind }
    return (this.#o.transform ?? withoutManagedFields)(typed)
  }

  /** One watch connection; resolves with why it ended, rejects with the error that ended it. */
  async #watch(signal: AbortSignal, onDelivered: () => void): Promise<WatchRestartReason> {
    const watchdog = new AbortController()
    const stream = AbortSignal.any([signal, watchdog.signal])
    let cancelTimer = (): void => {}
    const arm = (): void => {
      cancelTimer()
      cancelTimer = this.#clock.setTimer(() => watchdog.abort(), this.#watchdogMs())
    }
    arm()
    const path = resourcePath(this.#o.resource, {
      namespace: this.#o.namespace,
      query: {
        watch: '1',
        allowWatchBookmarks: 'true',
        resourceVersion: this.#resourceVersion,
        labelSelector: this.#o.labelSelector,
        timeoutSeconds: String(this.#watchTimeoutSeconds()),
      },
    })
    try {
      const res = await this.#o.client.watch(this.#o.resource, path, stream, {
        metadataOnly: this.#o.metadataOnly,
      })
      // The server answered: the watch is current from here.
      this.#lastActivityMs = this.#clock.now()
      arm()
      let buffered = ''
      for await (const chunk of res) {
        buffered += (chunk as Buffer).toString('utf8')
        let newline = buffered.indexOf('\n')
        while (newline >= 0) {
          const line = buffered.slice(0, newline).trim()
          buffered = buffered.slice(newline + 1)
          newline = buffered.indexOf('\n')
          if (line === '') continue
          arm()
          const outcome = this.#handleLine(line)
          if (outcome === 'gone') return 'gone'
          if (outcome instanceof KubeApiError) throw outcome
          if (outcome === 'event') onDelivered()
        }
      }
      return 'closed'
    } catch (error) {
      if (watchdog.signal.aborted && !signal.aborted) return 'watchdog'
      throw error
    } finally {
      cancelTimer()
    }
  }

  #handleLine(line: string): 'event' | 'bookmark' | 'gone' | 'skip' | KubeApiError {
    let event: WatchEvent
    try {
      event = JSON.parse(line) as WatchEvent
    } catch {
      this.#o.onUnparsableLine?.()
      return 'skip'
    }
    this.#lastActivityMs = this.#clock.now()
    const object = event.object as T | undefined
    if (typeof event.type !== 'string' || typeof object !== 'object' || object === null) {
      this.#o.onUnparsableLine?.()
      return 'skip'
    }
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const shrunk = this.#shrink(object)
        this.#store.set(objectKey(shrunk), shrunk)
        this.#resourceVersion = shrunk.metadata.resourceVersion
        this.#o.handlers.changed(shrunk)
        return 'event'
      }
      case 'DELETED': {
        this.#store.delete(objectKey(object))
        this.#resourceVersion = object.metadata.resourceVersion
        this.#o.handlers.deleted(object)
        return 'event'
      }
      case 'BOOKMARK':
        this.#resourceVersion = object.metadata.resourceVersion
        return 'bookmark'
      case 'ERROR': {
        const status = object as unknown as { code?: number; reason?: string; message?: string }
        const error = new KubeApiError(
          status.code ?? 0,
          status.reason ?? 'Unknown',
          `watching ${this.#o.resource.plural}: ${status.message ?? ''}`,
        )
        return error.kind === 'Gone' ? 'gone' : error
      }
      default:
        this.#o.onUnparsableLine?.()
        return 'skip'
    }
  }
}
