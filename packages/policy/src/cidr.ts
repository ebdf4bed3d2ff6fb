/**
 * CIDR parsing for `ipBlock` peers. Pure.
 *
 * Kubernetes warns about (and with its StrictIPCIDRValidation gate rejects) CIDRs with host bits set
 * or IPv4 octets with leading zeros, and `10.0.0.1/8` usually hides a typo. So the generator accepts
 * only the canonical form and says which one was meant.
 */
import { isIPv4, isIPv6 } from 'node:net'

/** Outcome of parsing one CIDR: the canonical text, or why it is not one. */
export type CidrResult =
  | { readonly ok: true; readonly cidr: string }
  | { readonly ok: false; readonly reason: string }

/** Parses `addr/prefix` (IPv4 or IPv6) and requires the canonical form (host bits zero). */
export function parseCidr(text: string): CidrResult {
  const slash = text.indexOf('/')
  if (slash < 0) return { ok: false, reason: 'is not a CIDR (expected address/prefix, e.g. 10.0.0.0/16)' }
  const address = text.slice(0, slash)
  const prefixText = text.slice(slash + 1)
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined
  if (family === undefined) return { ok: false, reason: `has an invalid IP address "${address}"` }
  const bits = family === 4 ? 32 : 128
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
    return { ok: false, reason: `has an invalid prefix length "${prefixText}" (0-${bits})` }
  }
  const prefix = Number(prefixText)
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address)
  if (value === undefined) return { ok: false, reason: `has an invalid IP address "${address}"` }
  const hostMask = (1n << BigInt(bits - prefix)) - 1n
  const network = value & ~hostMask
  const canonical = `${family === 4 ? bigIntToIpv4(network) : bigIntToIpv6(network)}/${prefix}`
  if (canonical !== text) {
    const why = (value & hostMask) !== 0n ? 'has host bits set' : 'is not in canonical form'
    return { ok: false, reason: `${why}; did you mean ${canonical}?` }
  }
  return { ok: true, cidr: canonical }
}

function ipv4ToBigInt(address: string): bigint | undefined {
  let value = 0n
  for (const octet of address.split('.')) {
    // node:net accepts "010"; Kubernetes does not (ambiguous octal), so neither do we.
    if (octet.length > 1 && octet.startsWith('0')) return undefined
    value = (value << 8n) | BigInt(Number(octet))
  }
  return value
}

function ipv6ToBigInt(address: string): bigint | undefined {
  if (address.includes('.')) return undefined // IPv4-mapped forms: ambiguous family, write plain IPv4
  const [head = '', tail] = address.split('::')
  const headGroups = head === '' ? [] : head.split(':')
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':')
  const missing = 8 - headGroups.length - tailGroups.length
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(missing).fill('0'), ...tailGroups]
  let value = 0n
  for (const group of groups) value = (value << 16n) | BigInt(Number.parseInt(group, 16))
  return value
}

function bigIntToIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.')
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (>1) of zero groups as "::". */
function bigIntToIpv6(value: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => Number((value >> shift) & 0xffffn))
  let bestStart = -1
  let bestLength = 1
  for (let start = 0; start < 8; start++) {
    let length = 0
    while (start + length < 8 && groups[start + length] === 0) length++
    if (length > bestLength) {
      bestStart = start
      bestLength = length
    }
  }
  const hex = groups.map((group) => group.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}
