/**
 * A node Pod's network namespace, for real: a Linux network namespace joined to the host by a veth pair
 * whose namespace end carries an address from 198.18.0.0/15 (RFC 2544, routed nowhere) standing for the
 * pod IP. The sidecar and kube-rbac-proxy run inside it with the Pod's env and args UNCHANGED (its own
 * ports; only SEI_HOME, the proxy's config file path and its kubeconfig are local files). The proxy reaches
 * the API server on 127.0.0.1:<apiserver port> inside the namespace through a relay over a Unix socket
 * (a filesystem socket crosses network namespaces; the API server's certificate names 127.0.0.1).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binaryPaths, type ControlPlaneClient } from '@sei-k8s/testenv'
import { waitFor } from '../../src/http.js'
import type { RenderedPod } from '../../src/pod-parts.js'
import { type SidecarProcess, startSidecarProcess } from '../../src/sidecar-process.js'

const IP = spawnSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).stdout.trim() || '/usr/sbin/ip'

function ip(...args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(IP, args, { encoding: 'utf8' })
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` }
}

function must(...args: string[]): void {
  const result = ip(...args)
  if (!result.ok) throw new Error(`ip ${args.join(' ')} failed: ${result.output}`)
}

/** Why network namespaces cannot be used here, or undefined when they can (root and `ip netns`). */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root'
  return ip('netns', 'list').ok ? undefined : '`ip netns` does not work (apt-get install -y iproute2)'
}

export interface NetnsPod {
  /** The pod address (namespace end of the veth pair). */
  readonly podIp: string
  readonly sidecar: SidecarProcess
  readonly proxyPid: number
  stop(): Promise<void>
}

/** Starts a process that keeps its PID (ip netns exec execs) and resolves its exit. */
function spawnTracked(command: string, args: readonly string[], env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()))
  let exited = child.exitCode !== null
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      resolve()
    }),
  )
  const stop = async () => {
    if (!exited && child.pid !== undefined) process.kill(child.pid, 'SIGTERM')
    const timer = setTimeout(
      () => !exited && child.pid !== undefined && process.kill(child.pid, 'SIGKILL'),
      10_000,
    )
    await exit
    clearTimeout(timer)
  }
  return { pid: child.pid ?? -1, stop, output: () => output, hasExited: () => exited }
}

/** The relay inside the namespace: TCP 127.0.0.1:<port> → the Unix socket. */
const RELAY = `const net=require('node:net');const [port,path]=process.argv.slice(1);
net.createServer((c)=>{const u=net.connect(path);c.pipe(u);u.pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy())}).listen(Number(port),'127.0.0.1')`

export async function startNetnsPod(
  plane: ControlPlaneClient,
  parts: RenderedPod,
  options: { readonly initHome?: (home: string) => void } = {},
): Promise<NetnsPod> {
  const suffix = `${process.pid % 10000}${randomInt(100)}`
  const ns = `e2e${suffix}`
  const hostLink = `eh${suffix}`
  const block = randomInt(0, 2 * 256 * 64)
  const base = `198.${18 + Math.floor(block / (256 * 64))}.${Math.floor(block / 64) % 256}`
  const hostIp = `${base}.${(block % 64) * 4 + 1}`
  const podIp = `${base}.${(block % 64) * 4 + 2}`
  const dir = mkdtempSync(join(tmpdir(), 'sei-e2e-netns-'))
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })]
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  }
  try {
    must('netns', 'add', ns)
    cleanups.push(() => {
      ip('netns', 'del', ns)
      ip('link', 'del', hostLink)
    })
    must('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', `en${suffix}`)
    must('link', 'set', `en${suffix}`, 'netns', ns)
    must('addr', 'add', `${hostIp}/30`, 'dev', hostLink)
    must('link', 'set', hostLink, 'up')
    const inNs = ['netns', 'exec', ns]
    must(...inNs, IP, 'addr', 'add', `${podIp}/30`, 'dev', `en${suffix}`)
    must(...inNs, IP, 'link', 'set', `en${suffix}`, 'up')
    must(...inNs, IP, 'link', 'set', 'lo', 'up')

    // The API server, reachable as 127.0.0.1:<its port> inside the namespace.
    const apiPort = Number(new URL(plane.apiUrl).port)
    const socketPath = join(dir, 'apiserver.sock')
    const bridge: Server = createServer((c) => {
      const upstream = connect(apiPort, '127.0.0.1')
      c.pipe(upstream)
      upstream.pipe(c)
      c.on('error', () => upstream.destroy())
      upstream.on('error', () => c.destroy())
    })
    await new Promise<void>((resolve) => bridge.listen(socketPath, resolve))
    cleanups.push(() => new Promise<void>((resolve) => bridge.close(() => resolve())))
    const relay = spawnTracked(IP, [...inNs, process.execPath, '-e', RELAY, String(apiPort), socketPath], {})
    cleanups.push(relay.stop)

    // The sidecar with the Pod's env, its own ports (nothing moved: the namespace has its own port space).
    const sidecar = startSidecarProcess({
      renderedEnv: parts.sidecarEnv,
      tasksPort: parts.tasksPort,
      publicPort: parts.publicPort,
      prefix: [IP, ...inNs],
      ...options,
    })
    cleanups.push(() => sidecar.stop())
    await waitFor('the sidecar in the namespace to answer on the pod address', async () => {
      if (sidecar.hasExited()) throw new Error(`the sidecar exited:\n${sidecar.output()}`)
      try {
        return (await fetch(`http://${podIp}:${parts.publicPort}/v0/startupz`)).status === 200
          ? true
          : undefined
      } catch {
        return undefined
      }
    })

    // kube-rbac-proxy with the Pod's args; only the config file path and the kubeconfig are local files.
    const configFile = join(dir, 'config.yaml')
    writeFileSync(configFile, parts.proxyConfigYaml)
    const args = [
      ...parts.proxyArgs.filter((a) => !a.startsWith('--config-file=')),
      `--config-file=${configFile}`,
      `--kubeconfig=${plane.info.rbacProxyKubeconfigPath}`,
    ]
    const proxy = spawnTracked(IP, [...inNs, binaryPaths().kubeRbacProxy, ...args], {})
    cleanups.push(proxy.stop)
    const listen = parts.proxyArgs
      .find((a) => a.startsWith('--insecure-listen-address='))
      ?.split(':')
      .pop()
    await waitFor('kube-rbac-proxy in the namespace to answer on the pod address', async () => {
      if (proxy.hasExited()) throw new Error(`kube-rbac-proxy exited:\n${proxy.output()}`)
      try {
        await (await fetch(`http://${podIp}:${listen}/`)).arrayBuffer()
        return true
      } catch {
        return undefined
      }
    })
    return { podIp, sidecar, proxyPid: proxy.pid, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
