/**
 * What the k8s module does to one object per state: apply (present), delete (absent) or merge
 * patch (patched), each returning an ObjectOutcome. Check mode uses server-side dry-run; objects
 * that depend on a namespace or CRD that this same task would create cannot be dry-run, so they
 * are reported as `created` from their definition.
 */
import {
  applyObject,
  deleteObject,
  describeRef,
  isApiStatus,
  isRecord,
  patchObject,
  refOf,
  UnknownKindError,
} from '../../kube/index.ts';
import type { DeleteOptions, KubeClient, KubeObject, ObjectRef } from '../../kube/index.ts';
import type { SleepClock } from '../../shared/clock.ts';
import { isOpenShiftProject, presentProject } from './k8s-project-request.ts';

export type ObjectAction =
  'created' | 'configured' | 'unchanged' | 'deleted' | 'missing' | 'pruned' | 'failed';

/** The outcome of one object; `before`/`after` feed the diff. */
export interface ObjectOutcome {
  ref: ObjectRef;
  action: ObjectAction;
  changed: boolean;
  before: KubeObject | undefined;
  after: KubeObject | undefined;
  msg?: string;
}

/** Settings shared by every object of one task. */
export interface StepSettings {
  client: KubeClient;
  check: boolean;
  force: boolean;
  namespace: string | undefined;
  deleteOptions: Omit<DeleteOptions, 'dryRun'>;
  /** Check mode: namespaces and CRD kinds that earlier objects of this task would create. */
  planned: { namespaces: Set<string>; kinds: Set<string> };
  /** For waits (a requested Project appearing). */
  clock: SleepClock;
}

/** Records, in check mode, what a `created` Namespace or CRD makes possible for later objects. */
function remember(outcome: ObjectOutcome, object: KubeObject, settings: StepSettings): void {
  if (!settings.check || outcome.action !== 'created') return;
  if (object.kind === 'Namespace' || object.kind === 'Project')
    settings.planned.namespaces.add(outcome.ref.name);
  if (object.kind === 'CustomResourceDefinition')
    for (const key of crdKinds(object)) settings.planned.kinds.add(key);
}

/** `group/version/Kind` keys a CRD defines. */
export function crdKinds(crd: KubeObject): string[] {
  const spec = isRecord(crd['spec']) ? crd['spec'] : {};
  const names = isRecord(spec['names']) ? spec['names'] : {};
  const versions = Array.isArray(spec['versions']) ? spec['versions'].filter(isRecord) : [];
  return versions.map((v) => `${String(spec['group'])}/${String(v['name'])}/${String(names['kind'])}`);
}

/** True when a dry-run failed only because a namespace or kind is still to be created by this task. */
function dependsOnPlanned(error: unknown, object: KubeObject, settings: StepSettings): boolean {
  if (!settings.check) return false;
  if (error instanceof UnknownKindError)
    return settings.planned.kinds.has(`${object.apiVersion}/${object.kind}`);
  const ns = object.metadata?.namespace ?? settings.namespace;
  return isApiStatus(error, 404) && ns !== undefined && settings.planned.namespaces.has(ns);
}

/**
 * state: present — server-side apply (dry-run in check mode); an OpenShift Project that does not
 * exist yet is requested first, as `oc new-project` does (k8s-project-request.ts).
 */
export async function presentStep(object: KubeObject, settings: StepSettings): Promise<ObjectOutcome> {
  if (isOpenShiftProject(object)) return presentProject(object, settings);
  try {
    const result = await applyObject(settings.client, object, {
      force: settings.force,
      dryRun: settings.check,
      defaultNamespace: settings.namespace,
    });
    const outcome: ObjectOutcome = {
      ref: result.ref,
      action: result.action,
      changed: result.changed,
      before: result.before,
      after: result.after,
    };
    remember(outcome, object, settings);
    return outcome;
  } catch (error) {
    if (!dependsOnPlanned(error, object, settings)) throw error;
    const ref = refOf(object);
    const namespace = ref.namespace ?? settings.namespace;
    const after = { ...object, metadata: { ...object.metadata, namespace } };
    return {
      ref: { ...ref, namespace },
      action: 'created',
      changed: true,
      before: undefined,
      after,
      msg: 'would be created (after its namespace or CRD)',
    };
  }
}

/** The ref with the namespace discovery says it has: the default for namespaced kinds, none otherwise. */
async function scopedRef(object: KubeObject, settings: StepSettings): Promise<ObjectRef> {
  const given = refOf(object);
  const info = await settings.client.resource(given.apiVersion, given.kind);
  const namespace = info.namespaced
    ? (given.namespace ?? settings.namespace ?? settings.client.connection.defaultNamespace ?? 'default')
    : undefined;
  return { ...given, namespace };
}

/** state: absent — delete (dry-run in check mode); a kind the cluster does not serve has nothing to delete. */
export async function absentStep(object: KubeObject, settings: StepSettings): Promise<ObjectOutcome> {
  let ref: ObjectRef = refOf(object);
  try {
    ref = await scopedRef(object, settings);
    const result = await deleteObject(settings.client, ref, {
      ...settings.deleteOptions,
      dryRun: settings.check,
    });
    return {
      ref,
      action: result.changed ? 'deleted' : 'unchanged',
      changed: result.changed,
      before: result.before,
      after: undefined,
    };
  } catch (error) {
    if (!(error instanceof UnknownKindError)) throw error;
    return {
      ref,
      action: 'unchanged',
      changed: false,
      before: undefined,
      after: undefined,
      msg: error.message,
    };
  }
}

/** state: patched — JSON merge patch onto an existing object; a missing object is reported, not created. */
export async function patchedStep(object: KubeObject, settings: StepSettings): Promise<ObjectOutcome> {
  const ref = await scopedRef(object, settings);
  const patch: KubeObject = { ...object, metadata: { ...object.metadata } };
  delete patch.apiVersion;
  delete patch.kind;
  delete patch.metadata?.name;
  delete patch.metadata?.namespace;
  if (patch.metadata && Object.keys(patch.metadata).length === 0) delete patch.metadata;
  const result = await patchObject(settings.client, ref, patch, { type: 'merge', dryRun: settings.check });
  const msg =
    result.action === 'missing'
      ? `${describeRef(ref)} does not exist; state: patched only changes existing objects`
      : undefined;
  return {
    ref,
    action: result.action,
    changed: result.changed,
    before: result.before,
    after: result.after,
    ...(msg ? { msg } : {}),
  };
}
