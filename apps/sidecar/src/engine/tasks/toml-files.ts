/**
 * The three seid config files the config tasks may touch, and the TOML helpers shared by them.
 *
 * TOML goes through `@decimalturn/toml-patch`: it parses int64 values beyond 2^53 as `bigint`, and
 * `patch(text, value)` rewrites only what changed, so comments, layout, untouched keys and float
 * spellings such as `1.0` survive a patch. Reads never follow a symlink (O_NOFOLLOW).
 */
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { parse, patch as patchToml, stringify } from '@decimalturn/toml-patch'

/** Only these names under `<home>/config/` are patchable; anything else (or any path) is rejected. */
export const CONFIG_FILES = ['app.toml', 'config.toml', 'client.toml'] as const
export type ConfigFile = (typeof CONFIG_FILES)[number]

export function configFilePath(home: string, file: ConfigFile): string {
  return join(home, 'config', file)
}

export type TomlTable = Record<string, unknown>

function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

/** A config file as read: its text (for a faithful patch), parsed table, and mode/owner to keep. */
export interface TomlFile {
  readonly text: string
  readonly table: TomlTable
  readonly mode: number
  readonly uid: number
  readonly gid: number
}

/**
 * Reads and parses one config file; `undefined` when it does not exist. A symlink is refused (ELOOP)
 * rather than followed: the task must not read or replace a file outside `<SEI_HOME>/config`.
 */
export async function readTomlFile(path: string): Promise<TomlFile | undefined> {
  let text: string
  let stat: { mode: number; uid: number; gid: number }
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW)
    try {
      stat = await handle.stat()
      text = await handle.readFile('utf8')
    } finally {
      await handle.close()
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    if (code === 'ELOOP') throw new Error(`${path} is a symlink; refusing to follow it`, { cause: error })
    throw new Error(`reading ${path}: ${(error as Error).message}`, { cause: error })
  }
  try {
    const table = parse(text, { integersAsBigInt: 'asNeeded' }) as TomlTable
    return { text, table, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid }
  } catch (error) {
    throw new Error(`parsing ${path}: ${(error as Error).message.split('\n')[0]}`, { cause: error })
  }
}

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n }

/**
 * The first value under `value` that TOML cannot hold (null, an integer outside int64, a non-finite
 * number, a string with a lone surrogate), as `path: reason`; undefined when all of it encodes.
 */
export function findUnencodable(value: unknown, path: string): string | undefined {
  if (value === null) return `${path}: null cannot be written to TOML`
  if (typeof value === 'bigint' && (value < INT64.min || value > INT64.max)) {
    return `${path}: ${value} is outside the TOML integer range (int64)`
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return `${path}: ${value} is not a finite number`
  if (typeof value === 'string' && !value.isWellFormed()) {
    return `${path}: string contains a lone surrogate (not valid Unicode, cannot be written to TOML)`
  }
  if (typeof value !== 'object' || value instanceof Date) return undefined
  for (const [key, child] of Object.entries(value)) {
    if (!key.isWellFormed()) return `${path}: key contains a lone surrogate`
    const found = findUnencodable(child, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`)
    if (found) return found
  }
  return undefined
}

/**
 * Deep merge of `patch` into `base`, returning a new table: tables merge key by key, every other value
 * (scalars, arrays) replaces the old one. Keys are defined, never assigned, so no key can reach a
 * prototype. Pure.
 */
export function deepMerge(base: TomlTable, patch: TomlTable): TomlTable {
  const out: TomlTable = {}
  for (const [key, value] of Object.entries(base)) define(out, key, value)
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key]
    define(out, key, isTable(current) && isTable(value) ? deepMerge(current, value) : value)
  }
  return out
}

function define(target: TomlTable, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** The new text of a file: `existing` patched in place (comments kept), or a fresh rendering. */
export function renderToml(existing: string | undefined, table: TomlTable): string {
  if (existing === undefined || existing.trim() === '') return stringify(table)
  return patchToml(existing, table)
}
