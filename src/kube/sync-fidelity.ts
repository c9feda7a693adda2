/**
 * Per-kind sync fidelity: what of an object belongs to the cluster it was read from and must not
 * be copied to another one. One table, so the rules are reviewed (and documented in
 * docs/kube.md) in one place; `sanitizeForSync` applies the row of the object's kind after the
 * rules every kind shares (status, server metadata, owners, finalizers). Rows mutate the copy they
 * are given; `source` is the untouched object as read (its managedFields tell what a user set).
 */
import type { KubeMetadata, KubeObject } from './types.ts';
import { isRecord } from './types.ts';

/** One row of the table. */
export interface FidelityRule {
  kind: string;
  /** What the row removes, for docs and reviews. */
  drops: string;
  /** What the row deliberately keeps. */
  keeps: string;
  /** True for objects that are never copied at all. */
  skip?: (object: KubeObject) => boolean;
  sanitize?: (copy: KubeObject, meta: KubeMetadata, source: KubeObject) => void;
}

/** Characters Kubernetes uses for generated name suffixes (`utilrand.String`). */
const GENERATED_SUFFIX = '[bcdfghjklmnpqrstvwxz2456789]{5}';

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

/** The annotation OpenShift's route admission sets when it generated `spec.host`. */
export const ROUTE_HOST_GENERATED = 'openshift.io/host.generated';

/** Labels the Job controller generates on a Job and its pod template (selector and naming). */
const JOB_GENERATED_LABELS = [
  'controller-uid',
  'job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-name',
];

export function dropAnnotations(meta: KubeMetadata, names: readonly string[]): void {
  if (!meta.annotations) return;
  for (const name of names) delete meta.annotations[name];
  if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
}

function dropLabels(holder: { labels?: Record<string, string> } | undefined, names: readonly string[]): void {
  if (!holder?.labels) return;
  for (const name of names) delete holder.labels[name];
  if (Object.keys(holder.labels).length === 0) delete holder.labels;
}

const specOf = (object: KubeObject): Record<string, unknown> | undefined =>
  isRecord(object['spec']) ? object['spec'] : undefined;

/**
 * The `fieldsV1` trees of every field manager of the source object. A field that appears in one
 * was set by a client (a user pinned it); allocated values (node ports) are owned by nobody,
 * because the API server allocates them after field ownership is computed.
 */
function ownedFieldTrees(source: KubeObject): Record<string, unknown>[] {
  const entries = source.metadata?.managedFields;
  if (!Array.isArray(entries)) return [];
  return entries
    .map((entry) => (isRecord(entry) && isRecord(entry['fieldsV1']) ? entry['fieldsV1'] : undefined))
    .filter((tree): tree is Record<string, unknown> => tree !== undefined);
}

/** True when some field manager of `source` owns `spec.<path…>` (keys as `f:name`). */
function ownsSpecField(source: KubeObject, ...path: string[]): boolean {
  return ownedFieldTrees(source).some((tree) => {
    let node: unknown = tree['f:spec'];
    for (const key of path) node = isRecord(node) ? node[key] : undefined;
    return node !== undefined;
  });
}

/** True when some field manager owns the nodePort of the Service port `{port, protocol}`. */
function ownsNodePort(source: KubeObject, port: Record<string, unknown>): boolean {
  const protocol = typeof port['protocol'] === 'string' ? port['protocol'] : 'TCP';
  return ownedFieldTrees(source).some((tree) => {
    const ports = isRecord(tree['f:spec']) ? tree['f:spec']['f:ports'] : undefined;
    if (!isRecord(ports)) return false;
    return Object.entries(ports).some(([key, fields]) => {
      if (!key.startsWith('k:') || !isRecord(fields) || !('f:nodePort' in fields)) return false;
      try {
        const id = JSON.parse(key.slice(2)) as { port?: unknown; protocol?: unknown };
        return id.port === port['port'] && (id.protocol ?? 'TCP') === protocol;
      } catch {
        return false;
      }
    });
  });
}

function sanitizeService(copy: KubeObject, _meta: KubeMetadata, source: KubeObject): void {
  const spec = specOf(copy);
  if (!spec) return;
  if (spec['clusterIP'] !== 'None') {
    delete spec['clusterIP'];
    delete spec['clusterIPs'];
  }
  if (!ownsSpecField(source, 'f:healthCheckNodePort')) delete spec['healthCheckNodePort'];
  if (!Array.isArray(spec['ports'])) return;
  for (const port of spec['ports'])
    if (isRecord(port) && 'nodePort' in port && !ownsNodePort(source, port)) delete port['nodePort'];
}

function sanitizeServiceAccount(copy: KubeObject, meta: KubeMetadata): void {
  const name = meta.name ?? '';
  for (const field of ['secrets', 'imagePullSecrets']) {
    const list = copy[field];
    if (!Array.isArray(list)) continue;
    const kept = list.filter((ref) => !(isRecord(ref) && isGeneratedServiceAccountSecret(name, ref['name'])));
    if (kept.length) copy[field] = kept;
    else delete copy[field];
  }
}

function sanitizeJob(copy: KubeObject, meta: KubeMetadata): void {
  const spec = specOf(copy);
  if (spec && spec['manualSelector'] !== true) delete spec['selector'];
  dropLabels(meta, JOB_GENERATED_LABELS);
  const template = spec && isRecord(spec['template']) ? spec['template'] : undefined;
  const templateMeta = template && isRecord(template['metadata']) ? template['metadata'] : undefined;
  dropLabels(templateMeta as { labels?: Record<string, string> } | undefined, JOB_GENERATED_LABELS);
}

function sanitizeRoute(copy: KubeObject, meta: KubeMetadata): void {
  if (meta.annotations?.[ROUTE_HOST_GENERATED] !== 'true') return;
  delete specOf(copy)?.['host'];
  dropAnnotations(meta, [ROUTE_HOST_GENERATED]);
}

function sanitizePersistentVolumeClaim(copy: KubeObject, meta: KubeMetadata): void {
  delete specOf(copy)?.['volumeName'];
  dropAnnotations(meta, PVC_BIND_ANNOTATIONS);
}

function sanitizeImageStream(copy: KubeObject, meta: KubeMetadata): void {
  dropAnnotations(meta, IMAGESTREAM_ANNOTATIONS);
  const spec = specOf(copy);
  if (spec && Array.isArray(spec['tags']))
    for (const tag of spec['tags']) if (isRecord(tag)) delete tag['generation'];
}

/** The table. Kinds not listed get only the shared rules. */
export const SYNC_FIDELITY: readonly FidelityRule[] = [
  {
    kind: 'Secret',
    drops: 'service-account token Secrets and OpenShift per-service-account dockercfg Secrets: never copied',
    keeps: 'every other Secret, data as is',
    skip: isClusterGeneratedSecret,
  },
  {
    kind: 'ServiceAccount',
    drops: 'references to the generated `<sa>-token-xxxxx` / `<sa>-dockercfg-xxxxx` secrets',
    keeps: 'references to secrets a user named',
    sanitize: sanitizeServiceAccount,
  },
  {
    kind: 'Service',
    drops:
      '`clusterIP`/`clusterIPs`; allocated `nodePort`s and `healthCheckNodePort` (no field manager owns them)',
    keeps: '`clusterIP: None` (headless); node ports a user pinned (owned in managedFields)',
    sanitize: sanitizeService,
  },
  {
    kind: 'Route',
    drops: 'a generated `spec.host` (annotation `openshift.io/host.generated: "true"`) and that annotation',
    keeps: 'a host the user set',
    sanitize: sanitizeRoute,
  },
  {
    kind: 'Job',
    drops:
      'the generated `spec.selector` (unless `manualSelector: true`) and the `controller-uid`, `job-name`, `batch.kubernetes.io/controller-uid`, `batch.kubernetes.io/job-name` labels on the Job and its pod template',
    keeps: 'a manual selector and every other label',
    sanitize: sanitizeJob,
  },
  {
    kind: 'PersistentVolumeClaim',
    drops: '`spec.volumeName` and the binding/provisioner annotations',
    keeps: 'storage class, size, access modes',
    sanitize: sanitizePersistentVolumeClaim,
  },
  {
    kind: 'ImageStream',
    drops:
      '`openshift.io/image.dockerRepositoryCheck`, spec tag `generation`s; status (its pushed tags become spec tags, see `imagestream_mode`)',
    keeps: 'spec tags and their annotations',
    sanitize: sanitizeImageStream,
  },
];

const BY_KIND = new Map(SYNC_FIDELITY.map((rule) => [rule.kind, rule]));

/** The row for a kind, if the table has one. */
export function fidelityRule(kind: string | undefined): FidelityRule | undefined {
  return BY_KIND.get(kind ?? '');
}

/** True for objects a sync never copies (their row's `skip`). */
export function neverSynced(object: KubeObject): boolean {
  return fidelityRule(object.kind)?.skip?.(object) ?? false;
}

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
