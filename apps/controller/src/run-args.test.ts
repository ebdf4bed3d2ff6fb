import { CONTROLLER_LEADER_ELECTION_ID, CONTROLLER_PORTS, SIDECAR_CLIENT } from '@sei-k8s/contract'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MANIFEST_OPTIONS } from './manifests/index.js'
import { buildDeployment } from './manifests/manager.js'
import { parseRunArgs, RUN_HELP } from './run-args.js'

function shippedArgs(options = DEFAULT_MANIFEST_OPTIONS): string[] {
  const deployment = buildDeployment(options) as {
    spec: { template: { spec: { containers: { args: string[] }[] } } }
  }
  return deployment.spec.template.spec.containers[0]?.args ?? []
}

describe('run flags', () => {
  it("accepts exactly the shipped Deployment's args", () => {
    const [command, ...args] = shippedArgs()
    expect(command).toBe('run')
    const options = parseRunArgs(args)
    expect(options).toMatchObject({
      isLeaderElect: true,
      healthPort: CONTROLLER_PORTS.health,
      metricsPort: CONTROLLER_PORTS.metrics,
      kubeconfigPath: undefined,
      namespaces: [],
      leaderElectionId: CONTROLLER_LEADER_ELECTION_ID,
    })
  })

  it("accepts a release's Deployment args, which add the platform config file", () => {
    const [, ...args] = shippedArgs({
      ...DEFAULT_MANIFEST_OPTIONS,
      sidecarImage: 'localhost/sei-k8s/sidecar:v1.2.3',
    })
    expect(parseRunArgs(args).configPath).toMatch(/platform\.yaml$/)
  })

  it('takes repeatable namespaces, a kubeconfig, a config file and the concurrency', () => {
    const options = parseRunArgs([
      '--kubeconfig=/k',
      '--namespace',
      'b',
      '-n',
      'a',
      '--config',
      'platform.yaml',
      '--concurrency=8',
      '--leader-elect',
    ])
    expect(options).toMatchObject({
      kubeconfigPath: '/k',
      namespaces: ['a', 'b'],
      configPath: 'platform.yaml',
      concurrency: 8,
      isLeaderElect: true,
    })
  })

  it('rejects an unknown flag and bad values, naming them', () => {
    expect(() => parseRunArgs(['--leader-elec=true'])).toThrow(/leader-elec/)
    expect(() => parseRunArgs(['--health-port=99999'])).toThrow(
      '--health-port must be an integer from 0 to 65535, got "99999"',
    )
    expect(() => parseRunArgs(['--concurrency=0'])).toThrow(/--concurrency/)
    expect(() => parseRunArgs(['--leader-elect=yes'])).toThrow(
      '--leader-elect must be true or false, got "yes"',
    )
    expect(() => parseRunArgs(['--namespace=Bad_NS'])).toThrow(/Bad_NS/)
  })

  it('defaults the sidecar addressing to the headless Service template and the projected token', () => {
    expect(parseRunArgs([])).toMatchObject({
      sidecarUrlTemplate: SIDECAR_CLIENT.urlTemplate,
      sidecarUrlMapPath: undefined,
      sidecarTokenPath: SIDECAR_CLIENT.tokenPath,
      sidecarPollMs: 30_000,
    })
  })

  it('takes the sidecar URL map, template, token file and poll period', () => {
    expect(
      parseRunArgs([
        '--sidecar-url-map=/tmp/urls.json',
        '--sidecar-url-template=http://{name}.{namespace}.example:{port}',
        '--sidecar-token-file=/tmp/token',
        '--sidecar-poll-seconds=2',
      ]),
    ).toMatchObject({
      sidecarUrlMapPath: '/tmp/urls.json',
      sidecarUrlTemplate: 'http://{name}.{namespace}.example:{port}',
      sidecarTokenPath: '/tmp/token',
      sidecarPollMs: 2_000,
    })
  })

  it('rejects a template with an unknown placeholder or no http(s) scheme, naming the flag', () => {
    expect(() => parseRunArgs(['--sidecar-url-template=http://{pod}:8443'])).toThrow(/--sidecar-url-template/)
    expect(() => parseRunArgs(['--sidecar-url-template={name}:8443'])).toThrow(/--sidecar-url-template/)
    expect(() => parseRunArgs(['--sidecar-poll-seconds=0'])).toThrow(/--sidecar-poll-seconds/)
  })

  it('documents every sidecar flag in --help', () => {
    for (const flag of [
      '--sidecar-url-template',
      '--sidecar-url-map',
      '--sidecar-token-file',
      '--sidecar-poll-seconds',
    ]) {
      expect(RUN_HELP).toContain(flag)
    }
    expect(RUN_HELP).toContain('{"<namespace>/<name>": "http://127.0.0.1:PORT"}')
  })
})
