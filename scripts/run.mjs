#!/usr/bin/env node
// Entry point of the README's commands (`npm test`, `npm run demo`). It must run on the machine's
// Node 20 with no dependencies: it brings Node 24 and pnpm from the npm registry when they are
// missing, installs the workspace from the lockfile, then runs the requested job on Node 24.
//
//   node scripts/run.mjs test     lint, typecheck, unit tests, then integration tests
//   node scripts/run.mjs demo [--keep]  build every package, then run the demo (packages/e2e)
//   node scripts/run.mjs install  toolchain + frozen-lockfile install only
//   node scripts/run.mjs <pnpm args…>   any pnpm command on the bootstrapped toolchain
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
const MIN_NODE_MAJOR = 24
const NODE_VERSION = '24.22.3'
const PNPM_VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).packageManager.split('@')[1]
const TOOLCHAIN_DIR = join(ROOT, '.toolchain')

function log(message) {
  process.stderr.write(`[run] ${message}\n`)
}

function fail(message) {
  log(`error: ${message}`)
  process.exit(1)
}

function capture(command, args, env = process.env) {
  const result = spawnSync(command, args, { encoding: 'utf8', env })
  return result.status === 0 ? result.stdout.trim() : undefined
}

/** Returns the PATH entries that put Node >= 24 and the pinned pnpm first, installing them if needed. */
function ensureToolchain() {
  const major = Number(process.versions.node.split('.')[0])
  const systemPnpm = capture('pnpm', ['--version'])
  if (major >= MIN_NODE_MAJOR && systemPnpm) {
    log(`toolchain: system node v${process.versions.node}, pnpm ${systemPnpm}`)
    return []
  }
  const nodePackage = `node-${process.platform}-${process.arch}`
  const nodeBin = join(TOOLCHAIN_DIR, 'node_modules', nodePackage, 'bin')
  const pnpmBin = join(TOOLCHAIN_DIR, 'node_modules', '.bin')
  const stampFile = join(TOOLCHAIN_DIR, 'versions.json')
  const wanted = JSON.stringify({ node: NODE_VERSION, pnpm: PNPM_VERSION, nodePackage })
  const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : ''
  if (stamp !== wanted || !existsSync(join(nodeBin, 'node')) || !existsSync(join(pnpmBin, 'pnpm'))) {
    log(`node v${process.versions.node} is older than ${MIN_NODE_MAJOR} or pnpm is missing:`)
    log(
      `installing ${nodePackage}@${NODE_VERSION} and pnpm@${PNPM_VERSION} from the npm registry into .toolchain/`,
    )
    mkdirSync(TOOLCHAIN_DIR, { recursive: true })
    writeFileSync(join(TOOLCHAIN_DIR, 'package.json'), '{"private":true}\n')
    const npm = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        TOOLCHAIN_DIR,
        '--save-exact',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `${nodePackage}@${NODE_VERSION}`,
        `pnpm@${PNPM_VERSION}`,
      ],
      { stdio: 'inherit' },
    )
    if (npm.status !== 0)
      fail(`npm install of the toolchain failed (exit ${npm.status}); see the npm output above`)
    writeFileSync(stampFile, wanted)
  }
  const env = { ...process.env, PATH: [nodeBin, pnpmBin, process.env.PATH].join(delimiter) }
  const nodeVersion = capture('node', ['--version'], env)
  const pnpmVersion = capture('pnpm', ['--version'], env)
  if (!nodeVersion || !pnpmVersion)
    fail('the toolchain in .toolchain/ does not run; delete .toolchain/ and retry')
  log(`toolchain: node ${nodeVersion}, pnpm ${pnpmVersion} (from .toolchain/)`)
  return [nodeBin, pnpmBin]
}

const pathEntries = ensureToolchain()
const env = {
  ...process.env,
  PATH: [...pathEntries, process.env.PATH].join(delimiter),
  // Turbo would otherwise try to reach its telemetry and update endpoints, which this network refuses.
  TURBO_TELEMETRY_DISABLED: '1',
  TURBO_NO_UPDATE_NOTIFIER: '1',
  DO_NOT_TRACK: '1',
  npm_config_update_notifier: 'false',
}

function pnpm(args) {
  log(`pnpm ${args.join(' ')}`)
  const result = spawnSync('pnpm', args, { cwd: ROOT, env, stdio: 'inherit' })
  if (result.error) fail(`could not start pnpm: ${result.error.message}`)
  if (result.status !== 0) process.exit(result.status ?? 1)
}

function install() {
  const hasLock = existsSync(join(ROOT, 'pnpm-lock.yaml'))
  pnpm(['install', ...(hasLock ? ['--frozen-lockfile'] : []), '--reporter=append-only'])
}

/** Like pnpm(), but streams stdout through while counting vitest's "Tests  N failed | N passed" lines. */
function pnpmCountingTests(args, totals) {
  log(`pnpm ${args.join(' ')}`)
  return new Promise((resolve) => {
    const child = spawn('pnpm', args, { cwd: ROOT, env, stdio: ['inherit', 'pipe', 'inherit'] })
    let pending = ''
    const count = (line) => {
      // Turbo prefixes each line with the task; vitest colours its summary. Cached tasks replay it too.
      const plain = line.replace(/\x1b\[[0-9;]*m/g, '')
      const summary = /\sTests\s+(.+?)\s+\(\d+\)\s*$/.exec(plain)
      if (!summary) return
      for (const [, n, kind] of summary[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
        if (kind in totals) totals[kind] += Number(n)
      }
    }
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk)
      const lines = (pending + chunk.toString('utf8')).split('\n')
      pending = lines.pop() ?? ''
      lines.forEach(count)
    })
    child.on('error', (error) => fail(`could not start pnpm: ${error.message}`))
    child.on('close', (status) => {
      count(pending)
      resolve(status ?? 1)
    })
  })
}

const TURBO = ['exec', 'turbo', 'run', '--ui=stream']
const jobs = {
  install,
  async test() {
    install()
    const totals = { passed: 0, failed: 0, skipped: 0 }
    let status = await pnpmCountingTests([...TURBO, 'lint', 'typecheck', 'test'], totals)
    if (status === 0) status = await pnpmCountingTests([...TURBO, 'test:integration', '--concurrency=1'], totals)
    // One closing line for people and CI log readers, summed over every package's unit and integration run.
    process.stdout.write(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`)
    process.exit(status)
  },
  async demo(args) {
    install()
    pnpm([...TURBO, 'build', '--output-logs=errors-only'])
    // The demo itself runs as a direct child: Ctrl-C reaches it (and the processes it started) from the
    // terminal, and this process waits for its clean-up instead of returning the prompt early.
    log(`node packages/e2e/dist/demo.js ${args.join(' ')}`.trim())
    const child = spawn('node', [join(ROOT, 'packages', 'e2e', 'dist', 'demo.js'), ...args], {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    })
    const ignore = () => {}
    process.on('SIGINT', ignore)
    process.on('SIGTERM', (signal) => child.kill(signal))
    child.on('error', (error) => fail(`could not start the demo: ${error.message}`))
    child.on('close', (code, signal) => process.exit(code ?? (signal ? 130 : 1)))
  },
}

const [job = 'test', ...rest] = process.argv.slice(2)
const known = jobs[job]
// Only the demo takes arguments of its own (`npm run demo -- --keep`).
if (known && (rest.length === 0 || job === 'demo')) await known(rest)
else pnpm([job, ...rest])
