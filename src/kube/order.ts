/**
 * Dependency order of writes: namespaces and CRDs first, then service accounts and RBAC, then
 * what usually refers to them (config, storage, services, workloads), custom resources last.
 * Deletes run in the reverse order.
 */
import type { KubeObject } from './types.ts';

/**
 * The kinds in the order they are written, in tiers: a tier's writes start once the tier before
 * has settled; the kinds of one tier refer to none of each other at admission, so they are written
 * together (a barrier per kind left the API servers idle while each kind's last writes drained).
 * A barrier is kept only where the API server checks a reference when it admits an object, or
 * where a later object would misbehave without the earlier one. Kinds not listed come last, in a
 * tier of their own (custom resources, after their CRDs).
 */
const WRITE_TIERS: readonly (readonly string[])[] = [
  // Nothing can be created in a missing namespace or of an unknown kind.
  ['Namespace', 'Project', 'CustomResourceDefinition'],
  // Admission rejects a pod of a missing service account or priority class; a writer without
  // `bind` may bind only a role that exists (RBAC's escalation check reads its rules); the token
  // controller deletes a token Secret whose service account is missing.
  ['PriorityClass', 'StorageClass', 'ServiceAccount', 'ClusterRole', 'Role'],
  // A quota or limit range counts or defaults only what is created after it.
  ['ClusterRoleBinding', 'RoleBinding', 'ResourceQuota', 'LimitRange'],
  // Workloads created before these start pods that fail until they exist.
  [
    'NetworkPolicy',
    'PodDisruptionBudget',
    'Secret',
    'ConfigMap',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'ImageStream',
    'Service',
  ],
  [
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
  ],
  // Admission gives an ingress without a class the default class at creation.
  ['IngressClass'],
  ['Ingress', 'Route', 'APIService'],
  // Last of the known kinds, so they never intercept the writes before them.
  ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
];

/** Kinds in the order they are written; kinds not listed come after all of these. */
export const KIND_ORDER: readonly string[] = WRITE_TIERS.flat();

const TIER = new Map(WRITE_TIERS.flatMap((kinds, tier) => kinds.map((kind) => [kind, tier] as const)));

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

/** The wave (tier) of a kind: objects of one tier can be written concurrently. */
export function writeTier(kind: string | undefined): number {
  return TIER.get(kind ?? '') ?? WRITE_TIERS.length;
}

/**
 * Objects grouped into waves that can be written concurrently, in write order (see WRITE_TIERS);
 * waves must run one after another.
 */
export function writeWaves<T extends KubeObject>(
  objects: readonly T[],
  options: { reverse?: boolean } = {},
): T[][] {
  const waves: T[][] = [];
  let tier: number | undefined;
  for (const object of sortForWrite(objects, options)) {
    const t = writeTier(object.kind);
    if (t !== tier || waves.length === 0) waves.push([]);
    tier = t;
    waves[waves.length - 1]?.push(object);
  }
  return waves;
}
