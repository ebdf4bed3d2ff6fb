// Every option either changes what every flavour admits or is refused for a flavour that cannot
// express it: a platform that switches flavour must never have an option silently ignored.
import { describe, expect, it } from 'vitest'
import { generateNodePolicies } from './generate.js'
import { FLAVORS, type OptionName, PolicyInputSchema, parsePolicyOptions } from './input.js'

/** A non-default value per option; the test fails when an option is added without one. */
const SAMPLES: Readonly<Record<Exclude<OptionName, 'namespaces' | 'flavor'>, unknown>> = {
  controllerNamespace: 'platform-controllers',
  controllerPodLabels: { app: 'ctl' },
  controllerServiceAccount: 'ctl-sa',
  monitoringNamespace: 'observability',
  prometheusPodLabels: { app: 'prometheus' },
  publicPorts: [19100],
  nodeCidrs: ['10.9.0.0/16'],
  rpcFrom: ['indexer'],
  p2pFrom: ['sentries'],
  allowRemoteNodes: true,
}

/** The generated specs only: the options annotation records every option and would always differ. */
function specs(input: Record<string, unknown>): string {
  return JSON.stringify(generateNodePolicies({ namespaces: ['sei'], ...input }).map((o) => o.spec))
}

/** Which options each flavour refuses, and why (the refusal message is checked in input.test.ts). */
const REFUSED: Readonly<Record<string, readonly string[]>> = {
  vanilla: ['controllerServiceAccount', 'allowRemoteNodes'],
  cilium: ['nodeCidrs'],
  calico: ['allowRemoteNodes'],
}

describe('options across flavours', () => {
  it('has a sample for every option', () => {
    const options = Object.keys(PolicyInputSchema.properties).filter(
      (o) => o !== 'namespaces' && o !== 'flavor',
    )
    expect(Object.keys(SAMPLES).sort()).toEqual(options.sort())
  })

  it.each(FLAVORS)('%s: every option changes the generated rules or is refused by name', (flavor) => {
    for (const [option, value] of Object.entries(SAMPLES)) {
      const input = { namespaces: ['sei'], flavor, [option]: value }
      const parsed = parsePolicyOptions(input)
      if (REFUSED[flavor]?.includes(option)) {
        expect(parsed.ok, `${flavor} must refuse ${option}`).toBe(false)
        if (!parsed.ok) expect(parsed.issues.map((issue) => issue.option)).toEqual([option])
        continue
      }
      expect(parsed.ok, `${flavor} must accept ${option}`).toBe(true)
      expect(specs({ flavor, [option]: value }), `${flavor}: ${option} changes nothing`).not.toBe(
        specs({ flavor }),
      )
    }
  })
})
