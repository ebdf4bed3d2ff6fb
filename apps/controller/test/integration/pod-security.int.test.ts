/**
 * Node pods and the controller pod pass the `restricted` Pod Security Standard, enforced by the real
 * kube-apiserver's PodSecurity admission.
 */
import type { KubeObject } from '@sei-k8s/testenv'
import { afterAll, describe, expect, it } from 'vitest'
import { installObjects } from '../../src/manifests/index.js'
import { buildAll } from '../../src/noderesource/index.js'
import { DEFAULT_PLATFORM } from '../../src/platform.js'
import { connectPlane, exampleFiles, inNamespace, readExample } from './helpers.js'

const plane = connectPlane()
afterAll(() => plane.kube.close())

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
