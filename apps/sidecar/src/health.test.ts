import { describe, expect, it } from 'vitest'
import { aggregateHealth, parseHealthQuery } from './health.js'

const ok = { name: 'store', check: () => undefined }
const bad = { name: 'ready', check: () => 'not marked ready' }
const throws = {
  name: 'disk',
  check: () => {
    throw new Error('EIO')
  },
}

describe('aggregateHealth', () => {
  it('answers a terse ok when every check passes', () => {
    expect(aggregateHealth('livez', [ok])).toEqual({ httpStatus: 200, body: 'ok' })
  })

  it('lists failures and fails with 503', () => {
    expect(aggregateHealth('healthz', [ok, bad])).toEqual({
      httpStatus: 503,
      body: '[-]ready failed: not marked ready\nhealthz check failed\n',
    })
  })

  it('lists every named check when verbose, kube-apiserver style', () => {
    expect(aggregateHealth('healthz', [ok, bad], { verbose: true }).body).toBe(
      '[+]store ok\n[-]ready failed: not marked ready\nhealthz check failed\n',
    )
  })

  it('treats a throwing check as failed instead of throwing', () => {
    expect(aggregateHealth('livez', [throws])).toMatchObject({
      httpStatus: 503,
      body: expect.stringContaining('[-]disk failed: EIO'),
    })
  })

  it('skips excluded checks', () => {
    expect(aggregateHealth('healthz', [ok, bad], { exclude: ['ready'] }).httpStatus).toBe(200)
  })
})

describe('parseHealthQuery', () => {
  it.each([
    [{}, { verbose: false, exclude: [] }],
    [{ verbose: '' }, { verbose: true, exclude: [] }],
    [{ verbose: 'false' }, { verbose: false, exclude: [] }],
    [{ exclude: ['a', 'b'] }, { verbose: false, exclude: ['a', 'b'] }],
    [null, { verbose: false, exclude: [] }],
  ])('parses %j', (query, expected) => {
    expect(parseHealthQuery(query)).toEqual(expected)
  })
})
