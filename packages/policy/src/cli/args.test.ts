import { describe, expect, it } from 'vitest'
import { parseCliArgs } from './args.js'

describe('parseCliArgs', () => {
  it('maps every flag to its generator option and leaves unset options to the contract defaults', () => {
    expect(
      parseCliArgs([
        'generate',
        '-n',
        'a',
        '--namespace',
        'b',
        '--controller-namespace',
        'ctl',
        '--controller-label',
        'app=ctl',
        '--controller-service-account',
        'ctl-sa',
        '--monitoring-namespace',
        'mon',
        '--prometheus-label',
        'app.kubernetes.io/name=prometheus',
        '--public-port',
        '19100',
        '--node-cidr',
        '10.0.0.0/16',
        '--rpc-from',
        'ingress',
        '--p2p-from',
        '10.9.0.0/16',
        '--allow-remote-nodes',
        '--flavor',
        'calico',
        '-o',
        'json',
      ]),
    ).toEqual({
      kind: 'generate',
      output: 'json',
      input: {
        namespaces: ['a', 'b'],
        controllerNamespace: 'ctl',
        controllerPodLabels: { app: 'ctl' },
        controllerServiceAccount: 'ctl-sa',
        monitoringNamespace: 'mon',
        prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
        publicPorts: [19100],
        nodeCidrs: ['10.0.0.0/16'],
        rpcFrom: ['ingress'],
        p2pFrom: ['10.9.0.0/16'],
        allowRemoteNodes: true,
        flavor: 'calico',
      },
    })
    expect(parseCliArgs(['generate', '-n', 'a', '--out-dir', 'out'])).toEqual({
      kind: 'generate',
      output: 'yaml',
      outDir: 'out',
      input: { namespaces: ['a'] },
    })
  })

  it('keeps "=" inside a label value', () => {
    expect(parseCliArgs(['generate', '-n', 'a', '--prometheus-label', 'k=v=w'])).toMatchObject({
      input: { prometheusPodLabels: { k: 'v=w' } },
    })
  })

  it.each([
    [['generate'], '--namespace is required (repeat it for several namespaces)'],
    [[], 'missing command: sei-policy generate …'],
    [['apply', '-n', 'a'], 'unknown command "apply" (the only command is "generate")'],
    [['generate', '-n', 'a', '-o', 'xml'], '-o/--output "xml": must be one of yaml, json'],
    [
      ['generate', '-n', 'a', '-o', 'json', '--out-dir', 'd'],
      '--out-dir writes kustomize YAML folders; it cannot be combined with -o json',
    ],
    [
      ['generate', '-n', 'a', '--controller-label', 'app'],
      '--controller-label "app": expected KEY=VALUE, e.g. app=prometheus',
    ],
    [['generate', '-n', 'a', 'extra'], 'unexpected argument(s): extra'],
  ])('reports the usage error for %j', (argv, message) => {
    expect(parseCliArgs(argv)).toEqual({ kind: 'usage-error', messages: [message] })
  })

  it('reports an unknown flag by name', () => {
    const result = parseCliArgs(['generate', '-n', 'a', '--namespaces', 'b'])
    expect(result.kind).toBe('usage-error')
    expect(JSON.stringify(result)).toContain("Unknown option '--namespaces'")
  })

  it('asks for help with -h, --help and the help command', () => {
    for (const argv of [['-h'], ['generate', '--help'], ['help']])
      expect(parseCliArgs(argv)).toEqual({ kind: 'help' })
  })
})
