/** Where the sidecar reaches seid's CometBFT RPC inside the pod (shared network namespace). */
import { SEID_PORTS } from './ports.js'

/**
 * Default base URL of seid's RPC as seen from the sidecar: loopback, because both containers share the
 * pod's network namespace. Overridable with `ENV.seidRpcUrl` (tests point it at a local fake).
 */
export const SEID_RPC_DEFAULT_URL = `http://127.0.0.1:${SEID_PORTS.rpc.port}` as const
