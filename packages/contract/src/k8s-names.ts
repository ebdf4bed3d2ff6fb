/**
 * Kubernetes name and label grammars (apimachinery's validation), as regular-expression sources: the
 * controller puts them in the SeiNode CRD's OpenAPI `pattern`s, the policy generator and the controller's
 * flags test input against them. One copy, so the CRD and the CLIs accept the same names.
 */
export const K8S_NAME_PATTERNS = {
  /** DNS-1123 label: namespace names and label values of names; at most 63 characters. */
  dns1123Label: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  /** DNS-1035 label: Service names (starts with a letter); at most 63 characters. */
  dns1035Label: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
  /** DNS-1123 subdomain: ServiceAccount names, label-key prefixes; at most 253 characters. */
  dns1123Subdomain: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  /** A label key: optional DNS-1123 subdomain prefix + '/' + a name of 1–63 characters. */
  labelKey:
    '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$',
  /** A label value: empty, or alphanumerics, '-', '_' and '.', alphanumeric at both ends; at most 63. */
  labelValue: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$',
} as const satisfies Record<string, string>

/** Length limits that go with K8S_NAME_PATTERNS (the patterns alone do not bound the length). */
export const K8S_NAME_MAX_LENGTH = { label: 63, subdomain: 253 } as const
