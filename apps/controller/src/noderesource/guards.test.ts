import { describe, expect, it } from 'vitest'
import { node, render } from '../../test/fixtures.js'
import { ControllerError } from '../errors.js'
import { assertNodeObjects } from './guards.js'
import type { NodeObject, StatefulSet } from './k8s-types.js'

function objects(): { list: NodeObject[]; sts: StatefulSet } {
  const rendered = render(node())
  const list = structuredClone([rendered.configMap, rendered.service, rendered.statefulSet]) as NodeObject[]
  return { list, sts: list[2] as StatefulSet }
}

function codeOf(run: () => void): string | undefined {
  try {
    run()
  } catch (error) {
    if (error instanceof ControllerError) return error.code
    throw error
  }
  return undefined
}

function proxyOf(sts: StatefulSet) {
  const proxy = sts.spec.template.spec.initContainers.find((c) => c.name === 'kube-rbac-proxy')
  if (!proxy) throw new Error('no proxy')
  return proxy
}

describe('guards', () => {
  it('accept what the builders produce', () => {
    const { list } = objects()
    expect(codeOf(() => assertNodeObjects(list, { tasksPort: 7777 }))).toBeUndefined()
  })

  it.each(['--ignore-paths=/v0/healthz', '--allow-paths=/v0/tasks', '--ignore-paths'])(
    'reject kube-rbac-proxy arg %s with FORBIDDEN_PROXY_ARG',
    (arg) => {
      const { list, sts } = objects()
      proxyOf(sts).args?.push(arg)
      expect(codeOf(() => assertNodeObjects(list, { tasksPort: 7777 }))).toBe('FORBIDDEN_PROXY_ARG')
    },
  )

  it('reject an HTTP probe through the proxy port', () => {
    const { list, sts } = objects()
    const sidecar = sts.spec.template.spec.initContainers[1]
    if (sidecar) sidecar.readinessProbe = { httpGet: { path: '/v0/healthz', port: 8443, scheme: 'HTTP' } }
    expect(codeOf(() => assertNodeObjects(list, { tasksPort: 7777 }))).toBe('PROBE_ON_FORBIDDEN_PORT')
  })

  it('reject any probe on the tasks port', () => {
    const { list, sts } = objects()
    const seid = sts.spec.template.spec.containers[0]
    if (seid) seid.readinessProbe = { tcpSocket: { port: 7777 } }
    expect(codeOf(() => assertNodeObjects(list, { tasksPort: 7777 }))).toBe('PROBE_ON_FORBIDDEN_PORT')
  })

  it('reject the tasks port as a container port', () => {
    const { list, sts } = objects()
    sts.spec.template.spec.initContainers[1]?.ports?.push({
      name: 'tasks',
      containerPort: 7777,
      protocol: 'TCP',
    })
    expect(codeOf(() => assertNodeObjects(list, { tasksPort: 7777 }))).toBe('TASKS_PORT_EXPOSED')
  })

  it('reject the tasks port as a Service port', () => {
    const { list } = objects()
    const service = list[1]
    if (service?.kind === 'Service')
      service.spec.ports.push({ name: 'tasks', port: 7777, targetPort: 7777, protocol: 'TCP' })
    expect(codeOf(() => assertNodeObjects(list, { tasksPort: 7777 }))).toBe('TASKS_PORT_EXPOSED')
  })

  it('check against a custom tasks port', () => {
    const { list, sts } = objects()
    sts.spec.template.spec.initContainers[1]?.ports?.push({
      name: 'x',
      containerPort: 17777,
      protocol: 'TCP',
    })
    expect(codeOf(() => assertNodeObjects(list, { tasksPort: 17777 }))).toBe('TASKS_PORT_EXPOSED')
  })
})
