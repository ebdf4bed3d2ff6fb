/**
 * Label keys and the label sets of node resources.
 *
 * PUBLIC CONTRACT: the platform's NetworkPolicies select node pods on `sei.io/node`, and PodMonitors and
 * dashboards select on the resource labels. Renaming a key, changing a value format or dropping a label
 * silently breaks those policies (traffic denied or, worse, allowed) and monitoring. Change only together
 * with the policy generator and a migration note.
 */

/** Label keys. PUBLIC: see the module comment. */
export const LABELS = {
  /** The SeiNode's name. The ONLY selector label (StatefulSet and Service selectors are immutable). */
  node: 'sei.io/node',
  /** The chain id. */
  chain: 'sei.io/chain',
  /** The node's role, from its role block (see ROLE_BLOCKS). */
  role: 'sei.io/role',
  /** "true" when the node runs on a dedicated node pool. */
  dedicatedNode: 'sei.io/dedicated-node',
  /** "true" when the node publishes snapshots. */
  snapshotPublish: 'sei.io/snapshot-publish',
} as const

/** Role blocks of a SeiNode spec and the `sei.io/role` value each one gives. Exactly one is set. */
export const ROLE_BLOCKS = {
  fullNode: 'node',
  validator: 'validator',
  archive: 'archive',
  seed: 'seed',
  replayer: 'replayer',
} as const

export type RoleBlock = keyof typeof ROLE_BLOCKS
export type Role = (typeof ROLE_BLOCKS)[RoleBlock]

/** Names of the role blocks, in a stable order. */
export const ROLE_BLOCK_NAMES = Object.keys(ROLE_BLOCKS) as readonly RoleBlock[]

/** The parts of a SeiNode the labels are computed from. */
export interface LabelSource {
  readonly metadata: { readonly name: string }
  readonly spec: {
    readonly chainId: string
    readonly podLabels?: Readonly<Record<string, string>> | undefined
  } & Readonly<Partial<Record<RoleBlock, unknown>>>
}

/** Facts about a node that come from platform config rather than the spec. */
export interface ResourceLabelOptions {
  readonly isDedicatedNode?: boolean
  readonly isSnapshotPublisher?: boolean
}

/**
 * The role block set in a spec. Throws when none or more than one is set (the CRD rejects such objects;
 * this guards builders fed from elsewhere).
 */
export function roleBlockOf(spec: LabelSource['spec']): RoleBlock {
  const present = ROLE_BLOCK_NAMES.filter((block) => spec[block] !== undefined && spec[block] !== null)
  const [only, ...more] = present
  if (only === undefined || more.length > 0) {
    throw new Error(
      `spec: exactly one of ${ROLE_BLOCK_NAMES.join(', ')} must be set; found ${present.length === 0 ? 'none' : present.join(', ')}`,
    )
  }
  return only
}

/**
 * Selector labels of a node: `{sei.io/node: <name>}` only. PUBLIC: NetworkPolicies and the immutable
 * StatefulSet/Service selectors depend on exactly this set.
 */
export function selectorLabels(nodeName: string): Record<string, string> {
  return { [LABELS.node]: nodeName }
}

/**
 * Labels of every resource of a node (pod template, StatefulSet, Service, ConfigMap). User `podLabels`
 * are applied first, so system labels always win. PUBLIC: NetworkPolicies and PodMonitors select on them.
 */
export function resourceLabels(
  node: LabelSource,
  options: ResourceLabelOptions = {},
): Record<string, string> {
  const labels: Record<string, string> = { ...node.spec.podLabels }
  labels[LABELS.node] = node.metadata.name
  labels[LABELS.chain] = node.spec.chainId
  labels[LABELS.role] = ROLE_BLOCKS[roleBlockOf(node.spec)]
  // Optional system labels are removed when false, so a user label cannot claim them either.
  setFlag(labels, LABELS.dedicatedNode, options.isDedicatedNode)
  setFlag(labels, LABELS.snapshotPublish, options.isSnapshotPublisher)
  return labels
}

function setFlag(labels: Record<string, string>, key: string, isSet: boolean | undefined): void {
  if (isSet) labels[key] = 'true'
  else delete labels[key]
}
