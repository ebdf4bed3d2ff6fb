import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../kube/client.js'
import { OwnWrites } from './own-writes.js'

const obj = (kind: string, name: string, resourceVersion: string): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: 'sei', resourceVersion },
})
const KEY = 'sei/a'

describe('own writes', () => {
  it('drops the echo of a write once; any other version, kind or name queues the node', () => {
    const own = new OwnWrites()
    own.record(obj('ConfigMap', 'a', '10'))
    expect(own.shouldQueue(obj('ConfigMap', 'a', '11'), KEY)).toBe(true)
    expect(own.shouldQueue(obj('Service', 'a', '10'), KEY)).toBe(true)
    expect(own.shouldQueue(obj('ConfigMap', 'b', '10'), KEY)).toBe(true)
    expect(own.shouldQueue(obj('ConfigMap', 'a', '10'), KEY)).toBe(false)
    expect(own.shouldQueue(obj('ConfigMap', 'a', '10'), KEY)).toBe(true)
    expect(own.size).toBe(0)
  })

  it('holds events during a reconcile: an echo that beat the write answer is dropped, news reruns', () => {
    const own = new OwnWrites()
    own.begin(KEY)
    // The watch delivers the apply's result before the reconcile has read the answer.
    expect(own.shouldQueue(obj('StatefulSet', 'a', '20'), KEY)).toBe(false)
    own.record(obj('StatefulSet', 'a', '20'))
    expect(own.end(KEY)).toBe(false)
    own.begin(KEY)
    expect(own.shouldQueue(obj('StatefulSet', 'a', '21'), KEY)).toBe(false)
    own.record(obj('StatefulSet', 'a', '22'))
    expect(own.end(KEY)).toBe(true)
    // Not reconciling: events queue at once.
    expect(own.shouldQueue(obj('StatefulSet', 'a', '23'), KEY)).toBe(true)
  })

  it('keeps one entry per object (the last write) and drops it when the object is deleted', () => {
    const own = new OwnWrites()
    own.record(obj('ConfigMap', 'a', '10'))
    own.record(obj('ConfigMap', 'a', '12'))
    expect(own.size).toBe(1)
    expect(own.shouldQueue(obj('ConfigMap', 'a', '10'), KEY)).toBe(true)
    own.forget(obj('ConfigMap', 'a', '13'))
    expect(own.size).toBe(0)
    expect(own.shouldQueue(obj('ConfigMap', 'a', '12'), KEY)).toBe(true)
  })
})
