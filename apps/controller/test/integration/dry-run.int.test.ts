/**
 * Everything the controller renders or installs passes a server-side dry-run apply on a real
 * kube-apiserver, and re-applying rendered objects is a no-op.
 */
import { CONTROLLER } from '@sei-k8s/contract'
import type { KubeObject } from '@sei-k8s/testenv'
import { afterAll, describe, expect, it } from 'vitest'
import { installObjects } from '../../src/manifests/index.js'
import { buildAll } from '../../src/noderesource/index.js'
import { DEFAULT_PLATFORM } from '../../src/platform.js'
import { connectPlane, exampleFiles, inNamespace, readExample } from './helpers.js'

const plane = connectPlane()
afterAll(() => plane.kube.close())

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
