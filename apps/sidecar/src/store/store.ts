/**
 * The durable task store: SQLite through Node's built-in `node:sqlite` (no native build), in WAL mode.
 * This is the only file holding SQL; every statement is prepared once behind a named method.
 *
 * Durability: `synchronous = FULL` makes every commit fsync the WAL before the call returns, so a task
 * acknowledged with 201 survives SIGKILL and power loss alike. The engine groups concurrent writes into
 * one transaction (engine/commit-batcher.ts) so a burst costs one fsync.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { TaskRecord, TaskStatus } from '../engine/state.js'
import { MIGRATIONS } from './migrations.js'

export interface TaskStore {
  /** Explicit transactions for group commit; writes outside one autocommit. */
  begin(): void
  commit(): void
  rollback(): void
  /** Inserts a new task. */
  insert(task: TaskRecord): void
  /** Replaces the mutable fields of an existing task (status, run, params, result, error, times). */
  update(task: TaskRecord): void
  get(id: string): TaskRecord | undefined
  /** The newest `limit` tasks, newest first. */
  listNewest(limit: number): TaskRecord[]
  listByStatus(status: TaskStatus): TaskRecord[]
  /** Returns true when a row was deleted. */
  delete(id: string): boolean
  /** Throws when the database does not answer. */
  ping(): void
  close(): void
}

interface Row {
  id: string
  type: string
  status: string
  run: number
  params: string | null
  result: string | null
  error: string | null
  submitted_at: string
  completed_at: string | null
}

function isStatus(value: string): value is TaskStatus {
  return value === 'running' || value === 'completed' || value === 'failed'
}

function fromRow(row: Record<string, unknown>): TaskRecord {
  const r = row as unknown as Row
  if (!isStatus(r.status))
    throw new Error(`task ${r.id}: unknown status ${JSON.stringify(r.status)} in store`)
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    run: Number(r.run),
    params: r.params === null ? undefined : (JSON.parse(r.params) as unknown),
    result: r.result === null ? undefined : (JSON.parse(r.result) as unknown),
    error: r.error ?? undefined,
    submittedAt: r.submitted_at,
    completedAt: r.completed_at ?? undefined,
  }
}

function toParams(task: TaskRecord): Record<string, string | number | null> {
  return {
    $id: task.id,
    $type: task.type,
    $status: task.status,
    $run: task.run,
    $params: task.params === undefined ? null : JSON.stringify(task.params),
    $result: task.result === undefined ? null : JSON.stringify(task.result),
    $error: task.error ?? null,
    $submitted_at: task.submittedAt,
    $completed_at: task.completedAt ?? null,
  }
}

function migrate(db: DatabaseSync): void {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined
  const current = Number(row?.user_version ?? 0)
  if (current > MIGRATIONS.length) {
    throw new Error(
      `task store schema version ${current} is newer than this sidecar knows (${MIGRATIONS.length}); refusing to downgrade`,
    )
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(MIGRATIONS[version] ?? '')
      db.exec(`PRAGMA user_version = ${version + 1}`)
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw new Error(`migrating task store to version ${version + 1}`, { cause: error })
    }
  }
}

/** Opens (creating if needed) the store at `path`, applies migrations and returns it. Throws on failure. */
export function openStore(path: string): TaskStore {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const db = new DatabaseSync(path)
  try {
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA synchronous = FULL')
    // Another process (a stray second sidecar) holding the lock makes writes wait instead of failing at once.
    db.exec('PRAGMA busy_timeout = 5000')
    migrate(db)
  } catch (error) {
    db.close()
    throw error
  }
  const columns = 'id, type, status, run, params, result, error, submitted_at, completed_at'
  const statements: Record<string, StatementSync> = {
    insert: db.prepare(
      `INSERT INTO tasks (${columns}) VALUES ($id, $type, $status, $run, $params, $result, $error, $submitted_at, $completed_at)`,
    ),
    update: db.prepare(
      `UPDATE tasks SET type = $type, status = $status, run = $run, params = $params, result = $result,
         error = $error, submitted_at = $submitted_at, completed_at = $completed_at WHERE id = $id`,
    ),
    get: db.prepare(`SELECT ${columns} FROM tasks WHERE id = ?`),
    listNewest: db.prepare(`SELECT ${columns} FROM tasks ORDER BY submitted_at DESC, seq DESC LIMIT ?`),
    listByStatus: db.prepare(`SELECT ${columns} FROM tasks WHERE status = ? ORDER BY seq`),
    delete: db.prepare('DELETE FROM tasks WHERE id = ?'),
    ping: db.prepare('SELECT 1 AS ok'),
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
  }
  const stmt = (name: string): StatementSync => {
    const found = statements[name]
    if (!found) throw new Error(`no statement ${name}`)
    return found
  }
  return {
    begin: () => void stmt('begin').run(),
    commit: () => void stmt('commit').run(),
    rollback: () => void stmt('rollback').run(),
    insert: (task) => void stmt('insert').run(toParams(task)),
    update: (task) => {
      const changes = stmt('update').run(toParams(task)).changes
      if (Number(changes) !== 1) throw new Error(`updating task ${task.id}: no such row`)
    },
    get: (id) => {
      const row = stmt('get').get(id)
      return row === undefined ? undefined : fromRow(row)
    },
    listNewest: (limit) => stmt('listNewest').all(limit).map(fromRow),
    listByStatus: (status) => stmt('listByStatus').all(status).map(fromRow),
    delete: (id) => Number(stmt('delete').run(id).changes) > 0,
    ping: () => void stmt('ping').get(),
    close: () => {
      if (db.isOpen) db.close()
    },
  }
}
