/** config-patch through the whole sidecar: no patch is lost, whatever the concurrency. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from '@decimalturn/toml-patch'
import { afterEach, describe, expect, it } from 'vitest'
import { AS_CONTROLLER, createHarness, eventually, type Harness } from '../../__tests__/harness.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function patch(harness: Harness, key: string, value: unknown): Promise<string> {
  const res = await harness.tasks.inject({
    method: 'POST',
    url: '/v0/tasks',
    headers: { ...AS_CONTROLLER, 'content-type': 'application/json' },
    payload: { type: 'config-patch', params: { files: { 'app.toml': { [key]: value } } } },
  })
  expect(res.statusCode).toBe(201)
  return res.json().id
}

async function completed(harness: Harness, id: string): Promise<void> {
  await eventually(() => (harness.engine.get(id).status === 'completed' ? true : undefined), 10_000)
}

const appToml = (harness: Harness) =>
  ({ ...parse(readFileSync(join(harness.home, 'config', 'app.toml'), 'utf8')) }) as Record<string, unknown>

describe('config-patch ordering', () => {
  it('keeps every key of 40 concurrent patches', async () => {
    h = await createHarness()
    const harness = h
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`)
    const ids = await Promise.all(keys.map((key, i) => patch(harness, key, i)))
    for (const id of ids) await completed(harness, id)
    expect(appToml(harness)).toEqual(Object.fromEntries(keys.map((key, i) => [key, i])))
  })

  it('applies patches of one key in submission order', async () => {
    h = await createHarness()
    const harness = h
    const ids: string[] = []
    for (let i = 1; i <= 20; i++) ids.push(await patch(harness, 'height', i))
    for (const id of ids) await completed(harness, id)
    expect(appToml(harness)['height']).toBe(20)
  })
})
