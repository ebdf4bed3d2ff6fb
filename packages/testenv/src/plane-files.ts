import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  buildKubeconfig,
  COMPONENT_USERS,
  type ComponentName,
  type KubeconfigDocument,
  STATIC_USERS,
  tokenFileContent,
} from './auth-files.js'
import { type CertFiles, createCerts } from './certs.js'

/** Everything a plane keeps on disk, all inside its own directory. */
export interface PlaneFiles {
  readonly dir: string
  readonly logDir: string
  readonly certs: CertFiles
  readonly tokenFile: string
  readonly adminToken: string
  readonly proxyToken: string
  readonly kubeconfigPath: string
  readonly rbacProxyKubeconfigPath: string
  /** Token and kubeconfig of each cluster-mode component (written in every mode; used in cluster mode). */
  readonly components: Readonly<
    Record<ComponentName, { readonly token: string; readonly kubeconfigPath: string }>
  >
}

/**
 * preparePlaneFiles writes the PKI (openssl CA + serving cert, ES256 SA key) and the static token
 * file with fresh random tokens for the admin and kube-rbac-proxy identities.
 */
export function preparePlaneFiles(dir: string): PlaneFiles {
  const logDir = join(dir, 'logs')
  mkdirSync(logDir, { recursive: true })
  const files: PlaneFiles = {
    dir,
    logDir,
    certs: createCerts(dir),
    tokenFile: join(dir, 'tokens.csv'),
    adminToken: randomBytes(24).toString('hex'),
    proxyToken: randomBytes(24).toString('hex'),
    kubeconfigPath: join(dir, 'kubeconfig.json'),
    rbacProxyKubeconfigPath: join(dir, 'kube-rbac-proxy.kubeconfig.json'),
    components: {
      controllerManager: component(dir, 'kube-controller-manager'),
      scheduler: component(dir, 'kube-scheduler'),
      kwok: component(dir, 'kwok'),
    },
  }
  const users = [
    { token: files.adminToken, ...STATIC_USERS.admin },
    { token: files.proxyToken, ...STATIC_USERS.rbacProxy },
    ...COMPONENT_USERS.map((name) => ({ token: files.components[name].token, ...STATIC_USERS[name] })),
  ]
  writeFileSync(files.tokenFile, tokenFileContent(users), { mode: 0o600 })
  return files
}

/** writeKubeconfigs writes the admin and kube-rbac-proxy kubeconfigs once the URL is known; returns the admin one. */
export function writeKubeconfigs(files: PlaneFiles, apiUrl: string): KubeconfigDocument {
  const admin = buildKubeconfig({
    server: apiUrl,
    caFile: files.certs.caCert,
    token: files.adminToken,
    userName: STATIC_USERS.admin.name,
  })
  const proxy = buildKubeconfig({
    server: apiUrl,
    caFile: files.certs.caCert,
    token: files.proxyToken,
    userName: STATIC_USERS.rbacProxy.name,
  })
  for (const name of COMPONENT_USERS) {
    const doc = buildKubeconfig({
      server: apiUrl,
      caFile: files.certs.caCert,
      token: files.components[name].token,
      userName: STATIC_USERS[name].name,
    })
    writeFileSync(files.components[name].kubeconfigPath, JSON.stringify(doc, null, 2), { mode: 0o600 })
  }
  writeFileSync(files.kubeconfigPath, JSON.stringify(admin, null, 2), { mode: 0o600 })
  writeFileSync(files.rbacProxyKubeconfigPath, JSON.stringify(proxy, null, 2), { mode: 0o600 })
  return admin
}

function component(dir: string, binary: string): { token: string; kubeconfigPath: string } {
  return { token: randomBytes(24).toString('hex'), kubeconfigPath: join(dir, `${binary}.kubeconfig.json`) }
}
