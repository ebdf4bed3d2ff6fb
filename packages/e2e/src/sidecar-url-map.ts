/**
 * The file the controller's `run --sidecar-url-map` reads: `{"<namespace>/<name>": "http://127.0.0.1:PORT"}`,
 * where a test machine's node proxies really listen (the in-cluster DNS names resolve nowhere here). The
 * controller re-reads it when it changes; it is rewritten whole (temp file + rename), never half-written.
 */
import { renameSync, writeFileSync } from 'node:fs'

export class SidecarUrlMap {
  static readonly flag = '--sidecar-url-map'
  readonly #urls = new Map<string, string>()

  constructor(readonly path: string) {
    this.#write()
  }

  set(key: string, url: string): void {
    this.#urls.set(key, url)
    this.#write()
  }

  delete(key: string): void {
    this.#urls.delete(key)
    this.#write()
  }

  #write(): void {
    const temp = `${this.path}.tmp`
    writeFileSync(temp, `${JSON.stringify(Object.fromEntries(this.#urls), null, 2)}\n`)
    renameSync(temp, this.path)
  }
}
