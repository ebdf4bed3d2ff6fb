/**
 * The durable task store: SQLite through Node's built-in `node:sqlite` (no native build), in WAL mode.
 * This is the only file holding SQL; every statement is prepared once behind a named method.
 *
 * Durability: `synchronous = FULL` makes every commit fsync the WAL before the call returns, so a task
 * acknowledged with 201 survives SIGKILL and power loss alike. The engine groups concurrent writes into
 * one transaction (engine/commit-batcher.ts) so a burst costs one fsync.
 *
 * Never blocking: every call is synchronous, so a lock wait would freeze the event loop (probes
 * included). Once open, `busy_timeout` is 0: while another process holds the write lock, BEGIN fails at
 * once with SQLITE_BUSY (see `isBusyError`) and the engine retries off the event loop or answers 503.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { TaskRecord, TaskStatus } from '../engine/state.js'
import { parseJson, stringifyJson } from '../json.js'
import { MIGRATIONS } from './migrations.js'

export interface TaskStore {
  /** Explicit transactions for group commit; writes outside one autocommit. */
  begin(): void
  commit(): void
  rollback(): void
  /** Inserts a new task at the end of the queue (or already started when `startedAt` is set). */
  insert(task: TaskRecord): void
  /** A failed task submitted again: new run, new place at the end of the queue. */
  requeue(task: TaskRecord): void
  /** Records that a queued task started, with its absolute deadline. */
  markStarted(id: string, startedAt: string, deadlineAt: string | undefined): void
  /** Replaces the outcome fields of an existing task (status, result, error, completedAt). */
  update(task: TaskRecord): void
  get(id: string): TaskRecord | undefined
  /** The newest `limit` tasks, newest first. */
  listNewest(limit: number): TaskRecord[]
  /** `running` tasks that had started (resumed at start-up), in queue order. */
  listStarted(): TaskRecord[]
  /** The first `limit` queued tasks of the given types, in queue (submission) order. */
  nextQueued(types: readonly string[], limit: number): TaskRecord[]
  /** Queued tasks per type. */
  countQueuedByType(): Map<string, number>
  /** Returns true when a row was deleted. */
  delete(id: string): boolean
  /**
   * Deletes up to `batch` terminal tasks completed before `before` or beyond the newest `keep`
   * terminal ones; returns how many. Never touches a running or queued task.
   */
  pruneTerminal(before: string, keep: number, batch: number): number
  /** Throws when the database does not answer. */
  ping(): void
  close(): void
}

/** True for SQLITE_BUSY / SQLITE_LOCKED (another connection holds the lock). */
export function isBusyError(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode
  return typeof code === 'number' && ((code & 0xff) === 5 || (code & 0xff) === 6)
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
  started_at: string | null
  deadline_at: string | null
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
    params: r.params === null ? undefined : parseJson(r.params),
    result: r.result === null ? undefined : parseJson(r.result),
    error: r.error ?? undefined,
    submittedAt: r.submitted_at,
    completedAt: r.completed_at ?? undefined,
    startedAt: r.started_at ?? undefined,
    deadlineAt: r.deadline_at ?? undefined,
  }
}

function toParams(task: TaskRecord): Record<string, string | number | null> {
  return {
    $id: task.id,
    $type: task.type,
    $status: task.status,
    $run: task.run,
    $params: task.params === undefined ? null : stringifyJson(task.params),
    $result: task.result === undefined ? null : stringifyJson(task.result),
    $error: task.error ?? null,
    $submitted_at: task.submittedAt,
    $completed_at: task.completedAt ?? null,
    $started_at: task.startedAt ?? null,
    $deadline_at: task.deadlineAt ?? null,
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

const COLUMNS =
  'id, type, status, run, params, result, error, submitted_at, completed_at, started_at, deadline_at'
const NEXT_QUEUE_SEQ = '(SELECT COALESCE(MAX(queue_seq), 0) + 1 FROM tasks)'
const TERMINAL = "status IN ('completed', 'failed')"
const QUEUED = "status = 'running' AND started_at IS NULL"

function prepareAll(db: DatabaseSync) {
  return {
    insert: db.prepare(
      `INSERT INTO tasks (${COLUMNS}, queue_seq) VALUES ($id, $type, $status, $run, $params, $result, $error,
         $submitted_at, $completed_at, $started_at, $deadline_at, ${NEXT_QUEUE_SEQ})`,
    ),
    requeue: db.prepare(
      `UPDATE tasks SET status = $status, run = $run, params = $params, result = $result, error = $error,
         submitted_at = $submitted_at, completed_at = $completed_at, started_at = $started_at,
         deadline_at = $deadline_at, queue_seq = ${NEXT_QUEUE_SEQ} WHERE id = $id AND type = $type`,
    ),
    markStarted: db.prepare('UPDATE tasks SET started_at = ?, deadline_at = ? WHERE id = ?'),
    update: db.prepare(
      `UPDATE tasks SET status = $status, result = $result, error = $error, completed_at = $completed_at
         WHERE id = $id AND run = $run`,
    ),
    get: db.prepare(`SELECT ${COLUMNS} FROM tasks WHERE id = ?`),
    listNewest: db.prepare(`SELECT ${COLUMNS} FROM tasks ORDER BY submitted_at DESC, seq DESC LIMIT ?`),
    listStarted: db.prepare(
      `SELECT ${COLUMNS} FROM tasks WHERE status = 'running' AND started_at IS NOT NULL ORDER BY queue_seq`,
    ),
    nextQueued: db.prepare(
      `SELECT ${COLUMNS} FROM tasks WHERE ${QUEUED} AND type IN (SELECT value FROM json_each(?))
         ORDER BY queue_seq LIMIT ?`,
    ),
    countQueued: db.prepare(`SELECT type, COUNT(*) AS n FROM tasks WHERE ${QUEUED} GROUP BY type`),
    delete: db.prepare('DELETE FROM tasks WHERE id = ?'),
    pruneOld: db.prepare(
      `DELETE FROM tasks WHERE seq IN
         (SELECT seq FROM tasks WHERE ${TERMINAL} AND completed_at < ? ORDER BY seq LIMIT ?)`,
    ),
    pruneExcess: db.prepare(
      `DELETE FROM tasks WHERE seq IN
         (SELECT seq FROM tasks WHERE ${TERMINAL} ORDER BY seq DESC LIMIT ? OFFSET ?)`,
    ),
    ping: db.prepare('SELECT 1 AS ok'),
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
  } satisfies Record<string, StatementSync>
}

/** Opens (creating if needed) the store at `path`, applies migrations and returns it. Throws on failure. */
export function openStore(path: string): TaskStore {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const db = new DatabaseSync(path)
  let s: ReturnType<typeof prepareAll>
  try {
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA synchronous = FULL')
    // Start-up may wait for a lock (nothing is served yet); once serving, never (see the module comment).
    db.exec('PRAGMA busy_timeout = 5000')
    migrate(db)
    db.exec('PRAGMA busy_timeout = 0')
    s = prepareAll(db)
  } catch (error) {
    db.close()
    throw error
  }
  return {
    begin: () => void s.begin.run(),
    commit: () => void s.commit.run(),
    rollback: () => void s.rollback.run(),
    insert: (task) => void s.insert.run(toParams(task)),
    requeue: (task) => {
      if (Number(s.requeue.run(toParams(task)).changes) !== 1)
        throw new Error(`requeueing task ${task.id}: no such row`)
    },
    markStarted: (id, startedAt, deadlineAt) => void s.markStarted.run(startedAt, deadlineAt ?? null, id),
    update: (task) => {
      const all = toParams(task)
      const outcome = ['$status', '$result', '$error', '$completed_at', '$id', '$run'].map((k) => [
        k,
        all[k] ?? null,
      ])
      const changes = s.update.run(Object.fromEntries(outcome)).changes
      if (Number(changes) !== 1) throw new Error(`updating task ${task.id} run ${task.run}: no such row`)
    },
    get: (id) => {
      const row = s.get.get(id)
      return row === undefined ? undefined : fromRow(row)
    },
    listNewest: (limit) => s.listNewest.all(limit).map(fromRow),
    listStarted: () => s.listStarted.all().map(fromRow),
    nextQueued: (types, limit) => s.nextQueued.all(JSON.stringify(types), limit).map(fromRow),
    countQueuedByType: () =>
      new Map(s.countQueued.all().map((row) => [String(row['type']), Number(row['n'])] as const)),
    delete: (id) => Number(s.delete.run(id).changes) > 0,
    pruneTerminal: (before, keep, batch) => {
      const old = Number(s.pruneOld.run(before, batch).changes)
      if (old >= batch) return old
      return old + Number(s.pruneExcess.run(batch - old, keep).changes)
    },
    ping: () => void s.ping.get(),
    close: () => {
      if (db.isOpen) db.close()
    },
  }
}
