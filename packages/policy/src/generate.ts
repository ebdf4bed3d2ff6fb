/**
 * The library entry: options → policy objects for every target namespace. Pure and deterministic:
 * the same options always give the same objects in the same order.
 */

import { type PolicyOptions, PolicyOptionsError, parsePolicyOptions } from './input.js'
import { buildMetadata } from './metadata.js'
import type { PolicyObject } from './objects.js'
import { planNodePolicies } from './rules.js'
import { renderCalico } from './variants/calico.js'
import { renderCilium } from './variants/cilium.js'
import { renderVanilla } from './variants/vanilla.js'
import { sortObjects } from './yaml.js'

/**
 * Generates the node policies for every namespace in `input.namespaces`, in the requested flavor.
 * Throws PolicyOptionsError listing every invalid option (name and value) before generating anything.
 */
export function generateNodePolicies(input: unknown): PolicyObject[] {
  const parsed = parsePolicyOptions(input)
  if (!parsed.ok) throw new PolicyOptionsError(parsed.issues)
  return generateFromOptions(parsed.options)
}

/** As generateNodePolicies, for options already validated by parsePolicyOptions. */
export function generateFromOptions(options: PolicyOptions): PolicyObject[] {
  const objects = options.namespaces.flatMap((namespace) =>
    planNodePolicies(options, namespace).map((plan): PolicyObject => {
      const metadata = buildMetadata(plan, namespace, options)
      if (options.flavor === 'cilium') return renderCilium(plan, metadata, namespace)
      if (options.flavor === 'calico') return renderCalico(plan, metadata)
      return renderVanilla(plan, metadata)
    }),
  )
  return sortObjects(objects)
}
