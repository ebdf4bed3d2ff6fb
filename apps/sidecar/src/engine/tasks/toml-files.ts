/** The three seid config files the config tasks may touch, and TOML helpers shared by them. */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'smol-toml'

/** Only these names under `<home>/config/` are patchable; anything else (or any path) is rejected. */
export const CONFIG_FILES = ['app.toml', 'config.toml', 'client.toml'] as const
export type ConfigFile = (typeof CONFIG_FILES)[number]

export function configFilePath(home: string, file: ConfigFile): string {
  return join(home, 'config', file)
}

export type TomlTable = Record<string, unknown>

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

/** Reads and parses one config file; `undefined` when it does not exist. Errors name the file. */
export async function readTomlFile(path: string): Promise<TomlTable | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`reading ${path}: ${(error as Error).message}`, { cause: error })
  }
  try {
    return parse(text) as TomlTable
  } catch (error) {
    throw new Error(`parsing ${path}: ${(error as Error).message.split('\n')[0]}`, { cause: error })
  }
}

/**
 * Deep merge of `patch` into `base`, returning a new table: tables merge key by key, every other value
 * (scalars, arrays) replaces the old one. Pure.
 */
export function deepMerge(base: TomlTable, patch: TomlTable): TomlTable {
  const out: TomlTable = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key]
    out[key] = isTable(current) && isTable(value) ? deepMerge(current, value) : value
  }
  return out
}
