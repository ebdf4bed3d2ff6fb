import { LOOPBACK } from './ports.js'

export interface EtcdArgsOptions {
  readonly dataDir: string
  readonly clientPort: number
  readonly peerPort: number
}

/**
 * etcdArgs: a single-member etcd on loopback. Every URL is explicit, so nothing listens on the
 * default 2379/2380 or on another interface. fsync is off: test data is disposable and fsync on a
 * shared 2-core disk dominates apiserver write latency.
 */
export function etcdArgs(options: EtcdArgsOptions): string[] {
  const client = `http://${LOOPBACK}:${options.clientPort}`
  const peer = `http://${LOOPBACK}:${options.peerPort}`
  return [
    '--name=testenv',
    `--data-dir=${options.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=testenv=${peer}`,
    '--initial-cluster-state=new',
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ]
}

/** etcdHealthUrl answers 200 with {"health":"true"} once etcd serves. */
export function etcdHealthUrl(clientPort: number): string {
  return `http://${LOOPBACK}:${clientPort}/health`
}
