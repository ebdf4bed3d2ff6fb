import { describe, expect, it } from 'vitest'
import { buildKubeconfig, tokenFileContent } from './auth-files.js'

describe('tokenFileContent', () => {
  it('writes token,user,uid and quoted groups', () => {
    const csv = tokenFileContent([
      { token: 't1', name: 'admin', uid: 'u1', groups: ['system:masters', 'g2'] },
      { token: 't2', name: 'proxy', uid: 'u2', groups: [] },
    ])
    expect(csv).toBe('t1,admin,u1,"system:masters,g2"\nt2,proxy,u2\n')
  })
})

describe('buildKubeconfig', () => {
  it('points one context at the server with the CA and token', () => {
    const kc = buildKubeconfig({
      server: 'https://127.0.0.1:1',
      caFile: '/ca',
      token: 'tok',
      userName: 'admin',
    })
    expect(kc['current-context']).toBe('sei-k8s-testenv')
    expect(kc.clusters[0]?.cluster).toEqual({ server: 'https://127.0.0.1:1', 'certificate-authority': '/ca' })
    expect(kc.users[0]).toEqual({ name: 'admin', user: { token: 'tok' } })
  })
})
