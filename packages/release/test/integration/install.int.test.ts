/**
 * The released install.yaml: CRD first, applied on testenv's real API server (CRD and Namespace for real,
 * then everything as a server-side dry run), every image of this release tagged with its version, and the
 * kube-rbac-proxy image the contract pins.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { RBAC_PROXY } from '@sei-k8s/contract'
import { connectControlPlane, type KubeObject } from '@sei-k8s/testenv'
import type {} from '@sei-k8s/testenv/vitest-setup'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { releaseDirs, skipped, VERSION } from './helpers.js'

interface Container {
  image: string
}

function installObjects(): KubeObject[] {
  const text = readFileSync(join(releaseDirs()[0], 'manifests/install.yaml'), 'utf8')
  return parseAllDocuments(text).map((doc) => doc.toJS() as KubeObject)
}

describe.skipIf(skipped !== undefined)('the released install.yaml', () => {
  const plane = skipped === undefined ? connectControlPlane(inject('seiTestenv')) : undefined
  afterAll(() => plane?.kube.close())

  it('starts with the CRD, then the Namespace, and ships the CRD file alone too', () => {
    const objects = installObjects()
    expect(objects.slice(0, 2).map((o) => o.kind)).toEqual(['CustomResourceDefinition', 'Namespace'])
    const crd = parse(readFileSync(join(releaseDirs()[0], 'manifests/crds/seinodes.sei.io.yaml'), 'utf8'))
    expect(crd).toEqual(objects[0])
  })

  it('passes a server-side dry-run apply on the real API server', async () => {
    if (plane === undefined) throw new Error('no plane')
    const objects = installObjects()
    // A dry run creates nothing, and namespaced objects need their namespace: CRD and Namespace go first.
    await plane.applyManifest(objects.slice(0, 2))
    await plane.waitForCrd('seinodes.sei.io')
    const applied = await plane.applyManifest(objects, { dryRun: true })
    expect(applied.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}`),
    )
  })

  it('tags every image of this release with its version, and pins the contract kube-rbac-proxy', () => {
    const objects = installObjects()
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: Container[] } } }
    }
    const images = deployment.spec.template.spec.containers.map((c) => c.image)
    expect(images).toEqual([`localhost/sei-k8s/controller:v${VERSION}`])
    const configMap = objects.find((o) => o.kind === 'ConfigMap') as unknown as {
      data: Record<string, string>
    }
    const platform = parse(configMap.data['platform.yaml'] ?? '') as { images: Record<string, string> }
    expect(platform.images).toEqual({
      sidecar: `localhost/sei-k8s/sidecar:v${VERSION}`,
      rbacProxy: RBAC_PROXY.image,
    })
    const text = readFileSync(join(releaseDirs()[0], 'manifests/install.yaml'), 'utf8')
    const refs = [...text.matchAll(/localhost\/sei-k8s\/[a-z]+:\S+/g)].map((m) => m[0])
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) expect(ref.endsWith(`:v${VERSION}`), ref).toBe(true)
  })
})
