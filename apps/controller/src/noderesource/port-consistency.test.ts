import { ENV, PORT_NAMES, PORTS, ROLE_BLOCK_NAMES, SEID_PORTS } from '@sei-k8s/contract'
import { describe, expect, it } from 'vitest'
import { node, render } from '../../test/fixtures.js'
import type { SeiNodeSpec } from '../api/seinode.js'
import type { Probe } from './k8s-types.js'

const PORT_CASES: { label: string; sidecar: SeiNodeSpec['sidecar']; tasks: number; public: number }[] = [
  { label: 'contract defaults', sidecar: undefined, tasks: PORTS.tasks, public: PORTS.public },
  {
    label: 'custom port and publicPort',
    sidecar: { port: 17777, publicPort: 19100 },
    tasks: 17777,
    public: 19100,
  },
  { label: 'custom publicPort only', sidecar: { publicPort: 9200 }, tasks: PORTS.tasks, public: 9200 },
  { label: 'custom port only', sidecar: { port: 7000 }, tasks: 7000, public: PORTS.public },
]

const CASES = ROLE_BLOCK_NAMES.flatMap((block) => PORT_CASES.map((ports) => ({ block, ...ports })))

function portOf(probe: Probe | undefined): number | undefined {
  return probe?.httpGet?.port ?? probe?.tcpSocket?.port
}

describe.each(CASES)(
  'ports of a $block node with $label',
  ({ block, sidecar, tasks, public: publicPort }) => {
    const spec: Partial<SeiNodeSpec> = { [block]: {}, ...(sidecar ? { sidecar } : {}) }
    const { service, statefulSet, container } = render(node(spec))
    const pod = statefulSet.spec.template.spec
    const all = [...pod.initContainers, ...pod.containers]

    it('gives the sidecar env the same ports as everything else', () => {
      const env = Object.fromEntries((container('sei-sidecar').env ?? []).map((e) => [e.name, e.value]))
      expect(env[ENV.sidecarPort]).toBe(String(tasks))
      expect(env[ENV.sidecarPublicPort]).toBe(String(publicPort))
    })

    it('points the proxy upstream at the loopback tasks port', () => {
      expect(container('kube-rbac-proxy').args).toContain(`--upstream=http://127.0.0.1:${tasks}/`)
      expect(container('kube-rbac-proxy').args).toContain(`--insecure-listen-address=0.0.0.0:${PORTS.proxy}`)
    })

    it('declares the public port on the sidecar and the proxy port on the proxy, tasks port nowhere', () => {
      expect(container('sei-sidecar').ports?.map((p) => p.containerPort)).toEqual([publicPort])
      expect(container('kube-rbac-proxy').ports?.map((p) => p.containerPort)).toEqual([PORTS.proxy])
      expect(all.flatMap((c) => c.ports ?? []).map((p) => p.containerPort)).not.toContain(tasks)
    })

    it('probes the sidecar and starts seid on the public port only', () => {
      const sidecarContainer = container('sei-sidecar')
      for (const probe of [
        sidecarContainer.startupProbe,
        sidecarContainer.livenessProbe,
        sidecarContainer.readinessProbe,
      ]) {
        expect(portOf(probe)).toBe(publicPort)
      }
      expect(portOf(container('seid').startupProbe)).toBe(publicPort)
      const seidReadiness = block === 'seed' ? SEID_PORTS.p2p.port : SEID_PORTS.rpc.port
      expect(portOf(container('seid').readinessProbe)).toBe(seidReadiness)
      expect(portOf(container('kube-rbac-proxy').livenessProbe)).toBe(PORTS.proxy)
    })

    it('waits in the seid start script on the public port', () => {
      expect(container('seid').command?.[2]).toContain(`http://127.0.0.1:${publicPort}/v0/healthz`)
    })

    it('routes every Service port to a declared container port of the same number', () => {
      const containerPorts = new Map(all.flatMap((c) => c.ports ?? []).map((p) => [p.containerPort, p.name]))
      for (const p of service.spec.ports) {
        expect(containerPorts.get(p.targetPort), p.name).toBe(p.name)
        expect(p.port).toBe(p.targetPort)
      }
      const byName = Object.fromEntries(service.spec.ports.map((p) => [p.name, p.targetPort]))
      expect(byName[PORT_NAMES.public]).toBe(publicPort)
      expect(byName[PORT_NAMES.proxy]).toBe(PORTS.proxy)
      expect(service.spec.ports.map((p) => p.targetPort)).not.toContain(tasks)
    })
  },
)
