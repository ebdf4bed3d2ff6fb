import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkRepository, checkVersion, DEFAULT_REPOSITORY, imageRef } from './refs.js'

describe('image references', () => {
  it('are <repository>/<app>:v<version>', () => {
    expect(imageRef(DEFAULT_REPOSITORY, 'sidecar', '1.2.3')).toBe('localhost/sei-k8s/sidecar:v1.2.3')
    expect(imageRef('registry.example.com:5000/sei', 'controller', '1.2.3-rc.1')).toBe(
      'registry.example.com:5000/sei/controller:v1.2.3-rc.1',
    )
  })

  it('reject a version that is not semantic and name the value', () => {
    expect(checkVersion('1.2.3')).toBeUndefined()
    expect(checkVersion('v1.2')).toBe('--version must be a semantic version like 1.2.3, got "v1.2"')
  })

  it('reject a repository with a tag, upper case or a trailing slash', () => {
    expect(checkRepository(DEFAULT_REPOSITORY)).toBeUndefined()
    expect(checkRepository('ghcr.io/sei-protocol')).toBeUndefined()
    for (const bad of ['localhost/sei:1', 'Localhost/sei', 'localhost/sei/', ''])
      expect(checkRepository(bad)).toContain(`got "${bad}"`)
  })
})

describe('the release version', () => {
  it('is the version of the root package.json and of every app it ships', () => {
    const version = (path: string) =>
      (JSON.parse(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8')) as { version: string })
        .version
    const root = version('package.json')
    expect(checkVersion(root)).toBeUndefined()
    for (const app of ['sidecar', 'controller']) expect(version(`apps/${app}/package.json`), app).toBe(root)
  })
})
