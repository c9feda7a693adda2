/**
 * The target side of k8s_sync: namespaces first (when asked), then the objects wave by wave
 * with bounded concurrency — skipping objects that already match, honouring `conflict` for
 * objects mcsync did not write — then prune and service account links.
 */
import { McsyncError, UnreachableError, errorMessage } from '../../errors.ts';
import {
  applyObject,
  deleteObject,
  describeRef,
  getObject,
  isManagedByMcsync,
  listObjects,
  patchObject,
  refOf,
  withManagedBy,
  writeWaves,
} from '../../kube/index.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../../kube/index.ts';
import { settleBounded } from '../../shared/bounded.ts';
import type { K8sSyncArgs } from './k8s-sync-args.ts';
import { isSubset } from './k8s-sync-patch.ts';
import type { LiveIndex } from './k8s-sync-prepare.ts';
import { keyOf, SYNC_HASH_ANNOTATION, syncedFrom } from './k8s-sync-prepare.ts';
import type { SourceRead, SyncScope } from './k8s-sync-source.ts';

export type SyncAction = 'created' | 'configured' | 'unchanged' | 'pruned' | 'skipped' | 'failed';

export interface SyncOutcome {
  ref: ObjectRef;
  action: SyncAction;
  changed: boolean;
  before?: KubeObject | undefined;
  after?: KubeObject | undefined;
  msg?: string;
}

export interface WriteSettings {
  client: KubeClient;
  host: string;
  source: string;
  check: boolean;
  conflict: NonNullable<K8sSyncArgs['conflict']>;
  concurrency: number;
  live: LiveIndex;
  /** Namespaces this task creates (in check mode they do not exist, so nothing in them can be dry-run). */
  newNamespaces: Set<string>;
}

const outcome = (ref: ObjectRef, action: SyncAction, extra: Partial<SyncOutcome> = {}): SyncOutcome => ({
  ref,
  action,
  changed: action === 'created' || action === 'configured' || action === 'pruned',
  ...extra,
});

/** Creates the missing namespaces of the desired objects (marked managed-by mcsync). */
export async function createNamespaces(
  desired: readonly KubeObject[],
  settings: WriteSettings,
): Promise<SyncOutcome[]> {
  const wanted = new Set(desired.map((o) => o.metadata?.namespace).filter((n): n is string => !!n));
  if (!wanted.size) return [];
  // The task's target lists hold the Namespaces it asked for (namespaceListScope): every one, or
  // the one its selectors name. Namespaces they cannot answer for (an override moved objects
  // elsewhere) are looked up in a list of all.
  const { live } = settings;
  const known = (name: string): boolean =>
    live.wholeKinds.has('Namespace') || live.singleNames.get('Namespace') === name;
  const exists = [...wanted].every(known)
    ? (name: string): boolean => live.objects.has(keyOf('Namespace', undefined, name))
    : await listedNamespaces(settings.client);
  const missing = [...wanted].filter((n) => !exists(n)).sort();
  // All at once (within the task's concurrency), reported in name order.
  const settled = await settleBounded(missing, settings.concurrency, async (name) => {
    const ns: KubeObject = withManagedBy({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const result = await applyObject(settings.client, ns, { dryRun: settings.check, live: null });
    settings.newNamespaces.add(name);
    return outcome(result.ref, 'created', {
      after: result.after,
      msg: 'namespace created for synced objects',
    });
  });
  return settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
}

async function listedNamespaces(client: KubeClient): Promise<(name: string) => boolean> {
  const { items } = await listObjects(client, { apiVersion: 'v1', kind: 'Namespace' });
  const names = new Set(items.map((n) => n.metadata?.name));
  return (name) => names.has(name);
}

function conflictMessage(ref: ObjectRef, settings: WriteSettings): string {
  return (
    `${describeRef(ref)} exists on ${settings.host} but was not written by mcsync ` +
    `(no app.kubernetes.io/managed-by=mcsync label); not overwriting it. ` +
    'Set conflict: adopt to take it over, or conflict: skip to leave it alone'
  );
}

/** The live object: found, `null` when its kind was listed and it is absent, undefined when unknown. */
function liveOf(ref: ObjectRef, settings: WriteSettings): KubeObject | null | undefined {
  const found = settings.live.objects.get(keyOf(ref.kind, ref.namespace, ref.name));
  if (found) return found;
  return settings.live.listedKinds.has(ref.kind) ? null : undefined;
}

/** True when the live object already holds what would be written (same hash, no drift). */
function upToDate(object: KubeObject, live: KubeObject): boolean {
  const hash = object.metadata?.annotations?.[SYNC_HASH_ANNOTATION];
  return live.metadata?.annotations?.[SYNC_HASH_ANNOTATION] === hash && isSubset(object, live);
}

async function writeOne(object: KubeObject, settings: WriteSettings): Promise<SyncOutcome> {
  const ref = refOf(object);
  const live = liveOf(ref, settings);
  const unmarked = !!live && !isManagedByMcsync(live);
  if (unmarked && settings.conflict === 'fail') throw new McsyncError(conflictMessage(ref, settings));
  if (unmarked && settings.conflict === 'skip')
    return outcome(ref, 'skipped', { msg: 'exists and was not written by mcsync (conflict: skip)' });
  if (live && !unmarked && upToDate(object, live))
    return outcome(ref, 'unchanged', { before: live, after: live });
  if (settings.check && ref.namespace && settings.newNamespaces.has(ref.namespace))
    return outcome(ref, 'created', { after: object, msg: 'in a namespace this task creates' });
  const result = await applyObject(settings.client, object, { dryRun: settings.check, live, force: true });
  const msg = unmarked ? { msg: 'adopted (conflict: adopt)' } : {};
  const done = outcome(result.ref, result.action, { before: result.before, ...msg });
  // Read through: a create's answer is parsed only if a diff asks for it (see applyObject).
  Object.defineProperty(done, 'after', { enumerable: true, get: () => result.after });
  return done;
}

/**
 * Writes the objects wave by wave. A failed object is reported and stops the following waves;
 * an unreachable target stops everything (the host is unreachable).
 */
export async function writeObjects(
  desired: readonly KubeObject[],
  settings: WriteSettings,
): Promise<{ outcomes: SyncOutcome[]; failures: string[] }> {
  const outcomes: SyncOutcome[] = [];
  const failures: string[] = [];
  for (const wave of writeWaves(desired)) {
    const settled = await settleBounded(wave, settings.concurrency, (o) => writeOne(o, settings));
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') return outcomes.push(s.value);
      if (s.reason instanceof UnreachableError) throw s.reason;
      const msg = errorMessage(s.reason);
      failures.push(msg);
      return outcomes.push(outcome(refOf(wave[i] as KubeObject), 'failed', { msg }));
    });
    if (failures.length) break;
  }
  return { outcomes, failures };
}

function inScope(object: KubeObject, scope: SyncScope): boolean {
  if (object.kind !== scope.kind) return false;
  if (scope.names && !scope.names.includes(object.metadata?.name ?? '')) return false;
  return !scope.namespaces || scope.namespaces.includes(object.metadata?.namespace ?? '');
}

/**
 * The orphans: target objects synced earlier from this source (both marks) in the selectors'
 * kinds and namespaces that are no longer wanted (their source is gone or no longer selected).
 * Objects without mcsync's marks, or marked for another source, are never among them.
 */
export function orphansOf(
  desired: readonly KubeObject[],
  scopes: readonly SyncScope[],
  settings: Pick<WriteSettings, 'live' | 'source'>,
): KubeObject[] {
  const wanted = new Set(desired.map((o) => keyOf(o.kind, o.metadata?.namespace, o.metadata?.name)));
  return [...settings.live.objects.entries()]
    .filter(
      ([key, o]) => !wanted.has(key) && syncedFrom(o, settings.source) && scopes.some((s) => inScope(o, s)),
    )
    .map(([, o]) => o);
}

/** Deletes the orphans (see orphansOf). */
export async function pruneObjects(
  desired: readonly KubeObject[],
  scopes: readonly SyncScope[],
  settings: WriteSettings,
): Promise<SyncOutcome[]> {
  const doomed = orphansOf(desired, scopes, settings);
  const settled = await settleBounded(
    writeWaves(doomed, { reverse: true }).flat(),
    settings.concurrency,
    async (o) => {
      const result = await deleteObject(settings.client, refOf(o), { dryRun: settings.check });
      return outcome(refOf(o), result.changed ? 'pruned' : 'unchanged', { before: result.before });
    },
  );
  return settled.map((s, i) => {
    if (s.status === 'fulfilled') return s.value;
    if (s.reason instanceof UnreachableError) throw s.reason;
    return outcome(refOf(doomed[i] as KubeObject), 'failed', { msg: errorMessage(s.reason) });
  });
}

/** Adds the synced pull secrets to the same service account's imagePullSecrets on the target. */
export async function linkServiceAccounts(
  links: SourceRead['links'],
  rename: (name: string) => string,
  settings: WriteSettings,
): Promise<SyncOutcome[]> {
  const outcomes: SyncOutcome[] = [];
  for (const link of links) {
    const ref: ObjectRef = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      name: link.serviceAccount,
      namespace: link.namespace,
    };
    const names = link.secrets.map(rename);
    if (settings.check && settings.newNamespaces.has(link.namespace)) {
      outcomes.push(outcome(ref, 'configured', { msg: `would link ${names.join(', ')} (namespace is new)` }));
      continue;
    }
    const sa = await getObject(settings.client, ref);
    if (!sa) {
      const created = withManagedBy({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: ref.name, namespace: ref.namespace },
        imagePullSecrets: names.map((name) => ({ name })),
      });
      const result = await applyObject(settings.client, created, { dryRun: settings.check, live: null });
      outcomes.push(
        outcome(result.ref, 'created', { after: result.after, msg: `linked ${names.join(', ')}` }),
      );
      continue;
    }
    const current = Array.isArray(sa['imagePullSecrets'])
      ? (sa['imagePullSecrets'] as { name?: string }[])
      : [];
    const missing = names.filter((n) => !current.some((c) => c.name === n));
    if (!missing.length) {
      outcomes.push(outcome(ref, 'unchanged', { msg: `already linked: ${names.join(', ')}` }));
      continue;
    }
    const ops =
      current.length || 'imagePullSecrets' in sa
        ? missing.map((name) => ({ op: 'add', path: '/imagePullSecrets/-', value: { name } }))
        : [{ op: 'add', path: '/imagePullSecrets', value: missing.map((name) => ({ name })) }];
    const result = await patchObject(settings.client, ref, ops, { type: 'json', dryRun: settings.check });
    outcomes.push(
      outcome(ref, result.changed ? 'configured' : 'unchanged', {
        before: result.before,
        after: result.after,
        msg: `linked ${missing.join(', ')}`,
      }),
    );
  }
  return outcomes;
}
