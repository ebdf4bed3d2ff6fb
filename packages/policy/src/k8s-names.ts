/**
 * Kubernetes name and label syntax, checked before anything is generated so a typo fails here with the
 * option name rather than later at `kubectl apply` (or, worse, as a selector that matches nothing). Pure.
 */
import { K8S_NAME_PATTERNS, K8S_NAME_MAX_LENGTH as MAX } from '@sei-k8s/contract'

const DNS1123_LABEL = new RegExp(K8S_NAME_PATTERNS.dns1123Label)
const DNS1123_SUBDOMAIN = new RegExp(K8S_NAME_PATTERNS.dns1123Subdomain)
// A label value's grammar; the name part of a label key is the same grammar, but non-empty.
const LABEL_VALUE = new RegExp(K8S_NAME_PATTERNS.labelValue)

/** Why `name` is not a namespace (or ServiceAccount-free DNS-1123 label) name, or undefined when it is. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length > MAX.label) return `is longer than ${MAX.label} characters`
  if (!DNS1123_LABEL.test(name)) {
    return 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending alphanumeric'
  }
  return undefined
}

/** Why `name` is not a DNS-1123 subdomain (ServiceAccount names), or undefined. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name.length > MAX.subdomain) return `is longer than ${MAX.subdomain} characters`
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and "."'
  }
  return undefined
}

/** Why `key` is not a label key (`[prefix/]name`), or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/')
  const prefix = slash < 0 ? undefined : key.slice(0, slash)
  const name = slash < 0 ? key : key.slice(slash + 1)
  if (prefix !== undefined && dns1123SubdomainProblem(prefix) !== undefined) {
    return `label key has an invalid prefix "${prefix}" (must be a DNS-1123 subdomain)`
  }
  if (name.length === 0 || name.length > MAX.label || !LABEL_VALUE.test(name)) {
    return 'label key must be [prefix/]name with a name of 1-63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric'
  }
  return undefined
}

/** Why `value` is not a label value, or undefined. The empty value is valid. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined
  if (value.length > MAX.label || !LABEL_VALUE.test(value)) {
    return 'label value must be at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric'
  }
  return undefined
}
