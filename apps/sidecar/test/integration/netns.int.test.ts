/**
 * "Pod IP" versus loopback, for real: the sidecar runs inside a network namespace created here, joined
 * to the host by a veth pair with addresses in 198.18.0.0/15 and 2001:2::/48 (the IPv4 and IPv6
 * benchmarking ranges, never routed). From the host end, the public port answers on both pod addresses
 * (one dual-stack `::` socket) and the tasks port is refused on both.
 */
import { spawnSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  IDENTITY,
  makeHome,
  missingPrerequisite,
  type SidecarProcess,
  startSidecar,
  stopSidecar,
} from './sidecar-process.js'

function ip(...args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' })
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` }
}

const canUseNetns = process.getuid?.() === 0 && ip('netns', 'list').ok
const skipReason = canUseNetns
  ? undefined
  : missingPrerequisite('`ip netns` as root', 'apt-get install -y iproute2, and run the suite as root')

const suffix = `${process.pid % 10000}${randomInt(100)}`
const ns = `sct${suffix}`
const hostLink = `vh${suffix}`
const nsLink = `vn${suffix}`
// One /30 out of 198.18.0.0/15: .1 host end, .2 pod end.
const block = randomInt(0, 2 * 256 * 64)
const base = `198.${18 + Math.floor(block / (256 * 64))}.${Math.floor(block / 64) % 256}`
const fourth = (block % 64) * 4
const hostAddress = `${base}.${fourth + 1}`
const podAddress = `${base}.${fourth + 2}`
// One /64 out of 2001:2::/48: ::1 host end, ::2 pod end.
const v6Prefix = `2001:2:0:${block.toString(16)}`
const hostAddress6 = `${v6Prefix}::1`
const podAddress6 = `${v6Prefix}::2`

const home = makeHome()
let sidecar: SidecarProcess | undefined

function must(...args: string[]): void {
  const result = ip(...args)
  if (!result.ok) throw new Error(`ip ${args.join(' ')} failed: ${result.output}`)
}

beforeAll(async () => {
  if (skipReason) return
  must('netns', 'add', ns)
  must('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', nsLink)
  must('link', 'set', nsLink, 'netns', ns)
  must('addr', 'add', `${hostAddress}/30`, 'dev', hostLink)
  // nodad: usable at once instead of after duplicate address detection (~2 s).
  must('addr', 'add', `${hostAddress6}/64`, 'dev', hostLink, 'nodad')
  must('link', 'set', hostLink, 'up')
  must('netns', 'exec', ns, 'ip', 'addr', 'add', `${podAddress}/30`, 'dev', nsLink)
  must('netns', 'exec', ns, 'ip', 'addr', 'add', `${podAddress6}/64`, 'dev', nsLink, 'nodad')
  must('netns', 'exec', ns, 'ip', 'link', 'set', nsLink, 'up')
  must('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up')
  sidecar = await startSidecar({
    home: home.home,
    prefix: ['ip', 'netns', 'exec', ns],
    publicHost: podAddress,
  })
})

afterAll(async () => {
  await stopSidecar(sidecar)
  if (!skipReason) {
    ip('netns', 'del', ns) // removes the namespace's end of the veth pair, and with it the pair
    ip('link', 'del', hostLink)
  }
  home.remove()
})

async function connectionError(url: string): Promise<string | undefined> {
  try {
    await fetch(url, { headers: IDENTITY, signal: AbortSignal.timeout(3000) })
    return undefined
  } catch (error) {
    return ((error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).name) as string
  }
}

describe.skipIf(skipReason !== undefined)('listeners seen from outside the pod network namespace', () => {
  it('answers the public port on the pod address', async () => {
    const res = await fetch(`http://${podAddress}:${sidecar?.publicPort}/v0/livez`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('ok')
  })

  it('answers the public port on the pod IPv6 address too (dual-stack listener)', async () => {
    const res = await fetch(`http://[${podAddress6}]:${sidecar?.publicPort}/v0/livez`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('ok')
  })

  it('refuses the tasks port on the pod addresses, IPv4 and IPv6', async () => {
    expect(await connectionError(`http://${podAddress}:${sidecar?.tasksPort}/v0/tasks`)).toBe('ECONNREFUSED')
    expect(await connectionError(`http://[${podAddress6}]:${sidecar?.tasksPort}/v0/tasks`)).toBe(
      'ECONNREFUSED',
    )
  })

  it('serves the task API on loopback inside the namespace', () => {
    const script = `fetch('http://127.0.0.1:${sidecar?.tasksPort}/v0/status',{headers:${JSON.stringify(IDENTITY)}}).then(async r=>{process.stdout.write(r.status+' '+await r.text())})`
    const result = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '-e', script], {
      encoding: 'utf8',
    })
    expect(result.stdout).toBe('200 {"status":"Initializing"}')
  })
})
