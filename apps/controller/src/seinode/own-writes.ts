/**
 * The resourceVersions the controller's own writes produced (applies of owned objects, status patches),
 * so the watch's echo of a write does not queue its node once more. The reconcile that wrote already
 * saw that exact state (the write's answer), so the echo brings nothing new: skipping it saves a
 * reconcile per write burst. Any other change (another rv) still queues the node, and the informer cache
 * is updated either way.
 *
 * An echo often arrives before the write's answer has been read, while the node's reconcile is still
 * running: such events are held until the reconcile ends (`end`), then dropped if they were echoes,
 * else the node is queued as usual. One entry per written object, dropped when its echo arrives or the
 * object is deleted, so memory stays bounded by the objects the controller owns.
 */
import type { KubeObject } from '../kube/client.js'

function idOf(object: KubeObject): string {
  return `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`
}

export class OwnWrites {
  readonly #rv = new Map<string, string>()
  /** Node keys being reconciled → the objects seen meanwhile (by id; the last one counts). */
  readonly #held = new Map<string, Map<string, KubeObject>>()

  /** Remembers the state a write of ours answered with (kind, namespace, name, resourceVersion). */
  record(written: KubeObject): void {
    const rv = written.metadata.resourceVersion
    if (rv !== undefined) this.#rv.set(idOf(written), rv)
  }

  /** A reconcile of `key` starts: events for it are held until `end`. */
  begin(key: string): void {
    this.#held.set(key, new Map())
  }

  /** The reconcile of `key` ended: true when something held meanwhile was not an echo (run it again). */
  end(key: string): boolean {
    const held = this.#held.get(key)
    this.#held.delete(key)
    let isNews = false
    for (const seen of held?.values() ?? []) if (!this.#isEcho(seen)) isNews = true
    return isNews
  }

  /** Whether a watch event of `seen` (which concerns node `key`) should queue the node now. */
  shouldQueue(seen: KubeObject, key: string): boolean {
    if (this.#isEcho(seen)) return false
    const held = this.#held.get(key)
    if (held === undefined) return true
    held.set(idOf(seen), seen)
    return false
  }

  forget(gone: KubeObject): void {
    this.#rv.delete(idOf(gone))
  }

  get size(): number {
    return this.#rv.size
  }

  /** True (once) when `seen` is exactly what our last write of it answered with. */
  #isEcho(seen: KubeObject): boolean {
    const id = idOf(seen)
    const rv = this.#rv.get(id)
    if (rv === undefined || rv !== seen.metadata.resourceVersion) return false
    this.#rv.delete(id)
    return true
  }
}
