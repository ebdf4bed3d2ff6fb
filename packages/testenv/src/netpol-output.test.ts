import { describe, expect, it } from 'vitest'
import { evalArgs, parseConnections, parseConnlistJson, parseEvalOutput, parsePeer } from './netpol-output.js'

describe('parsePeer', () => {
  it('reads workloads and IP ranges', () => {
    expect(parsePeer('ns1/seid-0[Pod]')).toEqual({
      type: 'workload',
      namespace: 'ns1',
      name: 'seid-0',
      kind: 'Pod',
    })
    expect(parsePeer('0.0.0.0-255.255.255.255')).toEqual({ type: 'ip', range: '0.0.0.0-255.255.255.255' })
    expect(parsePeer('{ingress-controller}')).toEqual({ type: 'other', text: '{ingress-controller}' })
  })
})

describe('parseConnections', () => {
  it('reads all, none and per-protocol port lists', () => {
    expect(parseConnections('All Connections')).toEqual({ all: true, protocols: {} })
    expect(parseConnections('No Connections')).toEqual({ all: false, protocols: {} })
    expect(parseConnections('TCP 80,8080-8090,UDP 53')).toEqual({
      all: false,
      protocols: { TCP: ['80', '8080-8090'], UDP: ['53'] },
    })
  })
})

describe('parseConnlistJson', () => {
  it('types every entry and keeps the raw strings', () => {
    const out = parseConnlistJson('[{"src":"a/x[Pod]","dst":"b/y[Pod]","conn":"TCP 9100"}]')
    expect(out).toHaveLength(1)
    expect(out[0]?.connections.protocols['TCP']).toEqual(['9100'])
    expect(out[0]?.raw.conn).toBe('TCP 9100')
  })
  it('treats empty output as no allowed connections', () => {
    expect(parseConnlistJson('')).toEqual([])
  })
  it('rejects output that is not the documented shape', () => {
    expect(() => parseConnlistJson('{"src":1}')).toThrow(/TESTENV_ANALYZER_FAILED/)
  })
})

describe('eval', () => {
  it('parses the verdict on the last line', () => {
    expect(parseEvalOutput('a/x => b/y over tcp/80: true\n')).toBe(true)
    expect(parseEvalOutput('warning\na/x => b/y over tcp/80: false')).toBe(false)
  })
  it('builds the eval argv for one query', () => {
    const args = evalArgs('/d', {
      source: { namespace: 'a', pod: 'x' },
      destination: { namespace: 'b', pod: 'y' },
      port: 80,
    })
    expect(args).toEqual([
      'eval',
      '--dirpath=/d',
      '--source-namespace=a',
      '--source-pod=x',
      '--destination-namespace=b',
      '--destination-pod=y',
      '--destination-port=80',
      '--protocol=tcp',
    ])
  })
})
