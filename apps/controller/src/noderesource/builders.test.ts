import { selectorLabels } from '@sei-k8s/contract'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { node, render } from '../../test/fixtures.js'

describe('seed acceptance: the sidecar container', () => {
  const { container } = render(node())

  it('exposes the public port as its only container port', () => {
    expect(container('sei-sidecar').ports).toEqual([
      { name: 'sidecar-public', containerPort: 9100, protocol: 'TCP' },
    ])
  })

  it('gets both listener ports, trusted-header authn, home and chain id as env', () => {
    expect(container('sei-sidecar').env).toEqual([
      { name: 'SEI_SIDECAR_PORT', value: '7777' },
      { name: 'SEI_SIDECAR_PUBLIC_PORT', value: '9100' },
      { name: 'SEI_SIDECAR_AUTHN_MODE', value: 'trusted-header' },
      { name: 'SEI_HOME', value: '/sei' },
      { name: 'SEI_CHAIN_ID', value: 'pacific-1' },
    ])
  })

  it('runs as a native sidecar with a read-only root filesystem', () => {
    expect(container('sei-sidecar').restartPolicy).toBe('Always')
    expect(container('sei-sidecar').securityContext.readOnlyRootFilesystem).toBe(true)
  })
})

describe('seed acceptance: the headless Service', () => {
  const { service } = render(node())

  it('exposes both the proxy port (api 8443) and the public port (9100)', () => {
    const byName = Object.fromEntries(service.spec.ports.map((p) => [p.name, p]))
    expect(byName['api']).toEqual({ name: 'api', port: 8443, targetPort: 8443, protocol: 'TCP' })
    expect(byName['sidecar-public']).toEqual({
      name: 'sidecar-public',
      port: 9100,
      targetPort: 9100,
      protocol: 'TCP',
    })
  })

  it('never exposes the tasks port', () => {
    expect(service.spec.ports.map((p) => p.port)).not.toContain(7777)
    expect(service.spec.ports.map((p) => p.targetPort)).not.toContain(7777)
  })

  it('is headless, publishes not-ready addresses and selects on sei.io/node only', () => {
    expect(service.spec.clusterIP).toBe('None')
    expect(service.spec.publishNotReadyAddresses).toBe(true)
    expect(service.spec.selector).toEqual({ 'sei.io/node': 'pacific-1-rpc-0' })
  })

  it('lists the seid ports with gRPC as h2c', () => {
    expect(service.spec.ports.map((p) => p.name)).toEqual([
      'evm-rpc',
      'evm-ws',
      'grpc',
      'rest',
      'p2p',
      'rpc',
      'metrics',
      'api',
      'sidecar-public',
    ])
    expect(service.spec.ports.find((p) => p.name === 'grpc')?.appProtocol).toBe('kubernetes.io/h2c')
  })
})

describe('seed acceptance: kube-rbac-proxy', () => {
  const { container } = render(node())

  it('gets exactly the listen, upstream, config, header and verbosity args, no --ignore-paths', () => {
    const args = container('kube-rbac-proxy').args ?? []
    expect(args).toEqual([
      '--insecure-listen-address=0.0.0.0:8443',
      '--upstream=http://127.0.0.1:7777/',
      '--config-file=/etc/kube-rbac-proxy/config.yaml',
      '--auth-header-fields-enabled=true',
      '--v=0',
    ])
    expect(args.some((a) => a.startsWith('--ignore-paths') || a.startsWith('--allow-paths'))).toBe(false)
  })

  it('has at most a TCP liveness probe on its own port', () => {
    const proxy = container('kube-rbac-proxy')
    expect(proxy.livenessProbe?.tcpSocket).toEqual({ port: 8443 })
    expect(proxy.livenessProbe?.httpGet).toBeUndefined()
    expect(proxy.startupProbe).toBeUndefined()
    expect(proxy.readinessProbe).toBeUndefined()
  })

  it('reads SAR attributes for sei.io/seinodetasks of this node from its ConfigMap', () => {
    const { configMap } = render(node())
    expect(configMap.metadata.name).toBe('pacific-1-rpc-0-rbac-proxy-config')
    expect(parse(configMap.data['config.yaml'] ?? '')).toEqual({
      authorization: {
        resourceAttributes: {
          apiGroup: 'sei.io',
          resource: 'seinodetasks',
          namespace: 'sei',
          name: 'pacific-1-rpc-0',
        },
      },
    })
  })
})

describe('seed acceptance: kubelet probes target the public port', () => {
  const { container } = render(node())

  it('probes the sidecar startupz, livez and healthz on 9100', () => {
    const sidecar = container('sei-sidecar')
    expect(sidecar.startupProbe?.httpGet).toEqual({ path: '/v0/startupz', port: 9100, scheme: 'HTTP' })
    expect(sidecar.livenessProbe?.httpGet).toEqual({ path: '/v0/livez', port: 9100, scheme: 'HTTP' })
    expect(sidecar.readinessProbe?.httpGet).toEqual({ path: '/v0/healthz', port: 9100, scheme: 'HTTP' })
  })

  it('starts seid on the sidecar healthz with a very high failure threshold and no liveness', () => {
    const seid = container('seid')
    expect(seid.startupProbe?.httpGet).toEqual({ path: '/v0/healthz', port: 9100, scheme: 'HTTP' })
    expect(
      (seid.startupProbe?.failureThreshold ?? 0) * (seid.startupProbe?.periodSeconds ?? 0),
    ).toBeGreaterThanOrEqual(6 * 3600)
    expect(seid.livenessProbe).toBeUndefined()
  })

  it('checks seid readiness on /lag_status at 26657, and on TCP 26656 for seeds', () => {
    expect(container('seid').readinessProbe?.httpGet).toEqual({
      path: '/lag_status',
      port: 26657,
      scheme: 'HTTP',
    })
    const seed = render(node({ seed: {} }))
    expect(seed.container('seid').readinessProbe?.tcpSocket).toEqual({ port: 26656 })
  })

  it('never probes the proxy port over HTTP or the tasks port at all', () => {
    const { statefulSet } = render(node())
    const pod = statefulSet.spec.template.spec
    for (const c of [...pod.initContainers, ...pod.containers]) {
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
        expect(probe?.httpGet?.port).not.toBe(8443)
        expect(probe?.httpGet?.port ?? probe?.tcpSocket?.port).not.toBe(7777)
      }
    }
  })
})

describe('seed acceptance: the public label contract', () => {
  it('selects the pod with exactly the contract selectorLabels (StatefulSet, Service, pod labels)', () => {
    const { statefulSet, service } = render(node())
    const selector = selectorLabels('pacific-1-rpc-0')
    expect(statefulSet.spec.selector.matchLabels).toEqual(selector)
    expect(service.spec.selector).toEqual(selector)
    expect(statefulSet.spec.template.metadata.labels).toMatchObject(selector)
  })
})

describe('pod', () => {
  const { statefulSet } = render(node())
  const pod = statefulSet.spec.template.spec

  it('starts seid-init, then the sidecar, then the proxy, then seid', () => {
    expect(pod.initContainers.map((c) => c.name)).toEqual(['seid-init', 'sei-sidecar', 'kube-rbac-proxy'])
    expect(pod.containers.map((c) => c.name)).toEqual(['seid'])
    expect(pod.initContainers[0]?.restartPolicy).toBeUndefined()
  })

  it('mounts the ServiceAccount token and shares the process namespace', () => {
    expect(pod.automountServiceAccountToken).toBe(true)
    expect(pod.shareProcessNamespace).toBe(true)
    expect(pod.serviceAccountName).toBe('seid-node')
  })

  it('runs every container under the restricted profile', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    })
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext, c.name).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        runAsNonRoot: true,
      })
    }
    expect(render(node()).container('kube-rbac-proxy').securityContext.readOnlyRootFilesystem).toBe(true)
  })

  it('makes seid wait for the sidecar healthz to answer before exec-ing seid start', () => {
    const script = render(node()).container('seid').command?.[2] ?? ''
    const waitAt = script.indexOf("until $get 'http://127.0.0.1:9100/v0/healthz'")
    expect(waitAt).toBeGreaterThan(0)
    expect(script.indexOf('exec seid start')).toBeGreaterThan(waitAt)
  })

  it('passes peers to seid start', () => {
    const peer = `${'b'.repeat(40)}@seed-0.sei.svc:26656`
    const script = render(node({ peers: [peer] })).container('seid').command?.[2] ?? ''
    expect(script).toContain(`--p2p.persistent_peers '${peer}'`)
  })
})

describe('statefulset', () => {
  it('runs one replica with OnDelete updates behind the headless Service', () => {
    const { statefulSet } = render(node())
    expect(statefulSet.spec).toMatchObject({
      replicas: 1,
      serviceName: 'pacific-1-rpc-0',
      updateStrategy: { type: 'OnDelete' },
    })
    expect(statefulSet.spec.selector).toEqual({ matchLabels: { 'sei.io/node': 'pacific-1-rpc-0' } })
  })

  it('scales to zero while paused', () => {
    expect(render(node({ paused: true })).statefulSet.spec.replicas).toBe(0)
  })

  it('labels the pod with chain, role and user labels, system labels winning', () => {
    const { statefulSet } = render(node({ validator: {}, podLabels: { 'sei.io/role': 'node', team: 'x' } }))
    expect(statefulSet.spec.template.metadata.labels).toEqual({
      'sei.io/node': 'pacific-1-rpc-0',
      'sei.io/chain': 'pacific-1',
      'sei.io/role': 'validator',
      team: 'x',
    })
  })

  it('sizes the data volume from the role block, else the platform default for the role', () => {
    const archive = render(node({ archive: {} })).statefulSet.spec.volumeClaimTemplates[0]
    expect(archive?.spec.resources.requests.storage).toBe('20Ti')
    const custom = render(node({ archive: { storage: { size: '30Ti', storageClassName: 'slow' } } }))
    expect(custom.statefulSet.spec.volumeClaimTemplates[0]?.spec).toMatchObject({
      storageClassName: 'slow',
      resources: { requests: { storage: '30Ti' } },
    })
  })

  it('renders into namespace default when the SeiNode has none', () => {
    const value = node()
    const { statefulSet } = render({ ...value, metadata: { name: value.metadata.name } })
    expect(statefulSet.metadata.namespace).toBe('default')
  })

  it('is deterministic', () => {
    expect(JSON.stringify(render(node()))).toBe(JSON.stringify(render(node())))
  })
})
