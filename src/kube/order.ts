/**
 * Dependency order of writes: namespaces and CRDs first, then service accounts and RBAC, then
 * what usually refers to them (config, storage, services, workloads), custom resources last.
 * Deletes run in the reverse order.
 */
import type { KubeObject } from './types.ts';

/** Kinds in the order they are written; kinds not listed come after all of these. */
export const KIND_ORDER: readonly string[] = [
  'Namespace',
  'Project',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'ServiceAccount',
  'ClusterRole',
  'Role',
  'ClusterRoleBinding',
  'RoleBinding',
  'ResourceQuota',
  'LimitRange',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'Secret',
  'ConfigMap',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'ImageStream',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'DeploymentConfig',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'BuildConfig',
  'IngressClass',
  'Ingress',
  'Route',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

const RANK = new Map(KIND_ORDER.map((kind, index) => [kind, index]));

/** Position of a kind in the write order (unknown kinds share the last rank). */
export function kindRank(kind: string | undefined): number {
  return RANK.get(kind ?? '') ?? KIND_ORDER.length;
}

/** A stable sort of objects into write order (reverse it with `reverse: true` for deletes). */
export function sortForWrite<T extends KubeObject>(
  objects: readonly T[],
  options: { reverse?: boolean } = {},
): T[] {
  const sign = options.reverse ? -1 : 1;
  return objects
    .map((object, index) => ({ object, index }))
    .sort((a, b) => sign * (kindRank(a.object.kind) - kindRank(b.object.kind)) || a.index - b.index)
    .map((entry) => entry.object);
}

/**
 * Objects grouped into waves that can be written concurrently: consecutive objects of equal
 * rank form one wave; waves must run one after another.
 */
export function writeWaves<T extends KubeObject>(
  objects: readonly T[],
  options: { reverse?: boolean } = {},
): T[][] {
  const waves: T[][] = [];
  let rank: number | undefined;
  for (const object of sortForWrite(objects, options)) {
    const r = kindRank(object.kind);
    if (r !== rank || waves.length === 0) waves.push([]);
    rank = r;
    waves[waves.length - 1]?.push(object);
  }
  return waves;
}
