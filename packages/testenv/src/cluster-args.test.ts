import { describe, expect, it } from 'vitest'
import { certFiles } from './certs.js'
import { CONTROLLERS, controllerManagerArgs } from './controller-manager.js'
import { schedulerArgs, schedulerConfig } from './scheduler.js'

const flag = (args: readonly string[], name: string): string | undefined =>
  args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1)

describe('controllerManagerArgs', () => {
  const certs = certFiles('/p')
  const args = controllerManagerArgs({ kubeconfig: '/k', securePort: 4200, certs, certDir: '/p/kcm' })
  it('serves on loopback with the plane certificate, leader election off', () => {
    expect(flag(args, '--bind-address')).toBe('127.0.0.1')
    expect(flag(args, '--secure-port')).toBe('4200')
    expect(flag(args, '--tls-cert-file')).toBe(certs.servingCert)
    expect(flag(args, '--leader-elect')).toBe('false')
  })
  it('runs the controllers that make workloads live and clean up', () => {
    const controllers = flag(args, '--controllers')?.split(',') ?? []
    for (const name of [
      'garbage-collector-controller',
      'namespace-controller',
      'statefulset-controller',
      'deployment-controller',
      'replicaset-controller',
      'serviceaccount-controller',
      'serviceaccount-token-controller',
      'endpoints-controller',
      'endpointslice-controller',
    ]) {
      expect(controllers).toContain(name)
    }
    expect(controllers).toEqual([...CONTROLLERS])
    // the not-ready taint of new nodes is lifted, but no Pod is ever evicted by taint
    expect(controllers).toContain('node-lifecycle-controller')
    expect(controllers).not.toContain('taint-eviction-controller')
  })
  it('signs ServiceAccount tokens with the key the apiserver verifies', () => {
    expect(flag(args, '--service-account-private-key-file')).toBe(certs.saKey)
    expect(flag(args, '--root-ca-file')).toBe(certs.caCert)
    expect(flag(args, '--use-service-account-credentials')).toBe('true')
  })
})

describe('kube-scheduler', () => {
  it('runs without leader election against the given kubeconfig', () => {
    expect(schedulerConfig('/k')).toMatchObject({
      kind: 'KubeSchedulerConfiguration',
      clientConnection: { kubeconfig: '/k' },
      leaderElection: { leaderElect: false },
    })
  })
  it('serves on loopback with the plane certificate', () => {
    const certs = certFiles('/p')
    const args = schedulerArgs({ configFile: '/c', kubeconfig: '/k', securePort: 4300, certs, certDir: '/d' })
    expect(flag(args, '--bind-address')).toBe('127.0.0.1')
    expect(flag(args, '--secure-port')).toBe('4300')
    expect(flag(args, '--config')).toBe('/c')
    expect(flag(args, '--tls-private-key-file')).toBe(certs.servingKey)
  })
})
