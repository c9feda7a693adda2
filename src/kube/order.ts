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
 * Tiers of KIND_ORDER, each named by its first kind: a tier's writes start once the tier before
 * has settled. A barrier is kept only where the API server checks a reference when it admits an
 * object, or where a later object would misbehave without the earlier one:
 * 1. namespaces and CRDs: nothing can be created in a missing namespace or of an unknown kind;
 * 2. priority and storage classes, service accounts, roles: admission rejects a pod of a missing
 *    service account or priority class; a writer without `bind` may bind only a role that
 *    exists (RBAC's escalation check reads its rules); the token controller deletes a token
 *    Secret whose service account is missing;
 * 3. bindings, quotas, limit ranges: a quota or limit range counts or defaults only what is
 *    created after it;
 * 4. policies, config, storage, image streams, services: workloads created before them start
 *    pods that fail until they exist;
 * 5. workloads;
 * 6. ingress classes: admission gives an ingress without a class the default class at creation;
 * 7. ingresses, routes, API services; 8. webhooks, so they never intercept the writes before
 *    them; 9. custom resources (kinds not listed).
 * The kinds of a tier refer to none of each other at admission, so they are written together:
 * a barrier per kind left the API servers idle while each kind's last writes drained.
 */
const TIER_STARTS: readonly string[] = [
  'Namespace',
  'PriorityClass',
  'ClusterRoleBinding',
  'NetworkPolicy',
  'DaemonSet',
  'IngressClass',
  'Ingress',
  'MutatingWebhookConfiguration',
];

const TIER_START_RANKS = TIER_STARTS.map((kind) => kindRank(kind));

/** The wave (tier) of a kind: objects of one tier can be written concurrently. */
export function writeTier(kind: string | undefined): number {
  const rank = kindRank(kind);
  if (rank === KIND_ORDER.length) return TIER_STARTS.length;
  let tier = 0;
  while (tier + 1 < TIER_START_RANKS.length && rank >= (TIER_START_RANKS[tier + 1] as number)) tier++;
  return tier;
}

/**
 * Objects grouped into waves that can be written concurrently, in write order (see writeTier);
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
