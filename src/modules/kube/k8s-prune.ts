/**
 * Apply sets for the k8s module (`apply_set: NAME`, `prune: true`): every object a task applies
 * carries the label `mcsync.io/apply-set: NAME`, and a parent ConfigMap `mcsync-applyset-NAME`
 * records which kinds the set has ever held (as kubectl's ApplySet does with its
 * contains-group-kinds annotation). Pruning lists those kinds by the label and deletes what the
 * task no longer applies. Only objects carrying both the set label and mcsync's managed-by label
 * are ever deleted, so removing a manifest never touches objects someone else created.
 */
import { errorMessage, UnreachableError } from '../../errors.ts';
import {
  applyObject,
  deleteObject,
  getObject,
  isApiStatus,
  keyOf,
  listObjects,
  UnknownKindError,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  refOf,
  withManagedBy,
  writeWaves,
} from '../../kube/index.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../../kube/index.ts';
import type { ObjectOutcome } from './k8s-steps.ts';

export const APPLY_SET_LABEL = 'mcsync.io/apply-set';
/** Annotation on the parent ConfigMap: `apiVersion|Kind` entries, comma separated, sorted. */
export const APPLY_SET_KINDS_ANNOTATION = 'mcsync.io/apply-set-kinds';
/** Label on the parent ConfigMap (not the member label, so the parent is never pruned). */
export const APPLY_SET_PARENT_LABEL = 'mcsync.io/apply-set-parent';

/** A copy of `object` labelled as a member of apply set `name`. */
export function withApplySet(object: KubeObject, name: string): KubeObject {
  const metadata = object.metadata ?? {};
  return { ...object, metadata: { ...metadata, labels: { ...metadata.labels, [APPLY_SET_LABEL]: name } } };
}

export interface PruneSettings {
  client: KubeClient;
  setName: string;
  /** Where the parent ConfigMap lives. */
  namespace: string;
  check: boolean;
}

function parentRef(settings: PruneSettings): ObjectRef {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: settings.namespace,
    name: `mcsync-applyset-${settings.setName}`,
  };
}

function kindKey(object: { apiVersion?: string | undefined; kind?: string | undefined }): string {
  return `${object.apiVersion ?? ''}|${object.kind ?? ''}`;
}

async function recordedKinds(settings: PruneSettings): Promise<string[]> {
  const parent = await getObject(settings.client, parentRef(settings));
  const text = parent?.metadata?.annotations?.[APPLY_SET_KINDS_ANNOTATION] ?? '';
  return text.split(',').filter((entry) => entry.includes('|'));
}

/** Live members of the set in one kind (a kind the cluster no longer serves has none). */
async function members(kind: string, settings: PruneSettings): Promise<KubeObject[]> {
  const [apiVersion = '', name = ''] = kind.split('|');
  try {
    const { items } = await listObjects(settings.client, {
      apiVersion,
      kind: name,
      labelSelector: `${APPLY_SET_LABEL}=${settings.setName},${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`,
    });
    return items;
  } catch (error) {
    if (isApiStatus(error, 404) || error instanceof UnknownKindError) return [];
    throw error;
  }
}

/**
 * Deletes members of the set that `applied` no longer contains (reverse dependency order), then
 * records the kinds still in the set on the parent ConfigMap. Check mode deletes with dry-run
 * and leaves the parent alone. Returns one `pruned` (or `failed`) outcome per deleted object.
 */
export async function pruneApplySet(
  applied: readonly ObjectRef[],
  settings: PruneSettings,
): Promise<ObjectOutcome[]> {
  const wanted = new Set(applied.map(keyOf));
  const kinds = new Set([...(await recordedKinds(settings)), ...applied.map(kindKey)]);
  const doomed: KubeObject[] = [];
  for (const kind of kinds) {
    for (const live of await members(kind, settings)) if (!wanted.has(keyOf(refOf(live)))) doomed.push(live);
  }
  const outcomes: ObjectOutcome[] = [];
  for (const wave of writeWaves(doomed, { reverse: true })) {
    const settled = await Promise.allSettled(
      wave.map((o) => deleteObject(settings.client, refOf(o), { dryRun: settings.check })),
    );
    settled.forEach((s, i) => {
      const ref = refOf(wave[i] as KubeObject);
      if (s.status === 'rejected' && s.reason instanceof UnreachableError) throw s.reason;
      outcomes.push(
        s.status === 'fulfilled'
          ? { ref, action: 'pruned', changed: s.value.changed, before: s.value.before, after: undefined }
          : {
              ref,
              action: 'failed',
              changed: false,
              before: undefined,
              after: undefined,
              msg: errorMessage(s.reason),
            },
      );
    });
  }
  const failedKinds = new Set(outcomes.filter((o) => o.action === 'failed').map((o) => kindKey(o.ref)));
  const keep = [...new Set([...applied.map(kindKey), ...failedKinds])].sort();
  if (!settings.check) await recordKinds(keep, settings);
  return outcomes;
}

async function recordKinds(kinds: readonly string[], settings: PruneSettings): Promise<void> {
  const ref = parentRef(settings);
  const parent: KubeObject = withManagedBy({
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      labels: { [APPLY_SET_PARENT_LABEL]: settings.setName },
      annotations: { [APPLY_SET_KINDS_ANNOTATION]: kinds.join(',') },
    },
  });
  await applyObject(settings.client, parent, { force: true });
}
