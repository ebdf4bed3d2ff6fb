import { describe, expect, it } from 'vitest'
import { apiserverArgs, apiserverUrl } from './apiserver.js'
import { certFiles, opensslArgs } from './certs.js'
import { etcdArgs, etcdHealthUrl } from './etcd.js'

const flag = (args: readonly string[], name: string): string | undefined =>
  args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1)

describe('etcdArgs', () => {
  const args = etcdArgs({ dataDir: '/d', clientPort: 4001, peerPort: 4002 })
  it('listens for clients and peers on loopback only', () => {
    expect(flag(args, '--listen-client-urls')).toBe('http://127.0.0.1:4001')
    expect(flag(args, '--listen-peer-urls')).toBe('http://127.0.0.1:4002')
    expect(flag(args, '--initial-cluster')).toBe('testenv=http://127.0.0.1:4002')
    expect(etcdHealthUrl(4001)).toBe('http://127.0.0.1:4001/health')
  })
})

describe('apiserverArgs', () => {
  const certs = certFiles('/p')
  const args = apiserverArgs({
    etcdUrl: 'http://127.0.0.1:4001',
    securePort: 6443,
    certs,
    tokenFile: '/p/t.csv',
    certDir: '/p/c',
  })
  it('binds and advertises loopback only', () => {
    expect(flag(args, '--bind-address')).toBe('127.0.0.1')
    expect(flag(args, '--advertise-address')).toBe('127.0.0.1')
    expect(apiserverUrl(6443)).toBe('https://127.0.0.1:6443')
  })
  it('authorizes with RBAC and authenticates with the static token file', () => {
    expect(flag(args, '--authorization-mode')).toBe('RBAC')
    expect(flag(args, '--token-auth-file')).toBe('/p/t.csv')
  })
  it('can sign ServiceAccount tokens with its own issuer', () => {
    expect(flag(args, '--service-account-signing-key-file')).toBe('/p/sa.key')
    expect(flag(args, '--service-account-key-file')).toBe('/p/sa.pub')
    expect(flag(args, '--service-account-issuer')).toBe('https://127.0.0.1:6443')
  })
  it('sets a service range but never reconciles endpoints to it', () => {
    expect(flag(args, '--service-cluster-ip-range')).toBeDefined()
    expect(flag(args, '--endpoint-reconciler-type')).toBe('none')
  })
  it('disables admission plugins that wait on absent controllers', () => {
    expect(flag(args, '--disable-admission-plugins')).toBe('ServiceAccount')
  })
  it('keeps ServiceAccount admission on in cluster mode, where its controllers run', () => {
    const cluster = apiserverArgs({
      etcdUrl: 'x',
      securePort: 1,
      certs,
      tokenFile: 't',
      certDir: 'c',
      serviceAccountAdmission: true,
    })
    expect(flag(cluster, '--disable-admission-plugins')).toBeUndefined()
  })
  it('appends caller extras last so they win', () => {
    const extra = apiserverArgs({
      etcdUrl: 'x',
      securePort: 1,
      certs,
      tokenFile: 't',
      certDir: 'c',
      extraArgs: ['--v=4'],
    })
    expect(extra.at(-1)).toBe('--v=4')
  })
})

describe('opensslArgs', () => {
  it('signs a serving certificate for 127.0.0.1 and localhost with the CA', () => {
    const [ca, serving] = opensslArgs(certFiles('/p'))
    expect(ca).toContain('basicConstraints=critical,CA:TRUE')
    expect(serving).toContain('subjectAltName=IP:127.0.0.1,DNS:localhost')
    expect(serving?.[serving.indexOf('-CA') + 1]).toBe('/p/ca.crt')
  })
})
