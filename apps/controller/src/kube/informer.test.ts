import type { IncomingMessage } from 'node:http'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { KubeClient, KubeObject, ObjectList } from './client.js'
import { KubeApiError } from './errors.js'
import { Informer } from './informer.js'
import { RESOURCES } from './resources.js'

function cm(name: string, rv: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv } }
}

/** A fake API: lists come from `lists` in order, each watch from `streams` (a PassThrough or an error). */
function fakeApi() {
  const lists: ObjectList<KubeObject>[] = []
  const streams: (PassThrough | KubeApiError)[] = []
  const watchPaths: string[] = []
  let listCalls = 0
  const client = {
    watch: async (_resource: unknown, path: string, signal: AbortSignal) => {
      watchPaths.push(path)
      const next = streams.shift() ?? new PassThrough()
      if (next instanceof KubeApiError) throw next
      signal.addEventListener('abort', () => next.destroy(new Error('aborted')), { once: true })
      return next as unknown as IncomingMessage
    },
    list: async () => {
      listCalls++
      const list = lists.shift()
      if (list === undefined) throw new KubeApiError(503, 'ServiceUnavailable', 'no list')
      return list
    },
  } as unknown as KubeClient
  return { client, lists, streams, watchPaths, listCalls: () => listCalls }
}

const event = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`
const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(check()).toBe(true)
}

function start(api: ReturnType<typeof fakeApi>, extra: { watchdogMs?: number } = {}) {
  const changed: string[] = []
  const deleted: string[] = []
  const restarts: string[] = []
  let unparsable = 0
  const informer = new Informer<KubeObject>({
    client: api.client,
    resource: RESOURCES.configMap,
    handlers: {
      changed: (o) => changed.push(o.metadata.name),
      deleted: (o) => deleted.push(o.metadata.name),
    },
    backoff: { initialMs: 20, maxMs: 40 },
    random: () => 0,
    onRestart: (reason) => restarts.push(reason),
    onUnparsableLine: () => unparsable++,
    ...extra,
  })
  const stop = new AbortController()
  const done = informer.run(stop.signal)
  return {
    informer,
    changed,
    deleted,
    restarts,
    unparsable: () => unparsable,
    stop: () => {
      stop.abort()
      return done
    },
  }
}

describe('Informer', () => {
  it('lists, then watches from the list resourceVersion with bookmarks, and follows events', async () => {
    const api = fakeApi()
    api.lists.push({ items: [cm('a', '1')], metadata: { resourceVersion: '10' } })
    const watch = new PassThrough()
    api.streams.push(watch)
    const run = start(api)
    await run.informer.waitSynced()
    await until(() => api.watchPaths.length === 1)
    expect(api.watchPaths[0]).toContain('resourceVersion=10')
    expect(api.watchPaths[0]).toContain('allowWatchBookmarks=true')
    watch.write(event('ADDED', cm('b', '11')))
    watch.write('not json\n')
    watch.write(event('BOOKMARK', { metadata: { resourceVersion: '12' } }))
    await until(() => run.changed.includes('b'))
    expect(run.informer.get('ns/b')?.metadata.resourceVersion).toBe('11')
    await until(() => run.unparsable() === 1)
    watch.end()
    // A normal close resumes from the last resourceVersion (the bookmark's) without a relist.
    await until(() => api.watchPaths.length === 2)
    expect(api.watchPaths[1]).toContain('resourceVersion=12')
    expect(api.listCalls()).toBe(1)
    await run.stop()
  })

  it('relists on an in-stream 410 and delivers deletions missed meanwhile', async () => {
    const api = fakeApi()
    api.lists.push({ items: [cm('a', '1'), cm('b', '2')], metadata: { resourceVersion: '10' } })
    api.lists.push({ items: [cm('a', '1')], metadata: { resourceVersion: '20' } })
    const watch = new PassThrough()
    api.streams.push(watch)
    const run = start(api)
    await until(() => api.watchPaths.length === 1)
    watch.write(
      event('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' }),
    )
    await until(() => run.deleted.includes('b'))
    expect(run.restarts).toContain('gone')
    expect(api.listCalls()).toBe(2)
    expect(run.changed).toEqual(['a', 'b'])
    await run.stop()
  })

  it('relists on an HTTP 410 and reconnects after a backoff on other errors', async () => {
    const api = fakeApi()
    api.lists.push({ items: [], metadata: { resourceVersion: '10' } })
    api.lists.push({ items: [], metadata: { resourceVersion: '30' } })
    api.streams.push(new KubeApiError(0, 'Transport', 'connect ECONNREFUSED'))
    api.streams.push(new KubeApiError(410, 'Expired', 'too old'))
    const run = start(api)
    await until(() => api.watchPaths.length === 3)
    expect(run.restarts).toEqual(['error', 'gone'])
    expect(api.watchPaths[1]).toContain('resourceVersion=10')
    expect(api.watchPaths[2]).toContain('resourceVersion=30')
    await run.stop()
  })

  it('relists when the watch stays silent past the watchdog, and is unhealthy meanwhile', async () => {
    const api = fakeApi()
    api.lists.push({ items: [], metadata: { resourceVersion: '10' } })
    api.lists.push({ items: [], metadata: { resourceVersion: '40' } })
    api.streams.push(new PassThrough())
    const run = start(api, { watchdogMs: 100 })
    await run.informer.waitSynced()
    expect(run.informer.isHealthy()).toBe(true)
    await until(() => run.restarts.includes('watchdog'))
    await until(() => api.listCalls() === 2)
    expect(run.informer.isHealthy()).toBe(true)
    await run.stop()
  })
})
