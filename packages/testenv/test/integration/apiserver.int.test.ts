import { afterAll, describe, expect, inject, it } from 'vitest'
import { connectControlPlane, FIELD_MANAGER, TestenvError, TOOLS } from '../../src/index.js'
import { widget, widgetCrd } from './fixtures.js'

const plane = connectControlPlane(inject('seiTestenv'))
afterAll(() => plane.kube.close())

describe('kube-apiserver', () => {
  it('reports the pinned version at /version', async () => {
    const res = await plane.kube.expectOk('GET', '/version')
    expect((res.body as { gitVersion: string }).gitVersion).toBe(TOOLS.kubeApiserver.version)
    expect(plane.info.version).toBe(TOOLS.kubeApiserver.version)
  })

  it('accepts a CRD, server-side applies a custom object and reads it back', async () => {
    await plane.applyManifest([widgetCrd()])
    await plane.waitForCrd('widgets.testenv.sei.io')
    const ns = await plane.createNamespace()
    await plane.applyManifest([widget(ns, 'w1', { replicas: 2, chainId: 'pacific-1' })])
    const res = await plane.kube.expectOk('GET', `/apis/testenv.sei.io/v1alpha1/namespaces/${ns}/widgets/w1`)
    const stored = res.body as {
      spec: unknown
      metadata: { managedFields: { manager: string; operation: string }[] }
    }
    expect(stored.spec).toEqual({ replicas: 2, chainId: 'pacific-1' })
    expect(stored.metadata.managedFields).toContainEqual(
      expect.objectContaining({ manager: FIELD_MANAGER, operation: 'Apply' }),
    )
  })

  it('rejects an object that violates the CRD schema', async () => {
    const ns = await plane.createNamespace()
    const error = await plane
      .applyManifest([widget(ns, 'bad', { replicas: 0, chainId: 'Not Valid' })])
      .catch((e) => e)
    expect(error).toBeInstanceOf(TestenvError)
    expect((error as TestenvError).status).toBe(422)
    expect((error as Error).message).toMatch(/spec\.replicas/)
    expect((error as Error).message).toMatch(/spec\.chainId/)
  })

  it('validates but stores nothing on a dry run', async () => {
    const ns = await plane.createNamespace()
    const [applied] = await plane.applyManifest([widget(ns, 'dry', { replicas: 1 })], { dryRun: true })
    expect(applied?.metadata.name).toBe('dry')
    const res = await plane.kube.request('GET', `/apis/testenv.sei.io/v1alpha1/namespaces/${ns}/widgets/dry`)
    expect(res.status).toBe(404)
  })
})
