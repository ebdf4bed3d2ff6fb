/** Every built-in task type. Add a new type here after writing its file. */
import type { TaskDefinition } from '../registry.js'
import { awaitCondition } from './await-condition.js'
import { configPatch } from './config-patch.js'
import { configValidate } from './config-validate.js'
import { generateIdentity } from './generate-identity.js'
import { markNotReady, markReady } from './readiness.js'
import { restartSeid } from './restart-seid.js'

export const BUILTIN_TASKS: readonly TaskDefinition[] = [
  markReady,
  markNotReady,
  generateIdentity,
  configPatch,
  configValidate,
  restartSeid,
  awaitCondition,
] as readonly TaskDefinition[]
