import { describe, expect, it } from 'vitest'
import { HEADERS, PUBLIC_PATHS, TASK_API_PATHS, taskPath } from './http.js'

describe('paths', () => {
  it('keeps the public and task API path sets disjoint', () => {
    const publicPaths = new Set<string>(Object.values(PUBLIC_PATHS))
    const overlap = Object.values(TASK_API_PATHS).filter((p) => publicPaths.has(p))
    expect(overlap).toEqual([])
  })

  it('never nests a task path under a public path or the reverse', () => {
    for (const pub of Object.values(PUBLIC_PATHS)) {
      for (const task of Object.values(TASK_API_PATHS)) {
        expect(task.startsWith(`${pub}/`)).toBe(false)
        expect(pub.startsWith(`${task}/`)).toBe(false)
      }
    }
  })

  it('serves exactly the four public paths of the listener split', () => {
    expect(Object.values(PUBLIC_PATHS).sort()).toEqual([
      '/v0/healthz',
      '/v0/livez',
      '/v0/metrics',
      '/v0/startupz',
    ])
  })

  it('builds a task path with the id escaped', () => {
    expect(taskPath('a/b')).toBe('/v0/tasks/a%2Fb')
  })

  it('uses the identity header names kube-rbac-proxy sets', () => {
    expect(HEADERS.remoteUser.toLowerCase()).toBe('x-remote-user')
    expect(HEADERS.remoteGroups.toLowerCase()).toBe('x-remote-groups')
  })
})
