import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { RBAC_PROXY } from '@sei-k8s/contract'
import { describe, expect, it } from 'vitest'
import { GO_DIR } from './binaries.js'
import { TOOLS } from './versions.js'

function requiredVersion(goMod: string, module: string): string | undefined {
  const escaped = module.replaceAll('.', '\\.').replaceAll('/', '\\/')
  return new RegExp(`^\\s*(?:require\\s+)?${escaped} (v\\S+)`, 'm').exec(goMod)?.[1]
}

describe('TOOLS', () => {
  const rootMod = readFileSync(join(GO_DIR, 'go.mod'), 'utf8')
  const proxyMod = readFileSync(join(GO_DIR, 'kube-rbac-proxy', 'go.mod'), 'utf8')

  it('pins the kube-apiserver version the tools module requires', () => {
    expect(requiredVersion(rootMod, 'k8s.io/kubernetes')).toBe(TOOLS.kubeApiserver.version)
  })

  it('stamps the same version into the apiserver binary', () => {
    const vars = TOOLS.kubeApiserver.source.linkerVars ?? {}
    const [, minor] = /^v1\.(\d+)\./.exec(TOOLS.kubeApiserver.version) ?? []
    expect(vars['k8s.io/component-base/version.gitVersion']).toBe(TOOLS.kubeApiserver.version)
    expect(vars['k8s.io/component-base/version.gitMinor']).toBe(minor)
  })

  it('pins the etcd server version the kubernetes module selects', () => {
    expect(requiredVersion(rootMod, 'go.etcd.io/etcd/server/v3')).toBe(TOOLS.etcd.version)
  })

  it('pins the kube-rbac-proxy version its tools module requires', () => {
    expect(requiredVersion(proxyMod, 'github.com/brancz/kube-rbac-proxy')).toBe(TOOLS.kubeRbacProxy.version)
  })

  it('tests the kube-rbac-proxy version the controller renders into pods', () => {
    // One version: the image tag of the rendered proxy container is the binary the tests run.
    const tag = RBAC_PROXY.image.slice(RBAC_PROXY.image.lastIndexOf(':') + 1)
    expect(tag).toBe(TOOLS.kubeRbacProxy.version)
  })

  it('builds kube-controller-manager and kube-scheduler from the kube-apiserver module and release', () => {
    for (const tool of [TOOLS.kubeControllerManager, TOOLS.kubeScheduler]) {
      expect(tool.source.moduleDir).toBe(TOOLS.kubeApiserver.source.moduleDir)
      expect(tool.version).toBe(TOOLS.kubeApiserver.version)
      expect(tool.source.linkerVars).toEqual(TOOLS.kubeApiserver.source.linkerVars)
      expect(rootMod).toMatch(new RegExp(`^\\s+${tool.source.pkg}$`, 'm'))
    }
  })

  it('pins the kwok version its tools module requires', () => {
    const mod = readFileSync(join(GO_DIR, 'kwok', 'go.mod'), 'utf8')
    expect(requiredVersion(mod, 'sigs.k8s.io/kwok')).toBe(TOOLS.kwok.version)
  })

  it('pins the analyzer version its tools module requires', () => {
    const mod = readFileSync(join(GO_DIR, 'netpol-analyzer', 'go.mod'), 'utf8')
    expect(requiredVersion(mod, 'github.com/np-guard/netpol-analyzer')).toBe(TOOLS.netpolicy.version)
  })

  it('replaces every k8s.io staging module with the matching v0 tag', () => {
    const staging = TOOLS.kubeApiserver.version.replace(/^v1\./, 'v0.')
    const replaces = [...rootMod.matchAll(/^\s*(k8s\.io\/\S+) => (k8s\.io\/\S+) (v\S+)$/gm)]
    expect(replaces.length).toBeGreaterThan(20)
    for (const [, from, to, version] of replaces) {
      expect(to).toBe(from)
      expect(version).toBe(staging)
    }
  })
})
