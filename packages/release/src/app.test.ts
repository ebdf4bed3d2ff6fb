import { describe, expect, it } from 'vitest'
import { normalizePackageJson } from './app.js'

describe('normalizePackageJson', () => {
  it('drops dev-only fields, pins workspace deps to the deployed version and sorts dependencies', () => {
    const deployed = {
      name: '@sei-k8s/sidecar',
      version: '0.1.0',
      scripts: { build: 'tsc' },
      dependencies: {
        pino: '10.4.0',
        '@sei-k8s/contract': '@sei-k8s/contract@file:///checkout/packages/contract',
        fastify: '5.12.8',
      },
      devDependencies: { vitest: '5.1.2' },
    }
    const out = normalizePackageJson(deployed, (name) => (name === '@sei-k8s/contract' ? '0.1.0' : '?'))
    expect(out).toEqual({
      name: '@sei-k8s/sidecar',
      version: '0.1.0',
      dependencies: { '@sei-k8s/contract': '0.1.0', fastify: '5.12.8', pino: '10.4.0' },
    })
    expect(Object.keys(out.dependencies ?? {})).toEqual(['@sei-k8s/contract', 'fastify', 'pino'])
    expect(JSON.stringify(out)).not.toContain('/checkout')
  })
  it('pins the workspace: and catalog: specs of a workspace package deployed as a dependency', () => {
    const nested = {
      name: '@sei-k8s/policy',
      version: '0.1.0',
      dependencies: { yaml: 'catalog:', '@sei-k8s/contract': 'workspace:*' },
      devDependencies: { '@sei-k8s/testenv': 'workspace:*' },
    }
    const versions: Record<string, string> = { yaml: '2.9.1', '@sei-k8s/contract': '0.1.0' }
    expect(normalizePackageJson(nested, (name) => versions[name] ?? '?')).toEqual({
      name: '@sei-k8s/policy',
      version: '0.1.0',
      dependencies: { '@sei-k8s/contract': '0.1.0', yaml: '2.9.1' },
    })
  })
})
