#!/usr/bin/env node
// Sidecar benchmark (not a test: prints figures, never fails on timing).
//
//   pnpm --filter @sei-k8s/sidecar run bench [-- --duration 10 --connections 32 --reps 3]
//
// Setup of issue 9, so figures compare with the Go sidecar's: the built sidecar (the bundled bin) pinned
// to core 0 (`taskset -c 0`), the load generator `wrk` (Debian package) pinned to core 1, 32 connections,
// 10 s, 3 repetitions, medians. Each figure is printed with the 1-minute load average measured just
// before it: on a shared machine other work competes for both cores and depresses the figures.
//
// Memory (issue 9 item 13) is measured on a fresh sidecar: idle 2 s after start and once start-up has
// settled, then exactly --submissions task submissions (wrk, same setup, stopped at that count), then
// right after the burst and while it settles, then with the task bound full.
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { APP_NODE_OPTIONS, SIDECAR_MALLOC_ENV } from '@sei-k8s/contract'
import { timing } from './timing.mjs'

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    reps: { type: 'string', default: '3' },
    'start-runs': { type: 'string', default: '11' },
    submissions: { type: 'string', default: '100000' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (values.help) {
  process.stdout.write(
    'usage: bench/run.mjs [--duration 10] [--connections 32] [--reps 3] [--start-runs 11] [--submissions 100000]\n',
  )
  process.exit(0)
}
const duration = Number(values.duration)
const connections = Number(values.connections)
const reps = Number(values.reps)
const submissions = Number(values.submissions)
const BIN = new URL('../dist/bundle/sei-sidecar.cjs', import.meta.url).pathname
// As the image runs it; BENCH_NODE_OPTIONS only to compare settings (printed with the figures).
const NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? APP_NODE_OPTIONS
const IDENTITY = { 'x-remote-user': 'bench', 'content-type': 'application/json' }

if (spawnSync('wrk', ['--version']).error) {
  process.stderr.write('bench needs wrk: apt-get install -y wrk\n')
  process.exit(2)
}
// The image preloads jemalloc (contract SIDECAR_MALLOC_ENV); without the file the loader would only warn
// and the figures would be glibc malloc's.
if (!existsSync(SIDECAR_MALLOC_ENV.LD_PRELOAD)) {
  process.stderr.write(`bench needs ${SIDECAR_MALLOC_ENV.LD_PRELOAD}: apt-get install -y libjemalloc2\n`)
  process.exit(2)
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0]
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function answers(url) {
  return fetch(url).then(
    (r) => r.ok,
    () => false,
  )
}

/** Starts the bundled sidecar on core 0; resolves once the public port answers. */
async function startSidecar(home) {
  const [tasksPort, publicPort] = [await freePort(), await freePort()]
  const started = performance.now()
  const child = spawn('taskset', ['-c', '0', process.execPath, BIN], {
    env: {
      PATH: process.env.PATH,
      SEI_HOME: home,
      SEI_CHAIN_ID: 'bench-1',
      SEI_SIDECAR_PORT: String(tasksPort),
      SEI_SIDECAR_PUBLIC_PORT: String(publicPort),
      // As the image runs it (contract APP_NODE_OPTIONS, SIDECAR_MALLOC_ENV).
      NODE_OPTIONS: NODE_OPTIONS,
      ...SIDECAR_MALLOC_ENV,
    },
    stdio: 'ignore',
  })
  const publicUrl = `http://127.0.0.1:${publicPort}`
  while (!(await answers(`${publicUrl}/v0/livez`))) await new Promise((r) => setTimeout(r, 1))
  const startMs = performance.now() - started
  const exited = new Promise((r) => child.once('exit', r))
  return {
    pid: child.pid,
    startMs,
    publicUrl,
    tasksUrl: `http://127.0.0.1:${tasksPort}`,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal)
      await exited
    },
  }
}

/** RSS and private memory (MiB) of a process, from /proc (ps counts no shared file pages separately). */
function memory(pid) {
  // taskset execs node in place, so the pid is node's.
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0)
  return {
    rss: (kib('Rss') / 1024).toFixed(1),
    private: ((kib('Private_Clean') + kib('Private_Dirty')) / 1024).toFixed(1),
  }
}

/** One wrk run on core 1; returns req/s and p99 in ms. */
function wrk(url, lua) {
  const args = ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${duration}s`, '--latency']
  if (lua) args.push('-s', lua)
  const out = spawnSync('taskset', [...args, url], { encoding: 'utf8' }).stdout
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN)
  const p99 = /99%\s+([\d.]+)(us|ms|s)\b/.exec(out)
  const p99Ms = p99 ? Number(p99[1]) * { us: 0.001, ms: 1, s: 1000 }[p99[2]] : Number.NaN
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0)
  return { rps, p99Ms, non2xx, requests }
}

/**
 * Exactly `count` requests with wrk (same pinning and connections): its Lua script counts responses and
 * prints a line at `count`, on which wrk is interrupted (it then prints its summary). Returns the
 * responses wrk counted, non-2xx among them, and the wall time.
 */
async function wrkCount(url, lua, count) {
  const started = performance.now()
  const child = spawn('taskset', ['-c', '1', 'wrk', '-t1', `-c${connections}`, '-d600s', '-s', lua, url], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, WRK_STOP_AT: String(count) },
  })
  let out = ''
  let seconds = Number.NaN
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk) => {
    out += chunk
    if (Number.isNaN(seconds) && out.includes('reached-count')) {
      seconds = (performance.now() - started) / 1000
      child.kill('SIGINT')
    }
  })
  await once(child, 'exit')
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0)
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  return { requests, non2xx, seconds }
}

function repeated(name, url, lua) {
  const runs = []
  for (let i = 0; i < reps; i++) runs.push({ ...wrk(url, lua), load: load() })
  return {
    case: name,
    'req/s (median)': Math.round(median(runs.map((r) => r.rps))),
    'p99 ms (median)': median(runs.map((r) => r.p99Ms)),
    'req/s per rep': runs.map((r) => Math.round(r.rps)).join(' / '),
    'load avg per rep': runs.map((r) => r.load).join(' / '),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    requests: runs.reduce((n, r) => n + r.requests, 0),
  }
}

/** The ceiling on this machine right now: a bare node:http server answering "ok", same pinning. */
async function bareNodeReference() {
  const port = await freePort()
  const script = `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`
  const child = spawn('taskset', ['-c', '0', process.execPath, '-e', script], { stdio: 'ignore' })
  while (!(await answers(`http://127.0.0.1:${port}/`))) await new Promise((r) => setTimeout(r, 5))
  try {
    return repeated('reference: bare node:http "ok" (not the sidecar)', `http://127.0.0.1:${port}/`)
  } finally {
    child.kill()
  }
}

async function startTimes(runs) {
  // One SEI_HOME for all runs, as a pod keeps its volume across container restarts: the first start
  // is cold (no compile cache yet), the others warm.
  const home = mkdtempSync(join(tmpdir(), 'sidecar-bench-start-'))
  const times = []
  const loads = []
  for (let i = 0; i < runs; i++) {
    loads.push(load())
    const sidecar = await startSidecar(home)
    times.push(sidecar.startMs)
    await sidecar.stop('SIGKILL')
  }
  rmSync(home, { recursive: true, force: true })
  const warm = times.slice(1)
  return {
    cold: times[0].toFixed(0),
    warmMedian: median(warm).toFixed(0),
    warm: warm.map((t) => t.toFixed(0)).join(' '),
    load: `${loads[0]}..${loads.at(-1)}`,
  }
}

async function post(tasksUrl, body) {
  const res = await fetch(`${tasksUrl}/v0/tasks`, {
    method: 'POST',
    headers: IDENTITY,
    body: JSON.stringify(body),
  })
  return res.status
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * Worst case under the task bound: every running slot of await-condition taken (it polls a closed port
 * until its timeout), the rest of the durable queue full, big-ish params on each.
 */
async function fillTaskBound(tasksUrl, sample) {
  const pad = 'x'.repeat(4000)
  let accepted = 0
  let refused = 0
  for (let i = 0; i < 1100; i++) {
    const status = await post(tasksUrl, {
      type: 'await-condition',
      params: { condition: 'height', targetHeight: 1e9 + i, timeoutSeconds: 3600 },
    })
    if (status === 201) accepted++
    if (status === 429) refused++
    await post(tasksUrl, { type: 'config-patch', params: { files: { 'client.toml': { pad } } } }).catch(
      () => 0,
    )
  }
  await sleep(3000)
  sample(`task bound full (${accepted} await-condition accepted, ${refused} refused with 429)`)
}

const home = mkdtempSync(join(tmpdir(), 'sidecar-bench-'))
const submitLua = [
  'wrk.method = "POST"',
  'wrk.body = \'{"type":"mark-ready"}\'',
  'wrk.headers["Content-Type"] = "application/json"',
  'wrk.headers["X-Remote-User"] = "bench"',
]
const lua = join(home, 'submit.lua')
writeFileSync(lua, [...submitLua, ''].join('\n'))
// For wrkCount: at the count, stops sending and prints a line (wrk itself runs until interrupted).
const countLua = join(home, 'submit-count.lua')
writeFileSync(
  countLua,
  [
    ...submitLua,
    'local stopAt = tonumber(os.getenv("WRK_STOP_AT"))',
    'local seen = 0',
    'response = function(status, headers, body)',
    '  seen = seen + 1',
    '  if seen == stopAt then io.write("reached-count\\n") io.flush() wrk.thread:stop() end',
    'end',
    '',
  ].join('\n'),
)
const rows = []
const memoryRows = []
try {
  const start = await startTimes(Number(values['start-runs']))
  // Throughput: probes, the bare-node ceiling of the moment, durable submissions.
  const sidecar = await startSidecar(home)
  try {
    await post(sidecar.tasksUrl, { type: 'mark-ready' })
    rows.push(repeated('GET /v0/healthz', `${sidecar.publicUrl}/v0/healthz`))
    rows.push(await bareNodeReference())
    rows.push(repeated('POST /v0/tasks (mark-ready, durable acks)', `${sidecar.tasksUrl}/v0/tasks`, lua))
  } finally {
    await sidecar.stop()
  }
  // Memory, on a fresh sidecar with an empty store.
  const memoryHome = mkdtempSync(join(tmpdir(), 'sidecar-bench-memory-'))
  const fresh = await startSidecar(memoryHome)
  const sample = (when) => memoryRows.push({ when, ...memory(fresh.pid), load: load() })
  try {
    await post(fresh.tasksUrl, { type: 'mark-ready' })
    await sleep(2000)
    sample('idle, 2 s after start')
    await sleep(13_000)
    sample('idle, 15 s after start (start-up settled)')
    const burst = await wrkCount(`${fresh.tasksUrl}/v0/tasks`, countLua, submissions)
    const rate = Math.round(burst.requests / burst.seconds)
    sample(
      `right after ${burst.requests} submissions (${burst.non2xx} non-2xx, ${burst.seconds.toFixed(1)} s, ${rate}/s)`,
    )
    await sleep(10_000)
    sample('10 s after the burst')
    await sleep(20_000)
    sample('30 s after the burst')
    await fillTaskBound(fresh.tasksUrl, sample)
  } finally {
    await fresh.stop()
    rmSync(memoryHome, { recursive: true, force: true })
  }
  console.log(
    `sidecar bench: sidecar on core 0 (NODE_OPTIONS=${NODE_OPTIONS}), wrk on core 1, ${connections} connections, ${duration} s, ${reps} reps`,
  )
  console.table(rows)
  console.log(
    `start (spawn → public port answering): cold ${start.cold} ms, warm median ${start.warmMedian} ms (${start.warm}), load ${start.load}`,
  )
  console.table(memoryRows)
  console.table(await timing())
} finally {
  rmSync(home, { recursive: true, force: true })
}
