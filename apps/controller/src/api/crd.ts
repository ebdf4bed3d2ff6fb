/**
 * The SeiNode CustomResourceDefinition, generated from the TypeBox schema (seinode.ts) and the
 * cross-field rules (rules.ts). Emitted as plain data: apply it raw (server-side), never through
 * client-node's typed models, which drop `x-kubernetes-int-or-string`.
 */
import { CRD } from '@sei-k8s/contract'
import { type OpenApiSchema, toStructural } from './openapi.js'
import { type RuleScope, rulesAt } from './rules.js'
import { SeiNodeMetadataSchema, SeiNodeSpecSchema, SeiNodeStatusSchema } from './seinode.js'

function validations(scope: RuleScope): OpenApiSchema[] {
  return rulesAt(scope).map((r) => ({
    rule: r.rule,
    message: r.message,
    ...(r.fieldPath ? { fieldPath: r.fieldPath, reason: 'FieldValueInvalid' } : {}),
  }))
}

function openApiV3Schema(): OpenApiSchema {
  const spec = toStructural(SeiNodeSpecSchema, 'spec')
  spec['x-kubernetes-validations'] = validations('spec')
  const properties = spec['properties'] as Record<string, OpenApiSchema>
  const sidecar = properties['sidecar']
  if (!sidecar) throw new Error('spec.sidecar missing from the schema')
  sidecar['x-kubernetes-validations'] = validations('spec.sidecar')
  return {
    type: 'object',
    description:
      'SeiNode runs one Sei blockchain node: seid, the sei-sidecar and kube-rbac-proxy in one pod.',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string', description: 'Versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'REST resource this object represents.' },
      // Only metadata.name (and generateName) may be restricted in a CRD.
      metadata: {
        type: 'object',
        properties: { name: toStructural(SeiNodeMetadataSchema.properties.name, 'metadata.name') },
      },
      spec,
      status: toStructural(SeiNodeStatusSchema, 'status'),
    },
  }
}

/** The printer columns of `kubectl get seinodes`: phase, chain, role, ready, age. */
const PRINTER_COLUMNS = [
  { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
  { name: 'Chain', type: 'string', jsonPath: '.spec.chainId' },
  { name: 'Role', type: 'string', jsonPath: '.status.role' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
] as const

/** Builds the CRD object `seinodes.sei.io`. Pure and deterministic. */
export function buildSeiNodeCrd(): OpenApiSchema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${CRD.plural}.${CRD.group}`,
      labels: { 'app.kubernetes.io/part-of': 'sei-k8s' },
    },
    spec: {
      group: CRD.group,
      names: {
        kind: CRD.kind,
        listKind: CRD.listKind,
        plural: CRD.plural,
        singular: CRD.singular,
        shortNames: [CRD.shortName],
        categories: ['sei'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: CRD.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: PRINTER_COLUMNS.map((c) => ({ ...c })),
          schema: { openAPIV3Schema: openApiV3Schema() },
        },
      ],
    },
  }
}
