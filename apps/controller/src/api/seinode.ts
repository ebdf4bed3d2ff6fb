/**
 * The SeiNode resource: ONE TypeBox schema from which come the TypeScript types (`SeiNode`), runtime
 * validation (validate.ts) and the CRD's structural OpenAPI schema (crd.ts). Cross-field rules that a
 * JSON schema cannot express live in rules.ts, as CEL for the API server and as TypeScript for render.
 */
import { CRD, LABELS, PORTS, ROLE_BLOCKS, SEINODE_API_VERSION } from '@sei-k8s/contract'
import { type Static, Type } from '@sinclair/typebox'
import {
  Condition,
  DNS1035_LABEL,
  DNS1123_LABEL,
  IMAGE_REF,
  LABEL_KEY,
  LABEL_VALUE,
  MAX_NODE_NAME_LENGTH,
  PEER_ADDRESS,
  portSchema,
  Resources,
  roleBlock,
  TOML_DOTTED_KEY,
} from './schema-parts.js'

/** The sidecar block: image and listener ports of the sei-sidecar container. */
export const SidecarSpecSchema = Type.Object(
  {
    image: Type.Optional(
      Type.String({ pattern: IMAGE_REF, description: 'Overrides the platform sidecar image.' }),
    ),
    port: Type.Optional(
      portSchema(`Loopback tasks listener, reached only through kube-rbac-proxy. Default ${PORTS.tasks}.`),
    ),
    publicPort: Type.Optional(
      portSchema(`Public health/metrics listener probed by the kubelet. Default ${PORTS.public}.`),
    ),
    resources: Type.Optional(Resources),
  },
  { additionalProperties: false, description: 'The sei-sidecar container.' },
)

/** spec of a SeiNode. */
export const SeiNodeSpecSchema = Type.Object(
  {
    chainId: Type.String({
      minLength: 1,
      maxLength: 63,
      pattern: DNS1123_LABEL,
      description: `Chain the node joins (a DNS-1123 label, e.g. pacific-1). Becomes the ${LABELS.chain} label.`,
    }),
    image: Type.String({ minLength: 1, pattern: IMAGE_REF, description: 'The seid image.' }),
    fullNode: Type.Optional(roleBlock(`An RPC full node (${LABELS.role}=${ROLE_BLOCKS.fullNode}).`)),
    validator: Type.Optional(roleBlock(`A validator (${LABELS.role}=${ROLE_BLOCKS.validator}).`)),
    archive: Type.Optional(
      roleBlock(`An archive node keeping all history (${LABELS.role}=${ROLE_BLOCKS.archive}).`),
    ),
    seed: Type.Optional(
      roleBlock(`A seed node serving peer addresses (${LABELS.role}=${ROLE_BLOCKS.seed}).`),
    ),
    replayer: Type.Optional(roleBlock(`A node replaying blocks (${LABELS.role}=${ROLE_BLOCKS.replayer}).`)),
    sidecar: Type.Optional(SidecarSpecSchema),
    podLabels: Type.Optional(
      Type.Record(Type.String({ pattern: LABEL_KEY }), Type.String({ maxLength: 63, pattern: LABEL_VALUE }), {
        additionalProperties: false,
        maxProperties: 64,
        description: 'Extra pod labels. System labels (sei.io/*) always win.',
        'x-kubernetes-validations': [
          {
            rule: `self.all(k, k.matches(r'${LABEL_KEY}'))`,
            message: 'every key must be a label key ([prefix/]name)',
          },
        ],
      }),
    ),
    peers: Type.Optional(
      Type.Array(Type.String({ pattern: PEER_ADDRESS }), {
        maxItems: 100,
        description: 'Persistent peers, `<node id>@<host>:<port>`.',
      }),
    ),
    overrides: Type.Optional(
      Type.Record(Type.String({ pattern: TOML_DOTTED_KEY }), Type.String({ maxLength: 4096 }), {
        additionalProperties: false,
        maxProperties: 128,
        description: 'seid config overrides: TOML dotted keys (e.g. `mempool.size`) to values.',
        // CRDs have no propertyNames: the key pattern reaches the API server as CEL.
        'x-kubernetes-validations': [
          {
            rule: `self.all(k, k.matches(r'${TOML_DOTTED_KEY}'))`,
            message: 'every key must be a TOML dotted key such as mempool.size',
          },
        ],
      }),
    ),
    paused: Type.Optional(Type.Boolean({ description: 'Scales the StatefulSet to 0 while true.' })),
  },
  { additionalProperties: false, description: 'Desired state of a Sei node.' },
)

/** Phases reported in status.phase. */
export const PHASES = ['Pending', 'Initializing', 'Running', 'Paused', 'Failed'] as const

/** status of a SeiNode, written by the controller through the status subresource. */
export const SeiNodeStatusSchema = Type.Object(
  {
    phase: Type.Optional(Type.Union(PHASES.map((p) => Type.Literal(p)))),
    role: Type.Optional(
      Type.String({ description: `The ${LABELS.role} value of the role block (printer column).` }),
    ),
    observedGeneration: Type.Optional(Type.Integer({ minimum: 0, crdFormat: 'int64' })),
    conditions: Type.Optional(
      Type.Array(Condition, {
        maxItems: 32,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
    ),
    statefulSet: Type.Optional(
      Type.Object({ name: Type.String(), uid: Type.String() }, { additionalProperties: false }),
    ),
    currentImage: Type.Optional(Type.String()),
    currentSidecarImage: Type.Optional(Type.String()),
    nodeId: Type.Optional(
      Type.String({
        description:
          'CometBFT node id from the sidecar (generate-identity); other nodes peer with `<nodeId>@<node>-0.<node>.<namespace>.svc:26656`.',
      }),
    ),
    initializedGeneration: Type.Optional(
      Type.Integer({ minimum: 0, crdFormat: 'int64', description: 'Generation whose init plan completed.' }),
    ),
    configuredGeneration: Type.Optional(
      Type.Integer({
        minimum: 0,
        crdFormat: 'int64',
        description:
          'Generation whose spec.overrides were last applied (init plan, or config-patch, config-validate, restart-seid).',
      }),
    ),
    appliedOverridesHash: Type.Optional(
      Type.String({ description: 'sha256 of the spec.overrides applied at configuredGeneration.' }),
    ),
  },
  { additionalProperties: false, description: 'Observed state of a Sei node.' },
)

/** The object metadata fields the controller reads; others (uid, managedFields, …) pass through. */
export const SeiNodeMetadataSchema = Type.Object(
  {
    // A CRD may restrict metadata.name (and only it); the Service and StatefulSet reuse the name.
    name: Type.String({
      minLength: 1,
      maxLength: MAX_NODE_NAME_LENGTH,
      pattern: DNS1035_LABEL,
      description: `A DNS-1035 label of at most ${MAX_NODE_NAME_LENGTH} characters (StatefulSet pod labels).`,
    }),
    namespace: Type.Optional(Type.String({ maxLength: 63, pattern: DNS1123_LABEL })),
    uid: Type.Optional(Type.String()),
    generation: Type.Optional(Type.Integer()),
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: true },
)

/** A whole SeiNode object. */
export const SeiNodeSchema = Type.Object(
  {
    apiVersion: Type.Literal(SEINODE_API_VERSION),
    kind: Type.Literal(CRD.kind),
    metadata: SeiNodeMetadataSchema,
    spec: SeiNodeSpecSchema,
    status: Type.Optional(SeiNodeStatusSchema),
  },
  { additionalProperties: false },
)

export type SeiNode = Static<typeof SeiNodeSchema>
export type SeiNodeSpec = Static<typeof SeiNodeSpecSchema>
export type SeiNodeStatus = Static<typeof SeiNodeStatusSchema>
export type SidecarSpec = Static<typeof SidecarSpecSchema>
export type Phase = (typeof PHASES)[number]
