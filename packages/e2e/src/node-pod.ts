/**
 * One node pod's trust boundary composed from real parts, in the order kubelet starts them: the sidecar
 * (a native sidecar: the next container starts only once its startup probe passes), then kube-rbac-proxy
 * with the rendered args and config in front of the sidecar's loopback tasks listener. seid is not run;
 * its probes are sent by the test like kubelet would. Stopped in reverse order, by PID.
 */
import { CONTAINERS } from '@sei-k8s/contract'
import { type ControlPlaneClient, freePorts, type RbacProxy, startRbacProxy } from '@sei-k8s/testenv'
import { type HttpResult, request, waitFor } from './http.js'
import { httpProbe, type RenderedHttpProbe, type RenderedPod } from './pod-parts.js'
import { type SidecarProcess, startSidecarProcess } from './sidecar-process.js'

export interface NodePod extends AsyncDisposable {
  readonly rendered: RenderedPod
  readonly sidecar: SidecarProcess
  readonly proxy: RbacProxy
  /** The upstream the proxy was given: the rendered `--upstream` with the tasks port mapped. */
  readonly upstream: string
  /** http://127.0.0.1:<actual public port> (the listener binds all interfaces; the test dials loopback). */
  readonly publicUrl: string
  /** What the sidecar's readiness probe answered at the moment its startup probe first passed. */
  readonly readinessAtStartup: number
  /** The port a rendered sidecar port maps to in this run; throws for any other port. */
  actualPort(renderedPort: number): number
  /** Sends a rendered kubelet HTTP probe (GET path on 127.0.0.1:<mapped port>). */
  probe(probe: RenderedHttpProbe): Promise<HttpResult>
  stop(): Promise<void>
}

/** Starts sidecar then proxy; a failed start stops what already started. */
export async function startNodePod(
  plane: ControlPlaneClient,
  rendered: RenderedPod,
  options: { readonly initHome?: (home: string) => void } = {},
): Promise<NodePod> {
  const [tasksPort = 0, publicPort = 0] = await freePorts(2)
  const portMap = new Map([
    [rendered.tasksPort, tasksPort],
    [rendered.publicPort, publicPort],
  ])
  const actualPort = (renderedPort: number): number => {
    const port = portMap.get(renderedPort)
    if (port === undefined) throw new Error(`port ${renderedPort} is not a sidecar port of the rendered pod`)
    return port
  }
  const probe = (p: RenderedHttpProbe) => request(`http://127.0.0.1:${actualPort(p.port)}`, 'GET', p.path)
  const sidecar = startSidecarProcess({ renderedEnv: rendered.sidecarEnv, tasksPort, publicPort, ...options })
  try {
    const startup = httpProbe(rendered, CONTAINERS.sidecar, 'startupProbe')
    await waitFor('the sidecar startup probe', async () => {
      if (sidecar.hasExited()) throw new Error(`the sidecar exited during start-up:\n${sidecar.output()}`)
      return (await probe(startup)).status === 200 ? true : undefined
    })
    const readinessAtStartup = (await probe(httpProbe(rendered, CONTAINERS.sidecar, 'readinessProbe'))).status
    const upstream = new URL(rendered.proxyUpstream)
    upstream.port = String(actualPort(Number(rendered.proxyUpstream.port)))
    const proxy = await startRbacProxy(plane, {
      upstream: upstream.toString(),
      configYaml: rendered.proxyConfigYaml,
      args: rendered.proxyArgs,
    })
    const stop = async (): Promise<void> => {
      await proxy.stop()
      await sidecar.stop()
    }
    return {
      rendered,
      sidecar,
      proxy,
      upstream: upstream.toString(),
      publicUrl: `http://127.0.0.1:${publicPort}`,
      readinessAtStartup,
      actualPort,
      probe,
      stop,
      [Symbol.asyncDispose]: stop,
    }
  } catch (error) {
    await sidecar.stop()
    throw error
  }
}
