import { mkdirSync, renameSync } from 'node:fs'
import { dirname } from 'node:path'
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
      task('a', {
        status: 'completed',
        params: { files: { 'app.toml': { x: 1 } } },
        result: { pid: 3 },
        completedAt: '2026-01-01T00:00:01.000Z',
      }),
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

  it('migrates a version-1 store forward, keeping its rows; its running tasks count as started', () => {
    const file = path()
    mkdirSync(dirname(file), { recursive: true })
    const db = new DatabaseSync(file.replace(/tasks\.db$/, 'v1.db'))
    db.exec(MIGRATIONS[0] ?? '')
    db.exec('PRAGMA user_version = 1')
    db.exec(
      "INSERT INTO tasks (id, type, status, run, submitted_at) VALUES ('old', 'mark-ready', 'completed', 1, 'x'), ('live', 'mark-ready', 'running', 1, 'y')",
    )
    db.close()
    renameSync(file.replace(/tasks\.db$/, 'v1.db'), file)
    const store = openStore(file)
    cleanups.push(() => store.close())
    expect(store.get('old')?.status).toBe('completed')
    expect(store.listStarted().map((t) => t.id)).toEqual(['live'])
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
    // A re-run is submitted anew: it lists first and queues last.
    store.requeue(task('a', { run: 2, submittedAt: '2026-01-01T00:00:09.000Z' }))
    expect(store.listNewest(3).map((t) => t.id)).toEqual(['a', 'c', 'b'])
    expect(store.nextQueued(['mark-ready'], 10).map((t) => t.id)).toEqual(['c', 'a'])
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

  it('keeps the queue in submission order and tells started from queued tasks', () => {
    const store = openStore(path())
    cleanups.push(() => store.close())
    for (const id of ['q1', 'q2', 'q3'])
      store.insert(task(id, { type: id === 'q2' ? 'other' : 'mark-ready' }))
    store.insert(task('s1', { startedAt: '2026-01-01T00:00:00.000Z' }))
    expect(store.nextQueued(['mark-ready', 'other'], 10).map((t) => t.id)).toEqual(['q1', 'q2', 'q3'])
    expect(store.nextQueued(['mark-ready'], 1).map((t) => t.id)).toEqual(['q1'])
    expect(Object.fromEntries(store.countQueuedByType())).toEqual({ 'mark-ready': 2, other: 1 })
    store.markStarted('q1', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:04.000Z')
    expect(store.listStarted().map((t) => [t.id, t.deadlineAt])).toEqual([
      ['q1', '2026-01-01T00:00:04.000Z'],
      ['s1', undefined],
    ])
  })

  it('prunes terminal tasks by age and count in batches, never running or queued ones', () => {
    const store = openStore(path())
    cleanups.push(() => store.close())
    for (let i = 0; i < 10; i++) {
      const completedAt = `2026-01-01T00:00:0${i}.000Z`
      store.insert(task(`t${i}`))
      store.update(task(`t${i}`, { status: i % 2 ? 'failed' : 'completed', completedAt }))
    }
    store.insert(task('running'))
    // Older than 00:00:03 → t0..t2, in batches of 2.
    expect(store.pruneTerminal('2026-01-01T00:00:03.000Z', 100, 2)).toBe(2)
    expect(store.pruneTerminal('2026-01-01T00:00:03.000Z', 100, 2)).toBe(1)
    // Keep the newest 4 terminal tasks.
    while (store.pruneTerminal('2000-01-01T00:00:00.000Z', 4, 2) > 0);
    expect(
      store
        .listNewest(100)
        .map((t) => t.id)
        .sort(),
    ).toEqual(['running', 't6', 't7', 't8', 't9'])
  })

  it('keeps integers beyond 2^53 exact in params and results', () => {
    const store = openStore(path())
    cleanups.push(() => store.close())
    store.insert(task('a', { params: { h: 9223372036854775807n } }))
    expect(store.get('a')?.params).toEqual({ h: 9223372036854775807n })
  })
})
