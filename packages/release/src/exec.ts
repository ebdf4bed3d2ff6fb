/** Runs the external tools of a release (apt-get, dpkg-deb, tar, umoci, skopeo, pnpm, npm) and fails loudly. */
import { spawnSync } from 'node:child_process'
import { ReleaseError } from './errors.js'

export interface ExecOptions {
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  /** Bytes written to the tool's stdin. */
  readonly input?: string
}

/** Runs `command args…`, returns stdout; a missing tool or a non-zero exit throws with its stderr. */
export function exec(command: string, args: readonly string[], options: ExecOptions = {}): string {
  const result = spawnSync(command, [...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  const line = `${command} ${args.join(' ')}`
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code
    throw new ReleaseError(
      code === 'ENOENT' ? 'RELEASE_TOOL_MISSING' : 'RELEASE_TOOL_FAILED',
      code === 'ENOENT'
        ? `${command} is not installed (needed for: ${line})`
        : `${line}: ${result.error.message}`,
    )
  }
  if (result.status !== 0) {
    const stderr = result.stderr.trim().split('\n').slice(-15).join('\n')
    throw new ReleaseError('RELEASE_TOOL_FAILED', `${line} exited ${result.status}:\n${stderr}`)
  }
  return result.stdout
}
