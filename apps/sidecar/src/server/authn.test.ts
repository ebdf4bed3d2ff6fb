import { describe, expect, it } from 'vitest'
import { identityFromRawHeaders } from './authn.js'

describe('identityFromRawHeaders', () => {
  it('accepts exactly one user, any header-name case, and splits groups on |', () => {
    expect(identityFromRawHeaders(['X-REMOTE-USER', 'alice', 'x-remote-groups', 'a|b| |c'])).toEqual({
      ok: true,
      identity: { user: 'alice', groups: ['a', 'b', 'c'] },
    })
  })

  it('sees a duplicate even when the values are equal (Node would join them into one header)', () => {
    expect(identityFromRawHeaders(['x-remote-user', 'alice', 'X-Remote-User', 'alice'])).toMatchObject({
      ok: false,
      reason: 'duplicate_header',
    })
  })

  it.each([
    [[], 'missing_header'],
    [['x-remote-userx', 'alice'], 'missing_header'],
    [['x-remote-user', ''], 'empty_header'],
    [['x-remote-user', ' \t '], 'empty_header'],
  ])('rejects %j as %s', (raw, reason) => {
    expect(identityFromRawHeaders(raw)).toMatchObject({ ok: false, reason })
  })
})
