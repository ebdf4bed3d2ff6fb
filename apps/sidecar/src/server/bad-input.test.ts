/** A table of malformed requests: each must give a 4xx JSON error, never a 5xx or a crash. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AS_CONTROLLER, createHarness, type Harness } from '../__tests__/harness.js'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => h.close())

const json = { ...AS_CONTROLLER, 'content-type': 'application/json' }
const UUID = '6c1f7a0e-2b8d-4e4b-9a51-0d7c6e3f2a10'

type Case = [
  name: string,
  request: {
    method: 'GET' | 'POST' | 'DELETE' | 'PUT'
    url: string
    payload?: string
    headers?: Record<string, string>
  },
  status: number,
  message: RegExp,
]

const cases: Case[] = [
  ['truncated JSON', { method: 'POST', url: '/v0/tasks', payload: '{"type":' }, 400, /not valid JSON/],
  [
    'empty body with JSON type',
    { method: 'POST', url: '/v0/tasks', payload: '' },
    400,
    /not valid JSON|empty/i,
  ],
  ['JSON array', { method: 'POST', url: '/v0/tasks', payload: '[]' }, 400, /body: expected a JSON object/],
  ['JSON null', { method: 'POST', url: '/v0/tasks', payload: 'null' }, 400, /body: expected a JSON object/],
  [
    'JSON string',
    { method: 'POST', url: '/v0/tasks', payload: '"mark-ready"' },
    400,
    /body: expected a JSON object/,
  ],
  [
    'missing type',
    { method: 'POST', url: '/v0/tasks', payload: '{}' },
    400,
    /body\.type: expected required property/,
  ],
  [
    'numeric type',
    { method: 'POST', url: '/v0/tasks', payload: '{"type":7}' },
    400,
    /body\.type: expected string \(got 7\)/,
  ],
  [
    'unknown type',
    { method: 'POST', url: '/v0/tasks', payload: '{"type":"rm-rf"}' },
    400,
    /unknown task type: "rm-rf"; supported types: await-condition, config-patch, config-validate, generate-identity, mark-not-ready, mark-ready, restart-seid/,
  ],
  [
    'non-UUID id',
    { method: 'POST', url: '/v0/tasks', payload: '{"type":"mark-ready","id":"abc"}' },
    400,
    /task id must be a UUID: body\.id: expected a UUID \(got "abc"\)/,
  ],
  [
    'numeric id',
    { method: 'POST', url: '/v0/tasks', payload: '{"type":"mark-ready","id":5}' },
    400,
    /must be a UUID/,
  ],
  [
    'params not an object',
    { method: 'POST', url: '/v0/tasks', payload: '{"type":"mark-ready","params":[1]}' },
    400,
    /task params are invalid: body\.params: expected a JSON object/,
  ],
  [
    'unexpected param',
    { method: 'POST', url: '/v0/tasks', payload: '{"type":"mark-ready","params":{"x":1}}' },
    400,
    /params\.x: unexpected property/,
  ],
  [
    'config-patch of another file',
    {
      method: 'POST',
      url: '/v0/tasks',
      payload: '{"type":"config-patch","params":{"files":{"genesis.json":{}}}}',
    },
    400,
    /params\.files\["genesis\.json"\]: unexpected property/,
  ],
  [
    'config-patch of a path',
    {
      method: 'POST',
      url: '/v0/tasks',
      payload: '{"type":"config-patch","params":{"files":{"../../etc/passwd":{}}}}',
    },
    400,
    /params\.files\["\.\.\/\.\.\/etc\/passwd"\]/,
  ],
  [
    'config-patch without files',
    { method: 'POST', url: '/v0/tasks', payload: '{"type":"config-patch","params":{}}' },
    400,
    /params\.files: expected required property/,
  ],
  [
    'config-patch with no file',
    { method: 'POST', url: '/v0/tasks', payload: '{"type":"config-patch","params":{"files":{}}}' },
    400,
    /params\.files: expected object to have at least 1 properties/i,
  ],
  [
    'await-condition without timeout',
    { method: 'POST', url: '/v0/tasks', payload: '{"type":"await-condition","params":{"height":5}}' },
    400,
    /params\.timeoutSeconds: expected required property/,
  ],
  [
    'await-condition upstream shape without targetHeight',
    {
      method: 'POST',
      url: '/v0/tasks',
      payload: '{"type":"await-condition","params":{"condition":"height"}}',
    },
    400,
    /params\.targetHeight: required when condition is "height"/,
  ],
  [
    'await-condition with an unknown action',
    {
      method: 'POST',
      url: '/v0/tasks',
      payload:
        '{"type":"await-condition","params":{"condition":"height","targetHeight":5,"action":"REBOOT"}}',
    },
    400,
    /params\.action/,
  ],
  [
    'await-condition negative height',
    {
      method: 'POST',
      url: '/v0/tasks',
      payload: '{"type":"await-condition","params":{"height":-1,"timeoutSeconds":1}}',
    },
    400,
    /params\.height: expected integer to be greater or equal to 0 \(got -1\)/,
  ],
  [
    'restart-seid huge timeout',
    {
      method: 'POST',
      url: '/v0/tasks',
      payload: '{"type":"restart-seid","params":{"timeoutSeconds":100000}}',
    },
    400,
    /params\.timeoutSeconds/,
  ],
  [
    'text/plain body',
    {
      method: 'POST',
      url: '/v0/tasks',
      payload: 'type=mark-ready',
      headers: { ...AS_CONTROLLER, 'content-type': 'text/plain' },
    },
    415,
    /content type/,
  ],
  [
    'oversized body',
    {
      method: 'POST',
      url: '/v0/tasks',
      payload: JSON.stringify({ type: 'mark-ready', pad: 'x'.repeat(1_100_000) }),
    },
    413,
    /too large/,
  ],
  ['non-UUID id in path', { method: 'GET', url: '/v0/tasks/not-a-uuid' }, 400, /must be a UUID/],
  ['unknown id', { method: 'GET', url: `/v0/tasks/${UUID}` }, 404, /task not found/],
  ['delete non-UUID id', { method: 'DELETE', url: '/v0/tasks/..%2F..' }, 400, /must be a UUID/],
  ['unknown path', { method: 'GET', url: '/v0/secrets' }, 404, /not found: GET \/v0\/secrets/],
  ['wrong method', { method: 'PUT', url: '/v0/tasks' }, 404, /not found/],
  [
    'malformed percent-encoding',
    { method: 'GET', url: '/v0/tasks/%E0%A4%A' },
    400,
    /not a valid url component/,
  ],
  [
    'params nested 5,000 levels deep',
    {
      method: 'POST',
      url: '/v0/tasks',
      payload: `{"type":"config-patch","params":{"files":{"app.toml":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}}`,
    },
    400,
    /task params exceed a limit: params are nested deeper than 16 levels \(limit maxDepth\)/,
  ],
  [
    'params whose TOML rendering would explode (nested tables repeat their path)',
    {
      method: 'POST',
      url: '/v0/tasks',
      payload: JSON.stringify({
        type: 'config-patch',
        params: {
          files: {
            'app.toml': {
              [`${'k'.repeat(5000)}`]: Object.fromEntries(
                Array.from({ length: 300 }, (_, i) => [`t${i}`, { v: 1 }]),
              ),
            },
          },
        },
      }),
    },
    400,
    /\(limit maxExpandedBytes\)/,
  ],
  [
    'params with too many keys',
    {
      method: 'POST',
      url: '/v0/tasks',
      payload: JSON.stringify({
        type: 'config-patch',
        params: {
          files: { 'app.toml': Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i])) },
        },
      }),
    },
    400,
    /more than 10000 keys and elements \(limit maxKeys\)/,
  ],
  [
    'a __proto__ key',
    { method: 'POST', url: '/v0/tasks', payload: '{"type":"mark-ready","params":{"__proto__":{"x":1}}}' },
    400,
    /object key "__proto__" is not allowed/,
  ],
  [
    'very long path',
    { method: 'GET', url: `/v0/tasks/${'a'.repeat(5000)}` },
    414,
    /exceeding the max param length/,
  ],
]

describe('bad input on the tasks listener', () => {
  it.each(cases)('rejects %s with a JSON %i', async (_name, request, status, message) => {
    const headers = request.method === 'POST' ? json : AS_CONTROLLER
    const res = await h.tasks.inject({ headers, ...request })
    expect(res.statusCode).toBe(status)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.json().error).toMatch(message)
  })

  it('still serves after every bad request', async () => {
    const res = await h.tasks.inject({ method: 'GET', url: '/v0/tasks', headers: AS_CONTROLLER })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual([])
  })
})

describe('bad input on the public listener', () => {
  it.each([
    ['POST', '/v0/healthz'],
    ['DELETE', '/v0/metrics'],
    ['GET', '/'],
    ['GET', '/v0/tasks'],
    ['GET', '/v0/healthz/extra'],
  ] as const)('answers %s %s with a JSON 404', async (method, url) => {
    const res = await h.public.inject({ method, url, payload: method === 'POST' ? '{' : undefined })
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('NOT_FOUND')
  })
})

/** Deterministic pseudo-random source (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function randomValue(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 2 ? 5 : 7))
  const keys = [
    'type',
    'id',
    'params',
    'files',
    'app.toml',
    'height',
    'timeoutSeconds',
    '__proto__',
    'constructor',
  ]
  switch (pick) {
    case 0:
      return null
    case 1:
      return next() > 0.5
    case 2:
      return Math.floor(next() * 2 ** 40) * (next() > 0.5 ? -1 : 1)
    case 3:
      return ['mark-ready', 'config-patch', 'await-condition', '', '💥', 'x'.repeat(300)][
        Math.floor(next() * 6)
      ]
    case 4:
      return next() > 0.5 ? 1.5 : 'e0a4b2c1-0000-4000-8000-000000000000'
    case 5:
      return Array.from({ length: Math.floor(next() * 3) }, () => randomValue(next, depth + 1))
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 4) }, () => [
          keys[Math.floor(next() * keys.length)] ?? 'k',
          randomValue(next, depth + 1),
        ]),
      )
  }
}

describe('random submissions', () => {
  it('never answer 5xx: 400 seeded random bodies get 201, 400 or 409 with a JSON body', async () => {
    const next = random(266)
    const statuses = new Set<number>()
    for (let i = 0; i < 400; i++) {
      const value = randomValue(next)
      const body =
        next() < 0.15 ? JSON.stringify(value).slice(0, Math.floor(next() * 20)) : JSON.stringify(value)
      const res = await h.tasks.inject({
        method: 'POST',
        url: '/v0/tasks',
        headers: json,
        payload: body ?? '',
      })
      statuses.add(res.statusCode)
      expect([201, 400, 409], `${res.statusCode} for ${body}`).toContain(res.statusCode)
      expect(typeof res.json().error === 'string' || typeof res.json().id === 'string').toBe(true)
    }
    expect(statuses.has(400)).toBe(true)
  })
})
