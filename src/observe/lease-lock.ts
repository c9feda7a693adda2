/**
 * A coordination.k8s.io/v1 Lease as a leader-election lock: read, create and update with
 * optimistic concurrency (the update carries the resourceVersion read, so a concurrent writer
 * makes it fail with 409 instead of being overwritten).
 */
import type { KubeClient } from '../kube/client.ts';
import { isApiStatus } from '../kube/errors.ts';
import { isRecord } from '../kube/types.ts';
import type { KubeObject } from '../kube/types.ts';

/** What the Lease says about the leader (client-go's LeaderElectionRecord). */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string | undefined;
  renewTime: string | undefined;
  leaseTransitions: number;
}

export interface LeaseState {
  record: LeaseRecord;
  /** The Lease object as read (for its resourceVersion). */
  object: KubeObject;
}

/**
 * The lock leader election campaigns on (client-go's resourcelock.Interface): one Lease read,
 * created and updated with optimistic concurrency. Tests hand the elector an in-memory one.
 */
export interface LeaseLock {
  /** The Lease, or undefined when it does not exist. */
  get(signal: AbortSignal): Promise<LeaseState | undefined>;
  /** Creates the Lease; false when another replica created it first. */
  create(record: LeaseRecord, signal: AbortSignal): Promise<LeaseState | false>;
  /** Replaces the record if the Lease is still as `current` read it; false when it changed since. */
  update(current: LeaseState, record: LeaseRecord, signal: AbortSignal): Promise<LeaseState | false>;
}

/** A LeaseLock on a real Lease through the API; every call is bounded by its signal. */
export class KubeLeaseLock implements LeaseLock {
  readonly #client: KubeClient;
  readonly #namespace: string;
  readonly #name: string;

  constructor(client: KubeClient, namespace: string, name: string) {
    this.#client = client;
    this.#namespace = namespace;
    this.#name = name;
  }

  get #collection(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.#namespace)}/leases`;
  }

  /** The Lease, or undefined when it does not exist. */
  async get(signal: AbortSignal): Promise<LeaseState | undefined> {
    try {
      const res = await this.#client.request<KubeObject>({
        method: 'GET',
        path: `${this.#collection}/${encodeURIComponent(this.#name)}`,
        signal,
      });
      return { object: res.body, record: readRecord(res.body) };
    } catch (error) {
      if (isApiStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Creates the Lease; false when another replica created it first (409). */
  async create(record: LeaseRecord, signal: AbortSignal): Promise<LeaseState | false> {
    const body = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.#name, namespace: this.#namespace },
      spec: toSpec(record),
    };
    return this.#write('POST', this.#collection, body, signal);
  }

  /** Replaces the Lease's spec if it is still at `current`'s resourceVersion; false on 409. */
  async update(current: LeaseState, record: LeaseRecord, signal: AbortSignal): Promise<LeaseState | false> {
    const body = { ...current.object, spec: toSpec(record) };
    return this.#write('PUT', `${this.#collection}/${encodeURIComponent(this.#name)}`, body, signal);
  }

  async #write(
    method: 'POST' | 'PUT',
    path: string,
    body: KubeObject,
    signal: AbortSignal,
  ): Promise<LeaseState | false> {
    try {
      const res = await this.#client.request<KubeObject>({
        method,
        path,
        body,
        signal,
        retryConflicts: false,
      });
      return { object: res.body, record: readRecord(res.body) };
    } catch (error) {
      if (isApiStatus(error, 409)) return false;
      throw error;
    }
  }
}

/** The leader-election record in a Lease's spec (missing fields as empty values). */
export function readRecord(lease: KubeObject): LeaseRecord {
  const spec = isRecord(lease['spec']) ? lease['spec'] : {};
  const text = (key: string): string | undefined => (typeof spec[key] === 'string' ? spec[key] : undefined);
  const num = (key: string): number => (typeof spec[key] === 'number' ? spec[key] : 0);
  return {
    holderIdentity: text('holderIdentity') ?? '',
    leaseDurationSeconds: num('leaseDurationSeconds'),
    acquireTime: text('acquireTime'),
    renewTime: text('renewTime'),
    leaseTransitions: num('leaseTransitions'),
  };
}

/** True when two records are the same (the observer's clock restarts whenever it changes). */
export function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}

/** MicroTime as the API expects it: RFC 3339 with six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function toSpec(record: LeaseRecord): Record<string, unknown> {
  return {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: record.acquireTime,
    renewTime: record.renewTime,
    leaseTransitions: record.leaseTransitions,
  };
}
