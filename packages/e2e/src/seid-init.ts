/**
 * A stand-in for the Pod's `seid-init` container: there is no seid binary on a test machine, so the harness
 * creates what `seid init <moniker> --chain-id <id>` would leave in the node home for the sidecar's config
 * tasks to read (config.toml, app.toml, client.toml; TOML kept minimal). The moniker and chain id are read
 * from the container's command in the Pod, so they are the ones the controller rendered.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CONTAINERS } from '@sei-k8s/contract'
import type { PodSpecLike } from './pod-parts.js'

export interface SeidInitArgs {
  readonly moniker: string
  readonly chainId: string
}

/** PURE: moniker and chain id from the seid-init container's `seid init '<moniker>' --chain-id '<id>'`. */
export function seidInitArgs(spec: PodSpecLike): SeidInitArgs {
  const container = (spec.initContainers ?? []).find((c) => c.name === CONTAINERS.seidInit) as
    | { command?: readonly string[] }
    | undefined
  const script = (container?.command ?? []).join(' ')
  const match = /seid init '?([^'\s]+)'? --chain-id '?([^'\s]+)'?/.exec(script)
  if (!match?.[1] || !match[2]) throw new Error(`${CONTAINERS.seidInit} runs no "seid init": ${script}`)
  return { moniker: match[1], chainId: match[2] }
}

/** Writes the three config files `seid init` creates under `<home>/config`. */
export function initSeidHome(home: string, args: SeidInitArgs): void {
  const dir = join(home, 'config')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'config.toml'), `moniker = ${JSON.stringify(args.moniker)}\n\n[p2p]\n\n[mempool]\n`)
  writeFileSync(join(dir, 'app.toml'), 'minimum-gas-prices = ""\n')
  writeFileSync(join(dir, 'client.toml'), `chain-id = ${JSON.stringify(args.chainId)}\n`)
}
