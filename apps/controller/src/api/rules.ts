/**
 * Cross-field rules of a SeiNode, each written once as a CEL rule for the CRD (`x-kubernetes-validations`)
 * and once as a TypeScript check for offline validation (render, objects read back from the API). The
 * message is shared, so `render` and the API server reject an object with the same words.
 */
import { PORTS, ROLE_BLOCK_NAMES, SEID_PORTS } from '@sei-k8s/contract'

/** Where in the schema a rule is attached. */
export type RuleScope = 'spec' | 'spec.sidecar'

/** One cross-field rule. `check` receives the object at `scope` and returns true when it holds. */
export interface CrossFieldRule {
  readonly scope: RuleScope
  /** CEL expression evaluated by the API server with `self` = the object at `scope`. */
  readonly rule: string
  readonly message: string
  /** Field the error is reported on, relative to `scope` (CRD `fieldPath`). */
  readonly fieldPath?: string
  /** Dotted path offline validation reports the error on. */
  readonly path: string
  readonly check: (self: Readonly<Record<string, unknown>>) => boolean
}

/** Ports a sidecar listener may not take: the proxy and every seid port share the pod's network namespace. */
export const RESERVED_POD_PORTS: readonly number[] = [
  PORTS.proxy,
  ...Object.values(SEID_PORTS).map((p) => p.port),
].sort((a, b) => a - b)

function has(self: Readonly<Record<string, unknown>>, key: string): boolean {
  return self[key] !== undefined && self[key] !== null
}

function portOr(self: Readonly<Record<string, unknown>>, key: string, fallback: number): unknown {
  return has(self, key) ? self[key] : fallback
}

function notReserved(key: 'port' | 'publicPort'): CrossFieldRule {
  return {
    scope: 'spec.sidecar',
    rule: `!has(self.${key}) || !(self.${key} in [${RESERVED_POD_PORTS.join(', ')}])`,
    message: `${key} must not be a port of kube-rbac-proxy or seid (${RESERVED_POD_PORTS.join(', ')})`,
    fieldPath: `.${key}`,
    path: `spec.sidecar.${key}`,
    check: (self) => !RESERVED_POD_PORTS.includes(Number(self[key])),
  }
}

/** Every cross-field rule, in a stable order. */
export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
  {
    scope: 'spec',
    rule: `[${ROLE_BLOCK_NAMES.map((b) => `has(self.${b})`).join(', ')}].exists_one(x, x)`,
    message: `exactly one of ${ROLE_BLOCK_NAMES.join(', ')} must be set`,
    path: 'spec',
    check: (self) => ROLE_BLOCK_NAMES.filter((block) => has(self, block)).length === 1,
  },
  {
    scope: 'spec.sidecar',
    rule: `(has(self.publicPort) ? self.publicPort : ${PORTS.public}) != (has(self.port) ? self.port : ${PORTS.tasks})`,
    message: `publicPort must differ from port (the loopback tasks listener, default ${PORTS.tasks})`,
    fieldPath: '.publicPort',
    path: 'spec.sidecar.publicPort',
    check: (self) => portOr(self, 'publicPort', PORTS.public) !== portOr(self, 'port', PORTS.tasks),
  },
  notReserved('port'),
  notReserved('publicPort'),
]

/** The rules attached at one scope. */
export function rulesAt(scope: RuleScope): readonly CrossFieldRule[] {
  return CROSS_FIELD_RULES.filter((r) => r.scope === scope)
}
