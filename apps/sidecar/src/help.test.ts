import { ENV, formatEnvDefault, SIDECAR_LIMITS } from '@sei-k8s/contract'
import { describe, expect, it } from 'vitest'
import { BUILTIN_TASKS } from './engine/tasks/index.js'
import { helpText } from './help.js'

describe('helpText', () => {
  const text = helpText(BUILTIN_TASKS)

  it('lists every variable with the contract default', () => {
    for (const key of Object.keys(ENV) as Array<keyof typeof ENV>) {
      expect(text).toMatch(new RegExp(`${ENV[key]}\\s+${formatEnvDefault(key).replace(/[.()]/g, '\\$&')}\\s`))
    }
    expect(text).toMatch(/SEI_SIDECAR_SEID_RPC_URL\s+http:\/\/127\.0\.0\.1:26657/)
  })

  it('states the limits and every task type', () => {
    expect(text).toContain(`depth ${SIDECAR_LIMITS.params.maxDepth}`)
    expect(text).toContain(`queue in submission order of ${SIDECAR_LIMITS.tasks.maxQueued}; beyond it 429`)
    for (const task of BUILTIN_TASKS) expect(text).toContain(task.type)
  })
})
