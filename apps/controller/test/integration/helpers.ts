/** Shared by the integration tests: the plane of this run and the examples. */
import { readdirSync, readFileSync } from 'node:fs'
import { type ControlPlaneClient, connectControlPlane } from '@sei-k8s/testenv'
import type {} from '@sei-k8s/testenv/vitest-setup'
import { inject } from 'vitest'
import { parse } from 'yaml'
import type { SeiNode } from '../../src/api/seinode.js'

/** A client of the run's control plane (started by global-setup.ts). */
export function connectPlane(): ControlPlaneClient {
  return connectControlPlane(inject('seiTestenv'))
}

const EXAMPLES = new URL('../../examples/', import.meta.url)

/** The SeiNode examples (every YAML under examples/ except the platform config). */
export const exampleFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && f !== 'platform.yaml')

export function readExample(file: string): SeiNode {
  return parse(readFileSync(new URL(file, EXAMPLES), 'utf8')) as SeiNode
}

/** The same SeiNode in another namespace (each test uses a fresh one). */
export function inNamespace(value: SeiNode, namespace: string): SeiNode {
  return { ...value, metadata: { ...value.metadata, namespace } }
}
