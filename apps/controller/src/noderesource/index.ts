/**
 * Desired state of a SeiNode, built by PURE functions: no I/O, no clock, no randomness. The reconciler
 * and `render` both call buildAll, so what `render` prints is what the controller applies.
 */
import type { SeiNode } from '../api/seinode.js'
import type { PlatformConfig } from '../platform.js'
import { assertNodeObjects } from './guards.js'
import type { NodeObject } from './k8s-types.js'
import { resolveNode } from './node-view.js'
import { buildRbacProxyConfigMap } from './rbac-proxy-config.js'
import { buildService } from './service.js'
import { buildStatefulSet } from './statefulset.js'

export type { ConfigMap, Container, NodeObject, PodSpec, Probe, Service, StatefulSet } from './k8s-types.js'
export { type NodeView, resolveNode } from './node-view.js'

/**
 * Builds every object of a validated SeiNode, in apply order: the proxy ConfigMap (mounted by the pod),
 * the headless Service (the StatefulSet's serviceName), the StatefulSet. Throws a coded ControllerError
 * when a guard fails (see guards.ts).
 */
export function buildAll(node: SeiNode, platform: PlatformConfig): NodeObject[] {
  const view = resolveNode(node, platform)
  const objects: NodeObject[] = [buildRbacProxyConfigMap(view), buildService(view), buildStatefulSet(view)]
  assertNodeObjects(objects, { tasksPort: view.tasksPort })
  return objects
}
