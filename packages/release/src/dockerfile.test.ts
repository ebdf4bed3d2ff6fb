/** The Dockerfiles promise the same files and config as the daemonless release; hold them to it. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { APP_DIR } from './app.js'
import { NONROOT_ID } from './base.js'
import { NODE_PATH } from './node-binary.js'
import { APPS } from './refs.js'
import { IMAGE_ENV } from './release.js'

describe.each(APPS)('$dir/Dockerfile', (app) => {
  const text = readFileSync(new URL(`../../../${app.dir}/Dockerfile`, import.meta.url), 'utf8')
  const instruction = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name} `))
      .map((line) => line.slice(name.length + 1))

  it('assembles its root with `sei-release rootfs` and copies it into an empty image', () => {
    expect(text).toContain(`packages/release/dist/cli.js rootfs ${app.name} /rootfs`)
    expect(instruction('FROM').at(-1)).toBe('scratch')
    expect(instruction('COPY').at(-1)).toBe('--from=build /rootfs/ /')
  })

  it('sets the user, working directory, environment and entrypoint of the release images', () => {
    expect(instruction('USER')).toEqual([`${NONROOT_ID}:${NONROOT_ID}`])
    expect(instruction('WORKDIR').at(-1)).toBe(APP_DIR)
    expect(instruction('ENV')).toEqual([[...IMAGE_ENV, ...app.env].join(' ')])
    expect(instruction('ENTRYPOINT')).toEqual([
      JSON.stringify([NODE_PATH, `${APP_DIR}/${app.entry}`]).replaceAll(',', ', '),
    ])
  })
})
