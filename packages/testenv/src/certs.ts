import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TestenvError } from './errors.js'

/** The PKI files of one control plane, all inside its own directory. */
export interface CertFiles {
  readonly caCert: string
  readonly caKey: string
  readonly servingCert: string
  readonly servingKey: string
  /** ServiceAccount token signing key (private) and its public half for verification. */
  readonly saKey: string
  readonly saPub: string
}

export function certFiles(dir: string): CertFiles {
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    servingCert: join(dir, 'serving.crt'),
    servingKey: join(dir, 'serving.key'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'] as const

/**
 * opensslArgs returns the two openssl invocations: a throw-away CA, then a serving certificate it
 * signs for 127.0.0.1 and localhost (the only names clients use). P-256 keys: fast to generate.
 */
export function opensslArgs(files: CertFiles, days = 7): readonly (readonly string[])[] {
  const ca = [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    files.caKey,
    '-out',
    files.caCert,
    '-days',
    String(days),
    '-subj',
    '/CN=sei-k8s-testenv-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]
  const serving = [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    files.servingKey,
    '-out',
    files.servingCert,
    '-days',
    String(days),
    '-subj',
    '/CN=kube-apiserver',
    '-CA',
    files.caCert,
    '-CAkey',
    files.caKey,
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'extendedKeyUsage=serverAuth',
  ]
  return [ca, serving]
}

/**
 * createCerts writes a CA, a serving certificate (openssl) and a ServiceAccount signing key pair
 * (node:crypto, ES256) into `dir`. Throws TESTENV_OPENSSL_FAILED with openssl's output on failure.
 */
export function createCerts(dir: string): CertFiles {
  const files = certFiles(dir)
  for (const args of opensslArgs(files)) {
    const result = spawnSync('openssl', args, { encoding: 'utf8' })
    if (result.error || result.status !== 0) {
      const detail = result.error?.message ?? result.stderr.trim()
      throw new TestenvError('opensslFailed', `openssl ${args.slice(0, 2).join(' ')} failed: ${detail}`, {
        cause: result.error,
      })
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  writeFileSync(files.saKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  writeFileSync(files.saPub, publicKey.export({ type: 'spki', format: 'pem' }))
  return files
}
