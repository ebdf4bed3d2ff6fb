/** SEI_HOME checks at start-up: the directory must exist (or be creatable) and accept writes. */
import { randomBytes } from 'node:crypto'
import { mkdir, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ENV } from '@sei-k8s/contract'

/** Where the task store lives inside SEI_HOME. */
export function storePath(home: string): string {
  return join(home, 'sidecar', 'tasks.db')
}

/** Returns undefined when `home` is a writable directory, else a message naming SEI_HOME and the value. */
export async function checkHomeWritable(home: string): Promise<string | undefined> {
  const probe = join(home, `.sidecar-write-probe-${randomBytes(4).toString('hex')}`)
  try {
    await mkdir(home, { recursive: true })
    await writeFile(probe, '')
    await unlink(probe)
    return undefined
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    return `${ENV.home}=${JSON.stringify(home)}: not a writable directory (${code}: ${(error as Error).message})`
  }
}
