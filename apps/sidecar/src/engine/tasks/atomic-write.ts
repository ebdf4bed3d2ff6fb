/**
 * Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the target,
 * then fsync the directory. Without the directory fsync a power cut after the rename can bring back the
 * old directory entry: a completed patch reverts, a new node_key.json vanishes (the node id changes).
 */
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { link, lstat, mkdir, open, readdir, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Temp files are `.<target name>.<12 hex>.tmp` beside the target. */
const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/

/** Mode and owner of the file being written; an existing target's are kept. */
export interface FileMeta {
  readonly mode: number
  readonly uid?: number
  readonly gid?: number
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function writeTemp(path: string, data: string, meta: FileMeta): Promise<string> {
  await mkdir(dirname(path), { recursive: true })
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', meta.mode)
  try {
    // The umask narrows the mode given to open(); chmod sets it exactly (0600 stays 0600, 0640 stays 0640).
    await handle.chmod(meta.mode)
    if (meta.uid !== undefined && meta.gid !== undefined) await handle.chown(meta.uid, meta.gid)
    await handle.writeFile(data)
    await handle.sync()
  } catch (error) {
    await handle.close()
    await unlink(temp).catch(() => undefined)
    throw error
  }
  await handle.close()
  return temp
}

/** Throws when `path` exists as a symlink: replacing it would swap the link for a file, silently. */
async function refuseSymlink(path: string): Promise<void> {
  const stat = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (stat?.isSymbolicLink()) throw new Error(`${path} is a symlink; refusing to replace it`)
}

/**
 * Replaces `path` atomically and durably: readers see the old or the new content, never a torn file,
 * and once this resolves the new content survives a power cut. Refuses a symlink target.
 */
export async function writeFileAtomic(
  path: string,
  data: string,
  meta: FileMeta = { mode: 0o644 },
): Promise<void> {
  await refuseSymlink(path)
  const temp = await writeTemp(path, data, meta)
  try {
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
  await syncDirectory(dirname(path))
}

/**
 * Creates `path` atomically only if it does not exist (a hard link fails with EEXIST instead of
 * overwriting), durably. Returns false when the file was already there.
 */
export async function createFileAtomic(path: string, data: string, mode = 0o600): Promise<boolean> {
  const temp = await writeTemp(path, data, { mode })
  try {
    await link(temp, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    await unlink(temp).catch(() => undefined)
  }
  await syncDirectory(dirname(path))
  return true
}

/**
 * Deletes temp files left in `dir` by writes a crash interrupted (called at start, before any task
 * runs). Returns the names removed; a missing directory has none.
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw error
  })
  const stale = names.filter((name) => TEMP_FILE.test(name))
  for (const name of stale) await unlink(join(dir, name)).catch(() => undefined)
  return stale
}
