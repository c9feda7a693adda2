/**
 * After k8s_sync wrote the ImageStreams of one target: `copy` mode copies their images to the
 * target's registry (the image_copy machinery: skopeo, digest-checked, credentials in a 0600
 * auth file), then every stream with planned tags is checked on the target until each tag's
 * `status.tags` holds the source's digest. An import error the target's image controller
 * reports (OpenShift's `ImportSuccess=False` condition) fails the object with its reason and
 * message, so the recap and `--diff` show why a slave has no image. A stream whose import failed
 * earlier and that is unchanged now is re-imported once (OpenShift re-imports a stream whose
 * `openshift.io/image.dockerRepositoryCheck` annotation is gone), so fixing the cause (syncing the
 * pull secret) and rerunning repairs it.
 */
import { errorMessage } from '../../errors.ts';
import { describeRef, getObject, isRecord, patchObject, refOf } from '../../kube/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import type { ModuleContext } from '../../model/module.ts';
import type { ResultDiff } from '../../model/result.ts';
import { settleBounded } from '../../shared/bounded.ts';
import { openSession } from '../image/image-copy.module.ts';
import type { ImageOutcome } from '../image/image-copy-one.ts';
import { copyImage } from '../image/image-copy-one.ts';
import { hostRegistry } from '../../image/registry-endpoint.ts';
import type { ImageStreamPlan, TagPlan } from './k8s-sync-imagestream.ts';
import type { PreparedObject } from './k8s-sync-prepare.ts';
import { keyOf } from './k8s-sync-prepare.ts';
import type { SyncOutcome } from './k8s-sync-write.ts';

/** The annotation OpenShift's importer sets after each import; removing it asks for a new one. */
export const REPOSITORY_CHECK_ANNOTATION = 'openshift.io/image.dockerRepositoryCheck';

const POLL_MS = 250;

export interface ImageStepSettings {
  context: ModuleContext;
  client: KubeClient;
  source: string;
  /** 0: do not check imports. */
  timeoutMs: number;
}

/** What the image step adds to the result. */
export interface ImageStepResult {
  images: ImageOutcome[];
  diffs: ResultDiff[];
}

/** How one tag stands on the target. */
export type TagState =
  { state: 'imported' } | { state: 'failed'; reason: string; message: string } | { state: 'pending' };

function statusTag(live: KubeObject, tag: string): Record<string, unknown> | undefined {
  const status = isRecord(live['status']) ? live['status'] : {};
  const tags = Array.isArray(status['tags']) ? status['tags'] : [];
  return tags.find((t): t is Record<string, unknown> => isRecord(t) && t['tag'] === tag);
}

/** The generation an import of `tag` must have seen: the spec tag's, else the stream's. */
function wantedGeneration(live: KubeObject, tag: string): number {
  const spec = isRecord(live['spec']) ? live['spec'] : {};
  const specTag = (Array.isArray(spec['tags']) ? spec['tags'] : []).find(
    (t): t is Record<string, unknown> => isRecord(t) && t['name'] === tag,
  );
  const own = specTag?.['generation'];
  if (typeof own === 'number') return own;
  return typeof live.metadata?.generation === 'number' ? live.metadata.generation : 0;
}

/**
 * Imported when the tag's newest image is the source's digest; failed when the controller
 * reports `ImportSuccess=False` for the current generation; else pending.
 */
export function tagState(live: KubeObject, plan: TagPlan): TagState {
  const entry = statusTag(live, plan.tag);
  const items = entry && Array.isArray(entry['items']) ? entry['items'] : [];
  const latest = items[0];
  if (isRecord(latest) && latest['image'] === plan.digest) return { state: 'imported' };
  const conditions = entry && Array.isArray(entry['conditions']) ? entry['conditions'] : [];
  const failed = conditions.find(
    (c): c is Record<string, unknown> =>
      isRecord(c) &&
      c['type'] === 'ImportSuccess' &&
      c['status'] === 'False' &&
      (typeof c['generation'] !== 'number' || c['generation'] >= wantedGeneration(live, plan.tag)),
  );
  if (failed)
    return {
      state: 'failed',
      reason: String(failed['reason'] ?? ''),
      message: String(failed['message'] ?? ''),
    };
  return { state: 'pending' };
}

/** Copies the planned images of the streams written to this target (copy mode). */
async function copyImages(
  plans: readonly ImageStreamPlan[],
  settings: ImageStepSettings,
): Promise<ImageOutcome[]> {
  const specs = plans.flatMap((p) => p.tags.flatMap((t) => (t.copy ? [t.copy] : [])));
  if (!specs.length) return [];
  const { context } = settings;
  const src = await hostRegistry(context, settings.source);
  const dest = await hostRegistry(context, context.host);
  const session = openSession({}, context, src, dest);
  try {
    const settled = await settleBounded(specs, 4, (spec, i) => copyImage(spec, i, session));
    return settled.map((s, i) =>
      s.status === 'fulfilled'
        ? s.value
        : {
            image: specs[i]?.name ?? '',
            destination: specs[i]?.to ?? '',
            action: 'failed',
            changed: false,
            msg: errorMessage(s.reason),
          },
    );
  } finally {
    await session.close();
  }
}

function describeFailure(tag: TagPlan, state: TagState, host: string, seconds: number): string {
  if (state.state === 'failed')
    return `${host} could not import tag '${tag.tag}' from ${tag.from}: ${state.reason}: ${state.message}`;
  return `${host} did not import tag '${tag.tag}' (${tag.from}, ${tag.digest}) within ${seconds} s: no import status (is an image controller running?)`;
}

/** Asks the target's importer for a new import (OpenShift re-imports when the check annotation is gone). */
async function requestReimport(client: KubeClient, live: KubeObject): Promise<boolean> {
  if (live.metadata?.annotations?.[REPOSITORY_CHECK_ANNOTATION] === undefined) return false;
  const path = `/metadata/annotations/${REPOSITORY_CHECK_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  await patchObject(client, refOf(live), [{ op: 'remove', path }], { type: 'json' });
  return true;
}

interface Watched {
  outcome: SyncOutcome;
  plan: ImageStreamPlan;
}

/** Polls one stream until its tags are settled; returns the failures (empty: all imported). */
async function awaitImports(w: Watched, settings: ImageStepSettings): Promise<string[]> {
  const { clock } = settings.context.services;
  const deadline = clock.now() + settings.timeoutMs;
  const ref = w.outcome.ref;
  let reimport = w.outcome.action === 'unchanged';
  for (;;) {
    const live = await getObject(settings.client, ref);
    if (!live) return [`${describeRef(ref)} is gone from ${settings.context.host}`];
    const states = w.plan.tags.map((t) => ({ tag: t, state: tagState(live, t) }));
    const final = clock.now() >= deadline;
    const open = states.filter(
      (s) => s.state.state === 'pending' || (s.state.state === 'failed' && w.plan.mode === 'copy' && !final),
    );
    const failed = states.filter((s) => s.state.state === 'failed');
    if (reimport && failed.length && (await requestReimport(settings.client, live))) {
      reimport = false;
      w.outcome.action = 'configured';
      w.outcome.changed = true;
      w.outcome.msg = `re-import requested for ${failed.map((f) => f.tag.tag).join(', ')}`;
      await waitForImportMark(settings, ref, deadline);
      continue;
    }
    reimport = false;
    if (!open.length || final)
      return states
        .filter((s) => s.state.state !== 'imported')
        .map((s) => describeFailure(s.tag, s.state, settings.context.host, settings.timeoutMs / 1000));
    await clock.sleep(POLL_MS);
  }
}

/** Waits until the importer has set the check annotation again (it ran), or the deadline. */
async function waitForImportMark(
  settings: ImageStepSettings,
  ref: SyncOutcome['ref'],
  deadline: number,
): Promise<void> {
  const { clock } = settings.context.services;
  while (clock.now() < deadline) {
    const live = await getObject(settings.client, ref);
    if (!live || live.metadata?.annotations?.[REPOSITORY_CHECK_ANNOTATION] !== undefined) return;
    await clock.sleep(POLL_MS);
  }
}

function importDiff(outcome: SyncOutcome, failures: readonly string[]): ResultDiff {
  return {
    header: `${describeRef(outcome.ref)}: image import on the target`,
    before: '',
    after: `${failures.join('\n')}\n`,
  };
}

/**
 * Copies (copy mode) and checks the images of the ImageStreams written to this target; turns an
 * outcome into `failed` when its tags were not imported. Outcomes are updated in place.
 */
export async function carryImages(
  prepared: readonly PreparedObject[],
  outcomes: SyncOutcome[],
  settings: ImageStepSettings,
): Promise<ImageStepResult> {
  const plans = new Map(
    prepared
      .filter((p) => p.plan && p.plan.tags.length)
      .map((p) => [
        keyOf(p.object.kind, p.object.metadata?.namespace, p.object.metadata?.name),
        p.plan as ImageStreamPlan,
      ]),
  );
  const watched: Watched[] = outcomes
    .filter((o) => o.action !== 'failed' && o.action !== 'skipped' && o.action !== 'pruned')
    .flatMap((o) => {
      const plan = plans.get(keyOf(o.ref.kind, o.ref.namespace, o.ref.name));
      return plan ? [{ outcome: o, plan }] : [];
    });
  if (!watched.length) return { images: [], diffs: [] };
  const copies = watched.filter((w) => w.plan.mode === 'copy').map((w) => w.plan);
  const images = await copyImages(copies, settings);
  const result: ImageStepResult = { images, diffs: [] };
  if (settings.context.check || settings.timeoutMs === 0) return result;
  await Promise.all(
    watched.map(async (w) => {
      const failures = await awaitImports(w, settings);
      if (!failures.length) return;
      w.outcome.action = 'failed';
      w.outcome.msg = `${describeRef(w.outcome.ref)}: ${failures.join('; ')}`;
      result.diffs.push(importDiff(w.outcome, failures));
    }),
  );
  return result;
}
