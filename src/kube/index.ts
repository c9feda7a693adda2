/**
 * The kube layer: everything modules need to talk to clusters. See docs/kube.md.
 *
 *   const client = await kubeClientFor(context);           // one per host per run, scoped to the task
 *   const info = await client.resource('apps/v1', 'Deployment');
 *   const { items } = await listObjects(client, { apiVersion: 'v1', kind: 'Secret', labelSelector: 'sync=me' });
 *   const result = await applyObject(client, withManagedBy(object), { dryRun: context.check });
 *   if (context.diff) diffs.push(objectDiff(result.before, result.after));
 */
export { KubeClient, withQuery } from './client.ts';
export type { ClientOptions, ClientScope, HttpMethod, KubeRequest, KubeResponse } from './client.ts';
export { clientCacheKey, closeKubeClients, kubeClientFor } from './client-cache.ts';
export { resolveConnection, resolvePath } from './connection.ts';
export type { KubeConnection, ResolveOptions } from './connection.ts';
export { Discovery, DiscoverySnapshot, UnknownKindError } from './discovery.ts';
export { KubeApiError, isApiStatus } from './errors.ts';
export { applyObject } from './apply.ts';
export type { ApplyAction, ApplyOptions, ApplyResult } from './apply.ts';
export { deleteObject, getObject, listObjects, namespaceFor, objectChanged, patchObject } from './ops.ts';
export type { DeleteOptions, DeleteResult, ListOptions, PatchResult, PatchType } from './ops.ts';
export { displayYaml, maskSecretValues, objectDiff } from './diff.ts';
export {
  forComparison,
  forDisplay,
  isClusterGeneratedSecret,
  isGeneratedServiceAccountSecret,
  isServiceAccountToken,
  LAST_APPLIED_ANNOTATION,
  sanitizeForSync,
} from './sanitize.ts';
export { fidelityRule, neverSynced, SYNC_FIDELITY } from './sync-fidelity.ts';
export type { FidelityRule } from './sync-fidelity.ts';
export {
  FIELD_MANAGER,
  isManagedByMcsync,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  ORIGIN_CLUSTER_ANNOTATION,
  ORIGIN_UID_ANNOTATION,
  withAnnotations,
  withManagedBy,
} from './labels.ts';
export { KIND_ORDER, kindRank, sortForWrite, writeWaves } from './order.ts';
export { conditionHolds, isReady, waitForObject } from './wait.ts';
export type { WaitCondition, WaitOptions } from './wait.ts';
export { resourcePath } from './paths.ts';
export { describeRef, isRecord, keyOf, refOf, splitApiVersion } from './types.ts';
export type { KeyParts, KubeMetadata, KubeObject, ObjectList, ObjectRef, ResourceInfo } from './types.ts';
