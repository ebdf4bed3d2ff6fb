/**
 * Build-time guards on the objects of a node. They re-check, on the finished objects, the invariants of
 * the listener split, so a future edit of any builder (or a hand-made object) cannot silently reopen
 * the proxy bypass or expose the loopback task API. Each failure throws a coded ControllerError.
 */
import { CONTAINERS, PORTS } from '@sei-k8s/contract'
import { ControllerError, ERROR_CODES } from '../errors.js'
import type { Container, NodeObject, Probe, Service, StatefulSet } from './k8s-types.js'

/** kube-rbac-proxy flags that exempt paths from authn/authz. */
const FORBIDDEN_PROXY_FLAGS = ['--ignore-paths', '--allow-paths'] as const

/** The ports the guards check against. */
export interface GuardPorts {
  readonly tasksPort: number
}

function containersOf(sts: StatefulSet): Container[] {
  return [...sts.spec.template.spec.initContainers, ...sts.spec.template.spec.containers]
}

function probesOf(container: Container): [string, Probe][] {
  const probes: [string, Probe | undefined][] = [
    ['startupProbe', container.startupProbe],
    ['livenessProbe', container.livenessProbe],
    ['readinessProbe', container.readinessProbe],
  ]
  return probes.filter((entry): entry is [string, Probe] => entry[1] !== undefined)
}

/** Throws FORBIDDEN_PROXY_ARG when any container passes a path-exempting flag to kube-rbac-proxy. */
function assertNoProxyBypass(containers: readonly Container[]): void {
  for (const container of containers) {
    for (const arg of [...(container.args ?? []), ...(container.command ?? [])]) {
      const flag = FORBIDDEN_PROXY_FLAGS.find((f) => arg === f || arg.startsWith(`${f}=`))
      if (flag) {
        throw new ControllerError(
          ERROR_CODES.FORBIDDEN_PROXY_ARG,
          `container ${container.name}: ${flag} is forbidden: every request through :${PORTS.proxy} must be authorised`,
        )
      }
    }
  }
}

/**
 * Throws PROBE_ON_FORBIDDEN_PORT for any probe on the loopback tasks port, and for any probe on the
 * proxy port except the proxy's own TCP liveness (an HTTP probe through the proxy needs a bypass).
 */
function assertProbePorts(containers: readonly Container[], ports: GuardPorts): void {
  for (const container of containers) {
    for (const [kind, probe] of probesOf(container)) {
      const port = probe.httpGet?.port ?? probe.tcpSocket?.port
      const isOwnProxyTcp = container.name === CONTAINERS.rbacProxy && probe.tcpSocket !== undefined
      if (port === ports.tasksPort || (port === PORTS.proxy && !isOwnProxyTcp)) {
        throw new ControllerError(
          ERROR_CODES.PROBE_ON_FORBIDDEN_PORT,
          `container ${container.name}: ${kind} targets port ${port}; probes must use the sidecar's public port`,
        )
      }
    }
  }
}

/** Throws TASKS_PORT_EXPOSED when the tasks port is a container port or a Service port/targetPort. */
function assertTasksPortHidden(
  containers: readonly Container[],
  services: readonly Service[],
  ports: GuardPorts,
): void {
  for (const container of containers) {
    for (const p of container.ports ?? []) {
      if (p.containerPort === ports.tasksPort) {
        throw new ControllerError(
          ERROR_CODES.TASKS_PORT_EXPOSED,
          `container ${container.name}: port ${p.name} exposes the loopback tasks port ${ports.tasksPort}`,
        )
      }
    }
  }
  for (const service of services) {
    for (const p of service.spec.ports) {
      if (p.port === ports.tasksPort || p.targetPort === ports.tasksPort) {
        throw new ControllerError(
          ERROR_CODES.TASKS_PORT_EXPOSED,
          `Service ${service.metadata.name}: port ${p.name} exposes the loopback tasks port ${ports.tasksPort}`,
        )
      }
    }
  }
}

/** Runs every guard over the objects of one node. */
export function assertNodeObjects(objects: readonly NodeObject[], ports: GuardPorts): void {
  const containers = objects.flatMap((o) => (o.kind === 'StatefulSet' ? containersOf(o) : []))
  const services = objects.filter((o): o is Service => o.kind === 'Service')
  assertNoProxyBypass(containers)
  assertProbePorts(containers, ports)
  assertTasksPortHidden(containers, services, ports)
}
