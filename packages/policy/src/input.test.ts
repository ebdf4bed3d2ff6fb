import { CONTROLLER, MONITORING, PORTS } from '@sei-k8s/contract'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { formatIssue, type OptionIssue, PolicyInputSchema, parsePolicyOptions } from './input.js'

function issuesOf(input: unknown): readonly OptionIssue[] {
  const result = parsePolicyOptions(input)
  if (result.ok) throw new Error('expected invalid options')
  return result.issues
}

describe('parsePolicyOptions', () => {
  it('defaults the controller to the pod labels, namespace and ServiceAccount of the shipped Deployment (contract)', () => {
    // The controller Deployment in apps/controller/config/ is built from the same CONTROLLER constants.
    const result = parsePolicyOptions({ namespaces: ['sei'] })
    expect(result).toMatchObject({
      ok: true,
      options: {
        controllerNamespace: CONTROLLER.namespace,
        controllerPodLabels: CONTROLLER.podLabels,
        controllerServiceAccount: CONTROLLER.serviceAccount,
        monitoringNamespace: MONITORING.namespace,
        prometheusPodLabels: {},
        publicPorts: [PORTS.public],
        nodeCidrs: [],
        rpcFrom: [],
        p2pFrom: [],
        flavor: 'vanilla',
      },
    })
  })

  it('sorts and de-duplicates lists so option order never changes the output', () => {
    const result = parsePolicyOptions({
      namespaces: ['b', 'a', 'b'],
      nodeCidrs: ['10.1.0.0/16', '10.0.0.0/16'],
      rpcFrom: ['team-b', '10.9.0.0/16', 'team-a'],
    })
    expect(result).toMatchObject({
      ok: true,
      options: {
        namespaces: ['a', 'b'],
        nodeCidrs: ['10.0.0.0/16', '10.1.0.0/16'],
        rpcFrom: ['10.9.0.0/16', 'team-a', 'team-b'],
      },
    })
  })

  it('reports every problem at once, each naming the option, element and value', () => {
    const issues = issuesOf({
      namespaces: ['sei', 'Bad_NS'],
      controllerNamespace: 'Controller',
      nodeCidrs: ['10.0.0.1/16'],
      rpcFrom: ['not a namespace'],
      p2pFrom: ['300.0.0.0/8'],
      flavor: 'weave',
      prometheusPodLabels: { 'app.kubernetes.io/name': 'bad value!' },
    })
    expect(issues.map(formatIssue)).toEqual([
      'flavor = "weave": must be one of vanilla, cilium, calico',
      'namespaces[1] = "Bad_NS": must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending alphanumeric',
      'controllerNamespace = "Controller": must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending alphanumeric',
      'prometheusPodLabels[app.kubernetes.io/name] = "app.kubernetes.io/name=bad value!": label value must be at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric',
      'nodeCidrs[0] = "10.0.0.1/16": has host bits set; did you mean 10.0.0.0/16?',
      'rpcFrom[0] = "not a namespace": is neither a CIDR (address/prefix) nor a namespace name: a namespace name must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending alphanumeric',
      'p2pFrom[0] = "300.0.0.0/8": has an invalid IP address "300.0.0.0"',
    ])
  })

  it('requires at least one namespace', () => {
    expect(issuesOf({}).map(formatIssue)).toEqual(['namespaces = undefined: is required'])
    expect(issuesOf({ namespaces: [] }).map(formatIssue)).toEqual([
      'namespaces = []: needs at least one entry',
    ])
  })

  it('names an unknown option and lists the known ones', () => {
    const [issue] = issuesOf({ namespaces: ['sei'], namespace: 'sei' })
    expect(issue).toMatchObject({ option: 'namespace', value: 'sei' })
    expect(issue?.message).toMatch(/^is not a known option \(known: namespaces, /)
  })

  it('reports wrong types without crashing on them', () => {
    expect(
      issuesOf({ namespaces: 'sei', nodeCidrs: [1], controllerPodLabels: 'x' }).map(formatIssue),
    ).toEqual([
      'namespaces = "sei": expected array',
      'controllerPodLabels = "x": expected object',
      'nodeCidrs[0] = 1: expected string',
    ])
    expect(issuesOf(null).map(formatIssue)).toEqual(['(options) = null: must be an object'])
  })

  it('refuses empty controller pod labels, which would admit every pod of the controller namespace', () => {
    expect(issuesOf({ namespaces: ['sei'], controllerPodLabels: {} })).toEqual([
      expect.objectContaining({ option: 'controllerPodLabels', value: {} }),
    ])
  })

  it('refuses node CIDRs with the cilium flavor instead of silently ignoring them', () => {
    const [issue] = issuesOf({ namespaces: ['sei'], flavor: 'cilium', nodeCidrs: ['10.0.0.0/16'] })
    expect(issue).toMatchObject({ option: 'nodeCidrs', value: ['10.0.0.0/16'] })
    expect(issue?.message).toContain('--allow-remote-nodes')
  })

  it('refuses a ServiceAccount with the vanilla flavor, which cannot select one', () => {
    const [issue] = issuesOf({ namespaces: ['sei'], controllerServiceAccount: 'ctl' })
    expect(issue).toMatchObject({ option: 'controllerServiceAccount', value: 'ctl' })
    expect(issue?.message).toContain('vanilla NetworkPolicy cannot select a ServiceAccount')
    for (const flavor of ['cilium', 'calico']) {
      expect(parsePolicyOptions({ namespaces: ['sei'], flavor, controllerServiceAccount: 'ctl' }).ok).toBe(
        true,
      )
    }
  })

  it('refuses allowRemoteNodes except with the cilium flavor', () => {
    for (const flavor of ['vanilla', 'calico']) {
      const [issue] = issuesOf({ namespaces: ['sei'], flavor, allowRemoteNodes: true })
      expect(issue).toMatchObject({ option: 'allowRemoteNodes', value: true })
      expect(issue?.message).toContain('--node-cidr')
    }
    expect(
      parsePolicyOptions({ namespaces: ['sei'], flavor: 'cilium', allowRemoteNodes: true }),
    ).toMatchObject({
      ok: true,
      options: { allowRemoteNodes: true },
    })
  })

  it('publishes a JSON Schema that accepts the documented example', () => {
    const example = {
      namespaces: ['sei'],
      nodeCidrs: ['10.0.0.0/16'],
      rpcFrom: ['ingress-nginx'],
      flavor: 'calico',
    }
    expect(Value.Check(PolicyInputSchema, example)).toBe(true)
    expect(PolicyInputSchema.additionalProperties).toBe(false)
  })

  it('refuses public ports that are the tasks, proxy or a seid port, or out of range', () => {
    expect(issuesOf({ namespaces: ['sei'], publicPorts: [7777, 8443, 26657] }).map(formatIssue)).toEqual([
      'publicPorts[0] = 7777: is the loopback tasks port, which is never allowed',
      'publicPorts[1] = 8443: is the kube-rbac-proxy port',
      "publicPorts[2] = 26657: is seid's rpc port",
    ])
    expect(issuesOf({ namespaces: ['sei'], publicPorts: [0, 70000, 1.5] }).map((i) => i.at)).toEqual([
      0, 1, 2,
    ])
  })

  it('sorts and de-duplicates public ports', () => {
    expect(parsePolicyOptions({ namespaces: ['sei'], publicPorts: [19100, 9100, 19100] })).toMatchObject({
      options: { publicPorts: [9100, 19100] },
    })
  })
})
