import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CONTROLLER, CONTROLLER_PORTS } from '@sei-k8s/contract'
import { describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { installObjects, manifestFiles } from './index.js'

const CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url))

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    return statSync(path).isDirectory() ? listFiles(path) : [relative(CONFIG_DIR, path)]
  })
}

type Obj = { kind: string; metadata: { name: string; namespace?: string }; [key: string]: unknown }

function find(kind: string, name?: string): Obj {
  const found = installObjects()
    .map(([, o]) => o as Obj)
    .find((o) => o.kind === kind && (name === undefined || o.metadata.name === name))
  if (!found) throw new Error(`no ${kind} ${name ?? ''}`)
  return found
}

describe('install manifests', () => {
  it('match a fresh generation (run `pnpm --filter @sei-k8s/controller run manifests` after a change)', () => {
    const fresh = manifestFiles()
    expect(listFiles(CONFIG_DIR).sort()).toEqual([...fresh.keys()].sort())
    for (const [path, content] of fresh) {
      expect(readFileSync(join(CONFIG_DIR, path), 'utf8'), path).toBe(content)
    }
  })

  it('list every object file in kustomization.yaml and every object in install.yaml', () => {
    const files = manifestFiles()
    const kustomization = parse(files.get('kustomization.yaml') ?? '') as { resources: string[] }
    expect(kustomization.resources).toEqual(installObjects().map(([path]) => path))
    const docs = parseAllDocuments(files.get('install.yaml') ?? '').map((d) => d.toJS() as Obj)
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(
      installObjects().map(([, o]) => `${(o as Obj).kind}/${(o as Obj).metadata.name}`),
    )
  })

  it('run the controller with the contract pod labels in the contract namespace', () => {
    const deployment = find('Deployment') as Obj & {
      spec: {
        selector: { matchLabels: object }
        template: { metadata: { labels: object }; spec: Record<string, unknown> }
      }
    }
    expect(deployment.metadata.namespace).toBe(CONTROLLER.namespace)
    expect(deployment.spec.selector.matchLabels).toEqual(CONTROLLER.podLabels)
    expect(deployment.spec.template.metadata.labels).toMatchObject(CONTROLLER.podLabels)
    expect(deployment.spec.template.spec['serviceAccountName']).toBe(CONTROLLER.serviceAccount)
    expect(find('ServiceAccount').metadata).toMatchObject({
      name: CONTROLLER.serviceAccount,
      namespace: CONTROLLER.namespace,
    })
    expect(find('Namespace').metadata.name).toBe(CONTROLLER.namespace)
  })

  it('run the controller non-root with a read-only root fs, leader election and health probes', () => {
    const deployment = find('Deployment') as Obj & {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } }
    }
    const [manager] = deployment.spec.template.spec.containers
    expect(manager?.['securityContext']).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true })
    expect(manager?.['args']).toContain('--leader-elect=true')
    expect(manager?.['livenessProbe']).toMatchObject({
      httpGet: { path: '/healthz', port: CONTROLLER_PORTS.health },
    })
    expect(manager?.['readinessProbe']).toMatchObject({
      httpGet: { path: '/readyz', port: CONTROLLER_PORTS.health },
    })
    const metrics = find('Service') as Obj & { spec: { ports: { port: number }[]; selector: object } }
    expect(metrics.spec.ports.map((p) => p.port)).toEqual([CONTROLLER_PORTS.metrics])
    expect(metrics.spec.selector).toEqual(CONTROLLER.podLabels)
  })

  it('let kube-rbac-proxy create TokenReviews and SubjectAccessReviews as the node ServiceAccount', () => {
    const role = find('ClusterRole', 'sei-k8s-rbac-proxy') as Obj & { rules: unknown[] }
    expect(role.rules).toEqual([
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ])
    const binding = find('ClusterRoleBinding', 'sei-k8s-rbac-proxy') as Obj & { subjects: unknown[] }
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'seid-node', namespace: 'default' }])
  })

  it('let the controller create and get seinodetasks (the SAR kube-rbac-proxy sends), nothing more', () => {
    const role = find('ClusterRole', 'sei-k8s-task-submitter') as Obj & { rules: unknown[] }
    expect(role.rules).toEqual([
      { apiGroups: ['sei.io'], resources: ['seinodetasks'], verbs: ['create', 'get'] },
    ])
    const binding = find('ClusterRoleBinding', 'sei-k8s-task-submitter') as Obj & { subjects: unknown[] }
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: CONTROLLER.serviceAccount, namespace: CONTROLLER.namespace },
    ])
  })

  it('bind the proxy role for every requested node namespace, sorted and de-duplicated', () => {
    const files = manifestFiles({ image: 'x', nodeNamespaces: ['sei', 'atlantic', 'sei'] })
    const binding = parse(files.get('rbac/rbac-proxy-role-binding.yaml') ?? '') as {
      subjects: { namespace: string }[]
    }
    expect(binding.subjects.map((s) => s.namespace)).toEqual(['atlantic', 'sei'])
  })
})
