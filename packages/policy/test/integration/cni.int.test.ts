// The CNI flavours judged by the CNIs' own code (testenv's cni-validate: Cilium's parser and policy
// engine, Calico's selector/CIDR parsers with checks ported from its validator) and by the real
// CRDs on the test API server. Each flavour's allowed matrix must equal the vanilla flavour's, as
// evaluated by Cilium's engine, except for the one difference the README documents.
import { readFileSync } from 'node:fs'
import { CONTROLLER, PORTS, SEID_PORTS } from '@sei-k8s/contract'
import {
  CNI_CRD_FILES,
  type CniEndpoint,
  cniModuleFile,
  connectControlPlane,
  ensureCniValidate,
  type KubeObject,
  runCniValidate,
} from '@sei-k8s/testenv'
import type {} from '@sei-k8s/testenv/vitest-setup'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { generateNodePolicies } from '../../src/generate.js'
import { CNI_PORTS, CNI_SOURCES, cniEndpoints, LABELS_OTHER_SA, NODE_CIDRS, SA_ONLY } from './cni-world.js'
import { WORLD } from './world.js'

const NODE = `${WORLD.nodeNamespace}/${WORLD.nodeName}`
const CONTROLLER_POD = `${CONTROLLER.namespace}/controller`
const TENANT = `${WORLD.tenantNamespace}/client`
const { p2p, rpc } = SEID_PORTS

let binary = ''
beforeAll(async () => {
  // A cold build compiles much of Cilium: minutes on 2 cores; cached afterwards.
  binary = await ensureCniValidate({ log: (line) => process.stderr.write(`${line}\n`) })
}, 1_800_000)

function policies(flavor: string, input: Record<string, unknown> = {}): KubeObject[] {
  return generateNodePolicies({
    namespaces: [WORLD.nodeNamespace],
    flavor,
    ...input,
  }) as unknown as KubeObject[]
}

/** Every allowed flow into the node pod, as `source :port`, judged by the flavour's CNI code. */
async function intoNode(objects: readonly KubeObject[], endpoints: CniEndpoint[] = cniEndpoints()) {
  const answer = await runCniValidate(binary, { objects, endpoints, sources: CNI_SOURCES, ports: CNI_PORTS })
  expect(answer.objects.filter((o) => !o.ok)).toEqual([])
  const kinds = Object.keys(answer.matrix)
  expect(kinds).toHaveLength(1)
  const flows = answer.matrix[kinds[0] ?? ''] ?? []
  return flows.filter((f) => f.to === NODE).map((f) => `${f.from} :${f.port}`)
}

function from(lines: readonly string[], source: string): number[] {
  return lines.filter((l) => l.startsWith(`${source} :`)).map((l) => Number(l.split(':').pop()))
}

/** Options every flavour accepts; each must admit the same flows in every flavour. */
const SHARED_OPTIONS = {
  defaults: {},
  configured: {
    rpcFrom: [WORLD.tenantNamespace, '203.0.113.0/24', '2001:db8:8::/48'],
    p2pFrom: [WORLD.tenantNamespace, '198.51.100.0/24', '2001:db8:1::/48'],
    prometheusPodLabels: WORLD.prometheusLabels,
    publicPorts: [9100, 19100],
  },
  relabelled: { controllerPodLabels: { app: 'tool' } },
} as const

describe('generated policies under the CNIs’ own code', () => {
  it.each(Object.entries(SHARED_OPTIONS))(
    '%s: cilium and calico admit exactly what vanilla admits (Cilium engine), but the documented ServiceAccount difference',
    async (name, input) => {
      const vanilla = await intoNode(policies('vanilla', input))
      const cilium = await intoNode(policies('cilium', input))
      const calico = await intoNode(policies('calico', input))
      // Documented: with cilium/calico the controller must also run as its ServiceAccount.
      const expected = vanilla.filter((l) => l !== `${LABELS_OTHER_SA} :${PORTS.proxy}`)
      expect(cilium).toEqual(expected)
      expect(calico).toEqual(expected)
      // The matrix itself: 8443 only from the controller (by its labels) and the local kubelet.
      const proxy = vanilla.filter((l) => l.endsWith(`:${PORTS.proxy}`)).sort()
      // Relabelled to app=tool: the sa-only pod (app=tool, the controller's ServiceAccount) is the controller.
      const controller = name === 'relabelled' ? SA_ONLY : CONTROLLER_POD
      const labelled = controller === CONTROLLER_POD ? [`${LABELS_OTHER_SA} :8443`] : []
      expect(proxy).toEqual([`${controller} :8443`, 'host :8443', ...labelled].sort())
      // The local host passes every port on every CNI (Cilium's allow-localhost, Calico's host rule);
      // 7777 listens on 127.0.0.1 only. No other source reaches it.
      expect(vanilla.filter((l) => l.endsWith(`:${PORTS.tasks}`))).toEqual([`host :${PORTS.tasks}`])
    },
  )

  it('a pod running as the controller ServiceAccount without its labels reaches 8443 in no flavour', async () => {
    for (const flavor of ['vanilla', 'cilium', 'calico']) {
      expect(from(await intoNode(policies(flavor)), SA_ONLY), flavor).toEqual([p2p.port])
    }
  })

  it('cilium admits remote-node only on the public and rpc probe ports, and only with --allow-remote-nodes', async () => {
    expect(from(await intoNode(policies('cilium')), 'remote-node')).toEqual([p2p.port])
    expect(from(await intoNode(policies('cilium', { allowRemoteNodes: true })), 'remote-node')).toEqual([
      PORTS.public,
      p2p.port,
      rpc.port,
    ])
  })

  it('dual-stack node CIDRs: vanilla (Cilium engine) and calico admit node addresses on 9100 and 26657, never 8443', async () => {
    const vanilla = await intoNode(policies('vanilla', { nodeCidrs: NODE_CIDRS }))
    const calico = await intoNode(policies('calico', { nodeCidrs: NODE_CIDRS }))
    for (const source of ['node-v4', 'node-v6']) {
      expect(from(vanilla, source), source).toEqual([PORTS.public, p2p.port, rpc.port])
    }
    expect(calico).toEqual(vanilla.filter((l) => l !== `${LABELS_OTHER_SA} :${PORTS.proxy}`))
  })

  it('pod IPs inside the node CIDR (AWS VPC CNI): 8443 stays closed to them; 9100 and 26657 are the documented exposure', async () => {
    const lines = await intoNode(
      policies('calico', { nodeCidrs: NODE_CIDRS }),
      cniEndpoints({ inNodeSubnet: true }),
    )
    expect(lines.filter((l) => l.endsWith(`:${PORTS.proxy}`)).sort()).toEqual(
      [`${CONTROLLER_POD} :8443`, 'host :8443'].sort(),
    )
    expect(from(lines, TENANT)).toEqual([PORTS.public, p2p.port, rpc.port])
  })

  it('Calico refuses a rule whose nets mix address families (negative control of the ported check)', async () => {
    const [policy] = policies('calico', { rpcFrom: ['203.0.113.0/24'] }).filter(
      (o) => o.metadata.name === 'sei-node-rpc',
    )
    const spec = (policy as unknown as { spec: { ingress: { source?: { nets?: string[] } }[] } }).spec
    const mixed = spec.ingress.map((rule) =>
      rule.source?.nets ? { ...rule, source: { nets: [...rule.source.nets, '2001:db8:8::/48'] } } : rule,
    )
    const answer = await runCniValidate(binary, {
      objects: [{ ...policy, spec: { ...spec, ingress: mixed } } as unknown as KubeObject],
    })
    expect(answer.objects[0]?.error).toContain('rule contains both IPv4 and IPv6 CIDRs')
  })
})

const plane = connectControlPlane(inject('seiTestenv'))

function crdObjects(file: keyof typeof CNI_CRD_FILES): KubeObject[] {
  const { module, path } = CNI_CRD_FILES[file]
  return parseAllDocuments(readFileSync(cniModuleFile(module, path), 'utf8'))
    .map((doc) => doc.toJS() as KubeObject)
    .filter((doc) => doc?.kind === 'CustomResourceDefinition')
}

/** Every option set of the tests above, per flavour that accepts it. */
const DRY_RUN_OPTIONS: Record<string, Record<string, unknown>> = {
  ...SHARED_OPTIONS,
  nodeCidrs: { nodeCidrs: NODE_CIDRS, rpcFrom: ['203.0.113.0/24', '2001:db8:8::/48'] },
  remoteNodes: { allowRemoteNodes: true, controllerServiceAccount: 'platform-controller' },
}

describe('CNI objects on the real API server with the CNIs’ CRDs', () => {
  beforeAll(async () => {
    const crds = [...crdObjects('ciliumNetworkPolicies'), ...crdObjects('calicoNetworkPolicies')]
    await plane.applyManifest(crds)
    for (const crd of crds) await plane.waitForCrd(crd.metadata.name)
    await plane.createNamespace(WORLD.nodeNamespace)
  }, 120_000)

  it.each(Object.entries(DRY_RUN_OPTIONS))(
    '%s: every CiliumNetworkPolicy and Calico NetworkPolicy passes a server-side dry-run unchanged',
    async (name, input) => {
      const flavors =
        name === 'nodeCidrs' ? ['calico'] : name === 'remoteNodes' ? ['cilium'] : ['cilium', 'calico']
      for (const flavor of flavors) {
        // projectcalico.org/v3 is served by Calico's aggregated API server; its CRD twin
        // crd.projectcalico.org/v1 carries the same spec schema.
        const objects = policies(flavor, input).map((o) =>
          o.apiVersion === 'projectcalico.org/v3' ? { ...o, apiVersion: 'crd.projectcalico.org/v1' } : o,
        )
        const stored = await plane.applyManifest(objects, { dryRun: true })
        expect(
          stored.map((o) => (o as unknown as { spec: unknown }).spec),
          flavor,
        ).toEqual(objects.map((o) => (o as unknown as { spec: unknown }).spec))
      }
    },
  )
})
