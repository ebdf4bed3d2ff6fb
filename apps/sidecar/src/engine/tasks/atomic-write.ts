/** Crash-safe file replacement: write a temp file beside the target, fsync it, rename over the target. */
import { randomBytes } from 'node:crypto'
import { link, mkdir, open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

async function writeTemp(path: string, data: string, mode: number): Promise<string> {
  await mkdir(dirname(path), { recursive: true })
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', mode)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  return temp
}

/** Replaces `path` atomically: readers see the old or the new content, never a torn file. */
export async function writeFileAtomic(path: string, data: string, mode = 0o644): Promise<void> {
  const temp = await writeTemp(path, data, mode)
  try {
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
}

/**
 * Creates `path` atomically only if it does not exist (a hard link fails with EEXIST instead of
 * overwriting). Returns false when the file was already there.
 */
export async function createFileAtomic(path: string, data: string, mode = 0o600): Promise<boolean> {
  const temp = await writeTemp(path, data, mode)
  try {
    await link(temp, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    await unlink(temp).catch(() => undefined)
  }
}
