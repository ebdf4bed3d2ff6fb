/**
 * The platform config: what the operator of a cluster decides for every SeiNode (images, the node pods'
 * ServiceAccount, resources and volume size per role). Loaded from an optional YAML file whose fields
 * override the defaults below; the result is validated and frozen.
 */
import { NODE_SERVICE_ACCOUNT, RBAC_PROXY, ROLE_BLOCKS, type Role } from '@sei-k8s/contract'
import { type Static, Type } from '@sinclair/typebox'
import { DNS1123_LABEL, IMAGE_REF, Quantity, Resources as ResourcesSchema } from './api/schema-parts.js'
import { type FieldError, type ValidationResult, validateAgainst } from './api/validate.js'
import { RELEASE_VERSION } from './version.js'

const RoleDefaultsSchema = Type.Object(
  { resources: ResourcesSchema, storageSize: Quantity },
  { additionalProperties: false },
)

const ROLES = Object.values(ROLE_BLOCKS)

/** The complete, validated platform config. */
export const PlatformConfigSchema = Type.Object(
  {
    images: Type.Object(
      { sidecar: Type.String({ pattern: IMAGE_REF }), rbacProxy: Type.String({ pattern: IMAGE_REF }) },
      { additionalProperties: false },
    ),
    nodeServiceAccount: Type.String({ maxLength: 63, pattern: DNS1123_LABEL }),
    storageClassName: Type.Optional(Type.String({ minLength: 1 })),
    sidecarResources: ResourcesSchema,
    rbacProxyResources: ResourcesSchema,
    roles: Type.Object(Object.fromEntries(ROLES.map((role) => [role, RoleDefaultsSchema])), {
      additionalProperties: false,
    }),
  },
  { additionalProperties: false },
)

export type Resources = Static<typeof ResourcesSchema>
export interface RoleDefaults {
  readonly resources: Resources
  readonly storageSize: number | string
}
export interface PlatformConfig {
  readonly images: { readonly sidecar: string; readonly rbacProxy: string }
  readonly nodeServiceAccount: string
  readonly storageClassName?: string
  readonly sidecarResources: Resources
  readonly rbacProxyResources: Resources
  readonly roles: Readonly<Record<Role, RoleDefaults>>
}

function role(cpu: string, memory: string, memoryLimit: string, storageSize: string): RoleDefaults {
  return { resources: { requests: { cpu, memory }, limits: { memory: memoryLimit } }, storageSize }
}

/** This release's defaults. */
export const DEFAULT_PLATFORM: PlatformConfig = {
  images: {
    sidecar: `ghcr.io/sei-protocol/sei-k8s-sidecar:v${RELEASE_VERSION}`,
    rbacProxy: RBAC_PROXY.image,
  },
  nodeServiceAccount: NODE_SERVICE_ACCOUNT,
  sidecarResources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
  rbacProxyResources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '128Mi' } },
  roles: {
    node: role('4', '16Gi', '32Gi', '2Ti'),
    validator: role('8', '32Gi', '64Gi', '2Ti'),
    archive: role('16', '64Gi', '128Gi', '20Ti'),
    seed: role('1', '4Gi', '8Gi', '100Gi'),
    replayer: role('8', '32Gi', '64Gi', '4Ti'),
  },
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// `resources` blocks replace the default wholly: merging limits into someone else's requests surprises.
const REPLACED_WHOLE = new Set(['resources', 'sidecarResources', 'rbacProxyResources'])

function merge(base: unknown, override: unknown, key = ''): unknown {
  if (!isPlainObject(base) || !isPlainObject(override) || REPLACED_WHOLE.has(key)) return override
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(override)) out[k] = k in base ? merge(base[k], v, k) : v
  return out
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

/**
 * Builds the platform config from a parsed config file (or undefined for the defaults). Fields of the
 * file override the defaults; every bad field is reported, named by its path.
 */
export function loadPlatformConfig(file: unknown): ValidationResult<PlatformConfig> {
  if (file !== undefined && file !== null && !isPlainObject(file)) {
    return { ok: false, errors: [{ path: '<root>', message: 'the platform config must be a mapping' }] }
  }
  const merged = structuredClone(merge(DEFAULT_PLATFORM, file ?? {}))
  const errors: FieldError[] = validateAgainst(PlatformConfigSchema, merged)
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, value: deepFreeze(merged as PlatformConfig) }
}
