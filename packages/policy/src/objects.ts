/**
 * Shapes of the generated objects. Plain data (no client library types), so output can be serialised
 * byte-for-byte deterministically and checked without a cluster.
 */

export interface ObjectMeta {
  readonly name: string
  readonly namespace: string
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>
  readonly matchExpressions?: readonly {
    readonly key: string
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
    readonly values?: readonly string[]
  }[]
}

/** A `networking.k8s.io/v1` NetworkPolicy peer. Selectors in ONE peer are ANDed. */
export interface NetworkPolicyPeer {
  readonly namespaceSelector?: LabelSelector
  readonly podSelector?: LabelSelector
  readonly ipBlock?: { readonly cidr: string }
}

export interface NetworkPolicyIngressRule {
  /** Omitted: from anywhere. Never empty in our output (an empty list would also mean anywhere). */
  readonly from?: readonly NetworkPolicyPeer[]
  readonly ports: readonly { readonly port: number; readonly protocol: 'TCP' }[]
}

export interface NetworkPolicy {
  readonly apiVersion: 'networking.k8s.io/v1'
  readonly kind: 'NetworkPolicy'
  readonly metadata: ObjectMeta
  readonly spec: {
    readonly podSelector: LabelSelector
    readonly policyTypes: readonly ['Ingress']
    readonly ingress: readonly NetworkPolicyIngressRule[]
  }
}

/** A `cilium.io/v2` CiliumNetworkPolicy ingress rule; each rule uses one kind of `from*`. */
export interface CiliumIngressRule {
  readonly fromEndpoints?: readonly LabelSelector[]
  readonly fromEntities?: readonly string[]
  readonly fromCIDR?: readonly string[]
  readonly toPorts: readonly {
    readonly ports: readonly { readonly port: string; readonly protocol: 'TCP' }[]
  }[]
}

export interface CiliumNetworkPolicy {
  readonly apiVersion: 'cilium.io/v2'
  readonly kind: 'CiliumNetworkPolicy'
  readonly metadata: ObjectMeta
  readonly spec: {
    readonly description: string
    readonly endpointSelector: LabelSelector
    readonly ingress: readonly CiliumIngressRule[]
  }
}

/** A `projectcalico.org/v3` rule source; fields in one source are ANDed. Omitted: from anywhere. */
export interface CalicoSource {
  readonly namespaceSelector?: string
  readonly selector?: string
  readonly serviceAccounts?: { readonly names: readonly string[] }
  readonly nets?: readonly string[]
}

export interface CalicoRule {
  readonly action: 'Allow'
  readonly protocol: 'TCP'
  readonly source?: CalicoSource
  readonly destination: { readonly ports: readonly number[] }
}

export interface CalicoNetworkPolicy {
  readonly apiVersion: 'projectcalico.org/v3'
  readonly kind: 'NetworkPolicy'
  readonly metadata: ObjectMeta
  readonly spec: {
    readonly selector: string
    readonly types: readonly ['Ingress']
    readonly ingress: readonly CalicoRule[]
  }
}

export type PolicyObject = NetworkPolicy | CiliumNetworkPolicy | CalicoNetworkPolicy
