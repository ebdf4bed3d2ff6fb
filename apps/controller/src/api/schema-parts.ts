/**
 * Reusable TypeBox pieces of the SeiNode schema. Each piece validates at runtime and converts to a
 * structural OpenAPI schema for the CRD (see openapi.ts), so the two can never disagree.
 *
 * `crdFormat` is emitted as `format` in the CRD only: TypeBox rejects values of formats it has no
 * registry entry for, and registering one would be module-level state.
 */
import { K8S_NAME_PATTERNS, PORT_RANGE } from '@sei-k8s/contract'
import { Type } from '@sinclair/typebox'

/** DNS-1123 label: what Kubernetes accepts as a label value and a namespace name. */
export const DNS1123_LABEL = K8S_NAME_PATTERNS.dns1123Label
/** DNS-1035 label: what a Service name must be (starts with a letter). */
export const DNS1035_LABEL = K8S_NAME_PATTERNS.dns1035Label
/**
 * Longest SeiNode name: StatefulSet pods carry `controller-revision-hash=<name>-<10 chars>`, a label
 * value capped at 63 characters, so a longer name yields a StatefulSet whose pods cannot be created.
 */
export const MAX_NODE_NAME_LENGTH = 52
/** The resource.Quantity grammar, as kubebuilder emits it. */
export const QUANTITY =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'
/** A label key: optional DNS-1123 subdomain prefix + '/' + name. */
export const LABEL_KEY = K8S_NAME_PATTERNS.labelKey
/** A label value: empty, or up to 63 alphanumerics, '-', '_' and '.', alphanumeric at both ends. */
export const LABEL_VALUE = K8S_NAME_PATTERNS.labelValue
/** A TOML dotted key such as `p2p.max_num_inbound_peers` or `mempool.size`. */
export const TOML_DOTTED_KEY = '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$'
/** A CometBFT peer address `<node id>@<host>:<port>`. */
export const PEER_ADDRESS = '^[0-9a-f]{40}@[^\\s@:]+:[0-9]{1,5}$'
/** A container image reference: no whitespace. */
export const IMAGE_REF = '^\\S+$'

/** A TCP port number. */
export function portSchema(description: string) {
  return Type.Integer({ minimum: PORT_RANGE.min, maximum: PORT_RANGE.max, crdFormat: 'int32', description })
}

/** A resource quantity: an integer or a string such as `500m` or `4Gi`. */
export const Quantity = Type.Union([Type.Integer(), Type.String({ pattern: QUANTITY })], {
  'x-kubernetes-int-or-string': true,
  pattern: QUANTITY,
})

/** corev1.ResourceRequirements without `claims`. */
export const Resources = Type.Object(
  {
    limits: Type.Optional(
      Type.Record(Type.String(), Quantity, { description: 'Maximum compute resources.' }),
    ),
    requests: Type.Optional(
      Type.Record(Type.String(), Quantity, { description: 'Requested compute resources.' }),
    ),
  },
  { additionalProperties: false, description: 'Compute resources (requests and limits).' },
)

/** The data volume of a node's StatefulSet. */
const Storage = Type.Object(
  {
    size: Type.Optional(Quantity),
    storageClassName: Type.Optional(
      Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Data volume; defaults come from the platform config per role.',
  },
)

/** The content of every role block: optional per-node overrides of the platform's per-role defaults. */
export function roleBlock(description: string) {
  return Type.Object(
    {
      resources: Type.Optional(Resources),
      storage: Type.Optional(Storage),
    },
    { additionalProperties: false, description },
  )
}

/** metav1.Condition. */
export const Condition = Type.Object(
  {
    type: Type.String({
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]),
    observedGeneration: Type.Optional(Type.Integer({ minimum: 0, crdFormat: 'int64' })),
    lastTransitionTime: Type.String({ crdFormat: 'date-time' }),
    reason: Type.String({
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: Type.String({ maxLength: 32768 }),
  },
  { additionalProperties: false },
)
