/**
 * The SeiNode CRD against a real kube-apiserver: accepted, the examples stored unchanged, and a table of
 * invalid SeiNodes rejected with causes naming the same field offline validation names.
 */
import type { KubeObject } from '@sei-k8s/testenv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSeiNodeCrd } from '../../src/api/crd.js'
import type { SeiNode } from '../../src/api/seinode.js'
import { validateSeiNode } from '../../src/api/validate.js'
import { node, raw } from '../fixtures.js'
import { connectPlane, exampleFiles, inNamespace, readExample } from './helpers.js'

const plane = connectPlane()

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
      // Offline names map keys too (`spec.overrides["a..b"]`); the API names the map.
      if (!offline.ok)
        expect(offline.errors.some((e) => e.path === field || e.path.startsWith(`${field}[`))).toBe(true)
    },
  )
})
