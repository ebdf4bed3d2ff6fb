/**
 * Generator options: one TypeBox schema gives the input type, the JSON Schema and the structural checks;
 * semantic checks (names, label syntax, CIDRs) follow. Pure: every problem is gathered, each naming the
 * option, and the value that broke it, before anything is generated.
 */
import { CONTROLLER, MONITORING, PORT_RANGE, PORTS, SEID_PORTS } from '@sei-k8s/contract'
import { type Static, Type } from '@sinclair/typebox'
import { Value, type ValueError, ValueErrorType } from '@sinclair/typebox/value'
import { parseCidr } from './cidr.js'
import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  labelKeyProblem,
  labelValueProblem,
} from './k8s-names.js'

/** Policy dialects: plain NetworkPolicy, or the CNI-native kinds that can select a ServiceAccount. */
export const FLAVORS = ['vanilla', 'cilium', 'calico'] as const
export type Flavor = (typeof FLAVORS)[number]

const Labels = Type.Record(Type.String(), Type.String())
const Sources = Type.Array(Type.String(), {
  description: 'namespace names and/or CIDRs (an entry with "/" is a CIDR)',
})

/** Options as a caller writes them; everything but `namespaces` has a default from the contract. */
export const PolicyInputSchema = Type.Object(
  {
    namespaces: Type.Array(Type.String(), { minItems: 1, description: 'namespaces holding SeiNodes' }),
    controllerNamespace: Type.Optional(Type.String({ default: CONTROLLER.namespace })),
    controllerPodLabels: Type.Optional(Labels),
    controllerServiceAccount: Type.Optional(Type.String({ default: CONTROLLER.serviceAccount })),
    monitoringNamespace: Type.Optional(Type.String({ default: MONITORING.namespace })),
    prometheusPodLabels: Type.Optional(Labels),
    publicPorts: Type.Optional(
      Type.Array(Type.Integer({ minimum: PORT_RANGE.min, maximum: PORT_RANGE.max }), {
        description: 'sidecar public ports in use (spec.sidecar.publicPort); default the contract port',
      }),
    ),
    nodeCidrs: Type.Optional(Type.Array(Type.String(), { description: 'node CIDRs for kubelet probes' })),
    rpcFrom: Type.Optional(Sources),
    p2pFrom: Type.Optional(Sources),
    allowRemoteNodes: Type.Optional(
      Type.Boolean({
        description:
          'cilium only: admit the remote-node entity where node CIDRs would go (never the proxy port)',
      }),
    ),
    flavor: Type.Optional(Type.Union(FLAVORS.map((flavor) => Type.Literal(flavor)))),
  },
  { additionalProperties: false },
)
export type PolicyInput = Static<typeof PolicyInputSchema>
export type OptionName = keyof PolicyInput

/** Validated options with every default filled in; lists sorted and de-duplicated. */
export interface PolicyOptions {
  readonly namespaces: readonly string[]
  readonly controllerNamespace: string
  /** ANDed with controllerNamespace in ONE peer; never empty (that would admit every pod there). */
  readonly controllerPodLabels: Readonly<Record<string, string>>
  readonly controllerServiceAccount: string
  readonly monitoringNamespace: string
  /** Empty: any pod of the monitoring namespace. */
  readonly prometheusPodLabels: Readonly<Record<string, string>>
  /** Sidecar public listener ports of the nodes; never the tasks, proxy or a seid port. */
  readonly publicPorts: readonly number[]
  readonly nodeCidrs: readonly string[]
  /** Extra sources of the RPC/REST/gRPC/EVM ports; the node's own namespace is always allowed. */
  readonly rpcFrom: readonly string[]
  /** Sources of p2p; empty means from anywhere. */
  readonly p2pFrom: readonly string[]
  /** Cilium only: admit the `remote-node` entity where node CIDRs would go (never the proxy port). */
  readonly allowRemoteNodes: boolean
  readonly flavor: Flavor
}

/** One problem with the options: which option (and element), the offending value, and why. */
export interface OptionIssue {
  /** The option's name; an unknown option's own name; `(options)` when the input is not an object. */
  readonly option: string
  /** Array index or label key inside the option, when the problem is in one element. */
  readonly at?: number | string
  readonly value: unknown
  readonly message: string
}

export type ParseResult =
  | { readonly ok: true; readonly options: PolicyOptions }
  | { readonly ok: false; readonly issues: readonly OptionIssue[] }

/** Thrown by generateNodePolicies for invalid options; `issues` lists every problem. */
export class PolicyOptionsError extends Error {
  readonly issues: readonly OptionIssue[]
  constructor(issues: readonly OptionIssue[]) {
    super(`invalid policy options:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`)
    this.name = 'PolicyOptionsError'
    this.issues = issues
  }
}

/** `namespaces[1] = "Bad_NS": must be a DNS-1123 label …` */
export function formatIssue(issue: OptionIssue): string {
  const where = issue.at === undefined ? issue.option : `${issue.option}[${issue.at}]`
  return `${where} = ${JSON.stringify(issue.value)}: ${issue.message}`
}

/** Validates `input` and fills defaults from the contract. Never throws. */
export function parsePolicyOptions(input: unknown): ParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: [{ option: '(options)', value: input, message: 'must be an object' }] }
  }
  const structural = structuralIssues(input)
  const broken = new Set(structural.map((issue) => issue.option))
  const raw = input as PolicyInput
  const issues = [...structural, ...semanticIssues(raw, broken)]
  if (issues.length > 0) return { ok: false, issues }
  const options: PolicyOptions = {
    namespaces: sortedUnique(raw.namespaces),
    controllerNamespace: raw.controllerNamespace ?? CONTROLLER.namespace,
    controllerPodLabels: sortedLabels(raw.controllerPodLabels ?? CONTROLLER.podLabels),
    controllerServiceAccount: raw.controllerServiceAccount ?? CONTROLLER.serviceAccount,
    monitoringNamespace: raw.monitoringNamespace ?? MONITORING.namespace,
    prometheusPodLabels: sortedLabels(raw.prometheusPodLabels ?? {}),
    publicPorts: Object.freeze([...new Set(raw.publicPorts ?? [PORTS.public])].sort((a, b) => a - b)),
    nodeCidrs: sortedUnique(raw.nodeCidrs ?? []),
    rpcFrom: sortedUnique(raw.rpcFrom ?? []),
    p2pFrom: sortedUnique(raw.p2pFrom ?? []),
    allowRemoteNodes: raw.allowRemoteNodes ?? false,
    flavor: raw.flavor ?? 'vanilla',
  }
  return { ok: true, options: Object.freeze(options) }
}

function structuralIssues(input: object): OptionIssue[] {
  const issues: OptionIssue[] = []
  const seen = new Set<string>()
  for (const error of Value.Errors(PolicyInputSchema, input)) {
    const [option = '', at] = error.path.split('/').slice(1)
    if (seen.has(error.path)) continue
    seen.add(error.path)
    if (!(option in PolicyInputSchema.properties)) {
      const known = Object.keys(PolicyInputSchema.properties).join(', ')
      issues.push({ option, value: error.value, message: `is not a known option (known: ${known})` })
      continue
    }
    const index = at === undefined ? undefined : /^\d+$/.test(at) ? Number(at) : at
    issues.push({
      option,
      ...(index === undefined ? {} : { at: index }),
      value: error.value,
      message: messageOf(error),
    })
  }
  return issues
}

function messageOf(error: ValueError): string {
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'is required'
  if (error.type === ValueErrorType.ArrayMinItems) return 'needs at least one entry'
  const choices = (error.schema as { readonly anyOf?: unknown }).anyOf
  if (Array.isArray(choices)) {
    return `must be one of ${choices.map((choice: { const?: unknown }) => String(choice.const)).join(', ')}`
  }
  return error.message.charAt(0).toLowerCase() + error.message.slice(1)
}

type Check = (value: string) => string | undefined

function semanticIssues(raw: PolicyInput, broken: ReadonlySet<string>): OptionIssue[] {
  const issues: OptionIssue[] = []
  const check = (option: OptionName, value: string | undefined, problemOf: Check, at?: number | string) => {
    if (value === undefined || broken.has(option)) return
    const message = problemOf(value)
    if (message !== undefined) issues.push({ option, ...(at === undefined ? {} : { at }), value, message })
  }
  const each = (option: 'namespaces' | 'nodeCidrs' | 'rpcFrom' | 'p2pFrom', problemOf: Check) => {
    if (broken.has(option)) return
    for (const [i, value] of (raw[option] ?? []).entries()) check(option, value, problemOf, i)
  }
  each('namespaces', dns1123LabelProblem)
  check('controllerNamespace', raw.controllerNamespace, dns1123LabelProblem)
  check('monitoringNamespace', raw.monitoringNamespace, dns1123LabelProblem)
  check('controllerServiceAccount', raw.controllerServiceAccount, dns1123SubdomainProblem)
  for (const option of ['controllerPodLabels', 'prometheusPodLabels'] as const) {
    if (broken.has(option)) continue
    for (const [key, value] of Object.entries(raw[option] ?? {})) {
      // Both checks report `key=value`, as the user wrote it on the command line.
      check(option, `${key}=${value}`, () => labelKeyProblem(key) ?? labelValueProblem(value), key)
    }
  }
  if (
    !broken.has('controllerPodLabels') &&
    raw.controllerPodLabels !== undefined &&
    Object.keys(raw.controllerPodLabels).length === 0
  ) {
    issues.push({
      option: 'controllerPodLabels',
      value: {},
      message: 'must not be empty: it would admit every pod of the controller namespace to the proxy port',
    })
  }
  if (!broken.has('publicPorts')) {
    for (const [i, port] of (raw.publicPorts ?? []).entries()) {
      const taken = RESERVED_PORTS.get(port)
      if (taken !== undefined) issues.push({ option: 'publicPorts', at: i, value: port, message: taken })
    }
  }
  each('nodeCidrs', cidrProblem)
  each('rpcFrom', sourceProblem)
  each('p2pFrom', sourceProblem)
  issues.push(...flavorIssues(raw, broken))
  return issues
}

/** Options a flavor cannot express: refused by name rather than silently ignored. */
function flavorIssues(raw: PolicyInput, broken: ReadonlySet<string>): OptionIssue[] {
  const issues: OptionIssue[] = []
  const flavor = raw.flavor ?? 'vanilla'
  if (broken.has('flavor')) return issues
  if (flavor === 'cilium' && (raw.nodeCidrs?.length ?? 0) > 0 && !broken.has('nodeCidrs')) {
    issues.push({
      option: 'nodeCidrs',
      value: raw.nodeCidrs,
      message:
        'is not used by the cilium flavor: Cilium CIDR rules do not match node identities; the local kubelet is admitted as the host entity, and --allow-remote-nodes (allowRemoteNodes) adds the remote-node entity; drop the node CIDRs',
    })
  }
  if (
    flavor === 'vanilla' &&
    raw.controllerServiceAccount !== undefined &&
    !broken.has('controllerServiceAccount')
  ) {
    issues.push({
      option: 'controllerServiceAccount',
      value: raw.controllerServiceAccount,
      message:
        'is not used by the vanilla flavor: a vanilla NetworkPolicy cannot select a ServiceAccount (the controller is matched by namespace and pod labels); use --flavor cilium or calico, or drop it',
    })
  }
  if (flavor !== 'cilium' && raw.allowRemoteNodes === true && !broken.has('allowRemoteNodes')) {
    issues.push({
      option: 'allowRemoteNodes',
      value: true,
      message: `is only for the cilium flavor (node identities); with ${flavor}, admit nodes by address with --node-cidr (nodeCidrs)`,
    })
  }
  return issues
}

/** Ports a public listener must not use, and why: opening them as "public" would expose them. */
const RESERVED_PORTS = new Map<number, string>([
  [PORTS.tasks, 'is the loopback tasks port, which is never allowed'],
  [PORTS.proxy, 'is the kube-rbac-proxy port'],
  ...Object.values(SEID_PORTS).map((p): [number, string] => [p.port, `is seid's ${p.name} port`]),
])

function cidrProblem(text: string): string | undefined {
  const result = parseCidr(text)
  return result.ok ? undefined : result.reason
}

function sourceProblem(text: string): string | undefined {
  if (text.includes('/')) return cidrProblem(text)
  const problem = dns1123LabelProblem(text)
  return problem === undefined
    ? undefined
    : `is neither a CIDR (address/prefix) nor a namespace name: a namespace name ${problem}`
}

function sortedUnique(values: readonly string[]): readonly string[] {
  return Object.freeze([...new Set(values)].sort())
}

function sortedLabels(labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return Object.freeze(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))))
}
