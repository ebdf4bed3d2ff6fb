/**
 * The SeiNode CRD, the examples and everything the controller renders or installs, against a real
 * kube-apiserver: accepted, invalid objects rejected with messages naming the field, and every object
 * passing a server-side dry-run apply.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { CONTROLLER } from '@sei-k8s/contract'
import { connectControlPlane, type KubeObject } from '@sei-k8s/testenv'
import type {} from '@sei-k8s/testenv/vitest-setup'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parse } from 'yaml'
import { buildSeiNodeCrd } from '../../src/api/crd.js'
import type { SeiNode } from '../../src/api/seinode.js'
import { validateSeiNode } from '../../src/api/validate.js'
import { buildAll } from '../../src/build/index.js'
import { installObjects } from '../../src/manifests/index.js'
import { DEFAULT_PLATFORM } from '../../src/platform.js'
import { node, raw } from '../fixtures.js'

const plane = connectControlPlane(inject('seiTestenv'))
const EXAMPLES = new URL('../../examples/', import.meta.url)
const exampleFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && f !== 'platform.yaml')

function readExample(file: string): SeiNode {
  return parse(readFileSync(new URL(file, EXAMPLES), 'utf8')) as SeiNode
}

function inNamespace(value: SeiNode, namespace: string): SeiNode {
  return { ...value, metadata: { ...value.metadata, namespace } }
}

interface Cause {
  readonly field?: string
  readonly message: string
}

/**
 * Server-side applies a SeiNode that must be rejected and returns the causes of the 422 Status. Talks
 * to the apiserver directly: applyManifest's error message is truncated, the Status body is not.
 */
async function rejection(object: Record<string, unknown>): Promise<Cause[]> {
  const metadata = object['metadata'] as { name: string; namespace: string }
  const res = await plane.kube.request(
    'PATCH',
    `/apis/sei.io/v1alpha1/namespaces/${metadata.namespace}/seinodes/${metadata.name}`,
    {
      body: object,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 'sei-k8s-test', force: 'true' },
    },
  )
  expect(res.status, res.text).toBe(422)
  return (res.body as { details?: { causes?: Cause[] } }).details?.causes ?? []
}

beforeAll(async () => {
  await plane.applyManifest([buildSeiNodeCrd() as KubeObject])
  await plane.waitForCrd('seinodes.sei.io')
})
afterAll(() => plane.kube.close())

describe('SeiNode CRD on a real apiserver', () => {
  it('is accepted and served with the status subresource', async () => {
    const res = await plane.kube.expectOk('GET', '/apis/sei.io/v1alpha1')
    const names = (res.body as { resources: { name: string; shortNames?: string[] }[] }).resources
    expect(names.map((r) => r.name).sort()).toEqual(['seinodes', 'seinodes/status'])
    expect(names.find((r) => r.name === 'seinodes')?.shortNames).toEqual(['snode'])
  })

  it.each(exampleFiles)('accepts examples/%s and stores its spec unchanged', async (file) => {
    const ns = await plane.createNamespace()
    const example = inNamespace(readExample(file), ns)
    await plane.applyManifest([example as unknown as KubeObject])
    const res = await plane.kube.expectOk(
      'GET',
      `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes/${example.metadata.name}`,
    )
    // Nothing pruned or defaulted: what render sees is what the controller will read back.
    expect((res.body as SeiNode).spec).toEqual(example.spec)
    // An object as the API returns it (uid, managedFields, creationTimestamp…) validates offline too.
    expect(validateSeiNode(res.body)).toMatchObject({ ok: true })
  })

  const withoutChainId = raw(node({}, 'no-chain'))
  delete (withoutChainId['spec'] as Record<string, unknown>)['chainId']
  const withoutRole = raw(node({}, 'no-role'))
  delete (withoutRole['spec'] as Record<string, unknown>)['fullNode']

  const INVALID: { case: string; object: unknown; field: string; api: RegExp }[] = [
    {
      case: 'missing chainId',
      object: withoutChainId,
      field: 'spec.chainId',
      api: /Required value/,
    },
    {
      case: 'two role blocks',
      object: node({ fullNode: {}, validator: {} }, 'two-roles'),
      field: 'spec',
      api: /exactly one of fullNode, validator, archive, seed, replayer must be set/,
    },
    { case: 'no role block', object: withoutRole, field: 'spec', api: /exactly one of fullNode/ },
    {
      case: 'bad chainId format',
      object: node({ chainId: 'Pacific_1' }, 'bad-chain'),
      field: 'spec.chainId',
      api: /Invalid value: "Pacific_1": spec\.chainId in body should match/,
    },
    {
      case: 'port out of range',
      object: node({ sidecar: { port: 70000 } }, 'bad-port'),
      field: 'spec.sidecar.port',
      api: /spec\.sidecar\.port in body should be less than or equal to 65535/,
    },
    {
      case: 'public port equal to the tasks port',
      object: node({ sidecar: { publicPort: 7777 } }, 'same-port'),
      field: 'spec.sidecar.publicPort',
      api: /publicPort must differ from port/,
    },
    {
      case: 'public port on the proxy port',
      object: node({ sidecar: { publicPort: 8443 } }, 'proxy-port'),
      field: 'spec.sidecar.publicPort',
      api: /must not be a port of kube-rbac-proxy or seid/,
    },
    {
      case: 'an override key that is not a TOML dotted key',
      object: node({ overrides: { 'a..b': '1' } }, 'bad-override'),
      field: 'spec.overrides',
      api: /every key must be a TOML dotted key/,
    },
    {
      case: 'a pod label key that is not a label key',
      object: node({ podLabels: { 'bad key!': 'x' } }, 'bad-label'),
      field: 'spec.podLabels',
      api: /every key must be a label key/,
    },
    {
      case: 'name too long for a StatefulSet',
      object: node({}, `n${'x'.repeat(52)}`),
      field: 'metadata.name',
      api: /Too long: may not be more than 52/,
    },
  ]

  it.each(INVALID)(
    'rejects $case with a message naming $field, as render does',
    async ({ object, field, api }) => {
      const ns = await plane.createNamespace()
      const value = raw(object)
      ;(value['metadata'] as Record<string, unknown>)['namespace'] = ns
      const causes = await rejection(value)
      expect(causes, JSON.stringify(causes)).toContainEqual(
        expect.objectContaining({ field, message: expect.stringMatching(api) }),
      )
      const offline = validateSeiNode(value)
      expect(offline.ok).toBe(false)
      // Offline names map keys too (`spec.overrides[a..b]`); the API names the map.
      if (!offline.ok)
        expect(offline.errors.some((e) => e.path === field || e.path.startsWith(`${field}[`))).toBe(true)
    },
  )
})

describe('server-side dry-run apply', () => {
  it.each(exampleFiles)('accepts every object rendered from examples/%s', async (file) => {
    const ns = await plane.createNamespace()
    const objects = buildAll(inNamespace(readExample(file), ns), DEFAULT_PLATFORM)
    const applied = await plane.applyManifest(objects as unknown as KubeObject[], { dryRun: true })
    expect(applied.map((o) => o.kind)).toEqual(['ConfigMap', 'Service', 'StatefulSet'])
  })

  it('applies the rendered objects for real, and a second identical apply changes nothing', async () => {
    const ns = await plane.createNamespace()
    const objects = buildAll(
      inNamespace(readExample('full-node.yaml'), ns),
      DEFAULT_PLATFORM,
    ) as unknown as KubeObject[]
    const first = await plane.applyManifest(objects)
    const second = await plane.applyManifest(objects)
    // Same resourceVersion: the output holds nothing the server rewrites, so a resync is a no-op.
    const versions = (list: KubeObject[]) =>
      list.map((o) => (o.metadata as { resourceVersion?: string }).resourceVersion)
    expect(versions(second)).toEqual(versions(first))
  })

  it('accepts every install manifest', async () => {
    // Namespaced objects need their namespace to exist; a dry run would not create it.
    const namespace = installObjects().find(([, o]) => (o as KubeObject).kind === 'Namespace')
    if (!namespace) throw new Error('no Namespace in the install manifests')
    await plane.applyManifest([namespace[1] as KubeObject])
    const objects = installObjects().map(([, o]) => o as KubeObject)
    const applied = await plane.applyManifest(objects, { dryRun: true })
    expect(applied.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}`),
    )
    expect(applied.find((o) => o.kind === 'Deployment')?.metadata.namespace).toBe(CONTROLLER.namespace)
  })
})

describe('pod security', () => {
  /** A namespace that enforces the `restricted` Pod Security Standard. */
  async function restrictedNamespace(): Promise<string> {
    const name = await plane.createNamespace()
    const labels = {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    }
    await plane.applyManifest([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } as KubeObject,
    ])
    return name
  }

  function podFrom(
    template: { metadata: object; spec: object },
    name: string,
    namespace: string,
  ): KubeObject {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...template.metadata, name, namespace },
      spec: template.spec,
    } as KubeObject
  }

  it('is enforced: a pod without the restricted settings is refused', async () => {
    const ns = await restrictedNamespace()
    const pod = podFrom({ metadata: {}, spec: { containers: [{ name: 'c', image: 'busybox' }] } }, 'lax', ns)
    const res = await plane.kube.request('POST', `/api/v1/namespaces/${ns}/pods`, {
      body: pod,
      query: { dryRun: 'All' },
    })
    expect(res.status).toBe(403)
    expect((res.body as { message: string }).message).toContain('violates PodSecurity "restricted:latest"')
  })

  it.each(exampleFiles)('admits the node pod of examples/%s under the restricted standard', async (file) => {
    const ns = await restrictedNamespace()
    const sts = buildAll(inNamespace(readExample(file), ns), DEFAULT_PLATFORM).find(
      (o) => o.kind === 'StatefulSet',
    )
    if (sts?.kind !== 'StatefulSet') throw new Error('no StatefulSet rendered')
    // PodSecurity only warns on workloads; a Pod is where it enforces, so dry-run the pod the StatefulSet makes.
    // …with the claim volume the StatefulSet controller adds for each volumeClaimTemplate.
    const name = `${sts.metadata.name}-0`
    const claims = sts.spec.volumeClaimTemplates.map((t) => ({
      name: t.metadata.name,
      persistentVolumeClaim: { claimName: `${t.metadata.name}-${name}` },
    }))
    const template = {
      ...sts.spec.template,
      spec: { ...sts.spec.template.spec, volumes: [...sts.spec.template.spec.volumes, ...claims] },
    }
    const [pod] = await plane.applyManifest([podFrom(template, name, ns)], {
      dryRun: true,
    })
    expect(pod?.kind).toBe('Pod')
  })

  it('admits the controller pod under the restricted standard', async () => {
    const ns = await restrictedNamespace()
    const deployment = installObjects().find(([, o]) => (o as KubeObject).kind === 'Deployment')?.[1] as
      | { spec: { template: { metadata: object; spec: object } } }
      | undefined
    if (!deployment) throw new Error('no Deployment in the install manifests')
    const [pod] = await plane.applyManifest([podFrom(deployment.spec.template, 'manager-0', ns)], {
      dryRun: true,
    })
    expect(pod?.kind).toBe('Pod')
  })
})
