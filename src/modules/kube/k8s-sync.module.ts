/**
 * k8s_sync: copies selected objects from a source host (default: the single host of group
 * `master`) onto the task's host. Objects are sanitized (nothing that belongs to the source
 * cluster), marked (managed-by label, origin annotations), overridden per target, written in
 * waves (namespaces and CRDs, service accounts and RBAC, the rest) and only when they differ.
 * `prune` deletes what mcsync synced earlier from this source and is no longer selected (without
 * it those orphans are reported in the result, so a caller can say what is left behind);
 * `conflict` decides about target objects mcsync did not write. Check mode is a server dry run.
 */
import type { ModuleContext, ModuleDefinition } from '../../model/module.ts';
import type { ModuleResult, ResultDiff } from '../../model/result.ts';
import { kubeClientFor, objectDiff, refOf } from '../../kube/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { k8sSyncArgsSchema } from './k8s-sync-args.ts';
import type { K8sSyncArgs } from './k8s-sync-args.ts';
import { overridesFor } from './k8s-sync-patch.ts';
import type { ImageOutcome } from '../image/image-copy-one.ts';
import type { ImageStepResult } from './k8s-sync-images.ts';
import { carryImages } from './k8s-sync-images.ts';
import type { ImageStreamSettings } from './k8s-sync-imagestream.ts';
import { listTarget, namespaceListScope, prepareAll, startTargetLists } from './k8s-sync-prepare.ts';
import { readSource, selectorScopes, sourceHost } from './k8s-sync-source.ts';
import type { SyncOutcome, WriteSettings } from './k8s-sync-write.ts';
import {
  createNamespaces,
  linkServiceAccounts,
  orphansOf,
  pruneObjects,
  writeObjects,
} from './k8s-sync-write.ts';

/** How one object is reported in the result's `objects` list. */
export interface SyncObjectReport {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  action: SyncOutcome['action'];
  msg?: string;
}

/**
 * An orphan in the result's `orphans` list (only without `prune`): a target object synced
 * earlier from this source, in the selectors' scope, that is no longer selected; `prune: true`
 * would delete it.
 */
export type OrphanReport = Omit<SyncObjectReport, 'action' | 'msg'>;

export const k8sSyncModule: ModuleDefinition<K8sSyncArgs> = {
  name: 'k8s_sync',
  aliases: ['mcsync.k8s_sync'],
  description:
    'Copy selected objects from a source host (default: the master) onto the host; prune and conflict safe.',
  supportsCheckMode: true,
  argsSchema: k8sSyncArgsSchema,
  async run(args, context) {
    const source = sourceHost(args.from, context);
    if (source === context.host)
      return { skipped: true, changed: false, msg: `${context.host} is the source of this sync` };
    const sourceClient = await kubeClientFor(context, source);
    // The target's client, discovery and lists get under way while the source is read.
    const targetClient = kubeClientFor(context);
    targetClient.catch(() => undefined); // its failure is thrown below, after the source's
    const prefix = args.name_prefix ?? '';
    const suffix = args.name_suffix ?? '';
    const scopes = await selectorScopes(sourceClient, source, args.objects);
    // What the target is listed for: the selectors' scopes, and its Namespaces for create_namespace.
    const listScopes = args.create_namespace ? [...scopes, namespaceListScope(scopes)] : scopes;
    // Renamed objects are looked for under their new names: their lists wait for the read.
    const early = prefix || suffix ? undefined : startTargetLists(targetClient, listScopes);
    const read = await readSource(sourceClient, source, args.objects, context, scopes);
    const overrides = overridesFor(args.overrides, context.host, (g) => context.inventory.groupHosts(g));
    const imageStreams = imageStreamSettings(args, context, source);
    const prepared = prepareAll(
      read.objects,
      { source, overrides, prefix, suffix, imageStreams },
      context.services.runCache,
    );
    const desired = prepared.map((p) => p.object);
    const client = await targetClient;
    const settings: WriteSettings = {
      client,
      host: context.host,
      source,
      check: context.check,
      conflict: args.conflict ?? 'fail',
      concurrency: args.concurrency ?? 32,
      // The selectors' scopes are listed without prune too: the orphans are reported then.
      live: await listTarget(client, desired, listScopes, early),
      newNamespaces: new Set(),
    };
    const outcomes: SyncOutcome[] = args.create_namespace ? await createNamespaces(desired, settings) : [];
    const written = await writeObjects(desired, settings);
    outcomes.push(...written.outcomes);
    let images: ImageStepResult = { images: [], diffs: [] };
    const orphans = args.prune ? [] : orphansOf(desired, read.scopes, settings).map(orphanReport);
    if (!written.failures.length) {
      if (args.prune) outcomes.push(...(await pruneObjects(desired, read.scopes, settings)));
      const rename = (name: string): string => `${prefix}${name}${suffix}`;
      outcomes.push(...(await linkServiceAccounts(read.links, rename, settings)));
      images = await carryImages(prepared, outcomes, {
        context,
        client,
        source,
        timeoutMs: (args.imagestream_import_timeout ?? 30) * 1000,
      });
    }
    return buildResult(source, { outcomes, orphans }, images, context);
  },
};

/** The task's ImageStream settings; the registries only matter (and are read) for `copy`. */
function imageStreamSettings(args: K8sSyncArgs, context: ModuleContext, source: string): ImageStreamSettings {
  const registryOf = (host: string): string | undefined => {
    const vars = host === context.host ? context.vars : context.inventory.hostVars(host);
    return typeof vars['registry'] === 'string' ? vars['registry'].replace(/\/+$/, '') : undefined;
  };
  return {
    mode: args.imagestream_mode ?? 'mirror',
    pin: args.imagestream_pin ?? 'tag',
    sourceRegistry: registryOf(source),
    targetRegistry: registryOf(context.host),
  };
}

function report(o: SyncOutcome): SyncObjectReport {
  return {
    apiVersion: o.ref.apiVersion,
    kind: o.ref.kind,
    ...(o.ref.namespace ? { namespace: o.ref.namespace } : {}),
    name: o.ref.name,
    action: o.action,
    ...(o.msg ? { msg: o.msg } : {}),
  };
}

function orphanReport(o: KubeObject): OrphanReport {
  const ref = refOf(o);
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    name: ref.name,
  };
}

/** Counts per action, every action present (zeros included) so scripts can read them. */
function countActions(outcomes: readonly SyncOutcome[]): Record<SyncOutcome['action'], number> {
  const counts = { created: 0, configured: 0, unchanged: 0, pruned: 0, skipped: 0, failed: 0 };
  for (const o of outcomes) counts[o.action] += 1;
  return counts;
}

function imageSummary(images: readonly ImageOutcome[]): string {
  const copied = images.filter((i) => i.action === 'copied' || i.action === 'would copy').length;
  return copied
    ? `; ${copied} image(s) ${images.some((i) => i.action === 'copied') ? 'copied' : 'to copy'}`
    : '';
}

function orphanSummary(orphans: readonly OrphanReport[]): string {
  return orphans.length ? `; ${orphans.length} orphan(s) kept (prune: false)` : '';
}

function buildResult(
  source: string,
  { outcomes, orphans }: { outcomes: readonly SyncOutcome[]; orphans: readonly OrphanReport[] },
  step: ImageStepResult,
  context: ModuleContext,
): ModuleResult {
  const counts = countActions(outcomes);
  const failedImages = step.images.filter((i) => i.action === 'failed');
  const failed = [
    ...outcomes.filter((o) => o.action === 'failed'),
    ...failedImages.map((i) => ({ msg: `copy of ${i.image} to ${i.destination} failed: ${i.msg ?? ''}` })),
  ];
  const summary = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([action, n]) => `${n} ${action}`)
    .join(', ');
  const result: ModuleResult = {
    changed: outcomes.some((o) => o.changed) || step.images.some((i) => i.changed),
    source,
    counts,
    objects: outcomes.map(report),
    msg: failed.length
      ? `${failed.length} object(s) failed: ${failed.map((o) => o.msg).join('; ')}`
      : `from ${source}: ${summary || 'nothing selected'}${imageSummary(step.images)}${orphanSummary(orphans)}${context.check ? ' (check mode: nothing written)' : ''}`,
  };
  if (step.images.length) result['images'] = step.images;
  if (orphans.length) result['orphans'] = orphans;
  if (failed.length) result.failed = true;
  if (context.diff) {
    const diffs: ResultDiff[] = outcomes
      .filter((o) => o.changed)
      .map((o) =>
        objectDiff(o.before, o.action === 'pruned' ? undefined : (o.after as KubeObject | undefined)),
      );
    diffs.push(...step.diffs, ...imageDiffs(step.images));
    if (diffs.length) result.diff = diffs;
  }
  return result;
}

/** Old → new digest of each image copied (copy mode), as image_copy shows them. */
function imageDiffs(images: readonly ImageOutcome[]): ResultDiff[] {
  return images
    .filter((i) => i.action === 'copied' || i.action === 'would copy')
    .map((i) => ({
      header: i.destination,
      before: `${i.before ?? '(absent)'}\n`,
      after: `${i.digest ?? ''}\n`,
    }));
}
