import { describe, expect, it } from 'vitest'
import { completeTask, decideSubmission, failTask, type TaskRecord, toTaskResult } from './state.js'

const T0 = '2026-01-01T00:00:00.000Z'
const T1 = '2026-01-01T00:00:05.000Z'
const sub = { id: 'a', type: 'mark-ready' }
const running: TaskRecord = { id: 'a', type: 'mark-ready', status: 'running', run: 1, submittedAt: T0 }

describe('decideSubmission', () => {
  it('creates run 1 for a new id', () => {
    expect(decideSubmission(undefined, sub, T0)).toEqual({ kind: 'create', task: running })
  })

  it.each(['running', 'completed'] as const)('leaves a %s task unchanged', (status) => {
    const existing = { ...running, status }
    expect(decideSubmission(existing, sub, T1)).toEqual({ kind: 'unchanged', task: existing })
  })

  it('re-runs a failed task with run + 1, clearing the old outcome', () => {
    const failed = failTask({ ...running, run: 2 }, 'boom', T0)
    expect(decideSubmission(failed, { ...sub, params: {} }, T1)).toEqual({
      kind: 'rerun',
      task: { id: 'a', type: 'mark-ready', params: {}, status: 'running', run: 3, submittedAt: T1 },
    })
  })

  it('reports the same id with another type as a conflict', () => {
    expect(decideSubmission(running, { id: 'a', type: 'restart-seid' }, T1).kind).toBe('conflict')
  })
})

describe('outcomes', () => {
  it('completes with a result and drops any error', () => {
    expect(completeTask({ ...running, error: 'old' }, { pid: 7 }, T1)).toEqual({
      ...running,
      status: 'completed',
      result: { pid: 7 },
      completedAt: T1,
    })
  })

  it('fails with the message and drops any result', () => {
    expect(failTask({ ...running, result: 1 }, 'boom', T1)).toEqual({
      ...running,
      status: 'failed',
      error: 'boom',
      completedAt: T1,
    })
  })

  it('omits absent fields on the wire', () => {
    expect(toTaskResult(running)).toEqual({
      id: 'a',
      type: 'mark-ready',
      status: 'running',
      run: 1,
      submittedAt: T0,
    })
    expect(Object.keys(toTaskResult(failTask(running, 'x', T1)))).toEqual([
      'id',
      'type',
      'status',
      'run',
      'error',
      'submittedAt',
      'completedAt',
    ])
  })
})
