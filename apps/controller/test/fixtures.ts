/** Test fixtures built from defaults plus overrides, so each test states only what it is about. */
import type { SeiNode, SeiNodeSpec } from '../src/api/seinode.js'

/** A valid full node `pacific-1-rpc-0` in namespace `sei`; `spec` entries replace the defaults. */
export function node(spec: Partial<SeiNodeSpec> = {}, name = 'pacific-1-rpc-0'): SeiNode {
  const base: SeiNodeSpec = { chainId: 'pacific-1', image: 'ghcr.io/sei-protocol/seid:v6.1.0' }
  const hasRole = ['fullNode', 'validator', 'archive', 'seed', 'replayer'].some((k) => k in spec)
  return {
    apiVersion: 'sei.io/v1alpha1',
    kind: 'SeiNode',
    metadata: { name, namespace: 'sei' },
    spec: { ...base, ...(hasRole ? {} : { fullNode: {} }), ...spec },
  }
}

/** A deep copy as a plain mutable object, for building invalid inputs. */
export function raw(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>
}
