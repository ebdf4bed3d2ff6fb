/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection: a candidate takes the
 * Lease when it is free (no holder) or its holder has not renewed for `leaseDurationMs` as observed on OUR
 * clock (clocks of two machines are never compared); the leader renews every `retryPeriodMs` and gives
 * up when it could not renew for `renewDeadlineMs`. Writes are optimistic-lock PUTs, so two candidates
 * cannot both win. On shutdown the leader releases the Lease (empty holder), so a standby takes over on
 * its next retry instead of waiting out the lease.
 */
import type { KubeClient, KubeObject } from '../kube/client.js'
import { isKubeError } from '../kube/errors.js'
import { RESOURCES } from '../kube/resources.js'
import { type Clock, sleep, systemClock } from './clock.js'

interface LeaseSpec {
  readonly holderIdentity?: string | null
  readonly leaseDurationSeconds?: number
  readonly acquireTime?: string | null
  readonly renewTime?: string | null
  readonly leaseTransitions?: number
}

export interface Lease extends KubeObject {
  readonly spec?: LeaseSpec
}

export interface LeaderElectionOptions {
  readonly client: KubeClient
  readonly namespace: string
  readonly name: string
  readonly identity: string
  readonly leaseDurationMs: number
  readonly renewDeadlineMs: number
  readonly retryPeriodMs: number
  readonly clock?: Clock
  readonly onError?: (error: unknown) => void
}

/** MicroTime: RFC 3339 with six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

export type LeadershipEnd = 'stopped' | 'lost'

export class LeaderElector {
  readonly #o: LeaderElectionOptions
  readonly #clock: Clock
  #observed: { holder: string; renewTime: string; atMs: number } | undefined
  #lease: Lease | undefined

  constructor(options: LeaderElectionOptions) {
    this.#o = options
    this.#clock = options.clock ?? systemClock
  }

  /**
   * Campaigns until leading (resolves true) or `signal` aborts (resolves false). Never rejects.
   */
  async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.#tryAcquireOrRenew()) return true
      try {
        await sleep(this.#clock, this.#o.retryPeriodMs, signal)
      } catch {
        return false
      }
    }
    return false
  }

  /**
   * Renews while leading. Resolves 'lost' when no renewal succeeded within the renew deadline, or
   * 'stopped' once `signal` aborted (call `release` after the work that needed the lease settled).
   */
  async hold(signal: AbortSignal): Promise<LeadershipEnd> {
    let lastRenewMs = this.#clock.now()
    while (!signal.aborted) {
      try {
        await sleep(this.#clock, this.#o.retryPeriodMs, signal)
      } catch {
        break
      }
      if (await this.#tryAcquireOrRenew()) lastRenewMs = this.#clock.now()
      else if (this.#clock.now() - lastRenewMs >= this.#o.renewDeadlineMs) return 'lost'
    }
    return 'stopped'
  }

  /** Hands the Lease back (empty holder, 1 s duration) if we hold it. Best effort. */
  async release(): Promise<void> {
    const lease = this.#lease
    if (lease?.spec?.holderIdentity !== this.#o.identity) return
    const now = microTime(this.#clock.now())
    try {
      this.#lease = await this.#o.client.update<Lease>(RESOURCES.lease, {
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: null,
          leaseDurationSeconds: 1,
          renewTime: now,
          acquireTime: now,
        },
      } as Lease)
    } catch (error) {
      this.#o.onError?.(error)
    }
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity } = this.#o
    const nowMs = this.#clock.now()
    const leaseDurationSeconds = Math.round(this.#o.leaseDurationMs / 1000)
    try {
      let current: Lease
      try {
        current = await client.get<Lease>(RESOURCES.lease, namespace, name)
      } catch (error) {
        if (!isKubeError(error, 'NotFound')) throw error
        const spec = {
          holderIdentity: identity,
          leaseDurationSeconds,
          acquireTime: microTime(nowMs),
          renewTime: microTime(nowMs),
          leaseTransitions: 0,
        }
        this.#lease = await client.create<Lease>(RESOURCES.lease, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec,
        } as Lease)
        return true
      }
      const holder = current.spec?.holderIdentity ?? ''
      const renewTime = current.spec?.renewTime ?? ''
      if (this.#observed?.holder !== holder || this.#observed.renewTime !== renewTime) {
        this.#observed = { holder, renewTime, atMs: nowMs }
      }
      const durationMs = (current.spec?.leaseDurationSeconds ?? leaseDurationSeconds) * 1000
      const isHeldByOther = holder !== '' && holder !== identity && this.#observed.atMs + durationMs > nowMs
      if (isHeldByOther) {
        this.#lease = current
        return false
      }
      const isTransition = holder !== identity
      this.#lease = await client.update<Lease>(RESOURCES.lease, {
        ...current,
        spec: {
          ...current.spec,
          holderIdentity: identity,
          leaseDurationSeconds,
          renewTime: microTime(nowMs),
          acquireTime: isTransition ? microTime(nowMs) : (current.spec?.acquireTime ?? microTime(nowMs)),
          leaseTransitions: (current.spec?.leaseTransitions ?? 0) + (isTransition ? 1 : 0),
        },
      } as Lease)
      return true
    } catch (error) {
      this.#o.onError?.(error)
      return false
    }
  }
}
