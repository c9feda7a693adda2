/**
 * Pure functions that remove what belongs to one cluster from an object: for diffs (server-owned
 * bookkeeping hidden), for change detection, and for copying objects to another cluster
 * (k8s_sync). Inputs are never mutated.
 */
import type { KubeMetadata, KubeObject } from './types.ts';
import { isRecord } from './types.ts';

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

/** Annotations the PV controller and the scheduler set on a bound PersistentVolumeClaim. */
const PVC_BIND_ANNOTATIONS = [
  'pv.kubernetes.io/bind-completed',
  'pv.kubernetes.io/bound-by-controller',
  'volume.beta.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/selected-node',
];

/** Annotations OpenShift's image controllers set on ImageStreams. */
const IMAGESTREAM_ANNOTATIONS = ['openshift.io/image.dockerRepositoryCheck'];

/** Characters Kubernetes uses for generated name suffixes (`utilrand.String`). */
const GENERATED_SUFFIX = '[bcdfghjklmnpqrstvwxz2456789]{5}';

function cloneMeta(object: KubeObject): { copy: KubeObject; meta: KubeMetadata } {
  const copy = structuredClone(object);
  const meta: KubeMetadata = copy.metadata ?? {};
  copy.metadata = meta;
  return { copy, meta };
}

function dropAnnotations(meta: KubeMetadata, names: readonly string[]): void {
  if (!meta.annotations) return;
  for (const name of names) delete meta.annotations[name];
  if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
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
 * status and the last-applied annotation removed, plus per-kind fields that the source cluster
 * allocated (Service cluster IPs, ServiceAccount generated secrets, PVC binding, ImageStream
 * controller annotations). Headless Services keep `clusterIP: None`.
 */
export function sanitizeForSync(object: KubeObject): KubeObject {
  const { copy, meta } = cloneMeta(object);
  for (const key of [...SERVER_METADATA, ...CLUSTER_METADATA]) delete meta[key];
  dropAnnotations(meta, [LAST_APPLIED_ANNOTATION]);
  delete copy['status'];
  const perKind = KIND_SANITIZERS[copy.kind ?? ''];
  if (perKind) perKind(copy, meta);
  return copy;
}

const KIND_SANITIZERS: Record<string, (copy: KubeObject, meta: KubeMetadata) => void> = {
  Service: (copy) => {
    const spec = isRecord(copy['spec']) ? copy['spec'] : undefined;
    if (!spec) return;
    if (spec['clusterIP'] !== 'None') {
      delete spec['clusterIP'];
      delete spec['clusterIPs'];
    }
    delete spec['healthCheckNodePort'];
  },
  ServiceAccount: (copy, meta) => {
    const name = meta.name ?? '';
    for (const field of ['secrets', 'imagePullSecrets']) {
      const list = copy[field];
      if (!Array.isArray(list)) continue;
      const kept = list.filter(
        (ref) => !(isRecord(ref) && isGeneratedServiceAccountSecret(name, ref['name'])),
      );
      if (kept.length) copy[field] = kept;
      else delete copy[field];
    }
  },
  PersistentVolumeClaim: (copy, meta) => {
    if (isRecord(copy['spec'])) delete copy['spec']['volumeName'];
    dropAnnotations(meta, PVC_BIND_ANNOTATIONS);
  },
  ImageStream: (copy, meta) => {
    dropAnnotations(meta, IMAGESTREAM_ANNOTATIONS);
    const spec = isRecord(copy['spec']) ? copy['spec'] : undefined;
    if (spec && Array.isArray(spec['tags']))
      for (const tag of spec['tags']) if (isRecord(tag)) delete tag['generation'];
  },
};

/**
 * True for a secret name the token controllers generate for service account `sa`
 * (`<sa>-token-xxxxx`, `<sa>-dockercfg-xxxxx`); a user's `<sa>-token-mine` is not generated.
 */
export function isGeneratedServiceAccountSecret(sa: string, name: unknown): boolean {
  if (typeof name !== 'string' || !sa) return false;
  const escaped = sa.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}-(token|dockercfg)-${GENERATED_SUFFIX}$`).test(name);
}

/** True for a `kubernetes.io/service-account-token` Secret: it belongs to its cluster, never sync it. */
export function isServiceAccountToken(object: KubeObject): boolean {
  return object.kind === 'Secret' && object['type'] === 'kubernetes.io/service-account-token';
}

/**
 * True for Secrets a cluster generates for itself: service account tokens and OpenShift's
 * per-service-account pull secrets (`kubernetes.io/dockercfg` with `openshift.io/token-secret.name`).
 */
export function isClusterGeneratedSecret(object: KubeObject): boolean {
  if (isServiceAccountToken(object)) return true;
  const annotations = object.metadata?.annotations ?? {};
  return (
    object.kind === 'Secret' &&
    object['type'] === 'kubernetes.io/dockercfg' &&
    annotations['openshift.io/token-secret.name'] !== undefined &&
    annotations['kubernetes.io/service-account.name'] !== undefined
  );
}
