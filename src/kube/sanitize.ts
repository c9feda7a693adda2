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

function cloneMeta(object: KubeObject): { copy: KubeObject; meta: KubeMetadata } {
  const copy = structuredClone(object);
  const meta: KubeMetadata = copy.metadata ?? {};
  copy.metadata = meta;
  return { copy, meta };
}

/**
 * The object as a diff shows it: without status, managedFields, resourceVersion, uid,
 * generation, timestamps, selfLink and the last-applied annotation.
 */
export function forDisplay(object: KubeObject): KubeObject {
  const { copy, meta } = cloneMeta(object);
  for (const key of SERVER_METADATA) delete meta[key];
  dropAnnotations(meta, [LAST_APPLIED_ANNOTATION]);
  delete copy['status'];
  return copy;
}

/**
 * The object reduced to what a write can change, for "did it change?" checks: without
 * managedFields, resourceVersion and generation (which move on every write).
 */
export function forComparison(object: KubeObject): KubeObject {
  const { copy, meta } = cloneMeta(object);
  delete meta.managedFields;
  delete meta.resourceVersion;
  delete meta.generation;
  return copy;
}

/**
 * The object ready to be written to another cluster: server-owned and cluster-bound metadata,
 * status and the last-applied annotation removed, plus the per-kind fields the source cluster
 * allocated or generated, by the one table in sync-fidelity.ts (Service cluster IPs and
 * allocated node ports, generated Route hosts, Job selectors, PVC binding, …).
 */
export function sanitizeForSync(object: KubeObject): KubeObject {
  const { copy, meta } = cloneMeta(object);
  for (const key of [...SERVER_METADATA, ...CLUSTER_METADATA]) delete meta[key];
  dropAnnotations(meta, [LAST_APPLIED_ANNOTATION]);
  delete copy['status'];
  fidelityRule(copy.kind)?.sanitize?.(copy, meta, object);
  return copy;
}
