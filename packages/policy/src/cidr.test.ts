import { describe, expect, it } from 'vitest'
import { parseCidr } from './cidr.js'

describe('parseCidr', () => {
  it.each(['10.0.0.0/16', '0.0.0.0/0', '192.168.1.7/32', 'fd00::/8', '::/0', '2001:db8::/32', '::1/128'])(
    'accepts the canonical CIDR %s',
    (cidr) => {
      expect(parseCidr(cidr)).toEqual({ ok: true, cidr })
    },
  )

  it.each([
    ['10.0.0.1/16', 'has host bits set; did you mean 10.0.0.0/16?'],
    ['fd00::1/8', 'has host bits set; did you mean fd00::/8?'],
    ['FD00::/8', 'is not in canonical form; did you mean fd00::/8?'],
    ['fd00:0:0::/16', 'is not in canonical form; did you mean fd00::/16?'],
    ['10.0.0.0', 'is not a CIDR (expected address/prefix, e.g. 10.0.0.0/16)'],
    ['10.0.0.0/33', 'has an invalid prefix length "33" (0-32)'],
    ['fd00::/129', 'has an invalid prefix length "129" (0-128)'],
    ['10.0.0.0/08', 'has an invalid prefix length "08" (0-32)'],
    ['10.0.0.0/', 'has an invalid prefix length "" (0-32)'],
    ['010.0.0.0/8', 'has an invalid IP address "010.0.0.0"'],
    ['10.0.0.256/32', 'has an invalid IP address "10.0.0.256"'],
    ['::ffff:10.0.0.0/104', 'has an invalid IP address "::ffff:10.0.0.0"'],
    ['team-a/16', 'has an invalid IP address "team-a"'],
  ])('rejects %s: %s', (text, reason) => {
    expect(parseCidr(text)).toEqual({ ok: false, reason })
  })

  it('prints the longest run of zero groups as :: (RFC 5952)', () => {
    expect(parseCidr('2001:db8:0:0:1:0:0:0/128')).toEqual({
      ok: false,
      reason: 'is not in canonical form; did you mean 2001:db8:0:0:1::/128?',
    })
  })
})
