/** SeiNode examples applied into a test namespace, as a user would with `kubectl apply`. */
import type { ControlPlaneClient, KubeObject } from '@sei-k8s/testenv'
import { parse } from 'yaml'

/** Applies the example's SeiNode into `namespace` (its own namespace replaced) and returns its name. */
export async function applyExample(
  plane: ControlPlaneClient,
  yamlText: string,
  namespace: string,
): Promise<string> {
  const node = parse(yamlText) as KubeObject
  await plane.applyManifest([{ ...node, metadata: { ...node.metadata, namespace } }])
  return node.metadata.name
}
