/**
 * Ordered schema migrations of the task store. Entry N moves the schema from `user_version` N to N+1;
 * never edit a released entry, append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE tasks (
     seq          INTEGER PRIMARY KEY AUTOINCREMENT,
     id           TEXT NOT NULL UNIQUE,
     type         TEXT NOT NULL,
     status       TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
     run          INTEGER NOT NULL CHECK (run >= 1),
     params       TEXT,
     result       TEXT,
     error        TEXT,
     submitted_at TEXT NOT NULL,
     completed_at TEXT
   );
   CREATE INDEX tasks_status ON tasks (status);`,
  // A re-run (failed → running) updates submitted_at; listing newest-first must see it as new.
  'CREATE INDEX tasks_submitted ON tasks (submitted_at DESC, seq DESC);',
  // Bounded concurrency: a `running` task with started_at NULL is queued; queue_seq is its place in the
  // queue (submission order of its current run). deadline_at is the persisted absolute deadline.
  `ALTER TABLE tasks ADD COLUMN queue_seq INTEGER;
   ALTER TABLE tasks ADD COLUMN started_at TEXT;
   ALTER TABLE tasks ADD COLUMN deadline_at TEXT;
   UPDATE tasks SET queue_seq = seq, started_at = submitted_at;
   CREATE INDEX tasks_queue ON tasks (status, started_at, queue_seq);
   CREATE INDEX tasks_queue_seq ON tasks (queue_seq);`,
]
