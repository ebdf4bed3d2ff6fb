import { describe, expect, it } from 'vitest'
import { rbacProxyArgs } from './rbac-proxy-args.js'

const options = {
  listenPort: 4444,
  upstream: 'http://127.0.0.1:5555/',
  configFile: '/t/config.yaml',
  kubeconfigPath: '/t/kc.json',
}

describe('rbacProxyArgs', () => {
  const rendered = [
    '--secure-listen-address=0.0.0.0:8443',
    '--upstream=http://127.0.0.1:7777/',
    '--config-file=/etc/kube-rbac-proxy/config.yaml',
    '--auth-header-fields-enabled=true',
    '--v=2',
  ]

  it('moves the listen address to loopback and keeps TLS', () => {
    const { args, scheme } = rbacProxyArgs(rendered, options)
    expect(scheme).toBe('https')
    expect(args).toContain('--secure-listen-address=127.0.0.1:4444')
    expect(args.filter((a) => a.startsWith('--secure-listen-address'))).toHaveLength(1)
  })

  it('substitutes upstream, config file and kubeconfig and passes everything else through', () => {
    const { args } = rbacProxyArgs(rendered, options)
    expect(args).toContain('--upstream=http://127.0.0.1:5555/')
    expect(args).toContain('--config-file=/t/config.yaml')
    expect(args).toContain('--kubeconfig=/t/kc.json')
    expect(args).toContain('--auth-header-fields-enabled=true')
    expect(args).toContain('--v=2')
    expect(args).not.toContain('--config-file=/etc/kube-rbac-proxy/config.yaml')
  })

  it('keeps an insecure listener insecure', () => {
    const { args, scheme } = rbacProxyArgs(['--insecure-listen-address=0.0.0.0:8443'], options)
    expect(scheme).toBe('http')
    expect(args[0]).toBe('--insecure-listen-address=127.0.0.1:4444')
  })

  it('defaults to a secure listener when the caller names none', () => {
    expect(rbacProxyArgs([], options).args[0]).toBe('--secure-listen-address=127.0.0.1:4444')
  })
})
