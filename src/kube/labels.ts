/**
 * The marks mcsync puts on what it writes (DESIGN.md): prune and conflict checks only ever touch
 * objects carrying them.
 */
import type { KubeObject } from './types.ts';

/** Label on every object mcsync writes (unless the task turns it off). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'mcsync';
/** Annotations k8s_sync adds: the source host and the source object's uid. */
export const ORIGIN_CLUSTER_ANNOTATION = 'mcsync.io/origin-cluster';
export const ORIGIN_UID_ANNOTATION = 'mcsync.io/origin-uid';
/** The field manager of every server-side apply. */
export const FIELD_MANAGER = 'mcsync';

/** A copy of `object` with `app.kubernetes.io/managed-by: mcsync` added to its labels. */
export function withManagedBy(object: KubeObject): KubeObject {
  const metadata = object.metadata ?? {};
  return {
    ...object,
    metadata: { ...metadata, labels: { ...metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
  };
}

/** True when the object carries mcsync's managed-by label. */
export function isManagedByMcsync(object: KubeObject | undefined): boolean {
  return object?.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/** A copy of `object` with extra annotations merged in (later keys win). */
export function withAnnotations(object: KubeObject, annotations: Record<string, string>): KubeObject {
  const metadata = object.metadata ?? {};
  return { ...object, metadata: { ...metadata, annotations: { ...metadata.annotations, ...annotations } } };
}
