/** Test fixtures built from defaults plus overrides, so each test states only what it is about. */
import type { SeiNode, SeiNodeSpec } from '../src/api/seinode.js'
import {
  buildAll,
  type ConfigMap,
  type Container,
  type Service,
  type StatefulSet,
} from '../src/noderesource/index.js'
import { DEFAULT_PLATFORM, type PlatformConfig } from '../src/platform.js'

/** A valid full node `pacific-1-rpc-0` in namespace `sei`; `spec` entries replace the defaults. */
export function node(spec: Partial<SeiNodeSpec> = {}, name = 'pacific-1-rpc-0'): SeiNode {
  const base: SeiNodeSpec = { chainId: 'pacific-1', image: 'ghcr.io/sei-protocol/seid:v6.1.0' }
  const hasRole = ['fullNode', 'validator', 'archive', 'seed', 'replayer'].some((k) => k in spec)
  return {
    apiVersion: 'sei.io/v1alpha1',
    kind: 'SeiNode',
    metadata: { name, namespace: 'sei' },
    spec: { ...base, ...(hasRole ? {} : { fullNode: {} }), ...spec },
  }
}

/** A deep copy as a plain mutable object, for building invalid inputs. */
export function raw(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>
}

/** The rendered objects of a node, by kind, plus its containers by name. */
export interface Rendered {
  readonly configMap: ConfigMap
  readonly service: Service
  readonly statefulSet: StatefulSet
  readonly container: (name: string) => Container
}

/** Builds a node with buildAll and picks the objects apart. */
export function render(value: SeiNode, platform: PlatformConfig = DEFAULT_PLATFORM): Rendered {
  const objects = buildAll(value, platform)
  const pick = <K extends string>(kind: K) => {
    const found = objects.find((o) => o.kind === kind)
    if (!found) throw new Error(`no ${kind} rendered`)
    return found
  }
  const statefulSet = pick('StatefulSet') as StatefulSet
  const pod = statefulSet.spec.template.spec
  return {
    configMap: pick('ConfigMap') as ConfigMap,
    service: pick('Service') as Service,
    statefulSet,
    container: (name) => {
      const found = [...pod.initContainers, ...pod.containers].find((c) => c.name === name)
      if (!found) throw new Error(`no container ${name}`)
      return found
    },
  }
}
