/**
 * Pure functions that remove what belongs to one cluster from an object: for diffs (server-owned
 * bookkeeping hidden), for change detection, and for copying objects to another cluster
 * (k8s_sync). Inputs are never mutated.
 */
import { dropAnnotations, fidelityRule } from './sync-fidelity.ts';
import type { KubeMetadata, KubeObject } from './types.ts';

export {
  isClusterGeneratedSecret,
  isGeneratedServiceAccountSecret,
  isServiceAccountToken,
} from './sync-fidelity.ts';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Metadata the API server owns; never part of what a user declares. */
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
] as const;

/** Metadata that ties an object to its cluster (owners, finalizers): dropped when syncing. */
const CLUSTER_METADATA = ['ownerReferences', 'finalizers'] as const;

const SYNC_DROPPED_METADATA: readonly string[] = [...SERVER_METADATA, ...CLUSTER_METADATA];

/**
 * A deep copy of JSON data. Faster than structuredClone for the small objects an API list holds
 * (it runs for every object and target); anything but plain objects and arrays goes to
 * structuredClone.
 */
function cloneJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = cloneJson((value as Record<string, unknown>)[key]);
    // A JSON key `__proto__` is data: an assignment would set the copy's prototype instead.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}

/**
 * A deep copy of `object` without the top-level and metadata keys named, which are never copied
 * (managedFields and status are much of a listed object); keys keep their order.
 */
function cloneMeta(
  object: KubeObject,
  dropTop: readonly string[] = [],
  dropMeta: readonly string[] = [],
): { copy: KubeObject; meta: KubeMetadata } {
  const meta: KubeMetadata = {};
  const source = (object.metadata ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(source))
    if (!dropMeta.includes(key)) (meta as Record<string, unknown>)[key] = cloneJson(source[key]);
  const copy = {} as KubeObject;
  for (const key of Object.keys(object)) {
    if (key === 'metadata') copy.metadata = meta;
    else if (!dropTop.includes(key)) copy[key] = cloneJson(object[key]);
  }
  copy.metadata = meta;
  return { copy, meta };
}

/**
 * The object as a diff shows it: without status, managedFields, resourceVersion, uid,
 * generation, timestamps, selfLink and the last-applied annotation.
 */
export function forDisplay(object: KubeObject): KubeObject {
  const { copy, meta } = cloneMeta(object, ['status'], SERVER_METADATA);
  dropAnnotations(meta, [LAST_APPLIED_ANNOTATION]);
  return copy;
}

/**
 * The object reduced to what a write can change, for "did it change?" checks: without
 * managedFields, resourceVersion and generation (which move on every write).
 */
export function forComparison(object: KubeObject): KubeObject {
  return cloneMeta(object, [], ['managedFields', 'resourceVersion', 'generation']).copy;
}

/**
 * The object ready to be written to another cluster: server-owned and cluster-bound metadata,
 * status and the last-applied annotation removed, plus the per-kind fields the source cluster
 * allocated or generated, by the one table in sync-fidelity.ts (Service cluster IPs and
 * allocated node ports, generated Route hosts, Job selectors, PVC binding, …).
 */
export function sanitizeForSync(object: KubeObject): KubeObject {
  const { copy, meta } = cloneMeta(object, ['status'], SYNC_DROPPED_METADATA);
  dropAnnotations(meta, [LAST_APPLIED_ANNOTATION]);
  fidelityRule(copy.kind)?.sanitize?.(copy, meta, object);
  return copy;
}
