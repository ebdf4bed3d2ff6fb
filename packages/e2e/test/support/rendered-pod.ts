/**
 * The node pod as the controller's builders render it offline (`buildAll` with the default platform
 * config), picked apart by the same `podParts` that reads Pods from the API server.
 */
import {
  buildAll,
  type ConfigMap,
  DEFAULT_PLATFORM,
  parseYamlStream,
  readSeiNodes,
  type StatefulSet,
} from '@sei-k8s/controller'
import { podParts, type RenderedPod } from '../../src/pod-parts.js'

export { httpProbe, type RenderedHttpProbe, type RenderedPod } from '../../src/pod-parts.js'

/**
 * Renders the SeiNode in `yamlText` into `namespace` with the default platform config, as the controller
 * would apply it, and returns the pod's parts. Throws when the example is invalid or a part is missing.
 */
export function renderPod(yamlText: string, namespace: string): RenderedPod {
  const [node] = readSeiNodes(parseYamlStream(yamlText))
  if (!node) throw new Error('the example holds no SeiNode')
  const objects = buildAll({ ...node, metadata: { ...node.metadata, namespace } }, DEFAULT_PLATFORM)
  const statefulSet = objects.find((o): o is StatefulSet => o.kind === 'StatefulSet')
  const configMap = objects.find((o): o is ConfigMap => o.kind === 'ConfigMap')
  if (!statefulSet || !configMap) throw new Error('buildAll rendered no StatefulSet or no ConfigMap')
  return podParts({
    namespace,
    nodeName: statefulSet.metadata.name,
    spec: statefulSet.spec.template.spec,
    configMapData: configMap.data,
  })
}
