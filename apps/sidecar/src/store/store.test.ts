import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { tempHome } from '../__tests__/harness.js'
import type { TaskRecord } from '../engine/state.js'
import { storePath } from '../home.js'
import { MIGRATIONS } from './migrations.js'
import { openStore } from './store.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn()
})
function path(): string {
  const { home, remove } = tempHome()
  cleanups.push(remove)
  return storePath(home)
}
const task = (id: string, extra: Partial<TaskRecord> = {}): TaskRecord => ({
  id,
  type: 'mark-ready',
  status: 'running',
  run: 1,
  submittedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
})

describe('task store', () => {
  it('persists tasks across reopen, with params and results as JSON', () => {
    const file = path()
    const store = openStore(file)
    store.insert(task('a', { params: { files: { 'app.toml': { x: 1 } } } }))
    store.update(
      task('a', { status: 'completed', result: { pid: 3 }, completedAt: '2026-01-01T00:00:01.000Z' }),
    )
    store.close()
    const again = openStore(file)
    cleanups.push(() => again.close())
    expect(again.get('a')).toEqual(
      task('a', { status: 'completed', result: { pid: 3 }, completedAt: '2026-01-01T00:00:01.000Z' }),
    )
  })

  it('uses WAL and records the schema version in user_version', () => {
    const file = path()
    openStore(file).close()
    const db = new DatabaseSync(file)
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: MIGRATIONS.length })
    db.close()
  })

  it('migrates a version-1 store forward, keeping its rows', () => {
    const file = path()
    openStore(file).close()
    const db = new DatabaseSync(file)
    db.exec('DROP INDEX tasks_submitted')
    db.exec('PRAGMA user_version = 1')
    db.exec(
      "INSERT INTO tasks (id, type, status, run, submitted_at) VALUES ('old', 'mark-ready', 'completed', 1, 'x')",
    )
    db.close()
    const store = openStore(file)
    cleanups.push(() => store.close())
    expect(store.get('old')?.status).toBe('completed')
    const check = new DatabaseSync(file)
    expect(check.prepare('PRAGMA user_version').get()).toEqual({ user_version: MIGRATIONS.length })
    check.close()
  })

  it('refuses a store written by a newer sidecar', () => {
    const file = path()
    openStore(file).close()
    const db = new DatabaseSync(file)
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`)
    db.close()
    expect(() => openStore(file)).toThrow(/newer than this sidecar knows/)
  })

  it('lists newest first, capped, and by status in submission order', () => {
    const store = openStore(path())
    cleanups.push(() => store.close())
    for (const id of ['a', 'b', 'c']) store.insert(task(id))
    store.update(task('b', { status: 'failed', error: 'x' }))
    expect(store.listNewest(2).map((t) => t.id)).toEqual(['c', 'b'])
    // A re-run is submitted anew: it lists first.
    store.update(task('a', { run: 2, submittedAt: '2026-01-01T00:00:09.000Z' }))
    expect(store.listNewest(3).map((t) => t.id)).toEqual(['a', 'c', 'b'])
    expect(store.listByStatus('running').map((t) => t.id)).toEqual(['a', 'c'])
    expect(store.delete('a')).toBe(true)
    expect(store.delete('a')).toBe(false)
  })

  it('rejects a duplicate id and an update of a missing row', () => {
    const store = openStore(path())
    cleanups.push(() => store.close())
    store.insert(task('a'))
    expect(() => store.insert(task('a'))).toThrow(/UNIQUE/)
    expect(() => store.update(task('zz'))).toThrow(/no such row/)
  })

  it('throws from ping once closed', () => {
    const store = openStore(path())
    store.close()
    expect(() => store.ping()).toThrow()
  })
})
