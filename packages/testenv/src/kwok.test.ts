import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  fakeNode,
  fakeNodeIp,
  fakeNodeName,
  KWOK_STAGES_FILE,
  kwokArgs,
  NOT_READY_ANNOTATION,
} from './kwok.js'

const flag = (args: readonly string[], name: string): string | undefined =>
  args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1)

const PRIVATE = [/^10\./, /^172\.(1[6-9]|2\d|3[01])\./, /^192\.168\./, /^127\./]

describe('kwokArgs', () => {
  const args = kwokArgs({ kubeconfig: '/k', configFile: '/c.yaml', port: 4100 })
  it('serves only on loopback, never on the 0.0.0.0 default of a bare node port', () => {
    expect(flag(args, '--server-address')).toBe('127.0.0.1:4100')
  })
  it('manages only the nodes testenv annotated, with Lease heartbeats', () => {
    expect(flag(args, '--manage-nodes-with-annotation-selector')).toBe('kwok.x-k8s.io/node=fake')
    expect(flag(args, '--manage-all-nodes')).toBeUndefined()
    expect(Number(flag(args, '--node-lease-duration-seconds'))).toBeGreaterThan(0)
  })
  it('hands out fake pod addresses outside private and loopback ranges', () => {
    const cidr = flag(args, '--cidr') ?? ''
    expect(cidr).toMatch(/^198\.18\./)
    for (const range of PRIVATE) expect(cidr).not.toMatch(range)
  })
})

describe('fakeNode', () => {
  it('is a plausible worker: capacity, an address of its own, the annotation kwok selects on', () => {
    const node = fakeNode(3) as unknown as {
      metadata: { name: string; annotations: Record<string, string>; labels: Record<string, string> }
      status: { capacity: Record<string, string>; addresses: { type: string; address: string }[] }
    }
    expect(node.metadata.name).toBe(fakeNodeName(3))
    expect(node.metadata.annotations['kwok.x-k8s.io/node']).toBe('fake')
    expect(node.metadata.labels['kubernetes.io/hostname']).toBe('kwok-node-3')
    expect(node.status.capacity).toMatchObject({ cpu: '16', memory: '64Gi', pods: '110' })
    expect(node.status.addresses).toContainEqual({ type: 'InternalIP', address: fakeNodeIp(3) })
  })
  it('gives every node a distinct IP outside private ranges', () => {
    const ips = new Set(Array.from({ length: 1_000 }, (_, i) => fakeNodeIp(i)))
    expect(ips.size).toBe(1_000)
    for (const ip of ips) for (const range of PRIVATE) expect(ip).not.toMatch(range)
    expect(fakeNodeIp(999)).toBe('198.19.3.250')
  })
})

describe('kwok stages', () => {
  const stages = readFileSync(KWOK_STAGES_FILE, 'utf8')
  const names = [...stages.matchAll(/^ {2}name: (\S+)$/gm)].map((m) => m[1])
  it('play the node, pod and volume lifecycle, with no delays', () => {
    expect(names).toEqual([
      'node-initialize',
      'node-heartbeat-with-lease',
      'pod-start',
      'pod-ready',
      'pod-not-ready',
      'pod-complete',
      'pod-delete',
      'pvc-provision',
      'pv-bind',
      'pvc-delete',
      'pv-delete',
    ])
    // the only delay is the node heartbeat refresh (the Lease is the real heartbeat)
    expect(stages.match(/^\s+delay:$/gm)).toHaveLength(1)
  })
  it('key the readiness switch on NOT_READY_ANNOTATION', () => {
    const keys = [...stages.matchAll(/\.metadata\.annotations\["([^"]+)"\]/g)].map((m) => m[1])
    expect(keys).toEqual([NOT_READY_ANNOTATION, NOT_READY_ANNOTATION])
  })
  it('report containers started and ready once a pod is Ready', () => {
    const ready = stages.slice(stages.indexOf('name: pod-ready'), stages.indexOf('name: pod-not-ready'))
    expect(ready).toContain('type: Ready')
    expect(ready).toMatch(/ready: true\n\s+restartCount: \{\{ \.restartCount \}\}\n\s+started: true/)
  })
})
