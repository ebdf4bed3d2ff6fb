import { describe, expect, it } from 'vitest'
import { binaryFileName, buildCommand, mergeEnv } from './build-commands.js'
import { TOOLS } from './versions.js'

const options = {
  goDir: '/repo/packages/testenv/go',
  outFile: '/cache/.b/out',
}

describe('buildCommand', () => {
  it('builds module tools statically and trimmed inside their tools module', () => {
    const cmd = buildCommand(TOOLS.etcd, options)
    expect(cmd.command).toBe('go')
    expect(cmd.args).toEqual(['build', '-trimpath', '-o', '/cache/.b/out', 'go.etcd.io/etcd/server/v3'])
    expect(cmd.cwd).toBe('/repo/packages/testenv/go')
    expect(cmd.env).toMatchObject({ CGO_ENABLED: '0', GOWORK: 'off' })
  })

  it('stamps the pinned version into kube-apiserver so /version reports it', () => {
    const ldflags = buildCommand(TOOLS.kubeApiserver, options).args.find((a) => a.startsWith('-ldflags='))
    expect(ldflags).toContain(`-X k8s.io/component-base/version.gitVersion=${TOOLS.kubeApiserver.version}`)
    expect(ldflags).toContain('-X k8s.io/component-base/version.gitMinor=37')
  })

  it('builds kube-rbac-proxy from its own tools module', () => {
    expect(buildCommand(TOOLS.kubeRbacProxy, options).cwd).toBe('/repo/packages/testenv/go/kube-rbac-proxy')
  })

  it('builds the analyzer from its own tools module', () => {
    const cmd = buildCommand(TOOLS.netpolicy, options)
    expect(cmd.cwd).toBe('/repo/packages/testenv/go/netpol-analyzer')
    expect(cmd.args.at(-1)).toBe('github.com/np-guard/netpol-analyzer/cmd/netpolicy')
  })
})

describe('binaryFileName', () => {
  it('names cache entries by binary and version', () => {
    expect(binaryFileName(TOOLS.etcd)).toBe(`etcd-${TOOLS.etcd.version}`)
  })
})

describe('mergeEnv', () => {
  it('adds HOME when the caller environment has none and lets build settings win', () => {
    const env = mergeEnv({ PATH: '/bin', CGO_ENABLED: '1' }, { CGO_ENABLED: '0' }, '/root')
    expect(env).toEqual({ PATH: '/bin', HOME: '/root', CGO_ENABLED: '0' })
  })
})
