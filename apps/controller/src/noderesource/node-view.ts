/**
 * The resolved facts every builder needs about one SeiNode: names, role, effective ports and images,
 * with spec values taking precedence over platform defaults, and contract defaults last. Pure.
 */
import { PORTS, ROLE_BLOCKS, type Role, type RoleBlock, roleBlockOf } from '@sei-k8s/contract'
import type { SeiNode } from '../api/seinode.js'
import type { PlatformConfig, Resources } from '../platform.js'

/** Namespace a SeiNode without one renders into, as kubectl does. */
const DEFAULT_NAMESPACE = 'default'

export interface NodeView {
  readonly node: SeiNode
  readonly platform: PlatformConfig
  readonly name: string
  readonly namespace: string
  readonly roleBlock: RoleBlock
  readonly role: Role
  /** Loopback tasks listener of the sidecar (never exposed). */
  readonly tasksPort: number
  /** Public health/metrics listener of the sidecar (probes, Service, NetworkPolicy). */
  readonly publicPort: number
  readonly sidecarImage: string
  readonly seidResources: Resources
  readonly sidecarResources: Resources
  readonly storageSize: number | string
  readonly storageClassName: string | undefined
}

/** Resolves a validated SeiNode against the platform config. Throws if no single role block is set. */
export function resolveNode(node: SeiNode, platform: PlatformConfig): NodeView {
  const roleBlock = roleBlockOf(node.spec)
  const role = ROLE_BLOCKS[roleBlock]
  const block = node.spec[roleBlock] ?? {}
  const defaults = platform.roles[role]
  return {
    node,
    platform,
    name: node.metadata.name,
    namespace: node.metadata.namespace ?? DEFAULT_NAMESPACE,
    roleBlock,
    role,
    tasksPort: node.spec.sidecar?.port ?? PORTS.tasks,
    publicPort: node.spec.sidecar?.publicPort ?? PORTS.public,
    sidecarImage: node.spec.sidecar?.image ?? platform.images.sidecar,
    seidResources: block.resources ?? defaults.resources,
    sidecarResources: node.spec.sidecar?.resources ?? platform.sidecarResources,
    storageSize: block.storage?.size ?? defaults.storageSize,
    storageClassName: block.storage?.storageClassName ?? platform.storageClassName,
  }
}
