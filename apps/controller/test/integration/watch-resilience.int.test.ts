/**
 * Watch resilience against a private control plane: kube-apiserver stopped and restarted on the same
 * etcd (changes made meanwhile through a second apiserver on the same etcd are reconciled once the
 * controller reconnects), and a stalled watch (apiserver frozen with SIGSTOP: no events, no bookmarks)
 * is relisted by the watchdog. A restarted apiserver's fresh watch cache answers the resumed watches with
 * 410 (measured: gone=4 of the restarts), so the restart also exercises the relist; the informer's unit
 * tests force both 410 forms (HTTP status and in-stream ERROR event).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import * as https from 'node:https'
import { join } from 'node:path'
import {
  binaryPaths,
  type ControlPlane,
  connectControlPlane,
  isPidAlive,
  startControlPlane,
} from '@sei-k8s/testenv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inNamespace, readExample } from './helpers.js'
import { ensureCrd, getObject, type RunningController, startController, waitFor } from './run-helpers.js'

let plane: ControlPlane
let ns = ''
let apiserverArgs: string[] = []
let apiserverBinary = ''
const started: ChildProcess[] = []

beforeAll(async () => {
  plane = await startControlPlane({ binaries: binaryPaths() })
  const cmdline = readFileSync(`/proc/${plane.info.pids.apiserver}/cmdline`, 'utf8')
    .split('\0')
    .filter(Boolean)
  ;[apiserverBinary = '', ...apiserverArgs] = cmdline
  await ensureCrd(plane)
  ns = await plane.createNamespace()
}, 120_000)

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL')
  plane.kube.close()
  await plane.stop()
})

/** SIGKILL: a crash, and no wait for kube-apiserver's graceful drain of open watches. */
async function killPid(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL')
  await waitFor(`pid ${pid} to exit`, () => !isPidAlive(pid), 20_000, 50)
}

function readyz(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(`${url}/readyz`, { ca: readFileSync(plane.caFile), timeout: 2000 }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
    req.on('timeout', () => req.destroy())
  })
}

/** Starts kube-apiserver with the plane's args (optionally on another port); waits until ready. */
async function startApiserver(port?: number): Promise<{ child: ChildProcess; url: string }> {
  const originalPort = new URL(plane.apiUrl).port
  const securePort = String(port ?? originalPort)
  const args = apiserverArgs.map((a) => (a.startsWith('--secure-port=') ? `--secure-port=${securePort}` : a))
  const log = openSync(join(plane.info.logDir, `kube-apiserver-${securePort}-${Date.now()}.log`), 'a')
  const child = spawn(apiserverBinary, args, { stdio: ['ignore', log, log] })
  started.push(child)
  const url = `https://127.0.0.1:${securePort}`
  await waitFor(`kube-apiserver on ${securePort}`, () => readyz(url), 60_000, 250)
  return { child, url }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid !== undefined) await killPid(child.pid)
}

const stsImage = async (name: string): Promise<string | undefined> => {
  const sts = await getObject<{
    spec: { template: { spec: { containers: { name: string; image: string }[] } } }
  }>(plane, `/apis/apps/v1/namespaces/${ns}/statefulsets/${name}`)
  return sts?.spec.template.spec.containers.find((c) => c.name === 'seid')?.image
}

const counter = (text: string, reason: string) =>
  [
    ...text.matchAll(
      new RegExp(`sei_controller_watch_restarts_total\\{resource="[a-z]+",reason="${reason}"\\} (\\d+)`, 'g'),
    ),
  ]
    .map((m) => Number(m[1]))
    .reduce((a, b) => a + b, 0)

describe('watch resilience', () => {
  let apiserver: ChildProcess | undefined

  it('recovers from an apiserver restart and reconciles changes made while it was down', async () => {
    const controller: RunningController = await startController({
      kubeconfigPath: plane.kubeconfigPath,
      args: [`--namespace=${ns}`],
    })
    try {
      const a = inNamespace(readExample('full-node.yaml'), ns)
      await plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body: a })
      await waitFor('StatefulSet of a', () => stsImage(a.metadata.name))

      await killPid(plane.info.pids.apiserver)
      // Changes while the controller's apiserver is down, through a second apiserver on the same etcd.
      const temp = await startApiserver(Number(new URL(plane.apiUrl).port) + 1)
      const other = connectControlPlane({ ...plane.info, apiUrl: temp.url })
      await other.kube.expectOk(
        'PATCH',
        `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes/${a.metadata.name}`,
        {
          body: { spec: { image: 'ghcr.io/sei-protocol/seid:v7.0.0' } },
          contentType: 'application/merge-patch+json',
        },
      )
      const b = inNamespace(readExample('seed.yaml'), ns)
      await other.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body: b })
      other.kube.close()
      await stopChild(temp.child)

      const restartedAt = Date.now()
      apiserver = (await startApiserver()).child
      await waitFor(
        'the change made while down',
        async () => (await stsImage(a.metadata.name)) === 'ghcr.io/sei-protocol/seid:v7.0.0',
        60_000,
        200,
      )
      await waitFor('the node created while down', () => stsImage(b.metadata.name), 60_000, 200)
      const text = await controller.metrics()
      process.stderr.write(
        `apiserver restart: reconciled ${Date.now() - restartedAt} ms after it was ready again; watch restarts error=${counter(text, 'error')} gone=${counter(text, 'gone')} closed=${counter(text, 'closed')}\n`,
      )
      expect(counter(text, 'error') + counter(text, 'gone')).toBeGreaterThan(0)
    } finally {
      expect(await controller.stop()).toBe(0)
    }
  }, 180_000)

  it('relists a stalled watch (no events, no bookmarks) through the watchdog', async () => {
    if (apiserver?.pid === undefined) throw new Error('the restarted apiserver is not running')
    const controller = await startController({
      kubeconfigPath: plane.kubeconfigPath,
      args: [`--namespace=${ns}`, '--watchdog-seconds=3'],
    })
    try {
      const before = counter(await controller.metrics(), 'watchdog')
      process.kill(apiserver.pid, 'SIGSTOP')
      let sawNotReady = false
      try {
        await waitFor(
          '/readyz 503 while the watch is stalled',
          async () => {
            const res = await fetch(`http://127.0.0.1:${controller.healthPort}/readyz`)
            sawNotReady = res.status === 503
            return sawNotReady
          },
          10_000,
          200,
        )
      } finally {
        process.kill(apiserver.pid, 'SIGCONT')
      }
      await waitFor(
        'a watchdog relist',
        async () => counter(await controller.metrics(), 'watchdog') > before,
        20_000,
        200,
      )
      expect(sawNotReady).toBe(true)
      const c = inNamespace(readExample('validator.yaml'), ns)
      await plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body: c })
      await waitFor('reconciled after the stall', () => stsImage(c.metadata.name), 30_000, 200)
    } finally {
      expect(await controller.stop()).toBe(0)
    }
  }, 120_000)
})
