/**
 * Shell scripts of the seid containers. Values interpolated here are validated by the schema (DNS-1123
 * chain ids, peer addresses); they are still single-quoted so a future field cannot inject shell.
 */
import { BIND, ENV_DEFAULTS, PUBLIC_PATHS } from '@sei-k8s/contract'
import type { NodeView } from './node-view.js'

/** Quotes one word for POSIX sh. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`
}

/** Where seid keeps its data (the PVC mount), shared with the sidecar through SEI_HOME. */
export const SEI_HOME = ENV_DEFAULTS.home

/** URL seid's start script polls: the sidecar's readiness on loopback (same network namespace). */
function sidecarHealthUrl(view: NodeView): string {
  return `http://${BIND.tasks}:${view.publicPort}${PUBLIC_PATHS.healthz}`
}

/** seid-init: creates the node home once (moniker = node name); later restarts leave it untouched. */
export function seidInitScript(view: NodeView): string {
  const home = shellQuote(SEI_HOME)
  return [
    'set -eu',
    `if [ -f ${home}/config/genesis.json ]; then echo "seid home already initialised"; exit 0; fi`,
    `seid init ${shellQuote(view.name)} --chain-id ${shellQuote(view.node.spec.chainId)} --home ${home}`,
  ].join('\n')
}

/**
 * seid: waits until the sidecar's PUBLIC_PATHS.healthz answers 200 (the sidecar marks the node ready once its
 * configuration tasks are done), then replaces the shell with `seid start`, so signals reach seid.
 */
export function seidStartScript(view: NodeView): string {
  const url = shellQuote(sidecarHealthUrl(view))
  const peers = view.node.spec.peers ?? []
  const peerFlag = peers.length > 0 ? ` --p2p.persistent_peers ${shellQuote(peers.join(','))}` : ''
  return [
    'set -eu',
    'if command -v wget >/dev/null 2>&1; then get="wget -q -O /dev/null"',
    'elif command -v curl >/dev/null 2>&1; then get="curl -fsS -o /dev/null"',
    'else echo "seid image has neither wget nor curl; cannot wait for the sidecar" >&2; exit 1; fi',
    `echo "waiting for the sidecar: ${sidecarHealthUrl(view)}"`,
    `until $get ${url} 2>/dev/null; do sleep 2; done`,
    `exec seid start --home ${shellQuote(SEI_HOME)}${peerFlag}`,
  ].join('\n')
}
