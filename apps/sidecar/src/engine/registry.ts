/**
 * The task-type registry: `type → {paramsSchema, run}`. Adding a task type is one file under `tasks/`
 * plus one line in `tasks/index.ts`; the engine, routes and metrics pick it up from here.
 */
import type { Static, TSchema } from '@sinclair/typebox'
import type { Logger } from 'pino'
import { validationError } from './validate.js'

/** What a handler may touch. Everything is injected so handlers stay testable without a server. */
export interface TaskContext {
  readonly taskId: string
  /** Aborted when the task is cancelled or the sidecar shuts down; handlers must stop promptly. */
  readonly signal: AbortSignal
  readonly home: string
  readonly chainId: string
  readonly seidRpcUrl: string
  readonly readiness: { set(isReady: boolean): void }
  readonly log: Logger
  /** Resolves after `ms`, rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>
  /** Root of the proc file system: `/proc` in production (shared process namespace of the pod). */
  readonly procRoot: string
  /**
   * Absolute deadline (epoch ms) of this run when the type declares `timeoutSeconds`: fixed when the
   * task first started and persisted, so a restart resumes with the time left, not a fresh timeout.
   */
  readonly deadlineMs?: number | undefined
}

export interface TaskDefinition<S extends TSchema = TSchema> {
  readonly type: string
  /** One line for `--help` and docs. */
  readonly summary: string
  readonly paramsSchema: S
  /**
   * Tasks of the types sharing a lane run one at a time, in submission order (e.g. every type that
   * read-merge-writes the config files). Without a lane, a type runs up to the per-type limit at once.
   */
  readonly lane?: string
  /** Checks across fields the schema cannot express; a message naming the field, else undefined. */
  check?(params: Static<S>): string | undefined
  /** The run's time budget from these params; the engine turns it into a persisted absolute deadline. */
  timeoutSeconds?(params: Static<S>): number | undefined
  /** Returns the task's JSON result; throwing marks the task failed with the error's message. */
  run(params: Static<S>, ctx: TaskContext): Promise<unknown>
}

/** Keeps the schema/params link typed at each definition site. */
export function defineTask<S extends TSchema>(definition: TaskDefinition<S>): TaskDefinition<S> {
  return definition
}

export interface TaskRegistry {
  readonly types: readonly string[]
  get(type: string): TaskDefinition | undefined
  /** Undefined when `params` (absent = `{}`) fit the type's schema, else a message naming the field. */
  checkParams(type: string, params: unknown): string | undefined
}

export function createRegistry(definitions: readonly TaskDefinition[]): TaskRegistry {
  const byType = new Map<string, TaskDefinition>()
  for (const definition of definitions) {
    if (byType.has(definition.type)) throw new Error(`task type ${definition.type} registered twice`)
    byType.set(definition.type, definition)
  }
  return {
    types: [...byType.keys()].sort(),
    get: (type) => byType.get(type),
    checkParams: (type, params) => {
      const definition = byType.get(type)
      if (!definition) return `unknown task type ${JSON.stringify(type)}`
      const value = params ?? {}
      return validationError(definition.paramsSchema, value, 'params') ?? definition.check?.(value)
    },
  }
}
